//! The time-series postings projection: one row per journal line at the entry's date (every
//! entry [`ledger_posting`] finds: typed in, or posted by an invoice or payment), in
//! the tenant schema of the time-series database (a hypertable where TimescaleDB exists).
//! Rows are keyed by entry and line; a batch is one set-based insert, and offsets and applied
//! positions share the transaction.
//!
//! Each row also carries its account's type (`account_type`), for the daily revenue and
//! expense aggregate (`daily_account_totals`). The chart lives in the main database, so this
//! projector follows the chart-of-accounts topic as well and keeps each account's type in
//! `posting_accounts` (see `classify_accounts`); a row is stamped at insert when its account
//! is known, and by a follow-up update when the account's `AccountOpened` comes later (topics
//! are not ordered with each other). Lines of a fiscal year's closing entry are flagged
//! `closing`: real postings, but not revenue or expense of their day. The series keeps
//! transaction amounts only: a revaluation entry's lines, which move only functional values,
//! are rows of 0 debit and 0 credit.
//!
//! The same projector follows the stock topic into the stock movements series (see
//! [`super::stock_movements`]), the work-order topic into the production outcomes behind
//! yield and scrap rates (see [`super::production_outcomes`]), and the sales-order and invoice
//! topics into the facts behind Spectrum's KPIs (see [`super::kpi_facts`]); it keeps whether
//! each account is a cash account beside its type.

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use prism_aggregates::finance::calendar::FiscalCalendar;
use prism_aggregates::finance::chart::{ChartEvent, ChartOfAccounts};
use prism_aggregates::finance::invoice::Invoice;
use prism_aggregates::finance::journal_entry::{JournalEntry, PostedLine};
use prism_aggregates::finance::payment::Payment;
use prism_aggregates::production::work_order::WorkOrder;
use prism_aggregates::supply::sales_order::SalesOrder;
use prism_aggregates::supply::stock::Stock;
use prism_platform::db::{self, MigrationSet};
use sqlx::PgConnection;
use uuid::Uuid;

use super::checkpoint::{SqlProjection, SqlWriter};
use super::kpi_facts::insert_kpi_facts;
use super::production_outcomes::insert_outcomes;
use super::stock_movements::insert_movements;
use crate::decode::{DomainEvent, ProjectedEvent};
use crate::posting::ledger_posting;
use crate::projection::ProjectionError;

/// Name of this projector (checkpoints, applied positions).
pub const NAME: &str = "timescale";

/// Writes journal lines into the postings time series, stock movements and production
/// outcomes into theirs.
pub struct PostingsWriter;

/// The projection built on [`PostingsWriter`].
pub type PostingsProjection = SqlProjection<PostingsWriter>;

#[async_trait::async_trait]
impl SqlWriter for PostingsWriter {
    const NAME: &'static str = NAME;
    const SETS: &'static [MigrationSet] = &[db::TIMESERIES];
    const AGGREGATE_TYPES: &'static [&'static str] = &[
        JournalEntry::TYPE,
        Invoice::TYPE,
        Payment::TYPE,
        FiscalCalendar::TYPE,
        ChartOfAccounts::TYPE,
        Stock::TYPE,
        WorkOrder::TYPE,
        SalesOrder::TYPE,
    ];

    async fn write_batch(
        tx: &mut PgConnection,
        schema: &str,
        events: &[&ProjectedEvent],
    ) -> Result<(), ProjectionError> {
        // Accounts first: rows of this batch then find their account's type at insert, and
        // rows stored before it arrived are stamped now. Applying them in the other order would
        // stamp the same rows, since an account's type never changes.
        let opened: Vec<OpenedAccount<'_>> = events
            .iter()
            .filter_map(|event| match &event.event {
                DomainEvent::Chart(ChartEvent::AccountOpened(opened)) => Some(OpenedAccount {
                    code: &opened.code,
                    account_type: &opened.account_type,
                    cash: opened.cash,
                    position: event.envelope.global_position,
                }),
                _ => None,
            })
            .collect();
        classify_accounts(tx, schema, &opened).await?;
        let mut rows = Vec::new();
        for event in events {
            let Some(posting) = ledger_posting(&event.event) else { continue };
            let closing = posting.closing;
            let entry_id = Uuid::parse_str(posting.entry_id)?;
            let posted_on = posting.entry_date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            rows.extend(posting.lines.iter().map(|line| Posting {
                posted_on,
                entry_id,
                line,
                position: event.envelope.global_position,
                closing,
            }));
        }
        insert_postings(tx, schema, &rows).await?;
        insert_movements(tx, schema, events).await?;
        insert_outcomes(tx, schema, events).await?;
        insert_kpi_facts(tx, schema, events).await?;
        Ok(())
    }
}

/// One postings row to insert.
struct Posting<'a> {
    posted_on: DateTime<Utc>,
    entry_id: Uuid,
    line: &'a PostedLine,
    position: i64,
    closing: bool,
}

/// An account of the chart as this projector keeps it: its code, type and whether it holds cash.
struct OpenedAccount<'a> {
    code: &'a str,
    account_type: &'a str,
    cash: bool,
    position: i64,
}

/// Records the type and cash flag of each of `accounts` in `posting_accounts` (an account opened twice keeps
/// the first: a chart never reopens a code, and redelivery changes nothing) and stamps it on
/// their postings stored without one, in two set-based statements.
async fn classify_accounts(
    tx: &mut PgConnection,
    schema: &str,
    accounts: &[OpenedAccount<'_>],
) -> Result<(), sqlx::Error> {
    if accounts.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO {schema}.posting_accounts (code, account_type, cash, last_position)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::bool[], $4::int8[])
         ON CONFLICT (code) DO NOTHING"
    ))
    .bind(accounts.iter().map(|a| a.code).collect::<Vec<_>>())
    .bind(accounts.iter().map(|a| a.account_type).collect::<Vec<_>>())
    .bind(accounts.iter().map(|a| a.cash).collect::<Vec<_>>())
    .bind(accounts.iter().map(|a| a.position).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "UPDATE {schema}.postings p SET account_type = a.account_type
           FROM {schema}.posting_accounts a
          WHERE a.code = ANY($1::text[]) AND p.account = a.code AND p.account_type IS NULL"
    ))
    .bind(accounts.iter().map(|a| a.code).collect::<Vec<_>>())
    .execute(tx)
    .await?;
    Ok(())
}

/// Inserts `rows` in one statement, each stamped with its account's type when
/// `posting_accounts` knows it; rows already there (redelivered events) are skipped.
async fn insert_postings(tx: &mut PgConnection, schema: &str, rows: &[Posting<'_>]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO {schema}.postings
             (posted_on, entry_id, line_no, account, currency, debit_minor, credit_minor, global_position, closing, account_type)
         SELECT r.*, a.account_type
           FROM UNNEST($1::timestamptz[], $2::uuid[], $3::int4[], $4::text[], $5::text[], $6::int8[], $7::int8[], $8::int8[], $9::bool[])
                AS r (posted_on, entry_id, line_no, account, currency, debit_minor, credit_minor, global_position, closing)
           LEFT JOIN {schema}.posting_accounts a ON a.code = r.account
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
    .bind(rows.iter().map(|r| r.closing).collect::<Vec<_>>())
    .execute(tx)
    .await?;
    Ok(())
}
