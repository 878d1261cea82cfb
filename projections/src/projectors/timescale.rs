//! The time-series postings projection: one row per journal line at the entry's date, in
//! the tenant schema of the time-series database (a hypertable where TimescaleDB exists).
//! Rows are keyed by entry and line, offsets and applied positions share the transaction.

use std::collections::HashMap;

use chrono::NaiveDate;
use prism_aggregates::finance::journal_entry::{JournalEntryEvent, PostedLine};
use prism_platform::db;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::checkpoint::CheckpointedStore;
use crate::decode::ProjectedEvent;
use crate::projection::{Projection, ProjectionError, SourcePosition};

/// Name of this projector (checkpoints, applied positions).
pub const NAME: &str = "timescale";

/// Projects journal lines into the postings time series.
pub struct PostingsProjection {
    store: CheckpointedStore,
}

impl PostingsProjection {
    /// A projection writing through `pool` (the time-series database).
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        Self { store: CheckpointedStore::new(pool, &[db::TIMESERIES], NAME) }
    }
}

#[async_trait::async_trait]
impl Projection for PostingsProjection {
    async fn resume_offsets(&self, topic: &str) -> Result<Option<HashMap<i32, i64>>, ProjectionError> {
        self.store.resume_offsets(topic).await
    }

    async fn apply(&self, event: &ProjectedEvent) -> Result<(), ProjectionError> {
        self.apply_batch(std::slice::from_ref(event)).await
    }

    async fn apply_batch(&self, events: &[ProjectedEvent]) -> Result<(), ProjectionError> {
        self.store.apply_in_one_transaction(events, write_event).await
    }

    async fn skip(&self, source: &SourcePosition) -> Result<(), ProjectionError> {
        self.store.skip(source).await
    }
}

async fn write_event(tx: &mut PgConnection, schema: &str, event: &ProjectedEvent) -> Result<(), ProjectionError> {
    let (entry_id, posted_on, lines) = match &event.event {
        JournalEntryEvent::JournalEntryPosted(posted) => (&posted.entry_id, posted.entry_date, &posted.lines),
        JournalEntryEvent::JournalEntryReversed(reversed) => {
            (&reversed.reversal_entry_id, reversed.reversal_date, &reversed.lines)
        }
    };
    insert_postings(tx, schema, Uuid::parse_str(entry_id)?, posted_on, lines, event.envelope.global_position).await?;
    Ok(())
}

async fn insert_postings(
    tx: &mut PgConnection,
    schema: &str,
    entry_id: Uuid,
    posted_on: NaiveDate,
    lines: &[PostedLine],
    position: i64,
) -> Result<(), sqlx::Error> {
    let at = posted_on.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    for line in lines {
        sqlx::query(&format!(
            "INSERT INTO {schema}.postings (posted_on, entry_id, line_no, account, currency, debit_minor, credit_minor, global_position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING"
        ))
        .bind(at)
        .bind(entry_id)
        .bind(line.line_no)
        .bind(&line.account)
        .bind(&line.currency)
        .bind(line.debit_minor)
        .bind(line.credit_minor)
        .bind(position)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
