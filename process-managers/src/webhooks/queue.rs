//! What the webhook process keeps in each tenant's schema (migration `0027_webhooks`): the
//! active subscriptions it queues events for, the deliveries it claims when they are due (a
//! lease: a claimed delivery is not claimed again until the lease ends, so a crash mid-send
//! only delays it), and the outcome of each attempt — logged, and folded into the delivery's
//! and its subscription's state in one transaction.

use chrono::{DateTime, Utc};
use prism_aggregates::tenant::TenantId;
use prism_platform::db::quote_ident;
use prism_platform::tenancy::schema_of;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

/// A subscription events are queued for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActiveSubscription {
    /// The subscription.
    pub subscription_id: Uuid,
    /// The event types it receives (`*`: all).
    pub event_types: Vec<String>,
}

impl ActiveSubscription {
    /// Whether it receives events of `event_type`.
    #[must_use]
    pub fn wants(&self, event_type: &str) -> bool {
        self.event_types.iter().any(|wanted| wanted == "*" || wanted == event_type)
    }
}

/// An event to queue for a subscription.
#[derive(Debug, Clone)]
pub struct Queued {
    /// The subscription.
    pub subscription_id: Uuid,
    /// The event.
    pub event_id: Uuid,
    /// Its type.
    pub event_type: String,
    /// Its position in the tenant's event store.
    pub global_position: i64,
}

/// A delivery due now, with what sending it needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueDelivery {
    /// The delivery.
    pub delivery_id: Uuid,
    /// Its subscription.
    pub subscription_id: Uuid,
    /// The endpoint.
    pub url: String,
    /// The signing secret.
    pub secret: String,
    /// Attempts made before this one.
    pub attempts: i32,
    /// When it was queued (its retry window starts then).
    pub created_at: DateTime<Utc>,
    /// The event.
    pub event_id: Uuid,
    /// Its type.
    pub event_type: String,
    /// The version its payload was stored at.
    pub event_version: String,
    /// Its aggregate's type.
    pub aggregate_type: String,
    /// Its aggregate.
    pub aggregate_id: String,
    /// Its sequence in the aggregate.
    pub sequence: i64,
    /// Its position in the tenant's event store.
    pub global_position: i64,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The stored payload (`{"<event type>": {...}}`).
    pub payload: Value,
}

/// One attempt at a delivery.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// When it started.
    pub at: DateTime<Utc>,
    /// The endpoint's HTTP status, when it answered.
    pub status_code: Option<u16>,
    /// Why it failed; `None` when it succeeded.
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i32,
}

/// What an attempt makes of its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered: the endpoint answered 2xx.
    Delivered,
    /// Failed; tried again then.
    RetryAt(DateTime<Utc>),
    /// Failed, and its retry window is over: given up, and one more failure in a row for its
    /// subscription, which is disabled at `disable_after` of them.
    GivenUp {
        /// Failed deliveries in a row that disable the subscription.
        disable_after: i32,
    },
}

/// The webhook tables of the tenants.
#[derive(Debug, Clone)]
pub struct WebhookQueue {
    pool: PgPool,
}

impl WebhookQueue {
    /// The tables over `pool`.
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    fn table(tenant: &TenantId, name: &str) -> String {
        format!("{}.{name}", quote_ident(&schema_of(tenant)))
    }

    /// Every tenant.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn tenants(&self) -> Result<Vec<TenantId>, sqlx::Error> {
        prism_platform::tenancy::registered_tenants(&self.pool).await
    }

    /// `tenant`'s active subscriptions.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn active_subscriptions(&self, tenant: &TenantId) -> Result<Vec<ActiveSubscription>, sqlx::Error> {
        let sql = format!(
            "SELECT subscription_id, event_types FROM {} WHERE status = 'active'",
            Self::table(tenant, "webhook_subscriptions")
        );
        sqlx::query_as(&sql).fetch_all(&self.pool).await
    }

    /// Queues `events` for `tenant`, each once per subscription however often it is queued.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn enqueue(&self, tenant: &TenantId, events: &[Queued]) -> Result<(), sqlx::Error> {
        let sql = format!(
            "INSERT INTO {} (subscription_id, event_id, event_type, global_position, redelivery)
             SELECT *, false FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::bigint[])
             ON CONFLICT (subscription_id, event_id) WHERE NOT redelivery DO NOTHING",
            Self::table(tenant, "webhook_deliveries")
        );
        sqlx::query(&sql)
            .bind(events.iter().map(|q| q.subscription_id).collect::<Vec<_>>())
            .bind(events.iter().map(|q| q.event_id).collect::<Vec<_>>())
            .bind(events.iter().map(|q| q.event_type.clone()).collect::<Vec<_>>())
            .bind(events.iter().map(|q| q.global_position).collect::<Vec<_>>())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Claims up to `limit` of `tenant`'s deliveries that are due, to active subscriptions,
    /// oldest first, for `lease_seconds`.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn claim(
        &self,
        tenant: &TenantId,
        limit: i64,
        lease_seconds: f64,
    ) -> Result<Vec<DueDelivery>, sqlx::Error> {
        let (deliveries, subscriptions, events) = (
            Self::table(tenant, "webhook_deliveries"),
            Self::table(tenant, "webhook_subscriptions"),
            Self::table(tenant, "events"),
        );
        let sql = format!(
            "WITH due AS (SELECT d.delivery_id FROM {deliveries} d JOIN {subscriptions} s USING (subscription_id)
                           WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND s.status = 'active'
                           ORDER BY d.next_attempt_at, d.global_position LIMIT $1 FOR UPDATE OF d SKIP LOCKED)
             UPDATE {deliveries} d SET next_attempt_at = now() + make_interval(secs => $2)
               FROM due, {subscriptions} s, {events} e
              WHERE d.delivery_id = due.delivery_id AND s.subscription_id = d.subscription_id
                AND e.event_id = d.event_id
             RETURNING d.delivery_id, d.subscription_id, s.url, s.secret, d.attempts, d.created_at, e.event_id,
                       e.event_type, e.event_version, e.aggregate_type, e.aggregate_id, e.sequence,
                       e.global_position, e.recorded_at, e.payload"
        );
        sqlx::query_as(&sql).bind(limit).bind(lease_seconds).fetch_all(&self.pool).await
    }

    /// When `tenant`'s next delivery to an active subscription falls due, if any is pending.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn next_due(&self, tenant: &TenantId) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
        let sql = format!(
            "SELECT min(d.next_attempt_at) FROM {} d JOIN {} s USING (subscription_id)
              WHERE d.status = 'pending' AND s.status = 'active'",
            Self::table(tenant, "webhook_deliveries"),
            Self::table(tenant, "webhook_subscriptions")
        );
        sqlx::query_scalar(&sql).fetch_one(&self.pool).await
    }

    /// Logs `attempt` at `delivery` and records its `outcome` on the delivery and its
    /// subscription.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn record(
        &self,
        tenant: &TenantId,
        delivery: &DueDelivery,
        attempt: &Attempt,
        outcome: Outcome,
    ) -> Result<(), sqlx::Error> {
        let (deliveries, subscriptions, attempts) = (
            Self::table(tenant, "webhook_deliveries"),
            Self::table(tenant, "webhook_subscriptions"),
            Self::table(tenant, "webhook_attempts"),
        );
        let status_code = attempt.status_code.map(i32::from);
        let mut transaction = self.pool.begin().await?;
        sqlx::query(&format!(
            "INSERT INTO {attempts} (delivery_id, attempt, attempted_at, status_code, error, duration_ms)
             VALUES ($1, $2, $3, $4, $5, $6)"
        ))
        .bind(delivery.delivery_id)
        .bind(delivery.attempts + 1)
        .bind(attempt.at)
        .bind(status_code)
        .bind(&attempt.error)
        .bind(attempt.duration_ms)
        .execute(&mut *transaction)
        .await?;
        let (status, next_attempt_at) = match outcome {
            Outcome::Delivered => ("delivered", None),
            Outcome::RetryAt(at) => ("pending", Some(at)),
            Outcome::GivenUp { .. } => ("failed", None),
        };
        sqlx::query(&format!(
            "UPDATE {deliveries} SET status = $2, attempts = attempts + 1, last_status_code = $3, last_error = $4,
                    next_attempt_at = coalesce($5, next_attempt_at),
                    finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END
              WHERE delivery_id = $1"
        ))
        .bind(delivery.delivery_id)
        .bind(status)
        .bind(status_code)
        .bind(&attempt.error)
        .bind(next_attempt_at)
        .execute(&mut *transaction)
        .await?;
        let subscription_change = match outcome {
            Outcome::Delivered => "consecutive_failures = 0, last_delivered_at = now()".to_owned(),
            Outcome::RetryAt(_) => "last_failed_at = now()".to_owned(),
            Outcome::GivenUp { disable_after } => format!(
                "consecutive_failures = consecutive_failures + 1, last_failed_at = now(),
                 status = CASE WHEN consecutive_failures + 1 >= {disable_after} THEN 'disabled' ELSE status END,
                 disabled_at = CASE WHEN consecutive_failures + 1 >= {disable_after} AND status = 'active'
                                    THEN now() ELSE disabled_at END,
                 disabled_reason = CASE WHEN consecutive_failures + 1 >= {disable_after} AND status = 'active'
                                        THEN (consecutive_failures + 1) || ' deliveries failed in a row'
                                        ELSE disabled_reason END"
            ),
        };
        sqlx::query(&format!("UPDATE {subscriptions} SET {subscription_change} WHERE subscription_id = $1"))
            .bind(delivery.subscription_id)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await
    }
}
