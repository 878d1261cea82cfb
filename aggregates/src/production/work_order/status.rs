//! The statuses of a work order and the names its events and read models carry.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a work order is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkOrderStatus {
    /// Planned, not yet released to the floor.
    Planned,
    /// Released: it may start.
    Released,
    /// Production started: its components were consumed.
    InProgress,
    /// Done: the good quantity was made. Final.
    Completed,
    /// Given up. Final.
    Scrapped,
}

impl WorkOrderStatus {
    /// Every status.
    pub const ALL: [WorkOrderStatus; 5] = [
        WorkOrderStatus::Planned,
        WorkOrderStatus::Released,
        WorkOrderStatus::InProgress,
        WorkOrderStatus::Completed,
        WorkOrderStatus::Scrapped,
    ];

    /// The status named `name`; `None` otherwise.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }

    /// `planned`, `released`, `in_progress`, `completed` or `scrapped`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            WorkOrderStatus::Planned => "planned",
            WorkOrderStatus::Released => "released",
            WorkOrderStatus::InProgress => "in_progress",
            WorkOrderStatus::Completed => "completed",
            WorkOrderStatus::Scrapped => "scrapped",
        }
    }

    /// Whether nothing more can happen to it.
    #[must_use]
    pub fn is_final(self) -> bool {
        matches!(self, WorkOrderStatus::Completed | WorkOrderStatus::Scrapped)
    }
}

impl fmt::Display for WorkOrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
