//! `GET /v1/payments/{id}`: a payment received or made, with its allocations to invoices,
//! from `payments` and `payment_allocations` (the `postgres` projector's read model) read in
//! one query; each allocation carries the allocated invoice's number when that invoice is in
//! the read model. 404 when the payment is absent.
//!
//! JSON: [`PaymentView`]. CSV (`Accept: text/csv`): one record per allocation, columns
//! `payment_id`, `direction`, `counterparty_id`, `payment_date`, `currency`, `amount_minor`,
//! `unallocated_minor`, `bank_account`, `reference`, `invoice_id`, `invoice_number`,
//! `allocated_minor`; a payment without allocations is one record with the last three
//! columns empty, an absent `reference` or `invoice_number` is empty.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use crate::consistency::MinPosition;
use crate::csv::{CsvWriter, ToCsv};
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::negotiate::Format;
use crate::params;
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// A payment; amounts in minor units of `currency`. Read from the `payments` columns of the
/// same names, `allocations` aggregated as JSON.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct PaymentView {
    /// Payment id.
    pub payment_id: Uuid,
    /// `received` (from a customer) or `made` (to a vendor).
    pub direction: String,
    /// Id of the customer or vendor.
    pub counterparty_id: String,
    /// Date of the payment.
    pub payment_date: NaiveDate,
    /// Amount paid.
    pub amount_minor: i64,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Cash account the money moved through.
    pub bank_account: String,
    /// Receivable or payable control account.
    pub control_account: String,
    /// Bank reference, if any.
    pub reference: Option<String>,
    /// Part of the amount allocated to no invoice.
    pub unallocated_minor: i64,
    /// Global position of the event that recorded it.
    pub last_position: i64,
    /// Allocations by invoice number, then invoice id.
    #[sqlx(json)]
    pub allocations: Vec<AllocationView>,
}

/// The part of a payment allocated to one invoice.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AllocationView {
    /// Invoice id (see `GET /v1/invoices/{id}`).
    pub invoice_id: Uuid,
    /// The invoice's number; `null` when the invoice is not in the read model.
    pub invoice_number: Option<String>,
    /// Amount allocated to it.
    pub amount_minor: i64,
}

/// `GET /v1/payments/{id}`: the payment with its allocations; 404 when absent.
#[utoipa::path(get, path = "/v1/payments/{id}",
    params(("id" = Uuid, Path, description = "The payment"), crate::openapi::Csv),
    responses((status = 200, description = "The payment with its allocations", body = PaymentView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, payment_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let payment_id = params::path_uuid("payment", &id)?;
    state.await_postgres(&tenant, token).await?;
    let payment = find_payment(&state.stores.postgres, &tenant, payment_id)
        .await?
        .ok_or_else(|| params::no_such("payment", &id))?;
    Ok(format.respond(&payment))
}

async fn find_payment(pool: &PgPool, tenant: &TenantId, payment_id: Uuid) -> Result<Option<PaymentView>, ReadError> {
    let sql = format!(
        "SELECT p.payment_id, p.direction, p.counterparty_id, p.payment_date, p.amount_minor, p.currency, \
                p.bank_account, p.control_account, p.reference, p.unallocated_minor, p.last_position, \
                (SELECT COALESCE(json_agg(json_build_object( \
                            'invoice_id', a.invoice_id, 'invoice_number', i.number, 'amount_minor', a.amount_minor) \
                            ORDER BY i.number COLLATE \"C\", a.invoice_id), '[]') \
                   FROM {allocations} a LEFT JOIN {invoices} i ON i.invoice_id = a.invoice_id \
                  WHERE a.payment_id = p.payment_id) AS allocations \
         FROM {payments} p WHERE p.payment_id = $1",
        payments = tenant_table(tenant, "payments"),
        allocations = tenant_table(tenant, "payment_allocations"),
        invoices = tenant_table(tenant, "invoices"),
    );
    let found = sqlx::query_as::<_, PaymentView>(&sql).bind(payment_id).fetch_optional(pool).await;
    absent_if_unprovisioned(found, None)
}

impl ToCsv for PaymentView {
    const HEADER: &'static [&'static str] = &[
        "payment_id",
        "direction",
        "counterparty_id",
        "payment_date",
        "currency",
        "amount_minor",
        "unallocated_minor",
        "bank_account",
        "reference",
        "invoice_id",
        "invoice_number",
        "allocated_minor",
    ];

    fn write_records(&self, csv: &mut CsvWriter) {
        let (payment_id, payment_date) = (self.payment_id.to_string(), self.payment_date.to_string());
        let (amount, unallocated) = (self.amount_minor.to_string(), self.unallocated_minor.to_string());
        let record = |csv: &mut CsvWriter, invoice_id: &str, invoice_number: &str, allocated: &str| {
            csv.record(&[
                &payment_id,
                &self.direction,
                &self.counterparty_id,
                &payment_date,
                &self.currency,
                &amount,
                &unallocated,
                &self.bank_account,
                self.reference.as_deref().unwrap_or_default(),
                invoice_id,
                invoice_number,
                allocated,
            ]);
        };
        if self.allocations.is_empty() {
            record(csv, "", "", "");
        }
        for allocation in &self.allocations {
            record(
                csv,
                &allocation.invoice_id.to_string(),
                allocation.invoice_number.as_deref().unwrap_or_default(),
                &allocation.amount_minor.to_string(),
            );
        }
    }
}
