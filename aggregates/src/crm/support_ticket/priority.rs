//! A ticket's priority ([`Priority`]), which fixes its service-level due times, and where a
//! ticket is in its life ([`TicketStatus`]).

use std::fmt;

use serde::{Deserialize, Serialize};

/// How urgent a ticket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// No hurry.
    Low,
    /// The usual.
    Normal,
    /// Work is impaired.
    High,
    /// Work has stopped.
    Urgent,
}

impl Priority {
    /// Every priority, lowest first.
    pub const ALL: [Priority; 4] = [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent];

    /// The priority named `name` (`"low"`, `"normal"`, `"high"`, `"urgent"`), if any.
    #[must_use]
    pub fn parse(name: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|priority| priority.as_str() == name)
    }

    /// The snake-case name, as on the wire and in read models.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    /// Hours from opening by which the customer must have a first response.
    #[must_use]
    pub fn first_response_hours(self) -> i64 {
        match self {
            Priority::Low => 24,
            Priority::Normal => 8,
            Priority::High => 4,
            Priority::Urgent => 1,
        }
    }

    /// Hours from opening by which the ticket must be resolved.
    #[must_use]
    pub fn resolution_hours(self) -> i64 {
        match self {
            Priority::Low => 168,
            Priority::Normal => 72,
            Priority::High => 24,
            Priority::Urgent => 4,
        }
    }
}

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// Opened, not yet answered.
    Open,
    /// Answered, being worked on.
    InProgress,
    /// Resolved; may be closed or reopened.
    Resolved,
    /// Closed. Final.
    Closed,
}

impl TicketStatus {
    /// The snake-case name, as on the wire and in read models.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::InProgress => "in_progress",
            TicketStatus::Resolved => "resolved",
            TicketStatus::Closed => "closed",
        }
    }

    /// The status named `name`, if any.
    #[must_use]
    pub fn parse(name: &str) -> Option<TicketStatus> {
        [TicketStatus::Open, TicketStatus::InProgress, TicketStatus::Resolved, TicketStatus::Closed]
            .into_iter()
            .find(|status| status.as_str() == name)
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for TicketStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
