//! Aggregate snapshots: a long-lived aggregate (an item's stock, say, which every receipt and
//! issue extends) would otherwise be rebuilt from its whole history by every command, so a
//! command's time, memory and read grow with the aggregate's age. Once a command's events
//! reach a multiple of [`SNAPSHOT_EVERY`], the aggregate's state is kept here
//! (`TenantEventStores` takes it), and later commands start from the newest snapshot and read
//! only the events after it.
//!
//! A snapshot is a cache, never the record: it is written after its events commit (a failed
//! write is logged and changes nothing for the command), it is keyed by the sequence it was
//! taken at so racing writers cannot clash, older ones of the aggregate are dropped, and a
//! snapshot that no longer deserializes (the aggregate's state changed shape) makes cqrs-es
//! replay the whole history instead. `prism-audit` neither reads nor needs them.

use cqrs_es::persist::{PersistenceError, SerializedSnapshot};
use serde_json::Value;
use sqlx::PgPool;

/// Events between two snapshots of one aggregate.
pub const SNAPSHOT_EVERY: usize = 100;

/// The snapshot table of one tenant.
#[derive(Debug, Clone)]
pub struct Snapshots {
    pool: PgPool,
    table: String,
}

impl Snapshots {
    /// The snapshots in `table` (schema-qualified and quoted), through `pool`.
    #[must_use]
    pub fn new(pool: PgPool, table: String) -> Self {
        Self { pool, table }
    }

    /// The newest snapshot of aggregate `aggregate_id` of `aggregate_type`, if any.
    ///
    /// # Errors
    /// When the database cannot be read.
    pub async fn latest(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        let found: Option<(i64, i64, Value)> = sqlx::query_as(&format!(
            "SELECT last_sequence, current_snapshot, payload FROM {}
              WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY last_sequence DESC LIMIT 1",
            self.table
        ))
        .bind(aggregate_type)
        .bind(aggregate_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|error| PersistenceError::UnknownError(Box::new(error)))?;
        found
            .map(|(last_sequence, current_snapshot, aggregate)| {
                Ok(SerializedSnapshot {
                    aggregate_id: aggregate_id.to_owned(),
                    aggregate,
                    current_sequence: usize::try_from(last_sequence).map_err(unknown)?,
                    current_snapshot: usize::try_from(current_snapshot).map_err(unknown)?,
                })
            })
            .transpose()
    }

    /// Keeps `state`, aggregate `aggregate_id`'s state after its event `last_sequence` (its
    /// `current_snapshot`th snapshot), and drops its older snapshots. A failure is logged:
    /// the events are committed whatever happens here.
    pub async fn record(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        last_sequence: usize,
        current_snapshot: usize,
        state: &Value,
    ) {
        let (Ok(last_sequence), Ok(current_snapshot)) = (i64::try_from(last_sequence), i64::try_from(current_snapshot))
        else {
            return;
        };
        let written = sqlx::query(&format!(
            "WITH older AS (
                 DELETE FROM {table} WHERE aggregate_type = $1 AND aggregate_id = $2 AND last_sequence < $3
             )
             INSERT INTO {table} (aggregate_type, aggregate_id, last_sequence, current_snapshot, payload)
             VALUES ($1, $2, $3, $4, $5::json) ON CONFLICT DO NOTHING",
            table = self.table
        ))
        .bind(aggregate_type)
        .bind(aggregate_id)
        .bind(last_sequence)
        .bind(current_snapshot)
        .bind(state)
        .execute(&self.pool)
        .await;
        if let Err(error) = written {
            tracing::warn!(%error, aggregate_type, aggregate_id, last_sequence, "snapshot not kept; later loads read more events");
        }
    }
}

fn unknown(error: std::num::TryFromIntError) -> PersistenceError {
    PersistenceError::UnknownError(Box::new(error))
}
