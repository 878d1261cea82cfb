//! The time-series postings projection: one row per journal line at the entry's date, in
//! the tenant schema of the time-series database (a hypertable where TimescaleDB exists).
//! Rows are keyed by entry and line, offsets and applied positions share the transaction.

use chrono::NaiveDate;
use prism_aggregates::finance::journal_entry::{JournalEntryEvent, PostedLine};
use prism_platform::db::{self, MigrationSet};
use sqlx::PgConnection;
use uuid::Uuid;

use super::checkpoint::{SqlProjection, SqlWriter};
use crate::decode::ProjectedEvent;
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

    async fn write(tx: &mut PgConnection, schema: &str, event: &ProjectedEvent) -> Result<(), ProjectionError> {
        let (entry_id, posted_on, lines) = match &event.event {
            JournalEntryEvent::JournalEntryPosted(posted) => (&posted.entry_id, posted.entry_date, &posted.lines),
            JournalEntryEvent::JournalEntryReversed(reversed) => {
                (&reversed.reversal_entry_id, reversed.reversal_date, &reversed.lines)
            }
        };
        insert_postings(tx, schema, Uuid::parse_str(entry_id)?, posted_on, lines, event.envelope.global_position)
            .await?;
        Ok(())
    }
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
    sqlx::query(&format!(
        "INSERT INTO {schema}.postings (posted_on, entry_id, line_no, account, currency, debit_minor, credit_minor, global_position)
         SELECT $1, $2, line_no, account, currency, debit, credit, $8
           FROM UNNEST($3::int4[], $4::text[], $5::text[], $6::int8[], $7::int8[]) AS t (line_no, account, currency, debit, credit)
         ON CONFLICT DO NOTHING"
    ))
    .bind(at)
    .bind(entry_id)
    .bind(lines.iter().map(|l| l.line_no).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.account.as_str()).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.currency.as_str()).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.debit_minor).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.credit_minor).collect::<Vec<_>>())
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}
