//! Facts about an asset. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/production/` field for field (a test keeps them from drifting); the enum is
//! externally tagged. Topic `prism.production.asset.v1`, key = `asset_id`, version `1`.

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// An asset was registered: the seed event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetRegistered {
    /// Id of the asset (the aggregate id), a UUID.
    pub asset_id: String,
    /// Its name.
    pub name: String,
    /// Code of the location it stands at.
    pub location: String,
    /// Days between maintenances.
    pub maintenance_interval_days: Option<i32>,
    /// When the first maintenance is due.
    pub next_maintenance_due: Option<NaiveDate>,
}

/// The next maintenance was scheduled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceScheduled {
    /// The asset.
    pub asset_id: String,
    /// The day it is due.
    pub due_on: NaiveDate,
}

/// Maintenance was performed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenancePerformed {
    /// The asset.
    pub asset_id: String,
    /// The day it was done.
    pub performed_on: NaiveDate,
    /// What was done.
    pub notes: Option<String>,
    /// When the next one is due: the day performed plus the interval; none without one.
    pub next_maintenance_due: Option<NaiveDate>,
}

/// The asset stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DowntimeStarted {
    /// The asset.
    pub asset_id: String,
    /// When it stopped (whole seconds).
    pub started_at: DateTime<Utc>,
    /// Why.
    pub reason: String,
    /// Whether the stop was planned.
    pub planned: bool,
}

/// The asset runs again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DowntimeEnded {
    /// The asset.
    pub asset_id: String,
    /// When the downtime started.
    pub started_at: DateTime<Utc>,
    /// When it ended (whole seconds).
    pub ended_at: DateTime<Utc>,
    /// Its length in seconds.
    pub duration_seconds: i64,
}

/// The asset left service for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetRetired {
    /// The asset.
    pub asset_id: String,
    /// The day it left service.
    pub retired_on: NaiveDate,
    /// Why.
    pub reason: String,
}

/// Everything that can happen to an asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssetEvent {
    /// See [`AssetRegistered`].
    AssetRegistered(AssetRegistered),
    /// See [`MaintenanceScheduled`].
    MaintenanceScheduled(MaintenanceScheduled),
    /// See [`MaintenancePerformed`].
    MaintenancePerformed(MaintenancePerformed),
    /// See [`DowntimeStarted`].
    DowntimeStarted(DowntimeStarted),
    /// See [`DowntimeEnded`].
    DowntimeEnded(DowntimeEnded),
    /// See [`AssetRetired`].
    AssetRetired(AssetRetired),
}

impl AssetEvent {
    /// Version of every asset event's schema.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for AssetEvent {
    fn event_type(&self) -> String {
        match self {
            AssetEvent::AssetRegistered(_) => "AssetRegistered",
            AssetEvent::MaintenanceScheduled(_) => "MaintenanceScheduled",
            AssetEvent::MaintenancePerformed(_) => "MaintenancePerformed",
            AssetEvent::DowntimeStarted(_) => "DowntimeStarted",
            AssetEvent::DowntimeEnded(_) => "DowntimeEnded",
            AssetEvent::AssetRetired(_) => "AssetRetired",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
