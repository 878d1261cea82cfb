//! The procure-to-pay process manager: purchase orders' goods into stock and their vendor
//! bills into the ledger, reacting to
//!
//! - `GoodsReceived` → receive each line into stock at the receipt's location at the order's
//!   unit price (so inventory-postings debits `1200` Inventory and credits `2050` GR/IR with
//!   its value); the movement id is derived from order, receipt and line
//!   ([`crate::saga::line_movement_id`]), so a redelivered receipt records nothing;
//! - `PurchaseOrderBilled` → draft and issue a vendor bill under the bill's `invoice_id`, one
//!   line per billed line (billed quantity × billed price) on `2050` GR/IR, issued on the UTC
//!   date the bill was recorded: it debits GR/IR and credits `2000` Accounts payable, clearing
//!   what the receipts credited when bill and receipts agree. A bill that exists already is
//!   not drafted again, one issued already not issued again.

use std::sync::Arc;

use cqrs_es::Aggregate;
use prism_aggregates::finance::chart::default_accounts as accounts;
use prism_aggregates::finance::invoice::{DraftInvoice, InvoiceKind, InvoiceLineInput, IssueInvoice};
use prism_aggregates::supply::purchase_order::{GoodsReceived, PurchaseOrder, PurchaseOrderBilled, PurchaseOrderEvent};
use prism_aggregates::supply::stock::{ReceiveStock, StockCommand};
use prism_aggregates::tenant::TenantId;
use prism_command_api::request_context::RequestContext;
use prism_platform::envelope::EventEnvelope;
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::ProjectionError;
use uuid::Uuid;

use crate::invoicing::raise;
use crate::saga::{execute, line_movement_id, load, quantity, tenant_of, Reaction};
use crate::stores::EventStores;

/// Name of this process manager (consumer group, dead-letter topic, metrics).
pub const NAME: &str = "procure-to-pay";

/// Brings purchase orders' goods into stock and their bills into the ledger.
pub struct ProcureToPay {
    stores: Arc<EventStores>,
}

impl ProcureToPay {
    /// The process manager over `stores`.
    #[must_use]
    pub fn new(stores: Arc<EventStores>) -> Self {
        Self { stores }
    }

    /// Receives every line of `received` into stock at the order's unit price.
    async fn receive(
        &self,
        tenant: &TenantId,
        received: &GoodsReceived,
        context: &RequestContext,
    ) -> Result<(), ProjectionError> {
        let order_id = &received.order_id;
        let order: PurchaseOrder = load(&self.stores.purchase_orders, tenant, order_id).await?;
        for line in &received.lines {
            let Some(ordered) = order.lines().iter().find(|l| l.line_no == line.line_no) else {
                return Err(format!("purchase order {order_id} has no line {}", line.line_no).into());
            };
            let receipt = StockCommand::Receive(ReceiveStock {
                sku: line.sku.clone(),
                location: received.location.clone(),
                quantity: quantity(line.quantity_milli),
                unit_cost_minor: ordered.unit_price_minor,
                reference: Some(order_id.clone()),
                movement_id: Some(line_movement_id(order_id, &received.receipt_id, line.line_no)),
            });
            execute(&self.stores.stock, tenant, &line.sku, &receipt, context, |_| false).await?;
        }
        Ok(())
    }

    /// Raises the vendor bill `billed` records, on GR/IR.
    async fn bill(
        &self,
        tenant: &TenantId,
        envelope: &EventEnvelope,
        billed: &PurchaseOrderBilled,
        context: &RequestContext,
    ) -> Result<(), ProjectionError> {
        let order_id = &billed.order_id;
        let order: PurchaseOrder = load(&self.stores.purchase_orders, tenant, order_id).await?;
        let (Some(vendor_id), Some(vendor_name), Some(currency)) =
            (order.vendor_id(), order.vendor_name(), order.currency())
        else {
            return Err(format!("no purchase order {order_id}").into());
        };
        let invoice_id = Uuid::parse_str(&billed.invoice_id)?;
        let lines = billed
            .lines
            .iter()
            .map(|line| InvoiceLineInput {
                description: line.sku.clone(),
                quantity: quantity(line.quantity_milli),
                unit_price: line.unit_price_minor,
                account: accounts::GOODS_RECEIVED_NOT_INVOICED.to_owned(),
                tax_code: None,
            })
            .collect();
        let draft = DraftInvoice {
            invoice_id,
            kind: InvoiceKind::VendorBill.as_str().to_owned(),
            number: None,
            counterparty_id: vendor_id.to_owned(),
            counterparty_name: vendor_name.to_owned(),
            currency: currency.as_str().to_owned(),
            control_account: None,
            credits_invoice_id: None,
            lines,
        };
        let issue = IssueInvoice { issue_date: envelope.occurred_at.date_naive(), due_date: None };
        raise(&self.stores, tenant, draft, issue, context).await
    }
}

#[async_trait::async_trait]
impl Reaction for ProcureToPay {
    const AGGREGATE_TYPES: &'static [&'static str] = &[PurchaseOrder::TYPE];

    async fn react(&self, event: &ProjectedEvent) -> Result<(), ProjectionError> {
        let context = RequestContext::reacting_to(&event.envelope);
        match &event.event {
            DomainEvent::PurchaseOrder(PurchaseOrderEvent::GoodsReceived(received)) => {
                self.receive(&tenant_of(&event.envelope)?, received, &context).await
            }
            DomainEvent::PurchaseOrder(PurchaseOrderEvent::PurchaseOrderBilled(billed)) => {
                self.bill(&tenant_of(&event.envelope)?, &event.envelope, billed, &context).await
            }
            _ => Ok(()),
        }
    }
}
