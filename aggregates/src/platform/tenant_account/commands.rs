//! Commands to a tenant account, issued by the platform operator.

use serde::{Deserialize, Serialize};

/// A request to change a tenant account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum TenantAccountCommand {
    /// Record the tenant as provisioned, active.
    Provision {
        /// The tenant slug, which is also the aggregate id.
        tenant: String,
        /// Human-readable name; non-blank, at most `MAX_DISPLAY_NAME_CHARS` characters.
        display_name: String,
    },
    /// Refuse the tenant's commands until reactivated; its data stays readable.
    Suspend {
        /// Why; non-blank, at most `MAX_REASON_CHARS` characters.
        reason: String,
    },
    /// Accept the tenant's commands again.
    Reactivate,
}
