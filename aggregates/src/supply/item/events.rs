//! Facts about an item. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/supply/` field for field (a test keeps them from drifting); the enum is
//! externally tagged: `{"ItemDefined": {...}}`. Every event names its SKU, the Kafka key.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// An item was added to the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDefined {
    /// The SKU, the item's aggregate id.
    pub sku: String,
    /// Display name.
    pub name: String,
    /// The unit stock is counted in (`each`, `kg`).
    pub unit_of_measure: String,
    /// `fifo` or `moving_average`; fixed for the item's life.
    pub valuation_method: String,
    /// ISO-4217 code of the currency its stock is valued in; fixed for the item's life.
    pub currency: String,
    /// Reorder point in thousandths of the unit (0 or more); `None`: no reorder point.
    pub reorder_point_milli: Option<i64>,
    /// Quantity to reorder in thousandths of the unit (positive); `None`: not set.
    pub reorder_quantity_milli: Option<i64>,
}

/// An item's reorder policy was replaced (both `None`: cleared).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemReorderPolicyChanged {
    /// The SKU.
    pub sku: String,
    /// The new reorder point in thousandths of the unit; `None`: no reorder point.
    pub reorder_point_milli: Option<i64>,
    /// The new reorder quantity in thousandths of the unit; `None`: not set.
    pub reorder_quantity_milli: Option<i64>,
}

/// An item's display name changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRenamed {
    /// The SKU.
    pub sku: String,
    /// The new name.
    pub name: String,
}

/// An item was discontinued: it takes no further change; its history stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDiscontinued {
    /// The SKU.
    pub sku: String,
    /// Why, if given.
    pub reason: Option<String>,
}

/// Everything that can happen to an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemEvent {
    /// See [`ItemDefined`].
    ItemDefined(ItemDefined),
    /// See [`ItemReorderPolicyChanged`].
    ItemReorderPolicyChanged(ItemReorderPolicyChanged),
    /// See [`ItemRenamed`].
    ItemRenamed(ItemRenamed),
    /// See [`ItemDiscontinued`].
    ItemDiscontinued(ItemDiscontinued),
}

impl ItemEvent {
    /// Version of every item event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for ItemEvent {
    fn event_type(&self) -> String {
        match self {
            ItemEvent::ItemDefined(_) => "ItemDefined",
            ItemEvent::ItemReorderPolicyChanged(_) => "ItemReorderPolicyChanged",
            ItemEvent::ItemRenamed(_) => "ItemRenamed",
            ItemEvent::ItemDiscontinued(_) => "ItemDiscontinued",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
