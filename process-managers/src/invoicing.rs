//! Raising an invoice or vendor bill from a saga: draft it under an id derived from what it
//! bills, then issue it (which posts it to the ledger). Both steps are idempotent — an invoice
//! that exists already is not drafted again, one issued already is not issued again — so a
//! redelivered event raises nothing twice.

use prism_aggregates::finance::invoice::{DraftInvoice, Invoice, InvoiceCommand, InvoiceError, IssueInvoice};
use prism_aggregates::tenant::TenantId;
use prism_command_api::request_context::RequestContext;
use prism_projections::projection::ProjectionError;

use crate::saga::execute;
use crate::stores::EventStores;

/// Drafts `draft` (unless it exists) and issues it as `issue` says (unless issued already).
///
/// # Errors
/// A refusal of either step (an unknown account, a closed period…), or a transient failure.
pub async fn raise(
    stores: &EventStores,
    tenant: &TenantId,
    draft: DraftInvoice,
    issue: IssueInvoice,
    context: &RequestContext,
) -> Result<(), ProjectionError> {
    let id = draft.invoice_id.to_string();
    let invoices = &stores.invoices;
    let drafted = |refusal: &InvoiceError| matches!(refusal, InvoiceError::AlreadyExists);
    execute::<Invoice>(invoices, tenant, &id, &InvoiceCommand::Draft(draft), context, drafted).await?;
    let issued = |refusal: &InvoiceError| matches!(refusal, InvoiceError::AlreadyIssued { .. });
    execute::<Invoice>(invoices, tenant, &id, &InvoiceCommand::Issue(issue), context, issued).await
}
