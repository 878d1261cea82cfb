//! `GET /v1/invoices` and `GET /v1/invoices/{id}`: customer invoices, vendor bills and
//! credit notes from the invoice read model (`invoices`, `invoice_lines`,
//! `invoice_payments`), after the consistency token (if any) is reached by the `postgres`
//! projector.
//!
//! The list is filtered by `kind`, `status`, `counterparty_id` and an inclusive issue-date
//! range `from`/`to`, ordered by issue date then id with drafts (which have no issue date
//! yet) last, and paginated by keyset like the journal-entry list. A date filter matches
//! issued documents only, so drafts are listed only when neither `from` nor `to` is given.
//!
//! JSON: [`InvoicePage`] and [`InvoiceView`]. CSV (`Accept: text/csv`):
//! - the list, one record per invoice, columns `invoice_id`, `kind`, `number`,
//!   `counterparty_id`, `counterparty_name`, `currency`, `status`, `issue_date`, `due_date`,
//!   `net_total_minor`, `tax_total_minor`, `gross_total_minor`, `paid_minor`, `open_minor`
//!   (a draft's dates and totals are empty); when more pages follow, the next cursor is in
//!   the [`NEXT_CURSOR_HEADER`] response header (sent with JSON too);
//! - one invoice, one record per line then one per applied payment, columns `number`,
//!   `record`, `line_no`, `description`, `quantity_milli`, `unit_price_minor`, `account`,
//!   `tax_code`, `tax_rate_bp`, `net_minor`, `tax_minor`, `payment_id`, `payment_date`,
//!   `amount_minor`; `record` is `line` (payment columns empty) or `payment` (line columns
//!   empty).

pub mod cursor;
pub mod queries;

use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::response::Response;
use chrono::NaiveDate;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

use self::cursor::Cursor;
use self::queries::InvoiceFilter;
use crate::consistency::MinPosition;
use crate::csv::{optional, CsvWriter, ToCsv};
use crate::negotiate::Format;
use crate::params::{self, InputError, QueryParams};
use crate::state::{AppState, DEFAULT_PAGE_SIZE};
use crate::tenants::KnownTenant;

/// Response header carrying the list's next cursor when more pages follow.
pub const NEXT_CURSOR_HEADER: &str = "x-prism-next-cursor";

/// The document kinds an invoice can have.
pub const KINDS: &[&str] = &["customer_invoice", "vendor_bill", "customer_credit_note", "vendor_credit_note"];

/// The statuses an invoice can be in.
pub const STATUSES: &[&str] = &["draft", "issued", "partially_paid", "paid", "void"];

/// An invoice as the list shows it; amounts in minor units of `currency`. Read from the
/// `invoices` columns of the same names.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct InvoiceSummary {
    /// Invoice id.
    pub invoice_id: Uuid,
    /// One of [`KINDS`].
    pub kind: String,
    /// Document number shown to the counterparty.
    pub number: String,
    /// Id of the customer or vendor.
    pub counterparty_id: String,
    /// Name of the customer or vendor on the document.
    pub counterparty_name: String,
    /// ISO 4217 currency code.
    pub currency: String,
    /// One of [`STATUSES`].
    pub status: String,
    /// Date of issue; `null` for a draft.
    pub issue_date: Option<NaiveDate>,
    /// Date payment is due; `null` for a draft.
    pub due_date: Option<NaiveDate>,
    /// Sum of line nets; `null` for a draft.
    pub net_total_minor: Option<i64>,
    /// Sum of line taxes; `null` for a draft.
    pub tax_total_minor: Option<i64>,
    /// Net plus tax; `null` for a draft.
    pub gross_total_minor: Option<i64>,
    /// Payments applied so far.
    pub paid_minor: i64,
    /// What is still open now (0 for a draft, a paid or a void invoice).
    pub open_minor: i64,
}

/// One invoice with its lines and the payments applied to it; read from the `invoices`
/// columns of the same names, `lines` and `payments` aggregated as JSON.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct InvoiceView {
    /// The list columns.
    #[serde(flatten)]
    #[sqlx(flatten)]
    pub summary: InvoiceSummary,
    /// Receivable or payable control account.
    pub control_account: String,
    /// The invoice a credit note credits, if any.
    pub credits_invoice_id: Option<Uuid>,
    /// Accounting date of the void, if voided.
    pub void_date: Option<NaiveDate>,
    /// Why it was voided, if voided.
    pub void_reason: Option<String>,
    /// Global position of the last event applied.
    pub last_position: i64,
    /// Lines by line number.
    #[sqlx(json)]
    pub lines: Vec<InvoiceLineView>,
    /// Applied payments by payment date, then payment id.
    #[sqlx(json)]
    pub payments: Vec<AppliedPaymentView>,
}

/// One line of an invoice; the computed amounts are `null` until it is issued.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvoiceLineView {
    /// 1-based line number.
    pub line_no: i32,
    /// What is sold or bought.
    pub description: String,
    /// Quantity in thousandths of the unit.
    pub quantity_milli: i64,
    /// Price of one unit.
    pub unit_price_minor: i64,
    /// Quantity × unit price, rounded; `null` on a draft.
    pub net_minor: Option<i64>,
    /// Income, expense or asset account.
    pub account: String,
    /// Tax code, if any.
    pub tax_code: Option<String>,
    /// Tax rate applied, basis points; `null` on a draft.
    pub tax_rate_bp: Option<i32>,
    /// Tax on the line; `null` on a draft.
    pub tax_minor: Option<i64>,
}

/// A payment applied to an invoice.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AppliedPaymentView {
    /// Payment id (see `GET /v1/payments/{id}`).
    pub payment_id: Uuid,
    /// Date of the payment.
    pub payment_date: NaiveDate,
    /// Amount applied to this invoice.
    pub amount_minor: i64,
}

/// A page of the invoice list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvoicePage {
    /// Invoices in `(issue_date, invoice_id)` order, drafts last.
    pub items: Vec<InvoiceSummary>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Query parameters of `GET /v1/invoices`; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only this kind (one of [`KINDS`]).
    pub kind: Option<String>,
    /// Only this status (one of [`STATUSES`]).
    pub status: Option<String>,
    /// Only this customer or vendor.
    pub counterparty_id: Option<String>,
    /// First issue date, inclusive (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Last issue date, inclusive (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// Page size, 1 to the configured maximum; 50 when absent.
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// `GET /v1/invoices/{id}`: the invoice with its lines and payments; 404 when absent.
#[utoipa::path(get, path = "/v1/invoices/{id}",
    params(("id" = Uuid, Path, description = "The invoice"), crate::openapi::Csv),
    responses((status = 200, description = "The invoice with its lines and payments", body = InvoiceView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, invoice_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let invoice_id = params::path_uuid("invoice", &id)?;
    state.await_postgres(&tenant, token).await?;
    let invoice = queries::find_invoice(&state.stores.postgres, &tenant, invoice_id)
        .await?
        .ok_or_else(|| params::no_such("invoice", &id))?;
    Ok(format.respond(&invoice))
}

/// `GET /v1/invoices?kind=&status=&counterparty_id=&from=&to=&limit=&cursor=`: one page.
#[utoipa::path(get, path = "/v1/invoices", params(ListParams, crate::openapi::Csv),
    responses((status = 200, description = "One page of invoices by issue date then id, drafts last", body = InvoicePage,
        headers(("X-Prism-Next-Cursor" = String, description = "The `next_cursor`, when there is a next page")))))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<ListParams>,
) -> Result<Response, Problem> {
    let filter = filter(query, state.limits.page_size_max)?;
    state.await_postgres(&tenant, token).await?;
    let page = queries::list_invoices(&state.stores.postgres, &tenant, &filter).await?;
    let next_cursor = page
        .has_more
        .then(|| page.invoices.last())
        .flatten()
        .map(|last| Cursor { issue_date: last.issue_date, invoice_id: last.invoice_id }.to_string());
    let mut response = format.respond(&InvoicePage { items: page.invoices, next_cursor: next_cursor.clone() });
    if let Some(cursor) = next_cursor.and_then(|cursor| HeaderValue::from_str(&cursor).ok()) {
        response.headers_mut().insert(NEXT_CURSOR_HEADER, cursor);
    }
    Ok(response)
}

fn filter(query: ListParams, page_size_max: u32) -> Result<InvoiceFilter, InputError> {
    let from = params::optional_date("from", query.from.as_deref())?;
    let to = params::optional_date("to", query.to.as_deref())?;
    params::ordered(from, to)?;
    Ok(InvoiceFilter {
        kind: params::one_of("kind", query.kind.as_deref(), KINDS)?,
        status: params::one_of("status", query.status.as_deref(), STATUSES)?,
        counterparty_id: query.counterparty_id,
        from,
        to,
        after: query.cursor.as_deref().map(Cursor::parse).transpose()?,
        limit: params::limit(query.limit.as_deref(), DEFAULT_PAGE_SIZE, page_size_max)?,
    })
}

impl ToCsv for InvoicePage {
    const HEADER: &'static [&'static str] = &[
        "invoice_id",
        "kind",
        "number",
        "counterparty_id",
        "counterparty_name",
        "currency",
        "status",
        "issue_date",
        "due_date",
        "net_total_minor",
        "tax_total_minor",
        "gross_total_minor",
        "paid_minor",
        "open_minor",
    ];

    fn write_records(&self, csv: &mut CsvWriter) {
        for invoice in &self.items {
            csv.record(&[
                &invoice.invoice_id.to_string(),
                &invoice.kind,
                &invoice.number,
                &invoice.counterparty_id,
                &invoice.counterparty_name,
                &invoice.currency,
                &invoice.status,
                &optional(invoice.issue_date.as_ref()),
                &optional(invoice.due_date.as_ref()),
                &optional(invoice.net_total_minor.as_ref()),
                &optional(invoice.tax_total_minor.as_ref()),
                &optional(invoice.gross_total_minor.as_ref()),
                &invoice.paid_minor.to_string(),
                &invoice.open_minor.to_string(),
            ]);
        }
    }
}

impl ToCsv for InvoiceView {
    const HEADER: &'static [&'static str] = &[
        "number",
        "record",
        "line_no",
        "description",
        "quantity_milli",
        "unit_price_minor",
        "account",
        "tax_code",
        "tax_rate_bp",
        "net_minor",
        "tax_minor",
        "payment_id",
        "payment_date",
        "amount_minor",
    ];

    fn write_records(&self, csv: &mut CsvWriter) {
        let number = &self.summary.number;
        for line in &self.lines {
            csv.record(&[
                number,
                "line",
                &line.line_no.to_string(),
                &line.description,
                &line.quantity_milli.to_string(),
                &line.unit_price_minor.to_string(),
                &line.account,
                line.tax_code.as_deref().unwrap_or_default(),
                &optional(line.tax_rate_bp.as_ref()),
                &optional(line.net_minor.as_ref()),
                &optional(line.tax_minor.as_ref()),
                "",
                "",
                "",
            ]);
        }
        for payment in &self.payments {
            csv.record(&[
                number,
                "payment",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                &payment.payment_id.to_string(),
                &payment.payment_date.to_string(),
                &payment.amount_minor.to_string(),
            ]);
        }
    }
}
