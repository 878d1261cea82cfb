//! Why a tenant-account command was refused: one variant per rule, each naming the input at
//! fault ([`Refusal::field`]), a stable code and its class, so the HTTP layer maps it once.

use crate::refusal::{Refusal, RefusalKind};
use crate::tenant::TenantIdError;

/// A tenant-account command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenantAccountError {
    /// The tenant slug is malformed.
    #[error("{0}")]
    InvalidTenant(TenantIdError),
    /// The tenant was provisioned before.
    #[error("tenant {tenant} is provisioned already")]
    AlreadyProvisioned {
        /// The tenant slug.
        tenant: String,
    },
    /// The display name is empty or only whitespace.
    #[error("display_name must not be blank")]
    DisplayNameBlank,
    /// The display name is too long.
    #[error("display_name has {chars} characters; at most {max} are allowed")]
    DisplayNameTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
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
    /// The tenant has not been provisioned.
    #[error("no such tenant")]
    NotFound,
    /// Suspending a suspended tenant.
    #[error("tenant {tenant} is already suspended")]
    AlreadySuspended {
        /// The tenant slug.
        tenant: String,
    },
    /// Reactivating an active tenant.
    #[error("tenant {tenant} is active; only a suspended tenant can be reactivated")]
    AlreadyActive {
        /// The tenant slug.
        tenant: String,
    },
}

impl Refusal for TenantAccountError {
    fn field(&self) -> Option<String> {
        use TenantAccountError as E;
        let field = match self {
            E::InvalidTenant(_) | E::AlreadyProvisioned { .. } => "tenant",
            E::DisplayNameBlank | E::DisplayNameTooLong { .. } => "display_name",
            E::ReasonBlank | E::ReasonTooLong { .. } => "reason",
            E::NotFound | E::AlreadySuspended { .. } | E::AlreadyActive { .. } => return None,
        };
        Some(field.to_owned())
    }

    fn code(&self) -> &'static str {
        use TenantAccountError as E;
        match self {
            E::InvalidTenant(_) => "invalid_tenant",
            E::AlreadyProvisioned { .. } => "tenant_exists",
            E::DisplayNameBlank => "display_name_blank",
            E::DisplayNameTooLong { .. } => "display_name_too_long",
            E::ReasonBlank => "reason_blank",
            E::ReasonTooLong { .. } => "reason_too_long",
            E::NotFound => "tenant_not_found",
            E::AlreadySuspended { .. } => "tenant_suspended",
            E::AlreadyActive { .. } => "tenant_active",
        }
    }

    fn kind(&self) -> RefusalKind {
        use TenantAccountError as E;
        match self {
            E::NotFound => RefusalKind::NotFound,
            E::AlreadyProvisioned { .. } | E::AlreadySuspended { .. } | E::AlreadyActive { .. } => {
                RefusalKind::Conflict
            }
            E::InvalidTenant(_)
            | E::DisplayNameBlank
            | E::DisplayNameTooLong { .. }
            | E::ReasonBlank
            | E::ReasonTooLong { .. } => RefusalKind::Invalid,
        }
    }
}
