//! The asset state: its registration, maintenance dates, the downtime under way and the end of
//! the last one, and whether it is retired. [`Asset::decide`] checks a command against it (and,
//! to register, the asset's location against the catalog); `apply` folds the events.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Days, NaiveDate, SubsecRound, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{AssetCommand, EndDowntime, RecordMaintenance, RegisterAsset, RetireAsset, StartDowntime};
use super::errors::AssetError;
use super::events::{
    AssetEvent, AssetRegistered, AssetRetired, DowntimeEnded, DowntimeStarted, MaintenancePerformed,
    MaintenanceScheduled,
};
use super::MAX_INTERVAL_DAYS;
use crate::production::input::{check_field, MAX_CODE_CHARS, MAX_NOTE_CHARS};
use crate::production::services::ProductionServices;
use crate::supply::catalog::open_location;

/// Where an asset stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetStatus {
    /// In service and not down.
    Running,
    /// A downtime is under way.
    Down,
    /// Out of service for good. Final.
    Retired,
}

impl AssetStatus {
    /// Its name in events, read models and the API.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            AssetStatus::Running => "running",
            AssetStatus::Down => "down",
            AssetStatus::Retired => "retired",
        }
    }
}

impl fmt::Display for AssetStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// State of one asset, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    registered: Option<Registered>,
}

/// An asset once registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Registered {
    asset_id: String,
    maintenance_interval_days: Option<i32>,
    next_maintenance_due: Option<NaiveDate>,
    last_maintenance: Option<NaiveDate>,
    /// The downtime under way: when it started.
    down_since: Option<DateTime<Utc>>,
    /// When the last downtime ended.
    last_downtime_end: Option<DateTime<Utc>>,
    retired: bool,
}

impl Registered {
    fn status(&self) -> AssetStatus {
        if self.retired {
            AssetStatus::Retired
        } else if self.down_since.is_some() {
            AssetStatus::Down
        } else {
            AssetStatus::Running
        }
    }
}

impl Asset {
    /// Its status; `None` before it is registered.
    #[must_use]
    pub fn status(&self) -> Option<AssetStatus> {
        self.registered.as_ref().map(Registered::status)
    }

    /// When its next maintenance is due.
    #[must_use]
    pub fn next_maintenance_due(&self) -> Option<NaiveDate> {
        self.registered.as_ref().and_then(|asset| asset.next_maintenance_due)
    }

    /// When the downtime under way started.
    #[must_use]
    pub fn down_since(&self) -> Option<DateTime<Utc>> {
        self.registered.as_ref().and_then(|asset| asset.down_since)
    }

    /// What `command` records given this state and `services`.
    ///
    /// # Errors
    /// Why the command is refused; nothing is recorded then.
    pub async fn decide(
        &self,
        command: AssetCommand,
        services: &dyn ProductionServices,
    ) -> Result<Vec<AssetEvent>, AssetError> {
        let Some(asset) = &self.registered else {
            return match command {
                AssetCommand::Register(register) => Ok(vec![registered(register, services).await?]),
                _ => Err(AssetError::NotFound),
            };
        };
        let status = asset.status();
        let wrong = |command: &'static str, needs: &'static str| AssetError::WrongStatus { status, command, needs };
        let asset_id = asset.asset_id.clone();
        let event = match command {
            AssetCommand::Register(_) => return Err(AssetError::AlreadyExists),
            _ if status == AssetStatus::Retired => return Err(wrong(command_name(&command), "running or down")),
            AssetCommand::ScheduleMaintenance { due_on } => {
                if let Some(last) = asset.last_maintenance.filter(|last| due_on < *last) {
                    return Err(AssetError::DueBeforeLastMaintenance { due_on, last });
                }
                AssetEvent::MaintenanceScheduled(MaintenanceScheduled { asset_id, due_on })
            }
            AssetCommand::RecordMaintenance(record) => asset.maintained(record)?,
            AssetCommand::StartDowntime(_) if status == AssetStatus::Down => {
                return Err(wrong("start_downtime", "running"))
            }
            AssetCommand::StartDowntime(start) => asset.stopped(start)?,
            AssetCommand::EndDowntime(EndDowntime { ended_at }) => {
                let Some(started_at) = asset.down_since else { return Err(wrong("end_downtime", "down")) };
                let ended_at = ended_at.trunc_subsecs(0);
                if ended_at <= started_at {
                    return Err(AssetError::EndNotAfterStart { started_at, ended_at });
                }
                let duration_seconds = ended_at.signed_duration_since(started_at).num_seconds();
                AssetEvent::DowntimeEnded(DowntimeEnded { asset_id, started_at, ended_at, duration_seconds })
            }
            AssetCommand::Retire(_) if status == AssetStatus::Down => return Err(wrong("retire", "running")),
            AssetCommand::Retire(RetireAsset { retired_on, reason }) => {
                check_field("reason", &reason, MAX_NOTE_CHARS)?;
                AssetEvent::AssetRetired(AssetRetired { asset_id, retired_on, reason })
            }
        };
        Ok(vec![event])
    }
}

/// The name of `command` in a status refusal.
fn command_name(command: &AssetCommand) -> &'static str {
    match command {
        AssetCommand::Register(_) => "register",
        AssetCommand::ScheduleMaintenance { .. } => "schedule_maintenance",
        AssetCommand::RecordMaintenance(_) => "record_maintenance",
        AssetCommand::StartDowntime(_) => "start_downtime",
        AssetCommand::EndDowntime(_) => "end_downtime",
        AssetCommand::Retire(_) => "retire",
    }
}

/// The `AssetRegistered` a `Register` records, once its inputs and the location pass.
async fn registered(register: RegisterAsset, services: &dyn ProductionServices) -> Result<AssetEvent, AssetError> {
    check_field("name", &register.name, MAX_CODE_CHARS)?;
    check_field("location", &register.location, MAX_CODE_CHARS)?;
    if let Some(days) = register.maintenance_interval_days.filter(|days| !(1..=MAX_INTERVAL_DAYS).contains(days)) {
        return Err(AssetError::InvalidInterval { days, max: MAX_INTERVAL_DAYS });
    }
    open_location(services, &register.location, "location").await?;
    Ok(AssetEvent::AssetRegistered(AssetRegistered {
        asset_id: register.asset_id.to_string(),
        name: register.name,
        location: register.location,
        maintenance_interval_days: register.maintenance_interval_days,
        next_maintenance_due: register.next_maintenance_due,
    }))
}

impl Registered {
    /// The `MaintenancePerformed` of `record`: not before the last one; the next due date the
    /// day performed plus the interval.
    fn maintained(&self, record: RecordMaintenance) -> Result<AssetEvent, AssetError> {
        let RecordMaintenance { performed_on, notes } = record;
        if let Some(last) = self.last_maintenance.filter(|last| performed_on < *last) {
            return Err(AssetError::MaintenanceBeforeLast { performed_on, last });
        }
        if let Some(notes) = &notes {
            check_field("notes", notes, MAX_NOTE_CHARS)?;
        }
        let next_maintenance_due = self
            .maintenance_interval_days
            .and_then(|days| performed_on.checked_add_days(Days::new(u64::try_from(days).unwrap_or_default())));
        Ok(AssetEvent::MaintenancePerformed(MaintenancePerformed {
            asset_id: self.asset_id.clone(),
            performed_on,
            notes,
            next_maintenance_due,
        }))
    }

    /// The `DowntimeStarted` of `start`: not before the previous downtime ended.
    fn stopped(&self, start: StartDowntime) -> Result<AssetEvent, AssetError> {
        let started_at = start.started_at.trunc_subsecs(0);
        if let Some(previous_end) = self.last_downtime_end.filter(|end| started_at < *end) {
            return Err(AssetError::OverlapsPreviousDowntime { started_at, previous_end });
        }
        check_field("reason", &start.reason, MAX_NOTE_CHARS)?;
        Ok(AssetEvent::DowntimeStarted(DowntimeStarted {
            asset_id: self.asset_id.clone(),
            started_at,
            reason: start.reason,
            planned: start.planned,
        }))
    }
}

impl Aggregate for Asset {
    const TYPE: &'static str = "production.asset";
    type Command = AssetCommand;
    type Event = AssetEvent;
    type Error = AssetError;
    type Services = Arc<dyn ProductionServices>;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command, services.as_ref()).await? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        if let AssetEvent::AssetRegistered(registered) = event {
            self.registered = Some(Registered {
                asset_id: registered.asset_id,
                maintenance_interval_days: registered.maintenance_interval_days,
                next_maintenance_due: registered.next_maintenance_due,
                last_maintenance: None,
                down_since: None,
                last_downtime_end: None,
                retired: false,
            });
            return;
        }
        let Some(asset) = self.registered.as_mut() else {
            debug_assert!(false, "an asset event before AssetRegistered: {event:?}");
            return;
        };
        match event {
            AssetEvent::AssetRegistered(_) => {}
            AssetEvent::MaintenanceScheduled(scheduled) => asset.next_maintenance_due = Some(scheduled.due_on),
            AssetEvent::MaintenancePerformed(performed) => {
                asset.last_maintenance = Some(performed.performed_on);
                asset.next_maintenance_due = performed.next_maintenance_due;
            }
            AssetEvent::DowntimeStarted(started) => asset.down_since = Some(started.started_at),
            AssetEvent::DowntimeEnded(ended) => {
                asset.down_since = None;
                asset.last_downtime_end = Some(ended.ended_at);
            }
            AssetEvent::AssetRetired(_) => asset.retired = true,
        }
    }
}
