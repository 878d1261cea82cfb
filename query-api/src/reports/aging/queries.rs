//! The one query behind the aging report: every document of the requested kinds that was
//! open at the report date, rebuilt from history rather than read from today's
//! `open_minor` — issued on or before the date, not voided on or before it, its gross total
//! less the payments dated on or before it, kept when that is not zero.
//!
//! Payments are summed as `numeric` and the open amount read back as text into `i64`, so a
//! figure that leaves `i64` is refused as [`ReadError::Overflow`] rather than wrapped.

use chrono::NaiveDate;
use prism_aggregates::money::Currency;
use prism_aggregates::tenant::TenantId;
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgPool, Row};
use uuid::Uuid;

use crate::error::{absent_if_unprovisioned, ReadError};
use crate::stores::tenant_table;

/// Which documents the report ages.
#[derive(Debug, Clone, Copy)]
pub struct AgingScope {
    /// The document kinds of one side (invoices and credit notes).
    pub kinds: &'static [&'static str],
    /// The report date.
    pub as_of: NaiveDate,
    /// Only this currency; every currency when `None`.
    pub currency: Option<Currency>,
}

/// A document open at the report date, amounts unsigned (as stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenItem {
    /// ISO 4217 currency code.
    pub currency: String,
    /// Id of the customer or vendor.
    pub counterparty_id: String,
    /// The counterparty's name on its latest document issued and not voided by the report date.
    pub counterparty_name: String,
    /// Invoice id.
    pub invoice_id: Uuid,
    /// Document kind.
    pub kind: String,
    /// Document number.
    pub number: String,
    /// Date of issue.
    pub issue_date: NaiveDate,
    /// Date payment is due (the issue date if none was recorded).
    pub due_date: NaiveDate,
    /// Gross total of the document.
    pub gross_total_minor: i64,
    /// Payments dated on or before the report date.
    pub paid_minor: i64,
    /// Gross total less those payments (never 0).
    pub open_minor: i64,
    /// Report date minus due date, in days (0 or less: not overdue).
    pub days_past_due: i32,
}

/// The documents of `scope` open at its date, by currency, counterparty name, counterparty
/// id, due date and number.
///
/// # Errors
/// When the database refuses, or [`ReadError::Overflow`] when an amount leaves `i64`.
pub async fn open_items(pool: &PgPool, tenant: &TenantId, scope: AgingScope) -> Result<Vec<OpenItem>, ReadError> {
    let sql = format!(
        "SELECT * FROM ( \
           SELECT i.currency, i.counterparty_id, \
                  first_value(i.counterparty_name) OVER ( \
                      PARTITION BY i.currency, i.counterparty_id \
                      ORDER BY i.issue_date DESC, i.number COLLATE \"C\" DESC) AS counterparty_name, \
                  i.invoice_id, i.kind, i.number, i.issue_date, COALESCE(i.due_date, i.issue_date) AS due_date, \
                  i.gross_total_minor, COALESCE(p.paid_minor, 0)::text AS paid_minor, \
                  (i.gross_total_minor - COALESCE(p.paid_minor, 0))::text AS open_minor, \
                  i.gross_total_minor - COALESCE(p.paid_minor, 0) <> 0 AS is_open, \
                  $1::date - COALESCE(i.due_date, i.issue_date) AS days_past_due \
             FROM {invoices} i \
             LEFT JOIN LATERAL ( \
                  SELECT sum(ip.amount_minor) AS paid_minor FROM {payments} ip \
                   WHERE ip.invoice_id = i.invoice_id AND ip.payment_date <= $1::date) p ON true \
            WHERE i.kind = ANY($2) AND ($3::text IS NULL OR i.currency = $3::text) \
              AND i.issue_date <= $1::date AND (i.void_date IS NULL OR i.void_date > $1::date) \
              AND i.gross_total_minor IS NOT NULL \
         ) t WHERE is_open \
         ORDER BY currency COLLATE \"C\", counterparty_name COLLATE \"C\", counterparty_id COLLATE \"C\", \
                  due_date, number COLLATE \"C\", invoice_id",
        invoices = tenant_table(tenant, "invoices"),
        payments = tenant_table(tenant, "invoice_payments"),
    );
    let rows = sqlx::query_as::<_, ItemRow>(&sql)
        .bind(scope.as_of)
        .bind(scope.kinds)
        .bind(scope.currency.as_ref().map(Currency::as_str))
        .fetch_all(pool)
        .await;
    absent_if_unprovisioned(rows, Vec::new())?.into_iter().map(ItemRow::into_item).collect()
}

/// An open document, the sums still as Postgres' `numeric` text.
struct ItemRow {
    item: OpenItem,
    paid_minor: String,
    open_minor: String,
}

impl ItemRow {
    fn into_item(self) -> Result<OpenItem, ReadError> {
        let parse = |text: &str, what| text.parse::<i64>().map_err(|_| ReadError::Overflow(what));
        let paid_minor = parse(&self.paid_minor, "the payments of an invoice")?;
        let open_minor = parse(&self.open_minor, "the open amount of an invoice")?;
        Ok(OpenItem { paid_minor, open_minor, ..self.item })
    }
}

impl FromRow<'_, PgRow> for ItemRow {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            item: OpenItem {
                currency: row.try_get("currency")?,
                counterparty_id: row.try_get("counterparty_id")?,
                counterparty_name: row.try_get("counterparty_name")?,
                invoice_id: row.try_get("invoice_id")?,
                kind: row.try_get("kind")?,
                number: row.try_get("number")?,
                issue_date: row.try_get("issue_date")?,
                due_date: row.try_get("due_date")?,
                gross_total_minor: row.try_get("gross_total_minor")?,
                paid_minor: 0,
                open_minor: 0,
                days_past_due: row.try_get("days_past_due")?,
            },
            paid_minor: row.try_get("paid_minor")?,
            open_minor: row.try_get("open_minor")?,
        })
    }
}
