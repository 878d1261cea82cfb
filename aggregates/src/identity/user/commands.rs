//! Commands to a user. They carry raw inputs (the email as typed, role names as text) so that
//! every rule is decided, and reported with its field, in `handle`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A request to change a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum UserCommand {
    /// Create the user, active.
    Create {
        /// The user id, which is also the aggregate id; not the nil UUID.
        user_id: Uuid,
        /// The address the user is known by: `name@domain.tld`, at most `MAX_EMAIL_CHARS`
        /// characters; recorded trimmed and lower-cased.
        email: String,
        /// Display name; non-blank, at most `MAX_NAME_CHARS` characters.
        name: String,
        /// The organisation unit (department, site) the user belongs to, if any; non-blank, at
        /// most `MAX_ORGANIZATION_UNIT_CHARS` characters.
        #[serde(default)]
        organization_unit: Option<String>,
        /// Names of the roles the user holds (`admin`, `accountant`, …): 1–`MAX_ROLES`, each a
        /// built-in role, none twice.
        roles: Vec<String>,
    },
    /// Replace the user's roles. Nothing is recorded when the set stays as it is.
    ChangeRoles {
        /// Names of the roles the user is to hold, as for `Create`.
        roles: Vec<String>,
    },
    /// Stop the user signing in or doing anything; its history stays.
    Deactivate {
        /// Why; non-blank, at most `MAX_REASON_CHARS` characters.
        reason: String,
    },
    /// Let a deactivated user sign in again, with the roles it held.
    Reactivate,
}
