//! Reserving a confirmed order's lines and recording the allocation, and releasing the
//! reservations of an order cancelled before it shipped.

use prism_aggregates::supply::sales_order::{
    AllocationLineInput, OrderCancelled, RecordAllocation, SalesOrder, SalesOrderCommand, SalesOrderError,
    SalesOrderLine, SalesOrderStatus,
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
        let reserved = reserve(stores, tenant, order_id, ship_from, line, line.ordered_milli, context).await?;
        allocation.push(allocation_line(line, if reserved { line.ordered_milli } else { 0 }));
    }
    record(stores, tenant, order_id, allocation, context).await
}

/// Reserves `quantity_milli` of `line` of order `order_id` at `ship_from` under the line's
/// reservation ([`reservation_id`]): `true` once reserved (a repeated reservation records
/// nothing), `false` when the stock is insufficient.
pub(super) async fn reserve(
    stores: &EventStores,
    tenant: &TenantId,
    order_id: &str,
    ship_from: &str,
    line: &SalesOrderLine,
    quantity_milli: i64,
    context: &RequestContext,
) -> Result<bool, ProjectionError> {
    let reserve = StockCommand::Reserve(ReserveStock {
        sku: line.sku.clone(),
        location: ship_from.to_owned(),
        quantity: quantity(quantity_milli),
        reservation_id: reservation_id(order_id, line.line_no),
        reference: Some(order_id.to_owned()),
    });
    match try_execute(&stores.stock, tenant, &line.sku, &reserve, context).await? {
        Ok(()) => Ok(true),
        Err(StockError::InsufficientStock { .. }) => Ok(false),
        Err(refusal) => Err(refused::<Stock>(&line.sku, &refusal)),
    }
}

/// The allocation of `line` with `reserved_milli` reserved and the rest back-ordered.
pub(super) fn allocation_line(line: &SalesOrderLine, reserved_milli: i64) -> AllocationLineInput {
    AllocationLineInput {
        line_no: line.line_no.into(),
        reserved_quantity: quantity(reserved_milli),
        back_ordered_quantity: quantity(line.ordered_milli - reserved_milli),
    }
}

/// Records `allocation` on order `order_id` (an unchanged one records nothing); an order
/// cancelled meanwhile is left alone.
pub(super) async fn record(
    stores: &EventStores,
    tenant: &TenantId,
    order_id: &str,
    allocation: Vec<AllocationLineInput>,
    context: &RequestContext,
) -> Result<(), ProjectionError> {
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
