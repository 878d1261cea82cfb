//! Deciding the sales order's commands: [`SalesOrder::decide`] checks every rule of the
//! command and the order's state and returns the events; [`check_catalog`] then checks what
//! they name against the catalog. One module per group of commands. `decide` is pure — no
//! services, no I/O, no clock.
//!
//! Rules are checked in a fixed order and the first broken one is reported. Every command but
//! `Place` first needs the order to exist (404). A command carrying an id already applied — a
//! shipment, return or payment id — is accepted and records nothing, whatever the status.
//! Then the status (409: cancelled, then the transition), then the inputs in field order
//! (422). In detail:
//!
//! - `Place`: exists, customer id, customer name, currency, ship-from location, then the lines
//!   (count, then each line's SKU, repetition, quantity, unit price, net; then the total);
//!   only then, against the catalog, the ship-from location (exists, open: 422 `ship_from`)
//!   and each line's item (defined, discontinued or not: 422 `lines[i].sku`), 503 when the
//!   catalog cannot be read.
//! - `RecordAllocation`: cancelled, each line (line number, reserved, back-ordered, their
//!   sum), every line present; a line reserving less than is recorded keeps the recorded
//!   quantity; then equal to the recorded allocation: nothing recorded; then the status
//!   (`confirmed`).
//! - `RecordShipment` / `RecordReturn`: id already applied, cancelled, status, id, then each
//!   line (line number, quantity, at most what is open).
//! - `LinkInvoice`: shipment id, the shipment, invoice id; the same link: nothing recorded;
//!   another invoice on the shipment: 409.
//! - `MarkPaid`: payment id already applied, cancelled, payment id, amount, at most unpaid.
//! - `Confirm`, `MarkPicked`, `MarkDelivered`, `Cancel`: cancelled, status, then the reason.

mod allocation;
mod place;
mod progress;
mod settlement;
mod shipping;

use super::aggregate::{Order, SalesOrder};
use super::commands::SalesOrderCommand;
use super::errors::SalesOrderError;
use super::events::SalesOrderEvent;
use super::status::SalesOrderStatus;
use crate::supply::catalog::{defined_line_items, open_location, CatalogServices};

impl SalesOrder {
    /// Decides `command` against the current state: the events to record (none for an
    /// idempotent redelivery), or why not. This is the whole of `handle`, callable without an
    /// event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`SalesOrderError`].
    pub fn decide(&self, command: SalesOrderCommand) -> Result<Vec<SalesOrderEvent>, SalesOrderError> {
        use SalesOrderCommand as C;
        use SalesOrderEvent as E;
        let event = match command {
            C::Place(place) => Some(E::OrderPlaced(self.decide_place(place)?)),
            C::Confirm => Some(E::OrderConfirmed(self.decide_confirm()?)),
            C::RecordAllocation(allocation) => self.decide_allocation(&allocation)?.map(E::OrderAllocated),
            C::MarkPicked => Some(E::OrderPicked(self.decide_pick()?)),
            C::RecordShipment(shipment) => self.decide_shipment(shipment)?.map(E::OrderShipped),
            C::MarkDelivered => Some(E::OrderDelivered(self.decide_deliver()?)),
            C::Cancel(cancel) => Some(E::OrderCancelled(self.decide_cancel(cancel)?)),
            C::RecordReturn(record) => self.decide_return(record)?.map(E::OrderReturned),
            C::LinkInvoice(link) => self.decide_link_invoice(link)?.map(E::OrderInvoiced),
            C::MarkPaid(paid) => self.decide_paid(paid)?.map(E::OrderPaid),
        };
        Ok(event.into_iter().collect())
    }

    /// The order, once placed.
    fn placed(&self) -> Result<&Order, SalesOrderError> {
        self.order.as_ref().ok_or(SalesOrderError::NotFound)
    }

    /// The order, once placed and unless cancelled.
    fn active(&self) -> Result<&Order, SalesOrderError> {
        let order = self.placed()?;
        if order.status.current() == SalesOrderStatus::Cancelled {
            return Err(SalesOrderError::OrderCancelled);
        }
        Ok(order)
    }
}

/// Checks what `events`, decided by [`SalesOrder::decide`], name against `catalog`: an order
/// placed ships from an existing, open location and sells defined items (a discontinued one
/// may still be sold from what is left of it).
///
/// # Errors
/// The first refusal, as [`SalesOrderError::Catalog`].
pub(super) async fn check_catalog(
    events: &[SalesOrderEvent],
    catalog: &dyn CatalogServices,
) -> Result<(), SalesOrderError> {
    for event in events {
        if let SalesOrderEvent::OrderPlaced(placed) = event {
            open_location(catalog, &placed.ship_from, "ship_from").await?;
            defined_line_items(catalog, &placed.lines, false).await?;
        }
    }
    Ok(())
}

/// Refuses `action` unless the order is in one of `allowed`.
fn require(order: &Order, action: &'static str, allowed: &[SalesOrderStatus]) -> Result<(), SalesOrderError> {
    if allowed.contains(&order.status.current()) {
        Ok(())
    } else {
        Err(SalesOrderError::InvalidTransition { action, status: order.status.current() })
    }
}
