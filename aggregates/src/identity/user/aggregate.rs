//! The user aggregate: [`User::decide`] checks every rule and returns the events, `apply`
//! folds them. Pure — no I/O, no clock, no randomness.
//!
//! Rules are checked in a fixed order and the first broken one is reported. Creating: user id
//! not nil, user not yet created, email, name, organisation unit, roles. Every other command:
//! user created, then — changing roles: the roles (nothing recorded for the same set; a
//! deactivated user's roles may change, to hold when it is reactivated); deactivating: user
//! active, reason; reactivating: user deactivated. Roles are checked as: at least one, at most
//! [`MAX_ROLES`], then each in turn known and not a repetition.
//!
//! A role name is known when it is a built-in [`Role`] or a custom role of the tenant that is
//! defined and not retired ([`Roles::is_active`]). This is the one place that rule is decided:
//! `handle` reads the tenant's custom roles from its [`RolesSource`] service — only when a
//! command names a role that is not built-in — and [`User::decide`] checks the names against
//! them.

use std::collections::BTreeSet;
use std::sync::Arc;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::UserCommand;
use super::errors::UserError;
use super::events::{UserCreated, UserDeactivated, UserEvent, UserReactivated, UserRolesChanged};
use super::{MAX_NAME_CHARS, MAX_ORGANIZATION_UNIT_CHARS, MAX_REASON_CHARS, MAX_ROLES};
use crate::identity::email::Email;
use crate::identity::permissions::{Permission, Role};
use crate::identity::roles::{Roles, RolesSource};
use crate::text::check_text;

/// A user, folded from its events; the default is a user not yet created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    profile: Option<Profile>,
}

/// What a created user is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Profile {
    user_id: Uuid,
    email: String,
    name: String,
    organization_unit: Option<String>,
    /// Role names, distinct: the built-in ones in catalogue order, then custom ones by name.
    roles: Vec<String>,
    active: bool,
}

impl User {
    /// The user id, once created.
    #[must_use]
    pub fn user_id(&self) -> Option<Uuid> {
        self.profile.as_ref().map(|p| p.user_id)
    }

    /// The email address, trimmed and lower-cased, once created.
    #[must_use]
    pub fn email(&self) -> Option<&str> {
        self.profile.as_ref().map(|p| p.email.as_str())
    }

    /// The display name, once created.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.profile.as_ref().map(|p| p.name.as_str())
    }

    /// The organisation unit; `None` when none was given (or the user is not created).
    #[must_use]
    pub fn organization_unit(&self) -> Option<&str> {
        self.profile.as_ref().and_then(|p| p.organization_unit.as_deref())
    }

    /// The names of the roles the user holds, distinct — the built-in ones in catalogue order,
    /// then custom ones by name — also while deactivated; none before it is created.
    #[must_use]
    pub fn roles(&self) -> &[String] {
        self.profile.as_ref().map_or(&[], |p| p.roles.as_slice())
    }

    /// What the user may do, given the tenant's custom roles `defined`: the union of its roles'
    /// permissions while it is active (a custom role retired since grants nothing); nothing
    /// while deactivated or before it is created.
    #[must_use]
    pub fn permissions(&self, defined: &Roles) -> BTreeSet<Permission> {
        if self.is_active() {
            defined.permissions_of(self.roles())
        } else {
            BTreeSet::new()
        }
    }

    /// Whether the user has been created.
    #[must_use]
    pub fn exists(&self) -> bool {
        self.profile.is_some()
    }

    /// Whether the user is created and not deactivated.
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.profile.as_ref().is_some_and(|p| p.active)
    }

    /// Decides `command` against the current state and the tenant's custom roles `defined`:
    /// the events to record (none for roles that stay as they are), or why not. This is the
    /// whole of `handle` once the custom roles are read, callable without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`UserError`].
    pub fn decide(&self, command: UserCommand, defined: &Roles) -> Result<Vec<UserEvent>, UserError> {
        match command {
            UserCommand::Create { user_id, email, name, organization_unit, roles } => Ok(vec![UserEvent::UserCreated(
                self.decide_create(user_id, &email, name, organization_unit, &roles, defined)?,
            )]),
            UserCommand::ChangeRoles { roles } => {
                let profile = self.created()?;
                let roles = parse_roles(&roles, defined)?;
                if roles == profile.roles {
                    return Ok(Vec::new());
                }
                Ok(vec![UserEvent::UserRolesChanged(UserRolesChanged { user_id: profile.user_id, roles })])
            }
            UserCommand::Deactivate { reason } => {
                let profile = self.created()?;
                if !profile.active {
                    return Err(UserError::AlreadyDeactivated { user_id: profile.user_id });
                }
                check_text(&reason, MAX_REASON_CHARS, UserError::ReasonBlank, |chars, max| UserError::ReasonTooLong {
                    chars,
                    max,
                })?;
                Ok(vec![UserEvent::UserDeactivated(UserDeactivated { user_id: profile.user_id, reason })])
            }
            UserCommand::Reactivate => {
                let profile = self.created()?;
                if profile.active {
                    return Err(UserError::AlreadyActive { user_id: profile.user_id });
                }
                Ok(vec![UserEvent::UserReactivated(UserReactivated { user_id: profile.user_id })])
            }
        }
    }

    /// The `UserCreated` a create command records, or the first rule it breaks.
    fn decide_create(
        &self,
        user_id: Uuid,
        email: &str,
        name: String,
        organization_unit: Option<String>,
        roles: &[String],
        defined: &Roles,
    ) -> Result<UserCreated, UserError> {
        if user_id.is_nil() {
            return Err(UserError::NilUserId);
        }
        if let Some(profile) = &self.profile {
            return Err(UserError::AlreadyExists { user_id: profile.user_id });
        }
        let email = Email::parse(email).map_err(|reason| UserError::InvalidEmail { reason })?;
        check_text(&name, MAX_NAME_CHARS, UserError::NameBlank, |chars, max| UserError::NameTooLong { chars, max })?;
        if let Some(unit) = &organization_unit {
            check_text(unit, MAX_ORGANIZATION_UNIT_CHARS, UserError::OrganizationUnitBlank, |chars, max| {
                UserError::OrganizationUnitTooLong { chars, max }
            })?;
        }
        let roles = parse_roles(roles, defined)?;
        Ok(UserCreated { user_id, email: email.into_string(), name, organization_unit, roles })
    }

    /// The profile of a created user, or [`UserError::NotFound`].
    fn created(&self) -> Result<&Profile, UserError> {
        self.profile.as_ref().ok_or(UserError::NotFound)
    }

    /// The profile, for folding an event about the user; `decide` records no event about a
    /// user before its `UserCreated`.
    fn profile_mut(&mut self) -> Option<&mut Profile> {
        debug_assert!(self.profile.is_some(), "event about a user not created");
        self.profile.as_mut()
    }
}

/// The role names `names` lists, distinct, built-in ones in catalogue order then custom ones
/// by name, or the first rule the list breaks: 1–[`MAX_ROLES`] names, each a built-in role or
/// a custom role of `defined` that is not retired, none twice.
fn parse_roles(names: &[String], defined: &Roles) -> Result<Vec<String>, UserError> {
    if names.is_empty() {
        return Err(UserError::NoRoles);
    }
    if names.len() > MAX_ROLES {
        return Err(UserError::TooManyRoles { count: names.len(), max: MAX_ROLES });
    }
    let mut roles = BTreeSet::new();
    for (index, name) in names.iter().enumerate() {
        let role = match Role::parse(name) {
            Some(builtin) => RoleName::BuiltIn(builtin),
            None if defined.is_active(name) => RoleName::Custom(name),
            None => return Err(UserError::UnknownRole { index, role: name.clone() }),
        };
        if !roles.insert(role) {
            return Err(UserError::DuplicateRole { index, role: name.clone() });
        }
    }
    Ok(roles.into_iter().map(|role| role.as_str().to_owned()).collect())
}

/// A role name a user may hold; ordered as users record them: built-in roles first, in
/// catalogue order, then custom ones by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum RoleName<'a> {
    BuiltIn(Role),
    Custom(&'a str),
}

impl RoleName<'_> {
    fn as_str(&self) -> &str {
        match self {
            RoleName::BuiltIn(role) => role.as_str(),
            RoleName::Custom(name) => name,
        }
    }
}

/// Whether `command` names a role that is not built-in, so that deciding it needs the tenant's
/// custom roles.
fn names_custom_roles(command: &UserCommand) -> bool {
    match command {
        UserCommand::Create { roles, .. } | UserCommand::ChangeRoles { roles } => {
            roles.iter().any(|name| Role::parse(name).is_none())
        }
        UserCommand::Deactivate { .. } | UserCommand::Reactivate => false,
    }
}

impl Aggregate for User {
    const TYPE: &'static str = "identity.user";
    type Command = UserCommand;
    type Event = UserEvent;
    type Error = UserError;
    type Services = Arc<dyn RolesSource>;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let defined = if names_custom_roles(&command) {
            services.roles().await.map_err(|reason| UserError::RolesUnavailable { reason })?
        } else {
            Arc::default()
        };
        for event in self.decide(command, &defined)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            UserEvent::UserCreated(created) => {
                debug_assert!(self.profile.is_none(), "user {} created twice", created.user_id);
                self.profile = Some(Profile {
                    user_id: created.user_id,
                    email: created.email,
                    name: created.name,
                    organization_unit: created.organization_unit,
                    roles: created.roles,
                    active: true,
                });
            }
            UserEvent::UserRolesChanged(changed) => {
                if let Some(profile) = self.profile_mut() {
                    profile.roles = changed.roles;
                }
            }
            UserEvent::UserDeactivated(_) => {
                if let Some(profile) = self.profile_mut() {
                    debug_assert!(profile.active, "user {} deactivated twice", profile.user_id);
                    profile.active = false;
                }
            }
            UserEvent::UserReactivated(_) => {
                if let Some(profile) = self.profile_mut() {
                    debug_assert!(!profile.active, "active user {} reactivated", profile.user_id);
                    profile.active = true;
                }
            }
        }
    }
}
