//! The quality-check aggregate (`production.quality_check`): one inspection of a quantity of an
//! item at a location — the output of a work order or a receipt — and its result. Events go to
//! topic `prism.production.quality-check.v1`, key = quality check id (a UUID, the aggregate id),
//! Avro namespace `prism.production`, version `1`.
//!
//! - A check is recorded once, complete ([`QualityCheckCompleted`]): `pass` leaves the stock
//!   where it is, available; `fail` names a quarantine location (open, not the inspected one)
//!   to which the production saga moves the quantity inspected, on hold.
//! - It names the work order or the receipt (a movement or document reference) it inspects;
//!   at least one of them.
//! - Every refusal names its field (`quality_check_id`, `sku`, `location`, `quantity`,
//!   `result`, `quarantine_location`, `work_order_id`, `notes`) and records nothing.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::QualityCheck;
pub use commands::{QualityCheckCommand, RecordQualityCheck};
pub use errors::QualityCheckError;
pub use events::{QualityCheckCompleted, QualityCheckEvent};

/// The result of a check that passed.
pub const PASS: &str = "pass";
/// The result of a check that failed.
pub const FAIL: &str = "fail";
