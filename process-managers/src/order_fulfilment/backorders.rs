//! Filling back-orders when stock becomes available: an `InventoryUpdated` that raises what is
//! available at a location (a receipt, a transfer in, a count gain, a release) tries again,
//! oldest order first, to reserve the back-ordered lines of that SKU of every order still
//! `confirmed` with back-orders that ships from there, and records each order's new
//! allocation ([`allocation::reserve`], [`allocation::record`]). A line whose stock is still
//! insufficient stays back-ordered.
//!
//! Candidates are found in the event store (orders whose latest `OrderAllocated` back-orders the
//! SKU, shipping from the location, not cancelled since) — never a read model, which may lag;
//! what is reserved is decided on each candidate as loaded from the event store. Every step is
//! idempotent: a repeated reservation records nothing, and so does an unchanged allocation.
//! Reactions to different events may fill the same order at once; the order keeps the larger
//! reservation of each line whichever records first, so the slower one records nothing rather
//! than being refused. A reservation refused for good cancels the order, as on confirmation.
//!
//! An order's own back-ordered `OrderAllocated` is reacted to the same way, for all its
//! back-ordered lines: stock that arrived between the order's failed reservation and the
//! recording of its back-orders (when no candidate was there yet to find) is reserved then.

use cqrs_es::Aggregate;
use prism_aggregates::supply::sales_order::{SalesOrder, SalesOrderStatus};
use prism_aggregates::supply::stock::{InventoryUpdated, MovementKind};
use prism_aggregates::tenant::TenantId;
use prism_command_api::request_context::RequestContext;
use prism_platform::db::quote_ident;
use prism_platform::tenancy::schema_of;
use prism_projections::projection::ProjectionError;
use prism_projections::transient::Transient;

use super::allocation::{self, Reservation};
use crate::saga::load;
use crate::stores::EventStores;

/// Whether `updated` raises what is available to promise at its location: a receipt, a
/// transfer in, a count that found more, or a released reservation.
fn raises_availability(updated: &InventoryUpdated) -> bool {
    match MovementKind::parse(&updated.movement) {
        Some(MovementKind::Receipt | MovementKind::TransferIn | MovementKind::Release) => true,
        Some(MovementKind::Adjustment) => updated.quantity_change_milli > 0,
        _ => false,
    }
}

/// Tries to fill, oldest order first, the back-orders of `updated`'s SKU at its location when
/// the movement made stock available there.
pub(super) async fn stock_arrived(
    stores: &EventStores,
    tenant: &TenantId,
    updated: &InventoryUpdated,
    context: &RequestContext,
) -> Result<(), ProjectionError> {
    if !raises_availability(updated) {
        return Ok(());
    }
    for order_id in back_ordered(stores, tenant, &updated.sku, &updated.location).await? {
        fill(stores, tenant, &order_id, Some(&updated.sku), context).await?;
    }
    Ok(())
}

/// Tries to reserve the back-ordered lines of order `order_id` — only those of `sku` when given
/// — and records the order's allocation: those lines reserved where the stock now suffices,
/// the others as they are. Anything but a `confirmed` order with back-orders is left alone. A
/// line partly reserved already cannot be topped up under its reservation id and is left as it
/// is (allocations reserve a line whole or not at all, so there is none).
pub(super) async fn fill(
    stores: &EventStores,
    tenant: &TenantId,
    order_id: &str,
    sku: Option<&str>,
    context: &RequestContext,
) -> Result<(), ProjectionError> {
    let order: SalesOrder = load(&stores.sales_orders, tenant, order_id).await?;
    let Some(ship_from) = order.ship_from() else { return Ok(()) };
    if order.status() != Some(SalesOrderStatus::Confirmed) || !order.back_ordered() {
        return Ok(());
    }
    let mut lines = Vec::with_capacity(order.lines().len());
    let mut reserved_any = false;
    for line in order.lines() {
        let wanted = line.back_ordered_milli > 0 && line.reserved_milli == 0 && sku.is_none_or(|sku| sku == line.sku);
        let mut reserved_milli = line.reserved_milli;
        if wanted {
            match allocation::reserve(stores, tenant, order_id, ship_from, line, line.back_ordered_milli, context)
                .await?
            {
                Reservation::Reserved => {
                    reserved_any = true;
                    reserved_milli = line.ordered_milli;
                }
                Reservation::Short => {}
                Reservation::Refused(refusal) => {
                    return allocation::cancel_unfulfillable(stores, tenant, order_id, line, &refusal, context).await
                }
            }
        }
        lines.push(allocation::allocation_line(line, reserved_milli));
    }
    if !reserved_any {
        return Ok(());
    }
    allocation::record(stores, tenant, order_id, lines, context).await
}

/// Sales orders, oldest first, whose latest allocation back-orders `sku` and that ship from
/// `location` and were not cancelled since: the candidates [`fill`] decides on.
async fn back_ordered(
    stores: &EventStores,
    tenant: &TenantId,
    sku: &str,
    location: &str,
) -> Result<Vec<String>, ProjectionError> {
    let sql = format!(
        "SELECT allocated.aggregate_id
           FROM {schema}.events allocated
           JOIN {schema}.events placed
             ON placed.aggregate_type = allocated.aggregate_type
            AND placed.aggregate_id = allocated.aggregate_id
            AND placed.event_type = 'OrderPlaced'
          WHERE allocated.aggregate_type = $1 AND allocated.event_type = 'OrderAllocated'
            AND placed.payload -> 'OrderPlaced' ->> 'ship_from' = $3
            AND EXISTS (SELECT 1 FROM json_array_elements(allocated.payload -> 'OrderAllocated' -> 'lines') line
                         WHERE line ->> 'sku' = $2 AND (line ->> 'back_ordered_milli')::bigint > 0)
            AND NOT EXISTS (SELECT 1 FROM {schema}.events later
                             WHERE later.aggregate_type = allocated.aggregate_type
                               AND later.aggregate_id = allocated.aggregate_id
                               AND later.sequence > allocated.sequence
                               AND later.event_type IN ('OrderAllocated', 'OrderCancelled'))
          ORDER BY placed.global_position",
        schema = quote_ident(&schema_of(tenant))
    );
    sqlx::query_scalar(&sql)
        .bind(SalesOrder::TYPE)
        .bind(sku)
        .bind(location)
        .fetch_all(&stores.pool)
        .await
        .map_err(|e| Box::new(Transient(e.to_string())) as ProjectionError)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn movement(kind: MovementKind, quantity_change_milli: i64, reserved_change_milli: i64) -> InventoryUpdated {
        InventoryUpdated {
            sku: "WIDGET".to_owned(),
            movement_id: "m".to_owned(),
            movement: kind.as_str().to_owned(),
            location: "WH1".to_owned(),
            counter_location: None,
            valuation: "fifo".to_owned(),
            currency: "EUR".to_owned(),
            quantity_change_milli,
            reserved_change_milli,
            movement_value_minor: 0,
            value_change_minor: 0,
            unit_cost_minor: None,
            reservation_id: None,
            reference: None,
            reason: None,
            on_hand_after_milli: 0,
            reserved_after_milli: 0,
            value_after_minor: 0,
        }
    }

    #[test]
    fn receipts_transfers_in_count_gains_and_releases_raise_availability() {
        assert!(raises_availability(&movement(MovementKind::Receipt, 1_000, 0)));
        assert!(raises_availability(&movement(MovementKind::TransferIn, 1_000, 0)));
        assert!(raises_availability(&movement(MovementKind::Adjustment, 1, 0)));
        assert!(raises_availability(&movement(MovementKind::Release, 0, -1_000)));
    }

    #[test]
    fn issues_transfers_out_count_losses_and_reservations_do_not() {
        assert!(!raises_availability(&movement(MovementKind::Issue, -1_000, -1_000)));
        assert!(!raises_availability(&movement(MovementKind::TransferOut, -1_000, 0)));
        assert!(!raises_availability(&movement(MovementKind::Adjustment, -1_000, 0)));
        assert!(!raises_availability(&movement(MovementKind::Reservation, 0, 1_000)));
    }
}
