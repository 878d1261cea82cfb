//! Why an asset command was refused: one variant per rule, each naming the JSON path of the
//! input at fault (`None` when the asset's state forbids the command), a stable machine code
//! and its class: 422 invalid input, 404 no such asset, 409 its state forbids the command.

use chrono::{DateTime, NaiveDate, Utc};

use super::AssetStatus;
use crate::production::input::InputError;
use crate::refusal::{Refusal, RefusalKind};
use crate::supply::catalog::CatalogError;

/// An asset command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssetError {
    /// `Register` on an asset that already exists.
    #[error("asset already exists")]
    AlreadyExists,
    /// Any command but `Register` on an asset never registered.
    #[error("asset not found")]
    NotFound,
    /// The asset's status forbids the command.
    #[error("asset is {status}: {command} needs it {needs}")]
    WrongStatus {
        /// Its status.
        status: AssetStatus,
        /// The command refused.
        command: &'static str,
        /// The status or statuses the command needs.
        needs: &'static str,
    },
    /// A maintenance interval outside 1 to `MAX_INTERVAL_DAYS` days.
    #[error("maintenance_interval_days must be 1 to {max}, got {days}")]
    InvalidInterval {
        /// Days given.
        days: i32,
        /// Most days allowed.
        max: i32,
    },
    /// Maintenance recorded before the last one.
    #[error("maintenance on {performed_on} is before the last one, on {last}")]
    MaintenanceBeforeLast {
        /// The day given.
        performed_on: NaiveDate,
        /// The last maintenance.
        last: NaiveDate,
    },
    /// Maintenance scheduled before the last one was done.
    #[error("maintenance due on {due_on} is before the last one, on {last}")]
    DueBeforeLastMaintenance {
        /// The day given.
        due_on: NaiveDate,
        /// The last maintenance.
        last: NaiveDate,
    },
    /// A downtime starting before the previous one ended.
    #[error("downtime starting at {started_at} overlaps the previous one, which ended at {previous_end}")]
    OverlapsPreviousDowntime {
        /// The start given.
        started_at: DateTime<Utc>,
        /// When the previous downtime ended.
        previous_end: DateTime<Utc>,
    },
    /// A downtime ending at or before its start.
    #[error("downtime ending at {ended_at} does not end after it started, at {started_at}")]
    EndNotAfterStart {
        /// When it started.
        started_at: DateTime<Utc>,
        /// The end given.
        ended_at: DateTime<Utc>,
    },
    /// A location the catalog refuses.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// A text input breaks its rule.
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Refusal for AssetError {
    fn field(&self) -> Option<String> {
        use AssetError as E;
        let path = match self {
            E::NotFound | E::WrongStatus { .. } => return None,
            E::Catalog(catalog) => return catalog.field(),
            E::Input(input) => return input.field(),
            E::AlreadyExists => "asset_id",
            E::InvalidInterval { .. } => "maintenance_interval_days",
            E::MaintenanceBeforeLast { .. } => "performed_on",
            E::DueBeforeLastMaintenance { .. } => "due_on",
            E::OverlapsPreviousDowntime { .. } => "started_at",
            E::EndNotAfterStart { .. } => "ended_at",
        };
        Some(path.to_owned())
    }

    fn code(&self) -> &'static str {
        use AssetError as E;
        match self {
            E::AlreadyExists => "asset_exists",
            E::NotFound => "asset_not_found",
            E::WrongStatus { .. } => "wrong_status",
            E::InvalidInterval { .. } => "invalid_interval",
            E::MaintenanceBeforeLast { .. } => "maintenance_before_last",
            E::DueBeforeLastMaintenance { .. } => "due_before_last_maintenance",
            E::OverlapsPreviousDowntime { .. } => "downtime_overlap",
            E::EndNotAfterStart { .. } => "end_not_after_start",
            E::Catalog(catalog) => catalog.code(),
            E::Input(input) => input.code(),
        }
    }

    fn kind(&self) -> RefusalKind {
        use AssetError as E;
        match self {
            E::NotFound => RefusalKind::NotFound,
            E::AlreadyExists | E::WrongStatus { .. } => RefusalKind::Conflict,
            E::Catalog(catalog) => catalog.kind(),
            E::Input(input) => input.kind(),
            E::InvalidInterval { .. }
            | E::MaintenanceBeforeLast { .. }
            | E::DueBeforeLastMaintenance { .. }
            | E::OverlapsPreviousDowntime { .. }
            | E::EndNotAfterStart { .. } => RefusalKind::Invalid,
        }
    }
}
