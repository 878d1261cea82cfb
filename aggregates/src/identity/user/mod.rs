//! The user aggregate: one person who may sign in to a tenant — the email address they are
//! known by, their display name, optionally their organisation unit, the roles they hold and
//! whether the account is active.
//!
//! There is one aggregate per user; its id is the user id, a UUID (the API must pass the
//! `user_id` of [`UserCommand::Create`] as the aggregate id). A user is created once, with
//! 1–[`MAX_ROLES`] distinct roles, each a built-in [`Role`](crate::identity::permissions::Role)
//! or a custom role of the tenant ([`crate::identity::roles`]) defined and not retired; the roles
//! can be replaced, and the account deactivated (with a reason) and reactivated, any number of
//! times. Users are never deleted, so history always names a known user. What a user may do
//! is the union of its roles' permissions — a custom role's as it stands, nothing for one
//! retired since, and nothing at all while deactivated ([`User::permissions`]).
//!
//! Roles are recorded as a set of names, the built-in ones in catalogue order
//! ([`Role::ALL`](crate::identity::permissions::Role::ALL)) then custom ones by name: replacing
//! them with the same set in another order records nothing. The email is recorded
//! trimmed and lower-cased ([`Email`](crate::identity::email::Email)). That no two users of a
//! tenant share an email is not the aggregate's to decide — it sees only its own events — but
//! the command API's, which must look the address up before creating a user. Events never
//! carry a password, hash or MFA secret: credentials live outside the event store.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use crate::identity::email::{EmailError, MAX_EMAIL_CHARS};
pub use aggregate::User;
pub use commands::UserCommand;
pub use errors::UserError;
pub use events::{UserCreated, UserDeactivated, UserEvent, UserReactivated, UserRolesChanged};

/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest organisation unit, in characters.
pub const MAX_ORGANIZATION_UNIT_CHARS: usize = 200;
/// Most roles a command may list, and so a user may hold (duplicates are refused).
pub const MAX_ROLES: usize = 10;
/// Longest reason for deactivating a user, in characters.
pub const MAX_REASON_CHARS: usize = 500;
