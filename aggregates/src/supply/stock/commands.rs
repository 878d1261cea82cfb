//! Commands to the stock of an item. They carry raw inputs (strings, [`Quantity`] text,
//! optional values) so that every rule is decided, and reported with its field, in `handle`.
//! Each names the SKU — the aggregate id — which the API takes from the path.

use serde::{Deserialize, Serialize};

use crate::quantity::Quantity;

/// A request to move or reserve stock of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StockCommand {
    /// Goods came in at a location.
    Receive(ReceiveStock),
    /// Goods went out of a location, optionally against a reservation.
    Issue(IssueStock),
    /// Goods moved from one location to another, with their value.
    Transfer(TransferStock),
    /// A count found a location's on-hand quantity to be another.
    Adjust(AdjustStock),
    /// Set quantity at a location aside for an order.
    Reserve(ReserveStock),
    /// Give a reservation up.
    Release(ReleaseReservation),
}

/// Receive `quantity` at `location` at `unit_cost_minor` per unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiveStock {
    /// The item's SKU, the aggregate id.
    pub sku: String,
    /// Code of an open location.
    pub location: String,
    /// Positive quantity received.
    pub quantity: Quantity,
    /// Cost of one unit, minor units of the item's currency, `>= 0`.
    pub unit_cost_minor: i64,
    /// Purchase order, delivery note…; when present non-blank, at most `MAX_REFERENCE_CHARS`.
    #[serde(default)]
    pub reference: Option<String>,
    /// Id given by the client or saga so a redelivery records nothing; non-blank, at most
    /// `MAX_ID_CHARS`. Absent: derived from the SKU and aggregate sequence.
    #[serde(default)]
    pub movement_id: Option<String>,
}

/// Issue `quantity` from `location`, valued by the item's method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueStock {
    /// The item's SKU, the aggregate id.
    pub sku: String,
    /// Code of an open location.
    pub location: String,
    /// Positive quantity issued.
    pub quantity: Quantity,
    /// An open reservation at `location` the issue fulfils (partly): what it still holds counts
    /// as available to this issue, which takes from it up to the quantity issued. The rest
    /// stays reserved; the reservation is consumed once it holds nothing more.
    #[serde(default)]
    pub reservation_id: Option<String>,
    /// Sales order, delivery…; when present non-blank, at most `MAX_REFERENCE_CHARS`.
    #[serde(default)]
    pub reference: Option<String>,
    /// Idempotency id, as for [`ReceiveStock::movement_id`].
    #[serde(default)]
    pub movement_id: Option<String>,
}

/// Move `quantity` and its value from `from_location` to `to_location`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferStock {
    /// The item's SKU, the aggregate id.
    pub sku: String,
    /// Code of the open location the goods leave.
    pub from_location: String,
    /// Code of the open location the goods reach; not `from_location`.
    pub to_location: String,
    /// Positive quantity moved.
    pub quantity: Quantity,
    /// Transfer order…; both legs carry it. When present non-blank, at most
    /// `MAX_REFERENCE_CHARS`.
    #[serde(default)]
    pub reference: Option<String>,
    /// Idempotency id, as for [`ReceiveStock::movement_id`]; both legs carry it.
    #[serde(default)]
    pub movement_id: Option<String>,
}

/// Set the on-hand quantity at `location` to what a count found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjustStock {
    /// The item's SKU, the aggregate id.
    pub sku: String,
    /// Code of an open location.
    pub location: String,
    /// The quantity counted, `>= 0` (`"0"` allowed).
    pub counted_quantity: Quantity,
    /// Why: required, non-blank, at most `MAX_REASON_CHARS`.
    pub reason: String,
}

/// Reserve `quantity` at `location` under `reservation_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReserveStock {
    /// The item's SKU, the aggregate id.
    pub sku: String,
    /// Code of an open location.
    pub location: String,
    /// Positive quantity reserved.
    pub quantity: Quantity,
    /// Id of the reservation, given by the client or saga; non-blank, at most `MAX_ID_CHARS`.
    pub reservation_id: String,
    /// Sales order…; when present non-blank, at most `MAX_REFERENCE_CHARS`.
    #[serde(default)]
    pub reference: Option<String>,
}

/// Release the open reservation `reservation_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseReservation {
    /// The item's SKU, the aggregate id.
    pub sku: String,
    /// Id of the reservation.
    pub reservation_id: String,
}
