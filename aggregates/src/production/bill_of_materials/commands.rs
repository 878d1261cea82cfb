//! Commands to a bill of materials. They carry raw inputs so that every rule is decided, and
//! reported with its field, in `decide`.

use serde::{Deserialize, Serialize};

use crate::quantity::Quantity;

/// A request to change a bill of materials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BomCommand {
    /// Record a new version.
    Revise(ReviseBillOfMaterials),
}

/// Make `lines` the next version of the bill of materials of `sku`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviseBillOfMaterials {
    /// The finished item's SKU, the aggregate id (the API takes it from the path).
    pub sku: String,
    /// What one unit is made of: 1 to `MAX_LINES` lines, each component once.
    pub lines: Vec<BomLineInput>,
    /// Why it was revised; when present non-blank, at most `MAX_NOTE_CHARS` characters.
    #[serde(default)]
    pub note: Option<String>,
}

/// One line of a revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BomLineInput {
    /// SKU of the component, a catalog item other than the finished item.
    pub component_sku: String,
    /// Positive quantity of the component per unit of the finished item.
    pub quantity: Quantity,
}
