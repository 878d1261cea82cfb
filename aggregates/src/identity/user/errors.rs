//! Why a user command was refused.
//!
//! [`UserError`] has one precise variant per rule, each naming the command input at fault
//! ([`Refusal::field`]: `user_id`, `email`, `name`, `organization_unit`, `roles` or
//! `roles[i]`, `reason`; `None` when the user's state rather than an input forbids the
//! command), a stable machine code ([`Refusal::code`]) and its class ([`Refusal::kind`]), so
//! the HTTP layer maps it once (422 / 404 / 409, 503 when the custom roles cannot be read).

use uuid::Uuid;

use super::EmailError;
use crate::identity::permissions::Role;
use crate::refusal::{Refusal, RefusalKind};

/// The names of the built-in roles, comma-separated, for messages.
fn role_names() -> String {
    Role::ALL.map(Role::as_str).join(", ")
}

/// A user command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    /// The user id is the nil UUID.
    #[error("user_id must not be the nil UUID")]
    NilUserId,
    /// The user has already been created (active or not).
    #[error("user {user_id} already exists")]
    AlreadyExists {
        /// The id of the existing user.
        user_id: Uuid,
    },
    /// The email is not a valid address.
    #[error("{reason}")]
    InvalidEmail {
        /// Which email rule failed.
        reason: EmailError,
    },
    /// The name is empty or only whitespace.
    #[error("name must not be blank")]
    NameBlank,
    /// The name is too long.
    #[error("name has {chars} characters; at most {max} are allowed")]
    NameTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The organisation unit is empty or only whitespace (leave it out instead).
    #[error("organization_unit must not be blank; leave it out instead")]
    OrganizationUnitBlank,
    /// The organisation unit is too long.
    #[error("organization_unit has {chars} characters; at most {max} are allowed")]
    OrganizationUnitTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// No role is listed: a user holds at least one.
    #[error("roles must list at least one role")]
    NoRoles,
    /// More roles are listed than a command may carry.
    #[error("roles lists {count} roles; at most {max} are allowed")]
    TooManyRoles {
        /// How many were listed.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A listed role is neither a built-in role nor a custom role of the tenant that is
    /// defined and not retired.
    #[error("roles[{index}] {role:?} is not a role; the built-in roles are {known}, and custom roles are listed at GET /v1/roles", known = role_names())]
    UnknownRole {
        /// Its position in the list, from 0.
        index: usize,
        /// The name given.
        role: String,
    },
    /// A role is listed a second time.
    #[error("roles[{index}] {role:?} is listed twice")]
    DuplicateRole {
        /// Position of the repetition, from 0.
        index: usize,
        /// The role.
        role: String,
    },
    /// The reason is empty or only whitespace.
    #[error("reason must not be blank")]
    ReasonBlank,
    /// The reason is too long.
    #[error("reason has {chars} characters; at most {max} are allowed")]
    ReasonTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The tenant's custom roles could not be read; nothing was recorded.
    #[error("the custom roles could not be read: {reason}")]
    RolesUnavailable {
        /// What failed.
        reason: String,
    },
    /// The user addressed has not been created.
    #[error("the user does not exist")]
    NotFound,
    /// Deactivating a user that is already deactivated.
    #[error("user {user_id} is already deactivated")]
    AlreadyDeactivated {
        /// The user id.
        user_id: Uuid,
    },
    /// Reactivating a user that is active.
    #[error("user {user_id} is active; only a deactivated user can be reactivated")]
    AlreadyActive {
        /// The user id.
        user_id: Uuid,
    },
}

impl Refusal for UserError {
    fn field(&self) -> Option<String> {
        use UserError as E;
        let field = match self {
            E::NilUserId | E::AlreadyExists { .. } => "user_id",
            E::InvalidEmail { .. } => "email",
            E::NameBlank | E::NameTooLong { .. } => "name",
            E::OrganizationUnitBlank | E::OrganizationUnitTooLong { .. } => "organization_unit",
            E::NoRoles | E::TooManyRoles { .. } => "roles",
            E::UnknownRole { index, .. } | E::DuplicateRole { index, .. } => return Some(format!("roles[{index}]")),
            E::ReasonBlank | E::ReasonTooLong { .. } => "reason",
            E::NotFound | E::AlreadyDeactivated { .. } | E::AlreadyActive { .. } | E::RolesUnavailable { .. } => {
                return None
            }
        };
        Some(field.to_owned())
    }

    fn code(&self) -> &'static str {
        use UserError as E;
        match self {
            E::NilUserId => "nil_user_id",
            E::AlreadyExists { .. } => "user_exists",
            E::InvalidEmail { .. } => "invalid_email",
            E::NameBlank => "name_blank",
            E::NameTooLong { .. } => "name_too_long",
            E::OrganizationUnitBlank => "organization_unit_blank",
            E::OrganizationUnitTooLong { .. } => "organization_unit_too_long",
            E::NoRoles => "no_roles",
            E::TooManyRoles { .. } => "too_many_roles",
            E::UnknownRole { .. } => "unknown_role",
            E::DuplicateRole { .. } => "duplicate_role",
            E::ReasonBlank => "reason_blank",
            E::ReasonTooLong { .. } => "reason_too_long",
            E::RolesUnavailable { .. } => "roles_unavailable",
            E::NotFound => "user_not_found",
            E::AlreadyDeactivated { .. } => "user_deactivated",
            E::AlreadyActive { .. } => "user_active",
        }
    }

    fn kind(&self) -> RefusalKind {
        use UserError as E;
        match self {
            E::NotFound => RefusalKind::NotFound,
            E::RolesUnavailable { .. } => RefusalKind::Unavailable,
            E::AlreadyExists { .. } | E::AlreadyDeactivated { .. } | E::AlreadyActive { .. } => RefusalKind::Conflict,
            E::NilUserId
            | E::InvalidEmail { .. }
            | E::NameBlank
            | E::NameTooLong { .. }
            | E::OrganizationUnitBlank
            | E::OrganizationUnitTooLong { .. }
            | E::NoRoles
            | E::TooManyRoles { .. }
            | E::UnknownRole { .. }
            | E::DuplicateRole { .. }
            | E::ReasonBlank
            | E::ReasonTooLong { .. } => RefusalKind::Invalid,
        }
    }
}
