//! Facts about a user. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/identity/` field for field (a test keeps them from drifting); the enum is
//! externally tagged: `{"UserCreated": {...}}`. Every event names its user id, the Kafka key.
//! No event carries a password, hash or MFA secret.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A user was created, active.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCreated {
    /// The user id, the aggregate id.
    pub user_id: Uuid,
    /// The address the user is known by, trimmed and lower-cased.
    pub email: String,
    /// Display name.
    pub name: String,
    /// The organisation unit the user belongs to; `None`: none given.
    pub organization_unit: Option<String>,
    /// Names of the roles the user holds, distinct, in catalogue order.
    pub roles: Vec<String>,
}

/// A user's roles were replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRolesChanged {
    /// The user id.
    pub user_id: Uuid,
    /// Names of the roles the user now holds (all of them), distinct, in catalogue order.
    pub roles: Vec<String>,
}

/// A user was deactivated: it may not sign in or do anything until reactivated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDeactivated {
    /// The user id.
    pub user_id: Uuid,
    /// Why.
    pub reason: String,
}

/// A deactivated user was reactivated, with the roles it held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserReactivated {
    /// The user id.
    pub user_id: Uuid,
}

/// Everything that can happen to a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserEvent {
    /// See [`UserCreated`].
    UserCreated(UserCreated),
    /// See [`UserRolesChanged`].
    UserRolesChanged(UserRolesChanged),
    /// See [`UserDeactivated`].
    UserDeactivated(UserDeactivated),
    /// See [`UserReactivated`].
    UserReactivated(UserReactivated),
}

impl UserEvent {
    /// Version of every user event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for UserEvent {
    fn event_type(&self) -> String {
        match self {
            UserEvent::UserCreated(_) => "UserCreated",
            UserEvent::UserRolesChanged(_) => "UserRolesChanged",
            UserEvent::UserDeactivated(_) => "UserDeactivated",
            UserEvent::UserReactivated(_) => "UserReactivated",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
