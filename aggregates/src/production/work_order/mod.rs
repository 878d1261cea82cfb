//! The work-order aggregate (`production.work_order`): making a quantity of an item at a
//! location against one version of its bill of materials. Events go to topic
//! `prism.production.work-order.v1`, key = work order id (a UUID, the aggregate id), Avro
//! namespace `prism.production`, version `1`.
//!
//! ```text
//! planned → released → in_progress (ProductionStarted) → completed
//!    ↘          ↘             ↘
//!                  scrapped (with a reason, from any open status)
//! ```
//!
//! - Planning fixes the item, the quantity, the location (a catalog location that is open)
//!   and the bill version (the latest when none is given); [`WorkOrderPlanned`] carries the
//!   components the order needs: each line's quantity per unit × the order quantity, in
//!   thousandths, rounded up — the order's material requirement. Multi-level bills are made
//!   level by level: a component with its own bill is taken from stock, made by its own order.
//! - [`ProductionStarted`] repeats the components, which are then consumed from stock at the
//!   location; completing records the good quantity (positive) and what was scrapped in the
//!   run (`0` when absent). Completed and scrapped are final.
//! - Every refusal names its field (`work_order_id`, `sku`, `quantity`, `bom_version`,
//!   `location`, `good_quantity`, `scrapped_quantity`, `reason`) or, for a status that forbids
//!   the command, none (409), and records nothing.

mod aggregate;
mod commands;
mod errors;
mod events;
mod status;

#[cfg(test)]
mod tests;

pub use aggregate::WorkOrder;
pub use commands::{CompleteWorkOrder, PlanWorkOrder, ScrapWorkOrder, WorkOrderCommand};
pub use errors::WorkOrderError;
pub use events::{
    ComponentRequirement, ProductionStarted, WorkOrderCompleted, WorkOrderEvent, WorkOrderPlanned, WorkOrderReleased,
    WorkOrderScrapped,
};
pub use status::WorkOrderStatus;
