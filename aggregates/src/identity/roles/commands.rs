//! Commands to the custom roles. They carry raw strings so that every rule is decided, and
//! reported with its field, in `decide`.

use serde::{Deserialize, Serialize};

/// A request to change the tenant's custom roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RolesCommand {
    /// Define a new custom role.
    DefineRole {
        /// Name, not a built-in role's and not yet defined: 1–`MAX_ROLE_NAME_CHARS`
        /// characters of `a`–`z`, `0`–`9`, `_` and `-`, starting with a letter.
        name: String,
        /// What the role is for; non-blank, at most `MAX_DESCRIPTION_CHARS` characters.
        description: String,
        /// Permission names (`finance.journal.post`): 1 to as many as the catalogue holds,
        /// each known, none twice.
        permissions: Vec<String>,
    },
    /// Replace a custom role's permissions. Nothing is recorded when the set stays as it is.
    ChangeRolePermissions {
        /// Name of a defined role that is not retired.
        name: String,
        /// The permissions the role is to grant, as for `DefineRole`.
        permissions: Vec<String>,
    },
    /// Stop a custom role granting anything or being given to users.
    RetireRole {
        /// Name of a defined role that is not retired.
        name: String,
    },
}
