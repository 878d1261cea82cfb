//! The tenant's custom roles: named sets of permissions an administrator defines, on top of the
//! built-in [`Role`](crate::identity::permissions::Role)s that every tenant has.
//!
//! There is one set of custom roles per tenant, the aggregate [`ROLES_ID`] (like the chart of
//! accounts). A custom role is defined with a name, a description and 1 to as many
//! permissions as the catalogue holds ([`Permission::ALL`](crate::identity::permissions::Permission::ALL));
//! its permissions can be replaced, and it can be retired — never deleted or renamed, so its
//! name is never reused and history always names a known role. A retired role grants nothing
//! and no user may be given it; users who hold it keep the name.
//!
//! The names of custom roles never collide with the built-in ones (`reserved_role_name`), so a
//! role name alone says which kind it is. [`Roles::permissions_of`] answers what holding a set
//! of role names — built-in or custom — allows; [`RolesSource`] is how the user aggregate asks
//! which custom roles exist when a user is given roles.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use aggregate::{CustomRole, Roles};
pub use commands::RolesCommand;
pub use errors::RolesError;
pub use events::{RoleDefined, RolePermissionsChanged, RoleRetired, RolesEvent};

/// Id of the one custom-roles aggregate of a tenant.
pub const ROLES_ID: &str = "roles";
/// Longest role name, in characters.
pub const MAX_ROLE_NAME_CHARS: usize = 40;
/// Longest role description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 200;
/// Most custom roles a tenant may define, retired ones included.
pub const MAX_CUSTOM_ROLES: usize = 200;

/// The tenant's custom roles as they stand now: what the user aggregate checks role names
/// against. The command side implements it over the event store; tests use fixed roles.
#[async_trait::async_trait]
pub trait RolesSource: Send + Sync {
    /// The tenant's custom roles as of now.
    ///
    /// # Errors
    /// A description of why they could not be read (database unreachable…).
    async fn roles(&self) -> Result<Arc<Roles>, String>;
}
