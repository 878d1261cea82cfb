//! Invoices over REST: draft a customer invoice, vendor bill or credit note, issue it (which
//! posts it to the ledger), or void it (which reverses that posting). Payments are applied to
//! invoices by `POST /v1/payments`, never directly.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use prism_aggregates::finance::invoice::{
    issue_entry_id_for, void_entry_id_for, DraftInvoice, Invoice, InvoiceCommand, InvoiceLineInput, InvoiceStatus,
    IssueInvoice, VoidInvoice,
};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::counterparty_lock::CounterpartyLocks;
use crate::dispatch::{accepted, check_if_match, execute};
use crate::event_store::{Committed, TenantEventStores};
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// State shared by the invoice routes.
pub type Stores = Arc<TenantEventStores<Invoice>>;

/// Body of `POST /v1/invoices`: a [`DraftInvoice`] whose id may be left to the server.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftInvoiceRequest {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub invoice_id: Option<Uuid>,
    /// `customer_invoice`, `vendor_bill`, `customer_credit_note` or `vendor_credit_note`.
    pub kind: String,
    /// Document number; derived from the id when absent.
    #[serde(default)]
    pub number: Option<String>,
    /// Id of the customer or vendor.
    pub counterparty_id: String,
    /// Name of the customer or vendor.
    pub counterparty_name: String,
    /// ISO-4217 currency of every amount.
    pub currency: String,
    /// Receivable or payable control account; `1100` / `2000` when absent.
    #[serde(default)]
    pub control_account: Option<String>,
    /// The invoice a credit note credits.
    #[serde(default)]
    pub credits_invoice_id: Option<String>,
    /// The lines.
    #[schema(value_type = Vec<crate::openapi::bodies::InvoiceLineInput>)]
    pub lines: Vec<InvoiceLineInput>,
}

/// Where an invoice stands after a command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvoiceView {
    /// The invoice.
    pub invoice_id: Uuid,
    /// Its document number.
    pub number: String,
    /// `draft`, `issued`, `partially_paid`, `paid` or `void`.
    pub status: &'static str,
    /// What the counterparty owes (or is owed, for a credit note), once issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gross_total_minor: Option<i64>,
    /// What is still open, once issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_minor: Option<i64>,
    /// The journal entry the command posted, if it posted one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<Uuid>,
    /// The invoice's version after the command.
    pub version: i64,
    /// Global position of the last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// `POST /v1/invoices`: 201 with the draft.
#[utoipa::path(post, path = "/v1/invoices", request_body = DraftInvoiceRequest,
    responses((status = 201, description = "Drafted", body = InvoiceView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn draft(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    context: RequestContext,
    JsonBody(request): JsonBody<DraftInvoiceRequest>,
) -> Result<Response, Problem> {
    let new_id = NewAggregateId::named_or_minted(request.invoice_id);
    let invoice_id = new_id.uuid();
    let command = InvoiceCommand::Draft(DraftInvoice {
        invoice_id,
        kind: request.kind,
        number: request.number,
        counterparty_id: request.counterparty_id,
        counterparty_name: request.counterparty_name,
        currency: request.currency,
        control_account: request.control_account,
        credits_invoice_id: request.credits_invoice_id,
        lines: request.lines,
    });
    let committed = new_id.run(execute(&stores, &tenant, &invoice_id.to_string(), command, &context)).await?;
    answer(&stores, &tenant, invoice_id, None, committed, StatusCode::CREATED).await
}

/// `POST /v1/invoices/{id}/issue` with an [`IssueInvoice`] body: posts the invoice.
#[utoipa::path(post, path = "/v1/invoices/{id}/issue",
    params(("id" = Uuid, Path, description = "The invoice"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::IssueInvoice,
    responses((status = 200, description = "Issued and posted", body = InvoiceView), crate::openapi::NotFound, crate::openapi::Unavailable))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, invoice_id = %invoice_id))]
pub async fn issue(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(invoice_id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<IssueInvoice>,
) -> Result<Response, Problem> {
    let invoice_id = parse_id(&invoice_id)?;
    let id = invoice_id.to_string();
    check_if_match(&stores, &tenant, &id, &headers).await?;
    let committed = execute(&stores, &tenant, &id, InvoiceCommand::Issue(request), &context).await?;
    answer(&stores, &tenant, invoice_id, Some(issue_entry_id_for(&id)), committed, StatusCode::OK).await
}

/// `POST /v1/invoices/{id}/void` with a [`VoidInvoice`] body: reverses the invoice's posting;
/// refused once a payment was applied (issue a credit note instead).
#[utoipa::path(post, path = "/v1/invoices/{id}/void",
    params(("id" = Uuid, Path, description = "The invoice"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::VoidInvoice,
    responses((status = 200, description = "Voided, its posting reversed", body = InvoiceView), crate::openapi::NotFound, crate::openapi::Unavailable))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, invoice_id = %invoice_id))]
pub async fn void(
    State(stores): State<Stores>,
    State(locks): State<Arc<CounterpartyLocks>>,
    Tenant(tenant): Tenant,
    Path(invoice_id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<VoidInvoice>,
) -> Result<Response, Problem> {
    let invoice_id = parse_id(&invoice_id)?;
    let id = invoice_id.to_string();
    let invoice = stores.load(&tenant, &id).await.map_err(|e| Problem::internal(&e))?;
    let counterparty = invoice.counterparty_id().ok_or_else(|| Problem::not_found(format!("no invoice {id}")))?;
    let _lock = locks.lock(&tenant, counterparty).await.map_err(|e| Problem::internal(&e))?;
    check_if_match(&stores, &tenant, &id, &headers).await?;
    let committed = execute(&stores, &tenant, &id, InvoiceCommand::Void(request), &context).await?;
    answer(&stores, &tenant, invoice_id, Some(void_entry_id_for(&id)), committed, StatusCode::OK).await
}

fn parse_id(invoice_id: &str) -> Result<Uuid, Problem> {
    crate::dispatch::path_uuid("invoice", invoice_id)
}

async fn answer(
    stores: &Stores,
    tenant: &TenantId,
    invoice_id: Uuid,
    entry_id: Option<Uuid>,
    committed: Committed,
    status: StatusCode,
) -> Result<Response, Problem> {
    let invoice = stores.load(tenant, &invoice_id.to_string()).await.map_err(|e| Problem::internal(&e))?;
    let issued = invoice.issue_date().is_some();
    let body = InvoiceView {
        invoice_id,
        number: invoice.number().unwrap_or_default().to_owned(),
        status: invoice.status().map_or("draft", InvoiceStatus::as_str),
        gross_total_minor: issued.then(|| invoice.gross_total_minor()),
        open_minor: issued.then(|| invoice.open_minor()),
        entry_id,
        version: committed.version,
        position: committed.position,
    };
    tracing::info!(position = committed.position, status = body.status, "invoice changed");
    Ok(accepted(status, body, &format!("/v1/invoices/{invoice_id}"), committed))
}
