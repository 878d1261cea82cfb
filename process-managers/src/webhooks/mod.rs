//! The webhook process manager (Nexus), its own consumer group over every event topic: each
//! event is queued, once per event and subscription however often Kafka redelivers it, for
//! every active subscription of its tenant that wants its type ([`queue`]); the [`dispatcher`]
//! beside it sends the queued deliveries — signed ([`signature`]), retried with a doubling
//! backoff for a configurable time, logged attempt by attempt — and disables a subscription
//! whose deliveries keep failing. Queuing before sending keeps a slow or dead endpoint from
//! holding up the topics, and a delivery queued is not lost: it is in Postgres until it is
//! delivered or given up. Delivery is at least once: a receiver recognises a repeat by its
//! `Prism-Event-Id`.

pub mod dispatcher;
pub mod queue;
pub mod signature;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use prism_platform::contract;
use prism_projections::decode::ProjectedEvent;
use prism_projections::projection::{Projection, ProjectionError, SourcePosition};
use prism_projections::transient::Transient;
use tokio::sync::Notify;

use self::dispatcher::{Dispatcher, RetryPolicy};
use self::queue::{Queued, WebhookQueue};
use crate::saga::tenant_of;
use crate::stores::EventStores;

/// Name of this process manager (consumer group, dead-letter topic, metrics).
pub const NAME: &str = "webhooks";

/// How the webhook process sends.
#[derive(Debug, Clone, Args)]
pub struct WebhookArgs {
    /// Longest wait for an endpoint's answer, in milliseconds.
    #[arg(long = "webhook-timeout-ms", env = "PRISM_WEBHOOK_TIMEOUT_MS", default_value_t = 10_000)]
    pub timeout_ms: u64,
    /// Wait after a delivery's first failed attempt, in milliseconds; each later one doubles it.
    #[arg(long = "webhook-first-backoff-ms", env = "PRISM_WEBHOOK_FIRST_BACKOFF_MS", default_value_t = 10_000)]
    pub first_backoff_ms: u64,
    /// Longest wait between two attempts, in milliseconds.
    #[arg(long = "webhook-max-backoff-ms", env = "PRISM_WEBHOOK_MAX_BACKOFF_MS", default_value_t = 3_600_000)]
    pub max_backoff_ms: u64,
    /// How long after it was queued a delivery is still tried, in seconds.
    #[arg(long = "webhook-retry-for-seconds", env = "PRISM_WEBHOOK_RETRY_FOR_SECONDS", default_value_t = 86_400)]
    pub retry_for_seconds: u64,
    /// Deliveries given up in a row that disable a subscription.
    #[arg(long = "webhook-disable-after", env = "PRISM_WEBHOOK_DISABLE_AFTER", default_value_t = 5,
          value_parser = clap::value_parser!(i32).range(1..))]
    pub disable_after: i32,
}

impl WebhookArgs {
    /// The retry policy these settings describe.
    #[must_use]
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            first_backoff: Duration::from_millis(self.first_backoff_ms),
            max_backoff: Duration::from_millis(self.max_backoff_ms),
            retry_for: Duration::from_secs(self.retry_for_seconds),
            disable_after: self.disable_after,
        }
    }
}

/// Queues each event for the subscriptions that want it.
pub struct Webhooks {
    stores: Arc<EventStores>,
    queue: WebhookQueue,
    /// Wakes the dispatcher when something was queued.
    queued: Arc<Notify>,
}

impl Webhooks {
    /// The queuing half over `stores`, and the dispatcher that sends what it queues as `args`
    /// say.
    ///
    /// # Errors
    /// When the dispatcher's HTTP client cannot be built.
    pub fn new(stores: Arc<EventStores>, args: &WebhookArgs) -> Result<(Self, Dispatcher), String> {
        let queue = WebhookQueue::new(stores.pool.clone());
        let queued = Arc::new(Notify::new());
        let timeout = Duration::from_millis(args.timeout_ms);
        let dispatcher =
            Dispatcher::new(queue.clone(), stores.provisioner.clone(), args.policy(), timeout, queued.clone())?;
        Ok((Self { stores, queue, queued }, dispatcher))
    }
}

/// A failure of the database, retried until it passes.
fn transient(error: impl std::fmt::Display) -> ProjectionError {
    Box::new(Transient(error.to_string()))
}

#[async_trait::async_trait]
impl Projection for Webhooks {
    fn aggregate_types(&self) -> &'static [&'static str] {
        contract::aggregate_types()
    }

    async fn resume_offsets(&self, _topic: &str) -> Result<Option<HashMap<i32, i64>>, ProjectionError> {
        Ok(None)
    }

    async fn apply_batch(&self, events: &[ProjectedEvent]) -> Result<(), ProjectionError> {
        let mut by_tenant: BTreeMap<&str, Vec<&ProjectedEvent>> = BTreeMap::new();
        for event in events {
            by_tenant.entry(event.envelope.tenant.as_str()).or_default().push(event);
        }
        for events in by_tenant.into_values() {
            let tenant = tenant_of(&events[0].envelope)?;
            // A tenant provisioned before the webhook tables gets them here.
            self.stores.provisioner.ensure(&tenant).await.map_err(transient)?;
            let subscriptions = self.queue.active_subscriptions(&tenant).await.map_err(transient)?;
            let queued: Vec<Queued> = events
                .iter()
                .flat_map(|event| {
                    let envelope = &event.envelope;
                    subscriptions.iter().filter(|s| s.wants(&envelope.event_type)).map(|s| Queued {
                        subscription_id: s.subscription_id,
                        event_id: envelope.event_id,
                        event_type: envelope.event_type.clone(),
                        global_position: envelope.global_position,
                    })
                })
                .collect();
            if !queued.is_empty() {
                self.queue.enqueue(&tenant, &queued).await.map_err(transient)?;
                self.queued.notify_one();
            }
        }
        Ok(())
    }

    async fn skip(&self, _source: &SourcePosition) -> Result<(), ProjectionError> {
        Ok(())
    }
}
