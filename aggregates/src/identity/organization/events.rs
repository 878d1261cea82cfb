//! Facts about the tenant's organisation. The serde JSON of each payload mirrors its Avro
//! schema in `schemas/avro/identity/` field for field (a test keeps them from drifting); the
//! enum is externally tagged: `{"OrganizationUnitAdded": {...}}`. The Kafka key of every event
//! is the aggregate id, `organization`.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// A unit was added, open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationUnitAdded {
    /// Unit id, unique among the tenant's units.
    pub unit_id: String,
    /// Display name.
    pub name: String,
    /// `company`, `department` or `team`.
    pub kind: String,
    /// Id of the unit it sits under (a company for a department, a department for a team);
    /// `None` for a company.
    pub parent: Option<String>,
}

/// A unit's display name changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationUnitRenamed {
    /// Unit id.
    pub unit_id: String,
    /// The new name.
    pub name: String,
}

/// A department was put under another company, or a team under another department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationUnitMoved {
    /// Unit id.
    pub unit_id: String,
    /// Id of the unit it now sits under.
    pub parent: String,
    /// Id of the unit it sat under before.
    pub previous_parent: String,
}

/// A unit was closed for good; its history stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationUnitClosed {
    /// Unit id.
    pub unit_id: String,
}

/// Everything that can happen to the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrganizationEvent {
    /// See [`OrganizationUnitAdded`].
    OrganizationUnitAdded(OrganizationUnitAdded),
    /// See [`OrganizationUnitRenamed`].
    OrganizationUnitRenamed(OrganizationUnitRenamed),
    /// See [`OrganizationUnitMoved`].
    OrganizationUnitMoved(OrganizationUnitMoved),
    /// See [`OrganizationUnitClosed`].
    OrganizationUnitClosed(OrganizationUnitClosed),
}

impl OrganizationEvent {
    /// Version of every organisation event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for OrganizationEvent {
    fn event_type(&self) -> String {
        match self {
            OrganizationEvent::OrganizationUnitAdded(_) => "OrganizationUnitAdded",
            OrganizationEvent::OrganizationUnitRenamed(_) => "OrganizationUnitRenamed",
            OrganizationEvent::OrganizationUnitMoved(_) => "OrganizationUnitMoved",
            OrganizationEvent::OrganizationUnitClosed(_) => "OrganizationUnitClosed",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
