//! Reserving an order's lines when it is placed, reserving what is still missing and
//! recording the allocation when it is confirmed, compensating a reservation refused for good
//! by cancelling the order, and releasing the reservations of an order cancelled before it
//! shipped.

use prism_aggregates::refusal::Refusal;
use prism_aggregates::supply::order_lines::MAX_REASON_CHARS;
use prism_aggregates::supply::sales_order::{
    AllocationLineInput, CancelOrder, OrderCancelled, RecordAllocation, SalesOrder, SalesOrderCommand, SalesOrderError,
    SalesOrderLine, SalesOrderStatus,
};
use prism_aggregates::supply::stock::{ReleaseReservation, ReserveStock, StockCommand, StockError};
use prism_aggregates::tenant::TenantId;
use prism_command_api::request_context::RequestContext;
use prism_projections::projection::ProjectionError;

use super::reservation_id;
use crate::saga::{execute, load, quantity, try_execute};
use crate::stores::EventStores;

/// What became of reserving one line.
pub(super) enum Reservation {
    /// Reserved (or reserved already: a repeated reservation records nothing).
    Reserved,
    /// Not enough stock is available: the line is back-ordered.
    Short,
    /// Refused for good (the location closed since the order was placed…): the order cannot
    /// be fulfilled and is cancelled ([`cancel_unfulfillable`]).
    Refused(StockError),
}

/// Reserves every line of a just placed order `order_id` at its ship-from location, so its
/// stock is held while the order awaits confirmation; a line without enough stock is tried
/// again on confirmation ([`allocate`]). A reservation refused for good cancels the order
/// ([`cancel_unfulfillable`]).
pub(super) async fn hold(
    stores: &EventStores,
    tenant: &TenantId,
    order_id: &str,
    context: &RequestContext,
) -> Result<(), ProjectionError> {
    reserve_lines(stores, tenant, order_id, context).await.map(drop)
}

/// Reserves every line of confirmed order `order_id` not reserved yet — a line without enough
/// stock is back-ordered whole — and records the allocation. An order cancelled meanwhile is
/// left alone: the reaction to its cancellation releases what was reserved. A reservation
/// refused for good cancels the order instead ([`cancel_unfulfillable`]).
pub(super) async fn allocate(
    stores: &EventStores,
    tenant: &TenantId,
    order_id: &str,
    context: &RequestContext,
) -> Result<(), ProjectionError> {
    match reserve_lines(stores, tenant, order_id, context).await? {
        Some(allocation) => record(stores, tenant, order_id, allocation, context).await,
        None => Ok(()),
    }
}

/// Reserves each line of order `order_id` in full at its ship-from location (a line reserved
/// already records nothing): the allocation to record, or `None` when the order is cancelled
/// or was just cancelled because a reservation was refused for good.
async fn reserve_lines(
    stores: &EventStores,
    tenant: &TenantId,
    order_id: &str,
    context: &RequestContext,
) -> Result<Option<Vec<AllocationLineInput>>, ProjectionError> {
    let order: SalesOrder = load(&stores.sales_orders, tenant, order_id).await?;
    let Some(ship_from) = order.ship_from() else { return Err(format!("no sales order {order_id}").into()) };
    if order.status() == Some(SalesOrderStatus::Cancelled) {
        return Ok(None);
    }
    let mut allocation = Vec::with_capacity(order.lines().len());
    for line in order.lines() {
        let reserved_milli =
            match reserve(stores, tenant, order_id, ship_from, line, line.ordered_milli, context).await? {
                Reservation::Reserved => line.ordered_milli,
                Reservation::Short => 0,
                Reservation::Refused(refusal) => {
                    cancel_unfulfillable(stores, tenant, order_id, line, &refusal, context).await?;
                    return Ok(None);
                }
            };
        allocation.push(allocation_line(line, reserved_milli));
    }
    Ok(Some(allocation))
}

/// Reserves `quantity_milli` of `line` of order `order_id` at `ship_from` under the line's
/// reservation ([`reservation_id`]).
///
/// # Errors
/// [`crate::saga::try_execute`]'s transient failures.
pub(super) async fn reserve(
    stores: &EventStores,
    tenant: &TenantId,
    order_id: &str,
    ship_from: &str,
    line: &SalesOrderLine,
    quantity_milli: i64,
    context: &RequestContext,
) -> Result<Reservation, ProjectionError> {
    let reserve = StockCommand::Reserve(ReserveStock {
        sku: line.sku.clone(),
        location: ship_from.to_owned(),
        quantity: quantity(quantity_milli),
        reservation_id: reservation_id(order_id, line.line_no),
        reference: Some(order_id.to_owned()),
    });
    Ok(match try_execute(&stores.stock, tenant, &line.sku, &reserve, context).await? {
        Ok(()) => Reservation::Reserved,
        Err(StockError::InsufficientStock { .. }) => Reservation::Short,
        Err(refusal) => Reservation::Refused(refusal),
    })
}

/// The allocation of `line` with `reserved_milli` reserved and the rest back-ordered.
pub(super) fn allocation_line(line: &SalesOrderLine, reserved_milli: i64) -> AllocationLineInput {
    AllocationLineInput {
        line_no: line.line_no.into(),
        reserved_quantity: quantity(reserved_milli),
        back_ordered_quantity: quantity(line.ordered_milli - reserved_milli),
    }
}

/// Records `allocation` on order `order_id`. An unchanged one records nothing, and neither
/// does one that reserves less than a concurrent reaction recorded; an order cancelled
/// meanwhile is left alone.
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

/// The compensation of a reservation refused for good: order `order_id` is cancelled, with a
/// reason naming the line and the refusal, and the reaction to that cancellation releases
/// whatever its other lines reserved. An order cancelled (or shipped) meanwhile is left as it
/// is.
pub(super) async fn cancel_unfulfillable(
    stores: &EventStores,
    tenant: &TenantId,
    order_id: &str,
    line: &SalesOrderLine,
    refusal: &StockError,
    context: &RequestContext,
) -> Result<(), ProjectionError> {
    let reason =
        format!("stock for line {} ({}) cannot be reserved: {} ({})", line.line_no, line.sku, refusal, refusal.code());
    let cancel = SalesOrderCommand::Cancel(CancelOrder { reason: reason.chars().take(MAX_REASON_CHARS).collect() });
    let settled = |refusal: &SalesOrderError| {
        matches!(refusal, SalesOrderError::OrderCancelled | SalesOrderError::AlreadyShipped { .. })
    };
    execute(&stores.sales_orders, tenant, order_id, &cancel, context, settled).await
}

/// Releases the reservations of an order cancelled before it shipped; a line that was never
/// reserved has none.
pub(super) async fn release(
    stores: &EventStores,
    tenant: &TenantId,
    cancelled: &OrderCancelled,
    context: &RequestContext,
) -> Result<(), ProjectionError> {
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
