//! Facts about the stock of an item: one event type, [`InventoryUpdated`], for every movement.
//! The serde JSON of the payload mirrors `schemas/avro/supply/InventoryUpdated.avsc` field for
//! field (a test keeps them from drifting); the enum is externally tagged:
//! `{"InventoryUpdated": {...}}`.

use std::fmt;

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// What kind of movement an [`InventoryUpdated`] records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// Goods came in.
    Receipt,
    /// Goods went out (cost of goods sold).
    Issue,
    /// The leaving leg of a transfer.
    TransferOut,
    /// The arriving leg of a transfer.
    TransferIn,
    /// A count changed on hand.
    Adjustment,
    /// Quantity was reserved.
    Reservation,
    /// A reservation was released.
    Release,
}

impl MovementKind {
    /// Every kind.
    pub const ALL: [MovementKind; 7] = [
        MovementKind::Receipt,
        MovementKind::Issue,
        MovementKind::TransferOut,
        MovementKind::TransferIn,
        MovementKind::Adjustment,
        MovementKind::Reservation,
        MovementKind::Release,
    ];

    /// The kind named `name` (`receipt`, `transfer_out`…); `None` otherwise.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// The name events carry: `receipt`, `issue`, `transfer_out`, `transfer_in`,
    /// `adjustment`, `reservation` or `release`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Receipt => "receipt",
            MovementKind::Issue => "issue",
            MovementKind::TransferOut => "transfer_out",
            MovementKind::TransferIn => "transfer_in",
            MovementKind::Adjustment => "adjustment",
            MovementKind::Reservation => "reservation",
            MovementKind::Release => "release",
        }
    }
}

impl fmt::Display for MovementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Stock of an item moved, or was reserved or released, at one location: the seed event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryUpdated {
    /// The item's SKU, the aggregate id and Kafka key.
    pub sku: String,
    /// The movement's id: the one given, else [`super::movement_id_for`] the SKU and sequence.
    /// Both legs of a transfer carry the same id.
    pub movement_id: String,
    /// [`MovementKind::as_str`] of the movement.
    pub movement: String,
    /// Code of the location whose stock changed.
    pub location: String,
    /// The other location of a transfer leg (where it went to or came from); `None` otherwise.
    pub counter_location: Option<String>,
    /// `fifo` or `moving_average`: how the location was valued.
    pub valuation: String,
    /// ISO 4217 code of every value of the event.
    pub currency: String,
    /// Change of on hand, thousandths of the unit: positive in, negative out.
    pub quantity_change_milli: i64,
    /// Change of reserved quantity, thousandths.
    pub reserved_change_milli: i64,
    /// Value of the goods moved, signed like the quantity: receipt quantity × unit cost,
    /// minus the cost of goods issued, the value transferred or adjusted; 0 for reservations.
    pub movement_value_minor: i64,
    /// Change of the location's stock value. Equals `movement_value_minor` except when goods
    /// come in while on hand is negative: then the shortfall is settled at the value it was
    /// issued at and the difference is a price variance.
    pub value_change_minor: i64,
    /// Cost of one unit received, minor units; receipts only.
    pub unit_cost_minor: Option<i64>,
    /// The reservation made, released or issued against (an issue takes from it what
    /// `reserved_change_milli` says).
    pub reservation_id: Option<String>,
    /// The movement's reference (order, delivery note…).
    pub reference: Option<String>,
    /// Why an adjustment was made; adjustments only.
    pub reason: Option<String>,
    /// On hand at the location after the movement, thousandths; negative only when negative
    /// stock is allowed.
    pub on_hand_after_milli: i64,
    /// Reserved at the location after the movement, thousandths.
    pub reserved_after_milli: i64,
    /// Value of the location's stock after the movement, minor units.
    pub value_after_minor: i64,
}

/// Everything that can happen to the stock of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StockEvent {
    /// See [`InventoryUpdated`].
    InventoryUpdated(InventoryUpdated),
}

impl StockEvent {
    /// Version of the stock event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for StockEvent {
    fn event_type(&self) -> String {
        match self {
            StockEvent::InventoryUpdated(_) => "InventoryUpdated",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
