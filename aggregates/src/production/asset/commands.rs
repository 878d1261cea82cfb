//! Commands to an asset. They carry raw inputs so that every rule is decided, and reported
//! with its field, in `decide`. Times come with the commands (the API fills in now when the
//! client gives none): the aggregate reads no clock.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A request to change an asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssetCommand {
    /// Register a new asset: the first command of every asset.
    Register(RegisterAsset),
    /// Set the date the next maintenance is due.
    ScheduleMaintenance {
        /// The day it is due.
        due_on: NaiveDate,
    },
    /// Record maintenance done.
    RecordMaintenance(RecordMaintenance),
    /// The asset stops.
    StartDowntime(StartDowntime),
    /// The asset runs again.
    EndDowntime(EndDowntime),
    /// Take the asset out of service for good.
    Retire(RetireAsset),
}

/// Register asset `asset_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterAsset {
    /// Id of the asset (the aggregate id), chosen by the API or the client.
    pub asset_id: Uuid,
    /// Its name, e.g. `Press 2`; non-blank, at most `MAX_CODE_CHARS` characters.
    pub name: String,
    /// Code of the open location it stands at.
    pub location: String,
    /// Days between maintenances, 1 to [`super::MAX_INTERVAL_DAYS`]; none when absent.
    #[serde(default)]
    pub maintenance_interval_days: Option<i32>,
    /// When the first maintenance is due; none when absent.
    #[serde(default)]
    pub next_maintenance_due: Option<NaiveDate>,
}

/// Maintenance was done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordMaintenance {
    /// The day it was done; not before the last maintenance.
    pub performed_on: NaiveDate,
    /// What was done.
    #[serde(default)]
    pub notes: Option<String>,
}

/// The asset stops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartDowntime {
    /// When it stopped; not before the previous downtime ended.
    pub started_at: DateTime<Utc>,
    /// Why; non-blank, at most `MAX_NOTE_CHARS` characters.
    pub reason: String,
    /// Whether the stop was planned (maintenance, changeover) rather than a breakdown.
    #[serde(default)]
    pub planned: bool,
}

/// The asset runs again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndDowntime {
    /// When it ran again; after the downtime started.
    pub ended_at: DateTime<Utc>,
}

/// Retire the asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetireAsset {
    /// The day it left service.
    pub retired_on: NaiveDate,
    /// Why; non-blank, at most `MAX_NOTE_CHARS` characters.
    pub reason: String,
}
