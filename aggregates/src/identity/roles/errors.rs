//! Why a custom-roles command was refused.
//!
//! [`RolesError`] has one precise variant per rule, each naming the command input at fault
//! ([`Refusal::field`]: `name`, `description`, `permissions` or `permissions[i]`; `None` when
//! the role's state rather than an input forbids the command), a stable machine code
//! ([`Refusal::code`]) and its class ([`Refusal::kind`]), so the HTTP layer maps it once
//! (422 / 404 / 409).

use crate::refusal::{Refusal, RefusalKind};

/// A custom-roles command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RolesError {
    /// The name is not 1–`MAX_ROLE_NAME_CHARS` characters of `a`–`z`, `0`–`9`, `_`, `-`
    /// starting with a letter.
    #[error("name {name:?} is invalid: 1-{max} characters of a-z, 0-9, _ and -, starting with a letter")]
    InvalidName {
        /// The name given.
        name: String,
        /// The longest name allowed.
        max: usize,
    },
    /// The name is a built-in role's.
    #[error("{name:?} is a built-in role; a custom role needs another name")]
    ReservedName {
        /// The name given.
        name: String,
    },
    /// A custom role of this name is already defined (retired ones included).
    #[error("role {name} already exists")]
    RoleExists {
        /// The name given.
        name: String,
    },
    /// The description is empty or only whitespace.
    #[error("description must not be blank")]
    DescriptionBlank,
    /// The description is too long.
    #[error("description has {chars} characters; at most {max} are allowed")]
    DescriptionTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// No permission is listed: a role grants at least one.
    #[error("permissions must list at least one permission")]
    NoPermissions,
    /// More permissions are listed than the catalogue holds.
    #[error("permissions lists {count} permissions; at most {max} are allowed")]
    TooManyPermissions {
        /// How many were listed.
        count: usize,
        /// The limit, the size of the catalogue.
        max: usize,
    },
    /// A listed permission is not in the catalogue.
    #[error("permissions[{index}] {permission:?} is not a permission (see the README's permission table)")]
    UnknownPermission {
        /// Its position in the list, from 0.
        index: usize,
        /// The name given.
        permission: String,
    },
    /// A permission is listed a second time.
    #[error("permissions[{index}] {permission:?} is listed twice")]
    DuplicatePermission {
        /// Position of the repetition, from 0.
        index: usize,
        /// The permission.
        permission: String,
    },
    /// The tenant already has the most custom roles allowed.
    #[error("{max} custom roles are already defined, the most allowed")]
    TooManyRoles {
        /// The limit.
        max: usize,
    },
    /// The role addressed is not defined.
    #[error("role {name} is not defined")]
    RoleNotFound {
        /// The name given.
        name: String,
    },
    /// The role addressed is retired.
    #[error("role {name} is retired")]
    RoleRetired {
        /// The role's name.
        name: String,
    },
}

impl Refusal for RolesError {
    fn field(&self) -> Option<String> {
        use RolesError as E;
        let field = match self {
            E::InvalidName { .. } | E::ReservedName { .. } | E::RoleExists { .. } | E::RoleNotFound { .. } => "name",
            E::DescriptionBlank | E::DescriptionTooLong { .. } => "description",
            E::NoPermissions | E::TooManyPermissions { .. } => "permissions",
            E::UnknownPermission { index, .. } | E::DuplicatePermission { index, .. } => {
                return Some(format!("permissions[{index}]"))
            }
            E::TooManyRoles { .. } | E::RoleRetired { .. } => return None,
        };
        Some(field.to_owned())
    }

    fn code(&self) -> &'static str {
        use RolesError as E;
        match self {
            E::InvalidName { .. } => "invalid_role_name",
            E::ReservedName { .. } => "reserved_role_name",
            E::RoleExists { .. } => "role_exists",
            E::DescriptionBlank => "description_blank",
            E::DescriptionTooLong { .. } => "description_too_long",
            E::NoPermissions => "no_permissions",
            E::TooManyPermissions { .. } => "too_many_permissions",
            E::UnknownPermission { .. } => "unknown_permission",
            E::DuplicatePermission { .. } => "duplicate_permission",
            E::TooManyRoles { .. } => "too_many_roles",
            E::RoleNotFound { .. } => "role_not_found",
            E::RoleRetired { .. } => "role_retired",
        }
    }

    fn kind(&self) -> RefusalKind {
        use RolesError as E;
        match self {
            E::RoleNotFound { .. } => RefusalKind::NotFound,
            E::RoleExists { .. } | E::RoleRetired { .. } => RefusalKind::Conflict,
            E::InvalidName { .. }
            | E::ReservedName { .. }
            | E::DescriptionBlank
            | E::DescriptionTooLong { .. }
            | E::NoPermissions
            | E::TooManyPermissions { .. }
            | E::UnknownPermission { .. }
            | E::DuplicatePermission { .. }
            | E::TooManyRoles { .. } => RefusalKind::Invalid,
        }
    }
}
