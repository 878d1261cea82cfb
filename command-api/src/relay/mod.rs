//! The outbox relay. One relay leads at a time (a Postgres advisory lock held on a
//! dedicated connection); the others stand by. The leader drains `shared.outbox` in order,
//! publishes each event to its topic as Confluent Avro with envelope headers through an
//! idempotent producer, and deletes rows only once Kafka acknowledged them. It wakes on
//! `LISTEN prism_outbox` and polls as a fallback. Delivery is at least once; consumers
//! dedupe by aggregate sequence.

mod outbox;
mod publisher;

use std::time::Duration;

use prism_platform::contract::{topic_name, Catalogue, EVENTS};
use prism_platform::{db, kafka};
use sqlx::postgres::PgListener;
use sqlx::{Connection, PgConnection, PgPool};
use tokio_util::sync::CancellationToken;

use crate::config::RelayConfig;
pub use outbox::OutboxRow;
use publisher::Publisher;

/// Advisory-lock key held by the leading relay.
const LEADER_LOCK_KEY: i64 = 0x7072_6973_6d5f_726c; // "prism_rl"

/// Notification channel the outbox trigger signals.
pub const OUTBOX_CHANNEL: &str = "prism_outbox";

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A configured relay, ready to run.
pub struct Relay {
    config: RelayConfig,
    pool: PgPool,
    publisher: Publisher,
}

impl Relay {
    /// Connects to Postgres and Kafka, migrates the shared schema and creates the topics.
    ///
    /// # Errors
    /// When a dependency is unreachable or refuses.
    pub async fn build(config: RelayConfig) -> Result<Self, BoxError> {
        let pool = db::connect(&config.database).await?;
        db::migrate(&pool, "shared", db::SHARED).await?;
        let topics: Vec<String> =
            EVENTS.iter().map(|c| topic_name(&config.kafka.topic_prefix, c.topic_suffix)).collect();
        kafka::ensure_topics(&config.kafka, &topics).await?;
        let publisher = Publisher::new(&config, Catalogue::load()?)?;
        Ok(Self { config, pool, publisher })
    }

    /// Runs until `shutdown`: stands by until it holds the leader lock, then publishes.
    ///
    /// # Errors
    /// Only for failures that retrying cannot fix.
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), BoxError> {
        let standby = Duration::from_millis(self.config.poll_interval_ms);
        while !shutdown.is_cancelled() {
            match self.lead_while_possible(&shutdown).await {
                Ok(true) => {}
                Ok(false) => tracing::debug!("another relay leads; standing by"),
                Err(error) => tracing::warn!(%error, "relay lost its footing; retrying"),
            }
            tokio::select! {
                () = shutdown.cancelled() => {}
                () = tokio::time::sleep(standby) => {}
            }
        }
        Ok(())
    }

    /// Takes the leader lock if free and publishes until shutdown or an error.
    /// Returns whether it led.
    async fn lead_while_possible(&self, shutdown: &CancellationToken) -> Result<bool, BoxError> {
        let mut lock_connection = PgConnection::connect(&self.config.database.url).await?;
        let acquired: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(LEADER_LOCK_KEY)
            .fetch_one(&mut lock_connection)
            .await?;
        if !acquired {
            return Ok(false);
        }
        tracing::info!("relay is the leader");
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(OUTBOX_CHANNEL).await?;
        let poll = Duration::from_millis(self.config.poll_interval_ms);
        while !shutdown.is_cancelled() {
            sqlx::query("SELECT 1").execute(&mut lock_connection).await?;
            let published = match self.publish_one_batch().await {
                Ok(published) => published,
                Err(error) => {
                    tracing::warn!(%error, "publishing failed; the batch stays in the outbox");
                    metrics::counter!("prism_relay_failures_total").increment(1);
                    tokio::time::sleep(Duration::from_millis(self.config.retry_backoff_ms)).await;
                    continue;
                }
            };
            if published < self.config.batch_max_events {
                tokio::select! {
                    () = shutdown.cancelled() => {}
                    _ = listener.try_recv() => {}
                    () = tokio::time::sleep(poll) => {}
                }
            }
        }
        Ok(true)
    }

    /// Publishes the oldest outbox rows and deletes those Kafka acknowledged.
    async fn publish_one_batch(&self) -> Result<i64, BoxError> {
        let rows = outbox::oldest(&self.pool, self.config.batch_max_events).await?;
        if rows.is_empty() {
            metrics::gauge!("prism_relay_lag_seconds").set(0.0);
            return Ok(0);
        }
        let oldest_age = chrono::Utc::now().signed_duration_since(rows[0].recorded_at);
        metrics::gauge!("prism_relay_lag_seconds").set(oldest_age.as_seconds_f64());
        let (acknowledged, failure) = self.publisher.publish(&rows).await;
        outbox::delete(&self.pool, &acknowledged).await?;
        let published = i64::try_from(acknowledged.len()).unwrap_or(i64::MAX);
        metrics::counter!("prism_relay_published_total").increment(u64::try_from(published).unwrap_or(0));
        match failure {
            Some(error) => Err(error),
            None => Ok(published),
        }
    }
}
