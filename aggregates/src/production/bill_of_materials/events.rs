//! Facts about a bill of materials. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/production/` field for field (a test keeps them from drifting); the enum is
//! externally tagged. Topic `prism.production.bom.v1`, key = SKU, version `1`.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// One line of a version: a component and how much of it one unit of the item takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BomLine {
    /// SKU of the component.
    pub component_sku: String,
    /// Thousandths of the component's unit per unit of the finished item.
    pub quantity_milli: i64,
}

/// A new version of the bill of materials of an item was recorded: the seed event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillOfMaterialsRevised {
    /// The finished item's SKU, the aggregate id and Kafka key.
    pub sku: String,
    /// The version recorded, 1 for the first.
    pub version: i32,
    /// Every line of the version, in the order given.
    pub lines: Vec<BomLine>,
    /// Why it was revised.
    pub note: Option<String>,
}

/// Everything that can happen to a bill of materials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BomEvent {
    /// See [`BillOfMaterialsRevised`].
    BillOfMaterialsRevised(BillOfMaterialsRevised),
}

impl BomEvent {
    /// Version of every bill-of-materials event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for BomEvent {
    fn event_type(&self) -> String {
        match self {
            BomEvent::BillOfMaterialsRevised(_) => "BillOfMaterialsRevised",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
