//! SQL over the Postgres ledger read model (`journal_entries`, `journal_lines` in the
//! tenant schema): one entry by id, and a keyset-paginated, filtered page of entries, each
//! with all of its lines.

use std::collections::HashMap;

use chrono::NaiveDate;
use prism_aggregates::finance::account::AccountCode;
use prism_aggregates::finance::journal_entry::FunctionalAmount;
use prism_aggregates::tenant::TenantId;
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::cursor::Cursor;
use super::{JournalEntryView, JournalLineView};
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::stores::tenant_table;

const ENTRY_COLUMNS: &str = "entry_id, entry_date, description, source_reference, status, reverses_entry_id, \
     reversed_by_entry_id, reversal_reason, last_sequence, last_position, recorded_at";

/// Which entries a page holds.
#[derive(Debug, Clone)]
pub struct EntryFilter {
    /// Only entries with a line on this account.
    pub account: Option<AccountCode>,
    /// Only entries dated on or after this day.
    pub from: Option<NaiveDate>,
    /// Only entries dated on or before this day.
    pub to: Option<NaiveDate>,
    /// Only entries after this position in `(entry_date, entry_id)` order.
    pub after: Option<Cursor>,
    /// Most entries on the page.
    pub limit: u32,
}

/// A page of entries and whether more follow it.
#[derive(Debug)]
pub struct EntryPage {
    /// The entries, in `(entry_date, entry_id)` order, with their lines.
    pub entries: Vec<JournalEntryView>,
    /// Whether at least one more entry matches after the last one.
    pub has_more: bool,
}

/// The entry `entry_id` of `tenant`, with its lines, if it exists.
///
/// # Errors
/// When the database refuses.
pub async fn find_entry(
    pool: &PgPool,
    tenant: &TenantId,
    entry_id: Uuid,
) -> Result<Option<JournalEntryView>, ReadError> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM {} WHERE entry_id = $1", tenant_table(tenant, "journal_entries"));
    let found = sqlx::query_as::<_, EntryRow>(&sql).bind(entry_id).fetch_optional(pool).await;
    let Some(EntryRow(entry)) = absent_if_unprovisioned(found, None)? else {
        return Ok(None);
    };
    let mut entries = vec![entry];
    attach_lines(pool, tenant, &mut entries).await?;
    Ok(entries.pop())
}

/// One page of `tenant`'s entries matching `filter`.
///
/// # Errors
/// When the database refuses.
pub async fn list_entries(pool: &PgPool, tenant: &TenantId, filter: &EntryFilter) -> Result<EntryPage, ReadError> {
    let mut query = QueryBuilder::<Postgres>::new(format!(
        "SELECT {ENTRY_COLUMNS} FROM {} e WHERE true",
        tenant_table(tenant, "journal_entries")
    ));
    if let Some(account) = &filter.account {
        query
            .push(format!(
                " AND EXISTS (SELECT 1 FROM {} l WHERE l.entry_id = e.entry_id AND l.account = ",
                tenant_table(tenant, "journal_lines")
            ))
            .push_bind(account.as_str().to_owned())
            .push(")");
    }
    if let Some(from) = filter.from {
        query.push(" AND e.entry_date >= ").push_bind(from);
    }
    if let Some(to) = filter.to {
        query.push(" AND e.entry_date <= ").push_bind(to);
    }
    if let Some(after) = filter.after {
        query.push(" AND (e.entry_date, e.entry_id) > (").push_bind(after.entry_date);
        query.push(", ").push_bind(after.entry_id).push(")");
    }
    query.push(" ORDER BY e.entry_date, e.entry_id LIMIT ").push_bind(i64::from(filter.limit) + 1);
    let rows = query.build_query_as::<EntryRow>().fetch_all(pool).await;
    let mut entries: Vec<JournalEntryView> =
        absent_if_unprovisioned(rows, Vec::new())?.into_iter().map(|row| row.0).collect();
    let limit = usize::try_from(filter.limit).unwrap_or(usize::MAX);
    let has_more = entries.len() > limit;
    entries.truncate(limit);
    attach_lines(pool, tenant, &mut entries).await?;
    Ok(EntryPage { entries, has_more })
}

/// Loads the lines of `entries` in one query and hangs each under its entry, by line number.
async fn attach_lines(pool: &PgPool, tenant: &TenantId, entries: &mut [JournalEntryView]) -> Result<(), ReadError> {
    if entries.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = entries.iter().map(|entry| entry.entry_id).collect();
    let sql = format!(
        "SELECT entry_id, line_no, account, currency, debit_minor, credit_minor, memo, \
                functional_currency, functional_debit_minor, functional_credit_minor FROM {} \
         WHERE entry_id = ANY($1) ORDER BY entry_id, line_no",
        tenant_table(tenant, "journal_lines")
    );
    let rows = sqlx::query_as::<_, LineRow>(&sql).bind(&ids).fetch_all(pool).await;
    let mut by_entry: HashMap<Uuid, Vec<JournalLineView>> = HashMap::new();
    for LineRow(entry_id, line) in absent_if_unprovisioned(rows, Vec::new())? {
        by_entry.entry(entry_id).or_default().push(line);
    }
    for entry in entries {
        entry.lines = by_entry.remove(&entry.entry_id).unwrap_or_default();
    }
    Ok(())
}

/// A `journal_entries` row, lines not yet attached.
struct EntryRow(JournalEntryView);

impl FromRow<'_, PgRow> for EntryRow {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        Ok(Self(JournalEntryView {
            entry_id: row.try_get("entry_id")?,
            entry_date: row.try_get("entry_date")?,
            description: row.try_get("description")?,
            source_reference: row.try_get("source_reference")?,
            status: row.try_get("status")?,
            reverses_entry_id: row.try_get("reverses_entry_id")?,
            reversed_by_entry_id: row.try_get("reversed_by_entry_id")?,
            reversal_reason: row.try_get("reversal_reason")?,
            last_sequence: row.try_get("last_sequence")?,
            last_position: row.try_get("last_position")?,
            recorded_at: row.try_get("recorded_at")?,
            lines: Vec::new(),
        }))
    }
}

/// A `journal_lines` row with the entry it belongs to.
struct LineRow(Uuid, JournalLineView);

impl FromRow<'_, PgRow> for LineRow {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        Ok(Self(
            row.try_get("entry_id")?,
            JournalLineView {
                line_no: row.try_get("line_no")?,
                account: row.try_get("account")?,
                currency: row.try_get("currency")?,
                debit_minor: row.try_get("debit_minor")?,
                credit_minor: row.try_get("credit_minor")?,
                memo: row.try_get("memo")?,
                functional: functional_amount(row)?,
            },
        ))
    }
}

/// The functional amount of a `journal_lines` row: its three columns are all set or all null.
fn functional_amount(row: &PgRow) -> Result<Option<FunctionalAmount>, sqlx::Error> {
    let currency: Option<String> = row.try_get("functional_currency")?;
    let (debit, credit): (Option<i64>, Option<i64>) =
        (row.try_get("functional_debit_minor")?, row.try_get("functional_credit_minor")?);
    Ok(match (currency, debit, credit) {
        (Some(currency), Some(debit_minor), Some(credit_minor)) => {
            Some(FunctionalAmount { currency, debit_minor, credit_minor })
        }
        _ => None,
    })
}
