//! Facts about the tenant's locations. The serde JSON of each payload mirrors its Avro schema
//! in `schemas/avro/supply/` field for field (a test keeps them from drifting); the enum is
//! externally tagged: `{"LocationOpened": {...}}`.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// A location was opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationOpened {
    /// Location code, unique among the tenant's locations.
    pub code: String,
    /// Display name.
    pub name: String,
    /// `warehouse`, `zone` or `bin`.
    pub kind: String,
    /// Code of the location it sits in (a warehouse for a zone, a zone for a bin); `None` for a
    /// warehouse.
    pub parent: Option<String>,
    /// Code of the warehouse it belongs to: its own code for a warehouse.
    pub warehouse: String,
}

/// A location's display name changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationRenamed {
    /// Location code.
    pub code: String,
    /// The new name.
    pub name: String,
}

/// A location was closed for good; its history stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationClosed {
    /// Location code.
    pub code: String,
}

/// Everything that can happen to the locations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LocationsEvent {
    /// See [`LocationOpened`].
    LocationOpened(LocationOpened),
    /// See [`LocationRenamed`].
    LocationRenamed(LocationRenamed),
    /// See [`LocationClosed`].
    LocationClosed(LocationClosed),
}

impl LocationsEvent {
    /// Version of every locations event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for LocationsEvent {
    fn event_type(&self) -> String {
        match self {
            LocationsEvent::LocationOpened(_) => "LocationOpened",
            LocationsEvent::LocationRenamed(_) => "LocationRenamed",
            LocationsEvent::LocationClosed(_) => "LocationClosed",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
