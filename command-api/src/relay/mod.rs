//! The outbox relay. One relay leads at a time (a Postgres advisory lock held on a
//! dedicated connection); the others stand by. The leader drains `shared.outbox` in order,
//! publishes each event to its topic as Confluent Avro with envelope headers through an
//! idempotent producer, and deletes rows only once Kafka acknowledged them. It wakes on
//! `LISTEN prism_outbox` and polls as a fallback. Delivery is at least once; consumers
//! dedupe by aggregate sequence.

mod outbox;

use std::time::Duration;

use prism_platform::contract::{topic_name, Catalogue, EVENTS};
use prism_platform::{db, kafka, pool_metrics};
use sqlx::postgres::PgListener;
use sqlx::{Connection, PgConnection, PgPool};
use tokio_util::sync::CancellationToken;

use crate::config::RelayConfig;
use prism_platform::publishing::{InFlight, Publisher};

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
    /// Connects to Postgres and Kafka, brings the database's migrations up to date and creates
    /// the topics.
    ///
    /// # Errors
    /// When a dependency is unreachable or refuses.
    pub async fn build(config: RelayConfig) -> Result<Self, BoxError> {
        let pool = db::connect(&config.database).await?;
        db::bring_up_to_date(&pool, db::MAIN_DATABASE).await?;
        let topics: Vec<String> =
            EVENTS.iter().map(|c| topic_name(&config.kafka.topic_prefix, c.topic_suffix)).collect();
        kafka::ensure_topics(&config.kafka, &topics).await?;
        let publisher = Publisher::new(&config.kafka, &config.registry, Catalogue::load()?)?;
        Ok(Self { config, pool, publisher })
    }

    /// Runs until `shutdown`: stands by until it holds the leader lock, then publishes.
    /// Reports the pool's usage meanwhile.
    ///
    /// # Errors
    /// Only for failures that retrying cannot fix.
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), BoxError> {
        pool_metrics::report(self.pool.clone(), "main", shutdown.clone());
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
            if let Err(error) = self.drain(&mut lock_connection, shutdown).await? {
                tracing::warn!(%error, "publishing failed; the unacknowledged rows stay in the outbox");
                metrics::counter!("prism_relay_failures_total").increment(1);
                tokio::time::sleep(Duration::from_millis(self.config.retry_backoff_ms)).await;
                continue;
            }
            tokio::select! {
                () = shutdown.cancelled() => {}
                _ = listener.try_recv() => {}
                () = tokio::time::sleep(poll) => {}
            }
        }
        Ok(true)
    }

    /// Publishes the outbox until a read comes back short of a full batch (or shutdown),
    /// reading the next batch while the one in flight waits for its acknowledgements and
    /// is deleted. The next batch is handed to the producer only once the previous one
    /// settled without failure, so at most one batch is ever in flight, rows are deleted
    /// only after Kafka acknowledged them, and nothing is sent after a failure. Each read
    /// starts at the oldest visible row, leaving out the batch in flight (see
    /// [`outbox::oldest`] for why that keeps every aggregate's events in order).
    ///
    /// The outer error is the loss of the leader connection; the inner one a failed batch.
    async fn drain(
        &self,
        lock_connection: &mut PgConnection,
        shutdown: &CancellationToken,
    ) -> Result<Result<(), BoxError>, sqlx::Error> {
        let limit = self.config.batch_max_events.max(1);
        let mut in_flight: Option<InFlight> = None;
        loop {
            let excluded = in_flight.as_ref().map(InFlight::outbox_ids).unwrap_or_default();
            // Still the leader? Checked before every batch is handed over, as the previous
            // batch settles and the next is read.
            let (settled, leading, rows, depth) = tokio::join!(
                self.settle(in_flight.take()),
                sqlx::query("SELECT 1").execute(&mut *lock_connection),
                outbox::oldest(&self.pool, &excluded, limit),
                outbox::depth(&self.pool),
            );
            leading?;
            if let Err(error) = settled {
                return Ok(Err(error));
            }
            let rows = match rows {
                Ok(rows) => rows,
                Err(error) => return Ok(Err(error.into())),
            };
            match depth {
                #[allow(clippy::cast_precision_loss)]
                Ok(depth) => metrics::gauge!("prism_outbox_depth").set(depth as f64),
                Err(error) => tracing::debug!(%error, "outbox depth not read"),
            }
            if rows.is_empty() {
                metrics::gauge!("prism_relay_lag_seconds").set(0.0);
                return Ok(Ok(()));
            }
            let oldest_age = chrono::Utc::now().signed_duration_since(rows[0].recorded_at);
            metrics::gauge!("prism_relay_lag_seconds").set(oldest_age.as_seconds_f64());
            let sent = self.publisher.send_all(&rows).await;
            let full = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= limit;
            drop(rows);
            if !sent.complete() || !full || shutdown.is_cancelled() {
                return Ok(self.settle(Some(sent)).await);
            }
            in_flight = Some(sent);
        }
    }

    /// Waits for a batch's acknowledgements and deletes the acknowledged rows.
    async fn settle(&self, in_flight: Option<InFlight>) -> Result<(), BoxError> {
        let Some(in_flight) = in_flight else { return Ok(()) };
        let (acknowledged, failure) = in_flight.settle().await;
        outbox::delete(&self.pool, &acknowledged).await?;
        metrics::counter!("prism_relay_published_total").increment(u64::try_from(acknowledged.len()).unwrap_or(0));
        match failure {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}
