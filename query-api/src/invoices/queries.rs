//! SQL over the invoice read model (`invoices`, `invoice_lines`, `invoice_payments` in the
//! tenant schema): one invoice by id with its lines and applied payments gathered by
//! `json_agg` in the same statement, and a keyset-paginated, filtered page of invoices.

use chrono::NaiveDate;
use prism_aggregates::tenant::TenantId;
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::cursor::Cursor;
use super::{InvoiceSummary, InvoiceView};
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::stores::tenant_table;

/// The columns of an [`InvoiceSummary`], of the invoices aliased `i`.
pub(crate) const SUMMARY_COLUMNS: &str =
    "i.invoice_id, i.kind, i.number, i.counterparty_id, i.counterparty_name, i.currency, \
     i.status, i.issue_date, i.due_date, i.net_total_minor, i.tax_total_minor, i.gross_total_minor, i.paid_minor, \
     i.open_minor";

/// The list's sort key: the issue date, drafts (no issue date) after every issued invoice.
const SORT_DATE: &str = "COALESCE(i.issue_date, 'infinity'::date)";

/// Which invoices a page holds.
#[derive(Debug, Clone)]
pub struct InvoiceFilter {
    /// Only invoices of this kind.
    pub kind: Option<&'static str>,
    /// Only invoices in this status.
    pub status: Option<&'static str>,
    /// Only invoices of this customer or vendor.
    pub counterparty_id: Option<String>,
    /// Only invoices issued on or after this day (drafts never match).
    pub from: Option<NaiveDate>,
    /// Only invoices issued on or before this day (drafts never match).
    pub to: Option<NaiveDate>,
    /// Only invoices after this position in `(issue_date, invoice_id)` order.
    pub after: Option<Cursor>,
    /// Most invoices on the page.
    pub limit: u32,
}

/// A page of invoices and whether more follow it.
#[derive(Debug)]
pub struct InvoicePage {
    /// The invoices in `(issue_date, invoice_id)` order, drafts last.
    pub invoices: Vec<InvoiceSummary>,
    /// Whether at least one more invoice matches after the last one.
    pub has_more: bool,
}

/// The invoice `invoice_id` of `tenant` with its lines and applied payments, if it exists.
///
/// # Errors
/// When the database refuses.
pub async fn find_invoice(
    pool: &PgPool,
    tenant: &TenantId,
    invoice_id: Uuid,
) -> Result<Option<InvoiceView>, ReadError> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, i.control_account, i.credits_invoice_id, i.void_date, i.void_reason, \
                i.last_position, \
                (SELECT COALESCE(json_agg(json_build_object( \
                            'line_no', l.line_no, 'description', l.description, \
                            'quantity_milli', l.quantity_milli, 'unit_price_minor', l.unit_price_minor, \
                            'net_minor', l.net_minor, 'account', l.account, 'tax_code', l.tax_code, \
                            'tax_rate_bp', l.tax_rate_bp, 'tax_minor', l.tax_minor) ORDER BY l.line_no), '[]') \
                   FROM {lines} l WHERE l.invoice_id = i.invoice_id) AS lines, \
                (SELECT COALESCE(json_agg(json_build_object( \
                            'payment_id', p.payment_id, 'payment_date', p.payment_date, \
                            'amount_minor', p.amount_minor) ORDER BY p.payment_date, p.payment_id), '[]') \
                   FROM {payments} p WHERE p.invoice_id = i.invoice_id) AS payments \
         FROM {invoices} i WHERE i.invoice_id = $1",
        invoices = tenant_table(tenant, "invoices"),
        lines = tenant_table(tenant, "invoice_lines"),
        payments = tenant_table(tenant, "invoice_payments"),
    );
    let found = sqlx::query_as::<_, InvoiceView>(&sql).bind(invoice_id).fetch_optional(pool).await;
    absent_if_unprovisioned(found, None)
}

/// One page of `tenant`'s invoices matching `filter`.
///
/// # Errors
/// When the database refuses.
pub async fn list_invoices(pool: &PgPool, tenant: &TenantId, filter: &InvoiceFilter) -> Result<InvoicePage, ReadError> {
    let mut query = QueryBuilder::<Postgres>::new(format!(
        "SELECT {SUMMARY_COLUMNS} FROM {} i WHERE true",
        tenant_table(tenant, "invoices")
    ));
    if let Some(kind) = filter.kind {
        query.push(" AND i.kind = ").push_bind(kind);
    }
    if let Some(status) = filter.status {
        query.push(" AND i.status = ").push_bind(status);
    }
    if let Some(counterparty_id) = &filter.counterparty_id {
        query.push(" AND i.counterparty_id = ").push_bind(counterparty_id.clone());
    }
    if let Some(from) = filter.from {
        query.push(" AND i.issue_date >= ").push_bind(from);
    }
    if let Some(to) = filter.to {
        query.push(" AND i.issue_date <= ").push_bind(to);
    }
    if let Some(after) = filter.after {
        query.push(format!(" AND ({SORT_DATE}, i.invoice_id) > (COALESCE("));
        query.push_bind(after.issue_date).push("::date, 'infinity'::date), ").push_bind(after.invoice_id).push(")");
    }
    query.push(format!(" ORDER BY {SORT_DATE}, i.invoice_id LIMIT ")).push_bind(i64::from(filter.limit) + 1);
    let rows = query.build_query_as::<InvoiceSummary>().fetch_all(pool).await;
    let mut invoices = absent_if_unprovisioned(rows, Vec::new())?;
    let limit = usize::try_from(filter.limit).unwrap_or(usize::MAX);
    let has_more = invoices.len() > limit;
    invoices.truncate(limit);
    Ok(InvoicePage { invoices, has_more })
}
