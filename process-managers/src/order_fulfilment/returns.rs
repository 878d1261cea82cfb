//! A return: the goods received back into stock at the order's ship-from location at what they
//! were issued at, then a customer credit note for them at the order's prices.
//!
//! - Stock: each returned line is received with movement id [`line_movement_id`] of
//!   `"<order_id>/<return_id>/<line_no>"` and reference [`sales_return_reference`], so
//!   inventory-postings credits cost of goods sold (`5000`) instead of GR/IR. Its unit cost is
//!   the line's average issued unit cost: the value of the line's issues (the movements
//!   `"<order_id>/<shipment_id>/<line_no>"` of every shipment of the order, read from the stock
//!   events in the event store) × 1000 / their quantity in thousandths, rounded half away from
//!   zero to a whole minor unit (a receipt's unit cost is whole), so the return is valued
//!   exactly at what was issued whenever that average is whole.
//! - Ledger: a `customer_credit_note` of the returned quantities at the order's unit prices on
//!   revenue `4000`, no tax, issued on the return date, under [`credit_note_id_for`]. It credits
//!   the first invoice linked to the order (its first `OrderInvoiced` event): a return does not
//!   say which shipment the goods came from, and the invoice is what the customer's receivable
//!   is reduced against.
//!
//! A repeated receipt (same movement id) and an existing or issued credit note record nothing.

use prism_aggregates::finance::chart::default_accounts as accounts;
use prism_aggregates::finance::invoice::{DraftInvoice, InvoiceKind, InvoiceLineInput, IssueInvoice};
use prism_aggregates::supply::sales_order::{OrderReturned, SalesOrder};
use prism_aggregates::supply::stock::{MovementKind, ReceiveStock, Stock, StockCommand};
use prism_aggregates::tenant::TenantId;
use prism_command_api::request_context::RequestContext;
use prism_platform::db::quote_ident;
use prism_platform::tenancy::schema_of;
use prism_projections::projection::ProjectionError;
use prism_projections::transient::Transient;

use super::credit_note_id_for;
use crate::inventory_postings::sales_return_reference;
use crate::invoicing::raise;
use crate::saga::{average_unit_cost, execute, line_movement_id, load, quantity};
use crate::stores::EventStores;

/// Receives the returned lines back into stock and raises the return's credit note.
pub(super) async fn take_back(
    stores: &EventStores,
    tenant: &TenantId,
    returned: &OrderReturned,
    context: &RequestContext,
) -> Result<(), ProjectionError> {
    let order_id = &returned.order_id;
    let order: SalesOrder = load(&stores.sales_orders, tenant, order_id).await?;
    let (Some(ship_from), Some(customer_id), Some(customer_name), Some(currency)) =
        (order.ship_from(), order.customer_id(), order.customer_name(), order.currency())
    else {
        return Err(format!("no sales order {order_id}").into());
    };
    let Some(credited) = first_invoice_of(stores, tenant, order_id).await? else {
        return Err(format!("sales order {order_id} has no invoice for return {} to credit", returned.return_id).into());
    };
    let shipments: Vec<&str> = order.shipments().map(|(shipment_id, _)| shipment_id).collect();
    let mut lines = Vec::with_capacity(returned.lines.len());
    for returned_line in &returned.lines {
        let Some(line) = order.lines().iter().find(|l| l.line_no == returned_line.line_no) else {
            return Err(format!("sales order {order_id} has no line {}", returned_line.line_no).into());
        };
        let issue_ids: Vec<String> =
            shipments.iter().map(|shipment_id| line_movement_id(order_id, shipment_id, line.line_no)).collect();
        let (issued_milli, issued_value_minor) = issued(stores, tenant, &line.sku, &issue_ids).await?;
        let Some(unit_cost_minor) = average_unit_cost(issued_milli, issued_value_minor) else {
            return Err(format!("sales order {order_id} line {} was never issued from stock", line.line_no).into());
        };
        let receive = StockCommand::Receive(ReceiveStock {
            sku: line.sku.clone(),
            location: ship_from.to_owned(),
            quantity: quantity(returned_line.quantity_milli),
            unit_cost_minor,
            reference: Some(sales_return_reference(order_id, &returned.return_id)),
            movement_id: Some(line_movement_id(order_id, &returned.return_id, line.line_no)),
        });
        execute::<Stock>(&stores.stock, tenant, &line.sku, &receive, context, |_| false).await?;
        lines.push(InvoiceLineInput {
            description: line.sku.clone(),
            quantity: quantity(returned_line.quantity_milli),
            unit_price: line.unit_price_minor,
            account: accounts::SALES_REVENUE.to_owned(),
            tax_code: None,
        });
    }
    let draft = DraftInvoice {
        invoice_id: credit_note_id_for(order_id, &returned.return_id),
        kind: InvoiceKind::CustomerCreditNote.as_str().to_owned(),
        number: None,
        counterparty_id: customer_id.to_owned(),
        counterparty_name: customer_name.to_owned(),
        currency: currency.as_str().to_owned(),
        control_account: None,
        credits_invoice_id: Some(credited),
        lines,
    };
    let issue = IssueInvoice { issue_date: returned.return_date, due_date: None };
    raise(stores, tenant, draft, issue, context).await
}

/// `(quantity, value)` the issues of `sku` with `movement_ids` moved, summed as recorded
/// (negative: out), read from the stock's events in the event store.
async fn issued(
    stores: &EventStores,
    tenant: &TenantId,
    sku: &str,
    movement_ids: &[String],
) -> Result<(i64, i64), ProjectionError> {
    let sql = format!(
        "SELECT COALESCE(SUM((payload -> 'InventoryUpdated' ->> 'quantity_change_milli')::bigint), 0)::bigint,
                COALESCE(SUM((payload -> 'InventoryUpdated' ->> 'movement_value_minor')::bigint), 0)::bigint
           FROM {}.events
          WHERE aggregate_type = $1 AND aggregate_id = $2 AND event_type = 'InventoryUpdated'
            AND payload -> 'InventoryUpdated' ->> 'movement' = $3
            AND payload -> 'InventoryUpdated' ->> 'movement_id' = ANY($4)",
        quote_ident(&schema_of(tenant))
    );
    sqlx::query_as(&sql)
        .bind(<Stock as cqrs_es::Aggregate>::TYPE)
        .bind(sku)
        .bind(MovementKind::Issue.as_str())
        .bind(movement_ids)
        .fetch_one(&stores.pool)
        .await
        .map_err(|e| Box::new(Transient(e.to_string())) as ProjectionError)
}

/// The invoice first linked to sales order `order_id` (by its `OrderInvoiced` events' order).
async fn first_invoice_of(
    stores: &EventStores,
    tenant: &TenantId,
    order_id: &str,
) -> Result<Option<String>, ProjectionError> {
    let sql = format!(
        "SELECT payload -> 'OrderInvoiced' ->> 'invoice_id' FROM {}.events
          WHERE aggregate_type = $1 AND aggregate_id = $2 AND event_type = 'OrderInvoiced'
          ORDER BY sequence
          LIMIT 1",
        quote_ident(&schema_of(tenant))
    );
    sqlx::query_scalar(&sql)
        .bind(<SalesOrder as cqrs_es::Aggregate>::TYPE)
        .bind(order_id)
        .fetch_optional(&stores.pool)
        .await
        .map_err(|e| Box::new(Transient(e.to_string())) as ProjectionError)
}
