//! Payments over REST: `POST /v1/payments` records a payment received from a customer or made
//! to a vendor (posting bank against the receivable or payable account) and applies each of
//! its allocations to its invoice, under the counterparty's lock so that two payments never
//! spend the same open amount. Applying an allocation is idempotent per payment, so the
//! payment-allocation process manager can apply it again after a crash between the two steps.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::finance::books::Books;
use prism_aggregates::finance::invoice::{ApplyPayment, Invoice, InvoiceCommand, InvoiceStanding, InvoiceStatus};
use prism_aggregates::finance::payment::{
    payment_entry_id_for, Allocation, AllocationInput, Payment, PaymentCommand, PaymentServices, ProcessPayment,
};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::books::BooksCache;
use crate::counterparty_lock::CounterpartyLocks;
use crate::dispatch::{accepted, execute};
use crate::event_store::{Committed, TenantEventStores};
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// State shared by the payment route.
pub type Stores = Arc<TenantEventStores<Payment>>;

/// Body of `POST /v1/payments`: a [`ProcessPayment`] whose id may be left to the server.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessPaymentRequest {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub payment_id: Option<Uuid>,
    /// `received` (from a customer) or `made` (to a vendor).
    pub direction: String,
    /// Id of the customer or vendor.
    pub counterparty_id: String,
    /// Accounting date.
    pub payment_date: NaiveDate,
    /// Amount, minor units.
    pub amount_minor: i64,
    /// ISO-4217 currency.
    pub currency: String,
    /// Cash account; `1000` when absent.
    #[serde(default)]
    pub bank_account: Option<String>,
    /// Receivable or payable account; `1100` / `2000` when absent.
    #[serde(default)]
    pub control_account: Option<String>,
    /// Bank reference or note.
    #[serde(default)]
    pub reference: Option<String>,
    /// Allocations to invoices.
    #[serde(default)]
    #[schema(value_type = Vec<crate::openapi::bodies::AllocationInput>)]
    pub allocations: Vec<AllocationInput>,
}

/// Answer to an accepted payment.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaymentAccepted {
    /// The payment.
    pub payment_id: Uuid,
    /// The journal entry it posted.
    pub entry_id: Uuid,
    /// The invoices it was applied to, as they stand now.
    pub invoices: Vec<AppliedTo>,
    /// The payment's version (1).
    pub version: i64,
    /// Global position of the last event (the last allocation applied, or the payment): send
    /// as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// One invoice a payment was applied to.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AppliedTo {
    /// The invoice.
    pub invoice_id: String,
    /// `partially_paid` or `paid`.
    pub status: &'static str,
    /// What is still open on it.
    pub open_minor: i64,
}

/// `POST /v1/payments`: 201 once the payment is recorded and applied to its invoices.
#[utoipa::path(post, path = "/v1/payments", request_body = ProcessPaymentRequest,
    responses((status = 201, description = "Recorded and applied to its invoices", body = PaymentAccepted), crate::openapi::Unavailable))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn process(
    State(stores): State<Stores>,
    State(invoices): State<crate::invoices::Stores>,
    State(locks): State<Arc<CounterpartyLocks>>,
    Tenant(tenant): Tenant,
    context: RequestContext,
    JsonBody(request): JsonBody<ProcessPaymentRequest>,
) -> Result<Response, Problem> {
    let new_id = NewAggregateId::named_or_minted(request.payment_id);
    let payment_id = new_id.uuid();
    let id = payment_id.to_string();
    let _lock = locks.lock(&tenant, &request.counterparty_id).await.map_err(|e| Problem::internal(&e))?;
    let command = PaymentCommand::Process(ProcessPayment {
        payment_id,
        direction: request.direction,
        counterparty_id: request.counterparty_id,
        payment_date: request.payment_date,
        amount_minor: request.amount_minor,
        currency: request.currency,
        bank_account: request.bank_account,
        control_account: request.control_account,
        reference: request.reference,
        allocations: request.allocations,
    });
    let recorded = new_id.run(execute(&stores, &tenant, &id, command, &context)).await?;
    let payment = stores.load(&tenant, &id).await.map_err(|e| Problem::internal(&e))?;
    let payment_date = payment.payment_date().unwrap_or_default();
    let mut last = recorded;
    let mut applied = Vec::new();
    let allocations = payment.allocations();
    let outcomes = apply_allocations(&invoices, &tenant, &id, payment_date, allocations, &context).await?;
    for (allocation, (invoice, committed)) in allocations.iter().zip(outcomes) {
        last = Committed { position: last.position.max(committed.position), ..last };
        applied.push(AppliedTo {
            invoice_id: allocation.invoice_id.clone(),
            status: invoice.status().map_or("draft", InvoiceStatus::as_str),
            open_minor: invoice.open_minor(),
        });
    }
    tracing::info!(payment_id = %id, position = last.position, "payment processed");
    let body = PaymentAccepted {
        payment_id,
        entry_id: payment_entry_id_for(&id),
        invoices: applied,
        version: recorded.version,
        position: last.position,
    };
    Ok(accepted(StatusCode::CREATED, body, &format!("/v1/payments/{payment_id}"), last))
}

/// Applies the allocations of payment `payment_id` to their invoices, in order: each invoice as
/// it stands afterwards and where its last event is. An allocation applied before changes
/// nothing, so this is safe to repeat (the payment-allocation process manager does, after a
/// crash between recording a payment and applying it).
///
/// # Errors
/// An invoice's refusal or a failure, as a problem; allocations before it stay applied.
pub async fn apply_allocations(
    invoices: &crate::invoices::Stores,
    tenant: &TenantId,
    payment_id: &str,
    payment_date: NaiveDate,
    allocations: &[Allocation],
    context: &RequestContext,
) -> Result<Vec<(Invoice, Committed)>, Problem> {
    let mut applied = Vec::with_capacity(allocations.len());
    for allocation in allocations {
        let apply = apply_command(payment_id, payment_date, allocation);
        let committed = execute(invoices, tenant, &allocation.invoice_id, apply, context).await?;
        let invoice = invoices.load(tenant, &allocation.invoice_id).await.map_err(|e| Problem::internal(&e))?;
        applied.push((invoice, committed));
    }
    Ok(applied)
}

/// The command applying `allocation` of payment `payment_id` to its invoice.
#[must_use]
pub fn apply_command(payment_id: &str, payment_date: NaiveDate, allocation: &Allocation) -> InvoiceCommand {
    InvoiceCommand::ApplyPayment(ApplyPayment {
        payment_id: payment_id.to_owned(),
        amount_minor: allocation.amount_minor,
        payment_date,
    })
}

/// What a payment needs to know when it decides: the books, and where its invoices stand,
/// both read from the event store.
pub struct PaymentLookups {
    tenant: TenantId,
    books: Arc<BooksCache>,
    invoices: crate::invoices::Stores,
}

impl PaymentLookups {
    /// The lookups of `tenant`'s payments.
    #[must_use]
    pub fn new(tenant: &TenantId, books: Arc<BooksCache>, invoices: crate::invoices::Stores) -> Self {
        Self { tenant: tenant.clone(), books, invoices }
    }
}

#[async_trait::async_trait]
impl PaymentServices for PaymentLookups {
    async fn books(&self) -> Result<Arc<Books>, String> {
        self.books.current(&self.tenant).await
    }

    async fn invoices(&self, ids: &[String]) -> Result<Vec<Option<InvoiceStanding>>, String> {
        let mut standings = Vec::with_capacity(ids.len());
        for id in ids {
            let invoice: Invoice = self.invoices.load(&self.tenant, id).await.map_err(|e| e.to_string())?;
            standings.push(invoice.standing());
        }
        Ok(standings)
    }
}
