//! Commands to a quality check. They carry raw inputs so that every rule is decided, and
//! reported with its field, in `decide`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::quantity::Quantity;

/// A request to a quality check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum QualityCheckCommand {
    /// Record the check and its result: its first and only command.
    Record(RecordQualityCheck),
}

/// Record quality check `quality_check_id` of `quantity` of `sku` at `location`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordQualityCheck {
    /// Id of the check (the aggregate id), chosen by the API or the client.
    pub quality_check_id: Uuid,
    /// The work order whose output was inspected.
    #[serde(default)]
    pub work_order_id: Option<Uuid>,
    /// The receipt inspected (a movement id or a delivery reference).
    #[serde(default)]
    pub receipt_reference: Option<String>,
    /// The item inspected, a catalog item.
    pub sku: String,
    /// Code of the open location where it is.
    pub location: String,
    /// Positive quantity inspected.
    pub quantity: Quantity,
    /// `pass` or `fail`.
    pub result: String,
    /// Where failed goods go on hold: an open location other than `location`; required when
    /// the check fails, refused when it passes.
    #[serde(default)]
    pub quarantine_location: Option<String>,
    /// What was found; when present non-blank, at most `MAX_NOTE_CHARS` characters.
    #[serde(default)]
    pub notes: Option<String>,
}
