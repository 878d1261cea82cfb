//! Identity: who may use Prism and what they may do.
//!
//! [`permissions`] is the catalogue of permissions — one per kind of command the command API
//! accepts, plus reading the audit trail — and of the built-in roles that bundle them;
//! [`roles`] is the tenant's custom roles, named sets of permissions defined beside the
//! built-in ones; [`user`] is the user aggregate: a person's email, name, organisation unit,
//! roles and whether the account is active; [`organization`] is the tenant's organisation chart (companies,
//! departments, teams) that a user's organisation unit names; [`email`] parses the address
//! users are known by. Credentials (password hashes, MFA secrets) and sessions are kept
//! outside the event store by the layers that authenticate, so no identity event ever carries
//! a secret.

pub mod email;
pub mod organization;
pub mod permissions;
pub mod roles;
pub mod user;
