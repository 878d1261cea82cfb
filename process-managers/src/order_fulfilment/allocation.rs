//! Reserving a confirmed order's lines and recording the allocation, and releasing the
//! reservations of an order cancelled before it shipped.

use prism_aggregates::supply::sales_order::{
    AllocationLineInput, OrderCancelled, RecordAllocation, SalesOrder, SalesOrderCommand, SalesOrderError,
    SalesOrderStatus,
};
use prism_aggregates::supply::stock::{ReleaseReservation, ReserveStock, Stock, StockCommand, StockError};
use prism_aggregates::tenant::TenantId;
use prism_command_api::request_context::RequestContext;
use prism_projections::projection::ProjectionError;

use super::reservation_id;
use crate::saga::{execute, load, quantity, refused, try_execute};
use crate::stores::EventStores;

/// Statuses an order may be cancelled in once its stock was reserved.
const RESERVED_IN: [SalesOrderStatus; 3] =
    [SalesOrderStatus::Confirmed, SalesOrderStatus::Allocated, SalesOrderStatus::Picked];

/// Reserves every line of order `order_id` at its ship-from location — a line without enough
/// stock is back-ordered whole — and records the allocation. An order cancelled meanwhile is
/// left alone: the reaction to its cancellation releases what was reserved.
pub(super) async fn allocate(
    stores: &EventStores,
    tenant: &TenantId,
    order_id: &str,
    context: &RequestContext,
) -> Result<(), ProjectionError> {
    let order: SalesOrder = load(&stores.sales_orders, tenant, order_id).await?;
    let Some(ship_from) = order.ship_from() else { return Err(format!("no sales order {order_id}").into()) };
    if order.status() == Some(SalesOrderStatus::Cancelled) {
        return Ok(());
    }
    let mut allocation = Vec::with_capacity(order.lines().len());
    for line in order.lines() {
        let reserve = StockCommand::Reserve(ReserveStock {
            sku: line.sku.clone(),
            location: ship_from.to_owned(),
            quantity: quantity(line.ordered_milli),
            reservation_id: reservation_id(order_id, line.line_no),
            reference: Some(order_id.to_owned()),
        });
        let reserved_milli = match try_execute(&stores.stock, tenant, &line.sku, &reserve, context).await? {
            Ok(()) => line.ordered_milli,
            Err(StockError::InsufficientStock { .. }) => 0,
            Err(refusal) => return Err(refused::<Stock>(&line.sku, &refusal)),
        };
        allocation.push(AllocationLineInput {
            line_no: line.line_no.into(),
            reserved_quantity: quantity(reserved_milli),
            back_ordered_quantity: quantity(line.ordered_milli - reserved_milli),
        });
    }
    let record = SalesOrderCommand::RecordAllocation(RecordAllocation { lines: allocation });
    let cancelled = |refusal: &SalesOrderError| matches!(refusal, SalesOrderError::OrderCancelled);
    execute(&stores.sales_orders, tenant, order_id, &record, context, cancelled).await
}

/// Releases the reservations of an order cancelled after it was confirmed; a line that was
/// back-ordered has none.
pub(super) async fn release(
    stores: &EventStores,
    tenant: &TenantId,
    cancelled: &OrderCancelled,
    context: &RequestContext,
) -> Result<(), ProjectionError> {
    if !RESERVED_IN.iter().any(|status| status.as_str() == cancelled.cancelled_in) {
        return Ok(());
    }
    let order: SalesOrder = load(&stores.sales_orders, tenant, &cancelled.order_id).await?;
    for line in order.lines() {
        let release = StockCommand::Release(ReleaseReservation {
            sku: line.sku.clone(),
            reservation_id: reservation_id(&cancelled.order_id, line.line_no),
        });
        let never_reserved = |refusal: &StockError| matches!(refusal, StockError::ReservationNotFound { .. });
        execute(&stores.stock, tenant, &line.sku, &release, context, never_reserved).await?;
    }
    Ok(())
}
