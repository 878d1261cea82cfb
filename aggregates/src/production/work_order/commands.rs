//! Commands to a work order. They carry raw inputs so that every rule is decided, and reported
//! with its field, in `decide`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::quantity::Quantity;

/// A request to change a work order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkOrderCommand {
    /// Plan a new work order: the first command of every work order.
    Plan(PlanWorkOrder),
    /// Release a planned order to the floor.
    Release,
    /// Start production of a released order, consuming its components.
    Start,
    /// Complete an order in progress with the good quantity made.
    Complete(CompleteWorkOrder),
    /// Scrap an open order, with a reason.
    Scrap(ScrapWorkOrder),
}

/// Plan work order `work_order_id`: make `quantity` of `sku` at `location`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanWorkOrder {
    /// Id of the work order (the aggregate id), chosen by the API or the client.
    pub work_order_id: Uuid,
    /// The item to make: a catalog item with a bill of materials.
    pub sku: String,
    /// Positive quantity to make.
    pub quantity: Quantity,
    /// The version of the item's bill to make it by; its latest when absent.
    #[serde(default)]
    pub bom_version: Option<i32>,
    /// Code of the open location components come from and the goods go to.
    pub location: String,
    /// When it is due.
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
}

/// Complete an order in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteWorkOrder {
    /// Positive quantity of good units made.
    pub good_quantity: Quantity,
    /// Positive quantity scrapped in the run; none when absent.
    #[serde(default)]
    pub scrapped_quantity: Option<Quantity>,
}

/// Scrap an open order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScrapWorkOrder {
    /// Why; non-blank, at most `MAX_NOTE_CHARS` characters.
    pub reason: String,
}
