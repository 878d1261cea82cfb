//! The tenant-account aggregate: one tenant of Prism as the platform operator sees it — its
//! display name and whether it may change anything.
//!
//! There is one aggregate per tenant, kept in the tenant's own event store; its id is the
//! tenant slug. It is provisioned once, with a non-blank display name; it can then be
//! suspended (with a reason) and reactivated any number of times. A suspended tenant's
//! commands are refused (the command API answers 403 `tenant-suspended`); its data stays
//! readable. The registry row in `shared.tenant_metadata` mirrors [`TenantAccount::is_active`]
//! for the fast check every command makes.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::TenantAccount;
pub use commands::TenantAccountCommand;
pub use errors::TenantAccountError;
pub use events::{TenantAccountEvent, TenantProvisioned, TenantReactivated, TenantSuspended};

/// Longest display name, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 200;
/// Longest suspension reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;
