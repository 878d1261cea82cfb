//! Replaying a tenant's events into a Postgres read model, the way the `postgres` projector
//! builds it: events read back from the tenant's `events` in global order, in batches, upcast
//! and decoded as the projector decodes them from Kafka, and written by the projector's own
//! code ([`write_applied`]) into another schema migrated like a tenant's. Memory stays bounded
//! by the batch. [`crate::read_models`] compares such a replay with the live read model;
//! [`crate::rebuild`] swaps it in.

use std::collections::HashSet;

use prism_platform::db;
use prism_platform::publishing::OutboxRow;
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projectors::checkpoint::{write_applied, SqlWriter};
use prism_projections::projectors::postgres::LedgerWriter;
use sqlx::{Executor, PgConnection, PgPool, Postgres, Transaction};

use crate::deferred;
use crate::store::events_as_outbox_rows;
use crate::AuditError;

/// Events read and written per batch.
pub const BATCH: i64 = 2_000;

/// The projector replayed.
pub type Writer = LedgerWriter;

/// Tables of a tenant schema that are not read models: the event store and its bookkeeping,
/// the credentials and the personal-data keys the command API keeps beside the events (no
/// replay can rebuild them: a rebuild that swapped the keys out would erase every employee's
/// personal data), the notification process's records and the tenant's templates, the
/// webhook subscriptions with their deliveries, and a replay's own bookkeeping.
pub const NOT_READ_MODELS: &[&str] = &[
    deferred::TABLE,
    "_prism_migrations",
    "event_chain_head",
    "events",
    "snapshots",
    "user_credentials",
    "hr_personal_data_keys",
    "notification_templates",
    "notification_deliveries",
    "in_app_notifications",
    "in_app_notification_reads",
    "webhook_subscriptions",
    "webhook_deliveries",
    "webhook_attempts",
];

/// A transaction for one replayed batch. Its commit does not wait for the WAL to reach disk
/// (`synchronous_commit = off`): a crash may lose the last batches committed, and the replay,
/// resuming from what its schema says it applied, simply does them again.
///
/// # Errors
/// A database failure.
async fn batch_transaction(pool: &PgPool) -> Result<Transaction<'static, Postgres>, AuditError> {
    let mut tx = pool.begin().await?;
    tx.execute("SET LOCAL synchronous_commit TO off").await?;
    Ok(tx)
}

/// Creates and migrates the schema `name` (unquoted) like a tenant's, if it is not yet.
///
/// # Errors
/// When a migration fails.
pub async fn prepare(pool: &PgPool, name: &str) -> Result<(), AuditError> {
    for set in Writer::SETS {
        db::migrate(pool, name, *set).await?;
    }
    Ok(())
}

/// Where a replay reads from and writes to.
#[derive(Debug, Clone, Copy)]
pub struct Replay<'a> {
    /// The tenant slug.
    pub tenant: &'a str,
    /// The tenant's schema, quoted: the events.
    pub schema: &'a str,
    /// The schema written to, quoted.
    pub target: &'a str,
    /// Only these global positions, when given (the ones the live projector applied).
    pub only: Option<&'a HashSet<i64>>,
}

/// One batch of events read and decoded, not yet written.
struct Batch {
    events: Vec<ProjectedEvent>,
    /// The global position read up to (events of other projectors included).
    last: i64,
}

impl Replay<'_> {
    /// Replays every event after global position `after` in batches, each written and
    /// committed in its own [`batch_transaction`] while the next one is read and decoded on
    /// another connection of `pool` (so the process decodes while Postgres writes), calling
    /// `progress` with the events each batch wrote: how many were written, and the position
    /// read up to (`after` when none was left).
    ///
    /// # Errors
    /// A database failure (the batches committed before it stay), an event that does not
    /// decode, or the writer refusing one.
    pub async fn stream(
        &self,
        pool: &PgPool,
        mut after: i64,
        mut progress: impl FnMut(i64),
    ) -> Result<(i64, i64), AuditError> {
        let mut replayed = 0;
        let mut next = self.read(pool, after).await?;
        while let Some(batch) = next {
            let commit = async {
                let mut tx = batch_transaction(pool).await?;
                let written = self.write(&mut tx, &batch).await?;
                tx.commit().await?;
                Ok::<_, AuditError>(written)
            };
            let (written, following) = tokio::try_join!(commit, self.read(pool, batch.last))?;
            (after, replayed) = (batch.last, replayed + written);
            progress(written);
            next = following;
        }
        Ok((replayed, after))
    }

    /// Replays the next batch of events after global position `after`, within `conn`: how
    /// many it wrote and the position it read up to; `None` once no event is left.
    ///
    /// # Errors
    /// A database failure, an event that does not decode, or the writer refusing one.
    pub async fn next_batch(&self, conn: &mut PgConnection, after: i64) -> Result<Option<(i64, i64)>, AuditError> {
        let Some(batch) = self.read(&mut *conn, after).await? else { return Ok(None) };
        Ok(Some((self.write(conn, &batch).await?, batch.last)))
    }

    /// Reads the next batch of events after global position `after`, keeping the ones this
    /// replay is [`Replay::only`] about, and decodes them on a blocking thread (so that a batch
    /// being written meanwhile is not held up); `None` once no event is left.
    async fn read<'c>(
        &self,
        conn: impl Executor<'c, Database = Postgres>,
        after: i64,
    ) -> Result<Option<Batch>, AuditError> {
        let sql = format!(
            "SELECT {} FROM {}.events WHERE global_position > $2 AND aggregate_type = ANY($3)
              ORDER BY global_position LIMIT $4",
            events_as_outbox_rows(1, true),
            self.schema
        );
        let rows: Vec<StoredEvent> = sqlx::query_as(&sql)
            .bind(self.tenant)
            .bind(after)
            .bind(Writer::AGGREGATE_TYPES)
            .bind(BATCH)
            .fetch_all(conn)
            .await?;
        let Some(last) = rows.last().map(|stored| stored.row.global_position) else { return Ok(None) };
        let kept: Vec<StoredEvent> = rows
            .into_iter()
            .filter(|stored| self.only.is_none_or(|only| only.contains(&stored.row.global_position)))
            .collect();
        let decoding = tokio::task::spawn_blocking(|| kept.into_iter().map(projected).collect::<Result<Vec<_>, _>>());
        let events = decoding.await.map_err(|e| AuditError::Replay(format!("decoding a batch: {e}")))??;
        Ok(Some(Batch { events, last }))
    }

    /// Writes `batch` through the projector's own code within `conn`: how many events.
    async fn write(&self, conn: &mut PgConnection, batch: &Batch) -> Result<i64, AuditError> {
        let events: Vec<&ProjectedEvent> = batch.events.iter().collect();
        write_applied::<Writer>(conn, self.target, &events).await.map_err(|e| AuditError::Replay(e.to_string()))?;
        Ok(i64::try_from(events.len()).unwrap_or(i64::MAX))
    }

    /// How many events of the replayed types lie after global position `after`.
    ///
    /// # Errors
    /// A database failure.
    pub async fn remaining(&self, pool: &PgPool, after: i64) -> Result<i64, AuditError> {
        let sql = format!(
            "SELECT count(*) FROM {}.events WHERE global_position > $1 AND aggregate_type = ANY($2)",
            self.schema
        );
        Ok(sqlx::query_scalar(&sql).bind(after).bind(Writer::AGGREGATE_TYPES).fetch_one(pool).await?)
    }
}

/// A stored event read back for a replay: its outbox form, with the payload as JSON text.
#[derive(sqlx::FromRow)]
struct StoredEvent {
    #[sqlx(flatten)]
    row: OutboxRow,
    payload_text: String,
}

/// A stored event as the projector would have received it from Kafka.
fn projected(stored: StoredEvent) -> Result<ProjectedEvent, AuditError> {
    let StoredEvent { row, payload_text } = stored;
    let envelope = row.envelope();
    let position = row.global_position;
    let event = DomainEvent::from_stored_text(&row.aggregate_type, &row.event_type, &row.event_version, &payload_text)
        .map_err(|e| AuditError::Undecodable { position, reason: e.to_string() })?;
    Ok(ProjectedEvent { envelope, event, topic: String::new(), partition: 0, offset: position })
}

/// The read models of the (unquoted) `schema`: its relations of kind `kinds` (`r` tables, `v`
/// views) but the [`NOT_READ_MODELS`], by name, each with its primary-key columns (none for a
/// view).
///
/// # Errors
/// A database failure.
pub async fn read_models(
    pool: &PgPool,
    schema: &str,
    kinds: &[&str],
) -> Result<Vec<(String, Vec<String>)>, AuditError> {
    let rows: Vec<(String, Vec<String>)> = sqlx::query_as(
        "SELECT c.relname::text,
                coalesce(array_agg(a.attname::text ORDER BY array_position(i.indkey, a.attnum))
                         FILTER (WHERE a.attname IS NOT NULL), '{}')
           FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
           LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
          WHERE n.nspname = $1 AND c.relkind::text = ANY($2) AND NOT c.relname = ANY($3)
          GROUP BY c.relname ORDER BY c.relname",
    )
    .bind(schema)
    .bind(kinds)
    .bind(NOT_READ_MODELS)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
