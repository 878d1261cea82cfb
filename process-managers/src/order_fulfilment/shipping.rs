//! A shipment: the customer invoice for its lines raised, then the lines issued from stock
//! against their reservations, then the invoice linked to the order.
//!
//! The invoice goes first because it is the step most likely to be refused (the ship date
//! in a closed period, no exchange rate for a foreign currency): refused, the event is
//! dead-lettered with neither stock nor ledger changed, and redone whole once the books
//! allow it. An issue against the line's own reservation is not refused for want of stock.

use prism_aggregates::finance::chart::default_accounts as accounts;
use prism_aggregates::finance::invoice::{DraftInvoice, InvoiceKind, InvoiceLineInput, IssueInvoice};
use prism_aggregates::supply::sales_order::{LinkInvoice, OrderShipped, SalesOrder, SalesOrderCommand};
use prism_aggregates::supply::stock::{IssueStock, StockCommand};
use prism_aggregates::tenant::TenantId;
use prism_command_api::request_context::RequestContext;
use prism_projections::projection::ProjectionError;

use super::{invoice_id_for, reservation_id};
use crate::invoicing::raise;
use crate::saga::{execute, line_movement_id, load, quantity};
use crate::stores::EventStores;

/// Raises the shipment's invoice at the order's prices, issued on the ship date, issues each
/// shipped line against its reservation, and links the invoice to the order.
pub(super) async fn ship(
    stores: &EventStores,
    tenant: &TenantId,
    shipped: &OrderShipped,
    context: &RequestContext,
) -> Result<(), ProjectionError> {
    let order_id = &shipped.order_id;
    let order: SalesOrder = load(&stores.sales_orders, tenant, order_id).await?;
    let (Some(customer_id), Some(customer_name), Some(currency)) =
        (order.customer_id(), order.customer_name(), order.currency())
    else {
        return Err(format!("no sales order {order_id}").into());
    };
    let mut lines = Vec::with_capacity(shipped.lines.len());
    for shipped_line in &shipped.lines {
        let Some(line) = order.lines().iter().find(|l| l.line_no == shipped_line.line_no) else {
            return Err(format!("sales order {order_id} has no line {}", shipped_line.line_no).into());
        };
        lines.push(InvoiceLineInput {
            description: line.sku.clone(),
            quantity: quantity(shipped_line.quantity_milli),
            unit_price: line.unit_price_minor,
            account: accounts::SALES_REVENUE.to_owned(),
            tax_code: None,
        });
    }
    let invoice_id = invoice_id_for(order_id, &shipped.shipment_id);
    let draft = DraftInvoice {
        invoice_id,
        kind: InvoiceKind::CustomerInvoice.as_str().to_owned(),
        number: None,
        counterparty_id: customer_id.to_owned(),
        counterparty_name: customer_name.to_owned(),
        currency: currency.as_str().to_owned(),
        control_account: None,
        credits_invoice_id: None,
        lines,
    };
    let issue = IssueInvoice { issue_date: shipped.ship_date, due_date: None };
    raise(stores, tenant, draft, issue, context).await?;
    for line in &shipped.lines {
        let issue = StockCommand::Issue(IssueStock {
            sku: line.sku.clone(),
            location: shipped.ship_from.clone(),
            quantity: quantity(line.quantity_milli),
            reservation_id: Some(reservation_id(order_id, line.line_no)),
            reference: Some(order_id.clone()),
            movement_id: Some(line_movement_id(order_id, &shipped.shipment_id, line.line_no)),
        });
        execute(&stores.stock, tenant, &line.sku, &issue, context, |_| false).await?;
    }
    let link = SalesOrderCommand::LinkInvoice(LinkInvoice {
        shipment_id: shipped.shipment_id.clone(),
        invoice_id: invoice_id.to_string(),
    });
    execute(&stores.sales_orders, tenant, order_id, &link, context, |_| false).await
}
