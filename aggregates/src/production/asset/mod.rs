//! The asset aggregate (`production.asset`): a machine or other piece of plant equipment, its
//! maintenance schedule and its downtime. Events go to topic `prism.production.asset.v1`, key =
//! asset id (a UUID, the aggregate id), Avro namespace `prism.production`, version `1`.
//!
//! - An asset is registered once ([`AssetRegistered`]) at an open location, with an optional
//!   maintenance interval in days and first due date.
//! - Maintenance can be scheduled for a date ([`MaintenanceScheduled`]); maintenance performed
//!   ([`MaintenancePerformed`]) never goes back before the last one and sets the next due date
//!   to the day performed plus the interval (none without an interval).
//! - Downtime starts ([`DowntimeStarted`], planned or not, with a reason) and ends
//!   ([`DowntimeEnded`], with its length in seconds); one at a time, never overlapping the
//!   previous one. Times are kept to the second.
//! - Retirement ([`AssetRetired`]) is final and needs the asset running.
//! - Every refusal names its field (`asset_id`, `name`, `location`,
//!   `maintenance_interval_days`, `due_on`, `performed_on`, `notes`, `started_at`, `reason`,
//!   `ended_at`, `retired_on`) or, when the asset's state forbids the command, none, and
//!   records nothing.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::{Asset, AssetStatus};
pub use commands::{AssetCommand, EndDowntime, RecordMaintenance, RegisterAsset, RetireAsset, StartDowntime};
pub use errors::AssetError;
pub use events::{
    AssetEvent, AssetRegistered, AssetRetired, DowntimeEnded, DowntimeStarted, MaintenancePerformed,
    MaintenanceScheduled,
};

/// Longest maintenance interval, in days (ten years).
pub const MAX_INTERVAL_DAYS: i32 = 3_650;
