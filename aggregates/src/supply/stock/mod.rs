//! The stock aggregate (`supply.stock`): how much of one item is on hand and reserved at each
//! location, what it is worth, and the reservations made against it.
//!
//! There is one stock aggregate per item; its id is the item's SKU, which every command carries
//! too. Every movement — receipt, issue, the two legs of a transfer, count adjustment,
//! reservation, release — records one [`InventoryUpdated`] (the seed event, Avro
//! `prism.supply.InventoryUpdated`, topic `prism.supply.stock.v1`, key = SKU, version `1`)
//! carrying the change and the location's totals after it.
//!
//! Quantities are [`crate::quantity::Quantity`] thousandths of the item's unit; values are
//! integer minor units of the item's currency (the currency of the first movement; a later
//! change of the item's currency is refused). Each location is valued by the item's
//! [`crate::supply::valuation::ValuationMethod`] with exact integer arithmetic (see
//! `valuation.rs` for the layers and rounding).
//!
//! Rules and limits, each enforced in [`Stock::decide`] and tested at the limit:
//! - the SKU is non-blank, at most [`MAX_SKU_CHARS`] characters and the aggregate's own;
//!   location codes are non-blank and at most [`MAX_LOCATION_CHARS`]; `movement_id` and
//!   `reservation_id` are non-blank and at most [`MAX_ID_CHARS`]; a reference is non-blank and
//!   at most [`MAX_REFERENCE_CHARS`]; an adjustment's reason is required, non-blank and at most
//!   [`MAX_REASON_CHARS`];
//! - quantities are positive (a counted quantity may be `0`); a unit cost is `>= 0`;
//! - the item must exist ([`CatalogServices::item`]); receipts need it not discontinued;
//!   every location a movement names must exist and be open ([`CatalogServices::location`]);
//!   releasing a reservation reads no service;
//! - available to promise = on hand − reserved, per location. Issuing or reserving more than
//!   is available is refused unless [`StockServices::allows_negative_stock`]: then on hand may
//!   go below zero and the shortfall is valued at the location's last known unit cost (that
//!   of its last receipt, transfer in or count gain); a location without one refuses it;
//! - an issue against an open reservation may use what the reservation still holds and takes
//!   from it up to the quantity issued (`reserved_change_milli` is minus what it took): the
//!   rest stays reserved for later issues — a partial shipment keeps the remainder — and the
//!   reservation is consumed once it holds nothing more; a release frees what it still holds;
//! - a transfer moves quantity and value from one location to another, never the same one;
//! - idempotency: a command whose `movement_id` was already recorded, a `Reserve` repeating an
//!   existing reservation (same location and quantity reserved, whatever was issued since), a
//!   `Release` of a released reservation, an `Issue` against a consumed reservation, and an
//!   `Adjust` to the quantity already on hand all
//!   record nothing and succeed; reusing a reservation id for a different reservation is a
//!   conflict. Without a `movement_id` an event's id is [`movement_id_for`] the SKU and the
//!   aggregate sequence of the command's first event (a transfer's two legs share it).
//!   The state keeps every movement id recorded, so its snapshot grows with the history.

mod aggregate;
mod commands;
mod errors;
mod events;
mod services;
mod valuation;

#[cfg(test)]
mod tests;

pub use aggregate::{movement_id_for, LocationStock, Reservation, ReservationStatus, Stock};
pub use commands::{
    AdjustStock, IssueStock, ReceiveStock, ReleaseReservation, ReserveStock, StockCommand, TransferStock,
};
pub use errors::StockError;
pub use events::{InventoryUpdated, MovementKind, StockEvent};
pub use services::StockServices;
// The catalog the stock is decided against, also reachable at its former paths here.
pub use crate::supply::catalog::{CatalogServices, ItemTerms, LocationTerms};
pub use valuation::Layer;

/// Longest SKU (the aggregate id), in characters.
pub const MAX_SKU_CHARS: usize = 100;
/// Longest location code, in characters.
pub const MAX_LOCATION_CHARS: usize = 100;
/// Longest `movement_id` or `reservation_id`, in characters.
pub const MAX_ID_CHARS: usize = 100;
/// Longest reference of a movement, in characters.
pub const MAX_REFERENCE_CHARS: usize = 200;
/// Longest reason of an adjustment, in characters.
pub const MAX_REASON_CHARS: usize = 500;
