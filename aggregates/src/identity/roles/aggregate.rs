//! The custom-roles aggregate: [`Roles::decide`] checks every rule and returns the events,
//! `apply` folds them. Pure — no I/O, no clock, no randomness.
//!
//! Rules are checked in a fixed order and the first broken one is reported. Defining: the
//! name (its form, not a built-in role's, not yet defined), the description, the permissions,
//! then room for one more role. Changing permissions: the role defined, not retired, then the
//! permissions (nothing recorded for the same set). Retiring: the role defined, not retired.
//! Permissions are checked as: at least one, at most the catalogue's size, then each in turn
//! known and not a repetition.

use std::collections::{BTreeMap, BTreeSet};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::RolesCommand;
use super::errors::RolesError;
use super::events::{RoleDefined, RolePermissionsChanged, RoleRetired, RolesEvent};
use super::{MAX_CUSTOM_ROLES, MAX_DESCRIPTION_CHARS, MAX_ROLE_NAME_CHARS};
use crate::identity::permissions::{Permission, Role};
use crate::text::check_text;

/// The tenant's custom roles, folded from their events; the default has none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles {
    roles: BTreeMap<String, CustomRole>,
}

/// One custom role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomRole {
    description: String,
    permissions: BTreeSet<Permission>,
    retired: bool,
}

impl CustomRole {
    /// What the role is for.
    #[must_use]
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The permissions it grants while not retired, in catalogue order.
    #[must_use]
    pub fn permissions(&self) -> &BTreeSet<Permission> {
        &self.permissions
    }

    /// Whether it is retired: it grants nothing and may not be given to users.
    #[must_use]
    pub fn is_retired(&self) -> bool {
        self.retired
    }
}

impl Roles {
    /// The custom role named `name`, retired or not.
    #[must_use]
    pub fn role(&self, name: &str) -> Option<&CustomRole> {
        self.roles.get(name)
    }

    /// Every custom role with its name, retired ones included, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &CustomRole)> {
        self.roles.iter().map(|(name, role)| (name.as_str(), role))
    }

    /// Whether `name` is a custom role that is defined and not retired: one a user may be given.
    #[must_use]
    pub fn is_active(&self, name: &str) -> bool {
        self.role(name).is_some_and(|role| !role.retired)
    }

    /// What holding the roles `names` allows: the union of the permissions of the built-in
    /// roles and of the active custom roles among them. A retired or unknown name grants
    /// nothing.
    #[must_use]
    pub fn permissions_of(&self, names: &[String]) -> BTreeSet<Permission> {
        let mut permissions = BTreeSet::new();
        for name in names {
            if let Some(role) = Role::parse(name) {
                permissions.extend(role.permissions().iter().copied());
            } else if let Some(role) = self.role(name).filter(|role| !role.retired) {
                permissions.extend(role.permissions.iter().copied());
            }
        }
        permissions
    }

    /// Decides `command` against the current state: the events to record (none for
    /// permissions that stay as they are), or why not. This is the whole of `handle`.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`RolesError`].
    pub fn decide(&self, command: RolesCommand) -> Result<Vec<RolesEvent>, RolesError> {
        match command {
            RolesCommand::DefineRole { name, description, permissions } => {
                self.check_new_name(&name)?;
                check_text(&description, MAX_DESCRIPTION_CHARS, RolesError::DescriptionBlank, |chars, max| {
                    RolesError::DescriptionTooLong { chars, max }
                })?;
                let permissions = parse_permissions(&permissions)?;
                if self.roles.len() >= MAX_CUSTOM_ROLES {
                    return Err(RolesError::TooManyRoles { max: MAX_CUSTOM_ROLES });
                }
                Ok(vec![RolesEvent::RoleDefined(RoleDefined {
                    name,
                    description,
                    permissions: permission_names(&permissions),
                })])
            }
            RolesCommand::ChangeRolePermissions { name, permissions } => {
                let role = self.active(&name)?;
                let permissions = parse_permissions(&permissions)?;
                if permissions == role.permissions {
                    return Ok(Vec::new());
                }
                Ok(vec![RolesEvent::RolePermissionsChanged(RolePermissionsChanged {
                    name,
                    permissions: permission_names(&permissions),
                })])
            }
            RolesCommand::RetireRole { name } => {
                self.active(&name)?;
                Ok(vec![RolesEvent::RoleRetired(RoleRetired { name })])
            }
        }
    }

    /// Refuses a name that is malformed, a built-in role's or already defined.
    fn check_new_name(&self, name: &str) -> Result<(), RolesError> {
        let chars = name.chars().count();
        let well_formed = (1..=MAX_ROLE_NAME_CHARS).contains(&chars)
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !well_formed {
            return Err(RolesError::InvalidName { name: name.to_owned(), max: MAX_ROLE_NAME_CHARS });
        }
        if Role::parse(name).is_some() {
            return Err(RolesError::ReservedName { name: name.to_owned() });
        }
        if self.roles.contains_key(name) {
            return Err(RolesError::RoleExists { name: name.to_owned() });
        }
        Ok(())
    }

    /// The custom role `name`, if defined and not retired.
    fn active(&self, name: &str) -> Result<&CustomRole, RolesError> {
        let role = self.role(name).ok_or_else(|| RolesError::RoleNotFound { name: name.to_owned() })?;
        if role.retired {
            return Err(RolesError::RoleRetired { name: name.to_owned() });
        }
        Ok(role)
    }

    /// The role an event about `name` addresses; `decide` records none about an unknown role.
    fn role_mut(&mut self, name: &str) -> Option<&mut CustomRole> {
        let role = self.roles.get_mut(name);
        debug_assert!(role.is_some(), "event about unknown role {name}");
        role
    }
}

/// The permissions `names` lists, distinct, or the first rule the list breaks: 1 to as many
/// as the catalogue holds, each known, none twice.
fn parse_permissions(names: &[String]) -> Result<BTreeSet<Permission>, RolesError> {
    if names.is_empty() {
        return Err(RolesError::NoPermissions);
    }
    let max = Permission::ALL.len();
    if names.len() > max {
        return Err(RolesError::TooManyPermissions { count: names.len(), max });
    }
    let mut permissions = BTreeSet::new();
    for (index, name) in names.iter().enumerate() {
        let permission =
            Permission::parse(name).ok_or_else(|| RolesError::UnknownPermission { index, permission: name.clone() })?;
        if !permissions.insert(permission) {
            return Err(RolesError::DuplicatePermission { index, permission: name.clone() });
        }
    }
    Ok(permissions)
}

/// The names of `permissions`, in catalogue order, as events record them.
fn permission_names(permissions: &BTreeSet<Permission>) -> Vec<String> {
    permissions.iter().map(|permission| permission.as_str().to_owned()).collect()
}

/// The permissions an event's `names` list; `decide` records only catalogue names.
fn permissions_in(names: &[String]) -> BTreeSet<Permission> {
    let permissions: BTreeSet<Permission> = names.iter().filter_map(|name| Permission::parse(name)).collect();
    debug_assert_eq!(permissions.len(), names.len(), "unknown permission in {names:?}");
    permissions
}

impl Aggregate for Roles {
    const TYPE: &'static str = "identity.roles";
    type Command = RolesCommand;
    type Event = RolesEvent;
    type Error = RolesError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            RolesEvent::RoleDefined(defined) => {
                debug_assert!(!self.roles.contains_key(&defined.name), "role {} defined twice", defined.name);
                let role = CustomRole {
                    description: defined.description,
                    permissions: permissions_in(&defined.permissions),
                    retired: false,
                };
                self.roles.insert(defined.name, role);
            }
            RolesEvent::RolePermissionsChanged(changed) => {
                if let Some(role) = self.role_mut(&changed.name) {
                    role.permissions = permissions_in(&changed.permissions);
                }
            }
            RolesEvent::RoleRetired(retired) => {
                if let Some(role) = self.role_mut(&retired.name) {
                    debug_assert!(!role.retired, "role {} retired twice", retired.name);
                    role.retired = true;
                }
            }
        }
    }
}
