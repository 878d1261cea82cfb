//! The Postgres ledger projection: journal entries with their lines and running balances
//! per account and currency, in the tenant's schema. Offsets and applied positions are
//! written in the same transaction, and entry updates are guarded by aggregate sequence.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use prism_aggregates::finance::journal_entry::{
    JournalEntryEvent, JournalEntryPosted, JournalEntryReversed, PostedLine,
};
use prism_platform::db::{self, MigrationSet};
use sqlx::PgConnection;
use uuid::Uuid;

use super::checkpoint::{SqlProjection, SqlWriter};
use crate::decode::ProjectedEvent;
use crate::projection::ProjectionError;

/// Name of this projector (checkpoints, applied positions).
pub const NAME: &str = "postgres";

/// One journal entry row as the read model stores it.
struct EntryRow<'a> {
    entry_id: Uuid,
    entry_date: NaiveDate,
    description: &'a str,
    source_reference: Option<&'a str>,
    reverses_entry_id: Option<Uuid>,
}

/// Writes journal-entry events into the Postgres ledger tables.
pub struct LedgerWriter;

/// The projection built on [`LedgerWriter`].
pub type LedgerProjection = SqlProjection<LedgerWriter>;

#[async_trait::async_trait]
impl SqlWriter for LedgerWriter {
    const NAME: &'static str = NAME;
    const SETS: &'static [MigrationSet] = &[db::TENANT];

    async fn write(tx: &mut PgConnection, schema: &str, event: &ProjectedEvent) -> Result<(), ProjectionError> {
        match &event.event {
            JournalEntryEvent::JournalEntryPosted(posted) => apply_posted(tx, schema, posted, event).await,
            JournalEntryEvent::JournalEntryReversed(reversed) => apply_reversed(tx, schema, reversed, event).await,
        }
    }
}

async fn apply_posted(
    tx: &mut PgConnection,
    schema: &str,
    posted: &JournalEntryPosted,
    event: &ProjectedEvent,
) -> Result<(), ProjectionError> {
    let row = EntryRow {
        entry_id: Uuid::parse_str(&posted.entry_id)?,
        entry_date: posted.entry_date,
        description: &posted.description,
        source_reference: posted.source_reference.as_deref(),
        reverses_entry_id: None,
    };
    insert_entry_with_lines(tx, schema, &row, &posted.lines, event).await
}

async fn apply_reversed(
    tx: &mut PgConnection,
    schema: &str,
    reversed: &JournalEntryReversed,
    event: &ProjectedEvent,
) -> Result<(), ProjectionError> {
    let original = Uuid::parse_str(&reversed.entry_id)?;
    let reversal = Uuid::parse_str(&reversed.reversal_entry_id)?;
    let sequence = event.envelope.sequence;
    let updated = sqlx::query(&format!(
        "UPDATE {schema}.journal_entries
            SET status = 'reversed', reversed_by_entry_id = $2, reversal_reason = $3, last_sequence = $4, last_position = $5
          WHERE entry_id = $1 AND last_sequence = $4 - 1"
    ))
    .bind(original)
    .bind(reversal)
    .bind(&reversed.reason)
    .bind(sequence)
    .bind(event.envelope.global_position)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return ensure_already_applied(tx, schema, original, sequence).await;
    }
    let description = format!("Reversal of {original}: {}", reversed.reason);
    let row = EntryRow {
        entry_id: reversal,
        entry_date: reversed.reversal_date,
        description: &description,
        source_reference: None,
        reverses_entry_id: Some(original),
    };
    insert_entry_with_lines(tx, schema, &row, &reversed.lines, event).await
}

/// A guarded update matched nothing: fine if the event was applied before, a defect if an
/// earlier event of the aggregate is missing.
async fn ensure_already_applied(
    tx: &mut PgConnection,
    schema: &str,
    entry_id: Uuid,
    sequence: i64,
) -> Result<(), ProjectionError> {
    let last: Option<i64> =
        sqlx::query_scalar(&format!("SELECT last_sequence FROM {schema}.journal_entries WHERE entry_id = $1"))
            .bind(entry_id)
            .fetch_optional(tx)
            .await?;
    match last {
        Some(last) if last >= sequence => Ok(()),
        _ => Err(format!("entry {entry_id}: event {sequence} arrived before event {}", sequence - 1).into()),
    }
}

async fn insert_entry_with_lines(
    tx: &mut PgConnection,
    schema: &str,
    row: &EntryRow<'_>,
    lines: &[PostedLine],
    event: &ProjectedEvent,
) -> Result<(), ProjectionError> {
    let inserted = sqlx::query(&format!(
        "INSERT INTO {schema}.journal_entries
             (entry_id, entry_date, description, source_reference, status, reverses_entry_id, last_sequence, last_position, recorded_at)
         VALUES ($1, $2, $3, $4, 'posted', $5, $6, $7, $8) ON CONFLICT (entry_id) DO NOTHING"
    ))
    .bind(row.entry_id)
    .bind(row.entry_date)
    .bind(row.description)
    .bind(row.source_reference)
    .bind(row.reverses_entry_id)
    .bind(event.envelope.sequence)
    .bind(event.envelope.global_position)
    .bind(event.envelope.occurred_at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(());
    }
    insert_lines(tx, schema, row.entry_id, lines).await?;
    add_to_balances(tx, schema, lines, event.envelope.global_position).await?;
    Ok(())
}

/// Inserts all `lines` of an entry in one statement.
async fn insert_lines(
    tx: &mut PgConnection,
    schema: &str,
    entry_id: Uuid,
    lines: &[PostedLine],
) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "INSERT INTO {schema}.journal_lines (entry_id, line_no, account, currency, debit_minor, credit_minor, memo)
         SELECT $1, * FROM UNNEST($2::int4[], $3::text[], $4::text[], $5::int8[], $6::int8[], $7::text[])"
    ))
    .bind(entry_id)
    .bind(lines.iter().map(|l| l.line_no).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.account.as_str()).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.currency.as_str()).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.debit_minor).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.credit_minor).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.memo.as_deref()).collect::<Vec<_>>())
    .execute(tx)
    .await?;
    Ok(())
}

/// Adds `lines` to the running balances in one statement, totalled per account and
/// currency first (one upsert may not touch a row twice).
async fn add_to_balances(
    tx: &mut PgConnection,
    schema: &str,
    lines: &[PostedLine],
    position: i64,
) -> Result<(), ProjectionError> {
    let mut totals: BTreeMap<(&str, &str), (i64, i64)> = BTreeMap::new();
    for line in lines {
        let (debit, credit) = totals.entry((&line.account, &line.currency)).or_default();
        *debit = debit.checked_add(line.debit_minor).ok_or("debit total overflows")?;
        *credit = credit.checked_add(line.credit_minor).ok_or("credit total overflows")?;
    }
    sqlx::query(&format!(
        "INSERT INTO {schema}.account_balances (account, currency, debit_total_minor, credit_total_minor, last_position)
         SELECT account, currency, debit, credit, $5
           FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::int8[]) AS t (account, currency, debit, credit)
         ON CONFLICT (account, currency) DO UPDATE
            SET debit_total_minor = account_balances.debit_total_minor + excluded.debit_total_minor,
                credit_total_minor = account_balances.credit_total_minor + excluded.credit_total_minor,
                last_position = excluded.last_position"
    ))
    .bind(totals.keys().map(|(account, _)| *account).collect::<Vec<_>>())
    .bind(totals.keys().map(|(_, currency)| *currency).collect::<Vec<_>>())
    .bind(totals.values().map(|(debit, _)| *debit).collect::<Vec<_>>())
    .bind(totals.values().map(|(_, credit)| *credit).collect::<Vec<_>>())
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}
