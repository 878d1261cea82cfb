//! `OpportunityWon` with a sales order → place that order, as the win recorded it: for the
//! opportunity's customer, in its currency, under the order id the win chose. The win already
//! passed the order's rules and its credit check, so placing it is not checked again. An order
//! that exists already is this one placed by an earlier delivery of the event (the command API
//! refuses a win whose order id is taken), so a redelivered win places nothing.

use prism_aggregates::crm::opportunity::{OpportunityWon, WonSalesOrder};
use prism_aggregates::supply::order_lines::OrderLineInput;
use prism_aggregates::supply::sales_order::{PlaceOrder, SalesOrderCommand, SalesOrderError};
use prism_aggregates::tenant::TenantId;
use prism_command_api::request_context::RequestContext;
use prism_projections::projection::ProjectionError;

use crate::saga::{execute, quantity};
use crate::stores::EventStores;

/// Places the sales order `won` created, if any.
///
/// # Errors
/// Transient when the store fails; permanent if the order is refused (it was checked when the
/// opportunity was won, so only a changed rule can refuse it now).
pub async fn place_order(
    stores: &EventStores,
    tenant: &TenantId,
    won: &OpportunityWon,
    context: &RequestContext,
) -> Result<(), ProjectionError> {
    let Some(order) = &won.sales_order else { return Ok(()) };
    let command = SalesOrderCommand::Place(placement(won, order)?);
    execute(&stores.sales_orders, tenant, &order.order_id, &command, context, |refusal| {
        matches!(refusal, SalesOrderError::AlreadyExists)
    })
    .await
}

/// The `PlaceOrder` that records `order` as the win did.
fn placement(won: &OpportunityWon, order: &WonSalesOrder) -> Result<PlaceOrder, ProjectionError> {
    Ok(PlaceOrder {
        order_id: order.order_id.parse()?,
        customer_id: won.customer_id.clone(),
        customer_name: order.customer_name.clone(),
        currency: won.currency.clone(),
        ship_from: order.ship_from.clone(),
        lines: order
            .lines
            .iter()
            .map(|line| OrderLineInput {
                sku: line.sku.clone(),
                quantity: quantity(line.quantity_milli),
                unit_price_minor: line.unit_price_minor,
            })
            .collect(),
    })
}
