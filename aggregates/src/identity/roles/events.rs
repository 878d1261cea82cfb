//! Facts about the tenant's custom roles. The serde JSON of each payload mirrors its Avro
//! schema in `schemas/avro/identity/` field for field (a test keeps them from drifting); the
//! enum is externally tagged: `{"RoleDefined": {...}}`.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// A custom role was defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleDefined {
    /// The role's name, unique among the tenant's roles (built-in and custom, retired included).
    pub name: String,
    /// What the role is for.
    pub description: String,
    /// Names of the permissions it grants, distinct, in catalogue order.
    pub permissions: Vec<String>,
}

/// A custom role's permissions were replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolePermissionsChanged {
    /// The role's name.
    pub name: String,
    /// Names of every permission it now grants, distinct, in catalogue order.
    pub permissions: Vec<String>,
}

/// A custom role was retired: it grants nothing and may not be given to users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRetired {
    /// The role's name.
    pub name: String,
}

/// Everything that can happen to the custom roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RolesEvent {
    /// See [`RoleDefined`].
    RoleDefined(RoleDefined),
    /// See [`RolePermissionsChanged`].
    RolePermissionsChanged(RolePermissionsChanged),
    /// See [`RoleRetired`].
    RoleRetired(RoleRetired),
}

impl RolesEvent {
    /// Version of every custom-role event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for RolesEvent {
    fn event_type(&self) -> String {
        match self {
            RolesEvent::RoleDefined(_) => "RoleDefined",
            RolesEvent::RolePermissionsChanged(_) => "RolePermissionsChanged",
            RolesEvent::RoleRetired(_) => "RoleRetired",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
