//! The sending half of the webhook process: every tick (or as soon as events are queued) it
//! claims each tenant's due deliveries, POSTs each event to its endpoint as JSON, signed
//! ([`super::signature`]), and records the attempt. A 2xx answer delivers it; anything else
//! (another status, a refused connection, a timeout) is retried after a backoff that doubles
//! from the first one up to a ceiling, until the retry window since it was queued is over —
//! then it is given up, and a subscription whose deliveries are given up so many times in a row
//! is disabled ([`RetryPolicy`]). Attempts are counted in `prism_webhook_attempts_total{outcome}`
//! (`delivered`, `retried`, `given_up`). Redirects are not followed: an endpoint answers itself.
//! The client speaks HTTP/1.1, in the clear or over TLS (rustls, checked against the Mozilla
//! roots).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::Request;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use prism_aggregates::tenant::TenantId;
use prism_aggregates::upcasting::upcast_tagged;
use prism_platform::tenancy::TenantProvisioner;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::queue::{Attempt, DueDelivery, Outcome, WebhookQueue};
use super::signature::{signature, SIGNATURE_HEADER};

/// How often due deliveries are looked for when nothing wakes the dispatcher sooner (events
/// queued, or a retry it scheduled falling due).
const TICK: Duration = Duration::from_millis(500);
/// Most deliveries of one tenant claimed at once.
const CLAIM_BATCH: i64 = 64;
/// Most deliveries in flight at once.
const CONCURRENCY: usize = 16;
/// Most characters of an endpoint's answer kept in the delivery log.
const MAX_LOGGED_ANSWER_CHARS: usize = 300;
/// Most bytes of an endpoint's answer read.
const MAX_READ_ANSWER_BYTES: usize = 16 * 1024;
/// Who is calling, as the endpoint sees it.
const USER_AGENT: &str = concat!("Prism-Webhooks/", env!("CARGO_PKG_VERSION"));

/// When a failed delivery is tried again, and when it is given up.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt; each later one doubles it.
    pub first_backoff: Duration,
    /// The longest wait between attempts.
    pub max_backoff: Duration,
    /// How long after it was queued a delivery is still tried.
    pub retry_for: Duration,
    /// Given-up deliveries in a row that disable a subscription.
    pub disable_after: i32,
}

impl RetryPolicy {
    /// The wait after `failed` failed attempts (1 or more).
    #[must_use]
    pub fn backoff(&self, failed: i32) -> Duration {
        let doublings = u32::try_from(failed.saturating_sub(1)).unwrap_or(0).min(30);
        self.first_backoff.saturating_mul(1 << doublings).min(self.max_backoff)
    }

    /// What a failed attempt, the `failed`-th, at `now` makes of a delivery queued at `queued_at`.
    #[must_use]
    pub fn after_failure(&self, queued_at: DateTime<Utc>, now: DateTime<Utc>, failed: i32) -> Outcome {
        let next = chrono::Duration::from_std(self.backoff(failed)).ok().and_then(|wait| now.checked_add_signed(wait));
        let deadline =
            chrono::Duration::from_std(self.retry_for).ok().and_then(|window| queued_at.checked_add_signed(window));
        match (next, deadline) {
            (Some(next), Some(deadline)) if next <= deadline => Outcome::RetryAt(next),
            _ => Outcome::GivenUp { disable_after: self.disable_after },
        }
    }
}

/// The JSON body of a delivery: the event's envelope and its fields, as `docs/events.md` lists
/// them, at the current version of its type.
#[derive(Debug, Serialize)]
struct DeliveryBody<'a> {
    id: uuid::Uuid,
    #[serde(rename = "type")]
    event_type: &'a str,
    version: String,
    tenant: &'a str,
    aggregate_type: &'a str,
    aggregate_id: &'a str,
    sequence: i64,
    global_position: i64,
    occurred_at: DateTime<Utc>,
    data: Value,
}

/// The body of `delivery` to `tenant`'s endpoint.
///
/// # Errors
/// When its stored payload cannot be brought to the current version.
fn body_of(tenant: &TenantId, delivery: &DueDelivery) -> Result<Vec<u8>, String> {
    let (tagged, version) = upcast_tagged(&delivery.event_type, &delivery.event_version, delivery.payload.clone())
        .map_err(|error| error.to_string())?;
    // A payload is `{"<type>": {...fields}}`; an event without fields is stored as its name.
    let data = match tagged {
        Value::Object(mut tagged) => tagged.remove(&delivery.event_type).unwrap_or(Value::Object(tagged)),
        _ => Value::Object(serde_json::Map::new()),
    };
    let body = DeliveryBody {
        id: delivery.event_id,
        event_type: &delivery.event_type,
        version,
        tenant: tenant.as_str(),
        aggregate_type: &delivery.aggregate_type,
        aggregate_id: &delivery.aggregate_id,
        sequence: delivery.sequence,
        global_position: delivery.global_position,
        occurred_at: delivery.recorded_at,
        data,
    };
    serde_json::to_vec(&body).map_err(|error| error.to_string())
}

/// An HTTP/1.1 client over plain TCP or TLS (rustls, the Mozilla roots).
type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Sends the queued deliveries of every tenant.
pub struct Dispatcher {
    queue: WebhookQueue,
    provisioner: Arc<TenantProvisioner>,
    client: HttpsClient,
    policy: RetryPolicy,
    timeout: Duration,
    /// Woken when events were queued.
    queued: Arc<Notify>,
}

impl Dispatcher {
    /// A dispatcher over `queue`, waiting up to `timeout` for an endpoint, woken by `queued`.
    ///
    /// # Errors
    /// When the TLS configuration cannot be built.
    pub fn new(
        queue: WebhookQueue,
        provisioner: Arc<TenantProvisioner>,
        policy: RetryPolicy,
        timeout: Duration,
        queued: Arc<Notify>,
    ) -> Result<Self, String> {
        let connector = HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|error| format!("webhook TLS configuration: {error}"))?
            .https_or_http()
            .enable_http1()
            .build();
        let client = Client::builder(TokioExecutor::new()).build(connector);
        Ok(Self { queue, provisioner, client, policy, timeout, queued })
    }

    /// Sends until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) {
        loop {
            let wait = match self.send_due().await {
                Ok(Some(next_due)) => (next_due - Utc::now()).to_std().unwrap_or_default().min(TICK),
                Ok(None) => TICK,
                Err(error) => {
                    tracing::warn!(%error, "webhook deliveries could not be claimed; trying again");
                    TICK
                }
            };
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = self.queued.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Sends every delivery due now, tenant by tenant: when the next one falls due.
    async fn send_due(&self) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
        let lease_seconds = (self.timeout + Duration::from_secs(30)).as_secs_f64();
        let mut next_due: Option<DateTime<Utc>> = None;
        for tenant in self.queue.tenants().await? {
            self.provisioner.ensure(&tenant).await?;
            loop {
                let due = self.queue.claim(&tenant, CLAIM_BATCH, lease_seconds).await?;
                let claimed = due.len();
                let sent: Vec<_> = stream::iter(due)
                    .map(|delivery| self.send(&tenant, delivery))
                    .buffer_unordered(CONCURRENCY)
                    .collect()
                    .await;
                sent.into_iter().collect::<Result<(), _>>()?;
                if i64::try_from(claimed).unwrap_or(0) < CLAIM_BATCH {
                    break;
                }
            }
            if let Some(at) = self.queue.next_due(&tenant).await? {
                next_due = Some(next_due.map_or(at, |earliest| earliest.min(at)));
            }
        }
        Ok(next_due)
    }

    /// Makes one attempt at `delivery` and records it.
    async fn send(&self, tenant: &TenantId, delivery: DueDelivery) -> Result<(), sqlx::Error> {
        let at = Utc::now();
        let started = Instant::now();
        let (status_code, error) = match body_of(tenant, &delivery) {
            Ok(body) => self.post(&delivery, at, body).await,
            Err(error) => (None, Some(format!("the event cannot be read: {error}"))),
        };
        let attempt = Attempt {
            at,
            status_code,
            duration_ms: i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX),
            error: error.clone(),
        };
        let outcome = match error {
            None => Outcome::Delivered,
            Some(_) => self.policy.after_failure(delivery.created_at, Utc::now(), delivery.attempts + 1),
        };
        if let Some(error) = &attempt.error {
            tracing::info!(delivery_id = %delivery.delivery_id, url = %delivery.url, error, ?outcome, "webhook delivery failed");
        }
        let counted = match outcome {
            Outcome::Delivered => "delivered",
            Outcome::RetryAt(_) => "retried",
            Outcome::GivenUp { .. } => "given_up",
        };
        metrics::counter!("prism_webhook_attempts_total", "outcome" => counted).increment(1);
        self.queue.record(tenant, &delivery, &attempt, outcome).await
    }

    /// POSTs `body` to the delivery's endpoint, waiting at most the timeout for the whole
    /// answer: its status, and why it failed unless 2xx.
    async fn post(&self, delivery: &DueDelivery, at: DateTime<Utc>, body: Vec<u8>) -> (Option<u16>, Option<String>) {
        let request = Request::post(&delivery.url)
            .header("content-type", "application/json")
            .header("user-agent", USER_AGENT)
            .header(SIGNATURE_HEADER, signature(&delivery.secret, at.timestamp(), &body))
            .header("prism-event-id", delivery.event_id.to_string())
            .header("prism-event-type", &delivery.event_type)
            .header("prism-delivery-id", delivery.delivery_id.to_string())
            .header("prism-delivery-attempt", (delivery.attempts + 1).to_string())
            .body(Full::new(Bytes::from(body)));
        let request = match request {
            Ok(request) => request,
            Err(error) => return (None, Some(format!("the request cannot be built: {error}"))),
        };
        let exchange = async {
            let response = self.client.request(request).await?;
            let status = response.status();
            if status.is_success() {
                return Ok((status, String::new()));
            }
            let answer = Limited::new(response.into_body(), MAX_READ_ANSWER_BYTES).collect().await;
            let answer = answer.map(http_body_util::Collected::to_bytes).unwrap_or_default();
            Ok::<_, hyper_util::client::legacy::Error>((status, String::from_utf8_lossy(&answer).into_owned()))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Err(_) => (None, Some(format!("no answer within {} ms", self.timeout.as_millis()))),
            Ok(Err(error)) => (None, Some(error_chain(&error))),
            Ok(Ok((status, _))) if status.is_success() => (Some(status.as_u16()), None),
            Ok(Ok((status, answer))) => {
                let answer: String = answer.chars().take(MAX_LOGGED_ANSWER_CHARS).collect();
                (Some(status.as_u16()), Some(format!("HTTP {status}: {answer}")))
            }
        }
    }
}

/// `error` with its causes, `: `-separated (a client error's own message rarely says what went
/// wrong).
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let messages: Vec<String> =
        std::iter::successors(Some(error), |error| error.source()).map(ToString::to_string).collect();
    messages.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        first_backoff: Duration::from_secs(10),
        max_backoff: Duration::from_secs(3_600),
        retry_for: Duration::from_secs(86_400),
        disable_after: 5,
    };

    #[test]
    fn the_backoff_doubles_from_the_first_up_to_the_ceiling() {
        let waits: Vec<u64> = (1..=11).map(|failed| POLICY.backoff(failed).as_secs()).collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 320, 640, 1_280, 2_560, 3_600, 3_600]);
        assert_eq!(POLICY.backoff(1_000).as_secs(), 3_600, "no overflow");
    }

    #[test]
    fn a_delivery_is_retried_while_its_next_attempt_falls_in_the_window() {
        let queued = DateTime::parse_from_rfc3339("2026-11-27T00:00:00Z").expect("moment").to_utc();
        let an_hour_later = queued + chrono::Duration::hours(1);
        assert_eq!(
            POLICY.after_failure(queued, an_hour_later, 3),
            Outcome::RetryAt(an_hour_later + chrono::Duration::seconds(40))
        );
        let almost_a_day = queued + chrono::Duration::hours(23) + chrono::Duration::minutes(30);
        assert_eq!(
            POLICY.after_failure(queued, almost_a_day, 20),
            Outcome::GivenUp { disable_after: 5 },
            "the next try would be past the day"
        );
    }

    #[test]
    fn the_body_is_the_envelope_and_the_events_fields() {
        let tenant = TenantId::parse("acme").expect("slug");
        let delivery = DueDelivery {
            delivery_id: uuid::Uuid::nil(),
            subscription_id: uuid::Uuid::nil(),
            url: "http://127.0.0.1/".to_owned(),
            secret: "s".to_owned(),
            attempts: 0,
            created_at: Utc::now(),
            event_id: uuid::Uuid::nil(),
            event_type: "UserDeactivated".to_owned(),
            event_version: "1".to_owned(),
            aggregate_type: "identity.user".to_owned(),
            aggregate_id: "u-1".to_owned(),
            sequence: 2,
            global_position: 42,
            recorded_at: Utc::now(),
            payload: serde_json::json!({"UserDeactivated": {"reason": "left"}}),
        };
        let body: Value = serde_json::from_slice(&body_of(&tenant, &delivery).expect("readable")).expect("JSON");
        assert_eq!(body["type"], "UserDeactivated");
        assert_eq!(body["tenant"], "acme");
        assert_eq!(body["global_position"], 42);
        assert_eq!(body["data"], serde_json::json!({"reason": "left"}));
    }
}
