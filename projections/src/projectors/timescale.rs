//! The time-series postings projection: one row per journal line at the entry's date (every
//! entry [`ledger_posting`] finds: typed in, or posted by an invoice or payment), in
//! the tenant schema of the time-series database (a hypertable where TimescaleDB exists).
//! Rows are keyed by entry and line; a batch is one set-based insert, and offsets and applied
//! positions share the transaction.

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use prism_aggregates::finance::invoice::Invoice;
use prism_aggregates::finance::journal_entry::{JournalEntry, PostedLine};
use prism_aggregates::finance::payment::Payment;
use prism_platform::db::{self, MigrationSet};
use sqlx::PgConnection;
use uuid::Uuid;

use super::checkpoint::{SqlProjection, SqlWriter};
use crate::decode::ProjectedEvent;
use crate::posting::ledger_posting;
use crate::projection::ProjectionError;

/// Name of this projector (checkpoints, applied positions).
pub const NAME: &str = "timescale";

/// Writes journal lines into the postings time series.
pub struct PostingsWriter;

/// The projection built on [`PostingsWriter`].
pub type PostingsProjection = SqlProjection<PostingsWriter>;

#[async_trait::async_trait]
impl SqlWriter for PostingsWriter {
    const NAME: &'static str = NAME;
    const SETS: &'static [MigrationSet] = &[db::TIMESERIES];
    const AGGREGATE_TYPES: &'static [&'static str] = &[JournalEntry::TYPE, Invoice::TYPE, Payment::TYPE];

    async fn write_batch(
        tx: &mut PgConnection,
        schema: &str,
        events: &[&ProjectedEvent],
    ) -> Result<(), ProjectionError> {
        let mut rows = Vec::new();
        for event in events {
            let Some(posting) = ledger_posting(&event.event) else { continue };
            let entry_id = Uuid::parse_str(posting.entry_id)?;
            let posted_on = posting.entry_date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            rows.extend(posting.lines.iter().map(|line| Posting {
                posted_on,
                entry_id,
                line,
                position: event.envelope.global_position,
            }));
        }
        insert_postings(tx, schema, &rows).await?;
        Ok(())
    }
}

/// One postings row to insert.
struct Posting<'a> {
    posted_on: DateTime<Utc>,
    entry_id: Uuid,
    line: &'a PostedLine,
    position: i64,
}

/// Inserts `rows` in one statement; rows already there (redelivered events) are skipped.
async fn insert_postings(tx: &mut PgConnection, schema: &str, rows: &[Posting<'_>]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO {schema}.postings (posted_on, entry_id, line_no, account, currency, debit_minor, credit_minor, global_position)
         SELECT * FROM UNNEST($1::timestamptz[], $2::uuid[], $3::int4[], $4::text[], $5::text[], $6::int8[], $7::int8[], $8::int8[])
         ON CONFLICT DO NOTHING"
    ))
    .bind(rows.iter().map(|r| r.posted_on).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.entry_id).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.line.line_no).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.line.account.as_str()).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.line.currency.as_str()).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.line.debit_minor).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.line.credit_minor).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.position).collect::<Vec<_>>())
    .execute(tx)
    .await?;
    Ok(())
}
