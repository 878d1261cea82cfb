//! Why a supply-settings command was refused: one variant per rule, each naming the command
//! input at fault ([`Refusal::field`]), a stable machine code ([`Refusal::code`]) and its class
//! ([`Refusal::kind`]), so the HTTP layer maps it once.

use crate::money::CurrencyError;
use crate::refusal::{Refusal, RefusalKind};

/// A supply-settings command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupplySettingsError {
    /// The approval threshold is negative.
    #[error("po_approval_threshold_minor {threshold_minor} is negative; it must be 0 or more")]
    NegativeApprovalThreshold {
        /// The threshold given.
        threshold_minor: i64,
    },
    /// The threshold's currency is not an ISO-4217 currency with a minor unit.
    #[error("po_approval_currency is invalid: {reason}")]
    InvalidApprovalCurrency {
        /// Which currency rule failed.
        reason: CurrencyError,
    },
}

impl Refusal for SupplySettingsError {
    fn field(&self) -> Option<String> {
        let field = match self {
            SupplySettingsError::NegativeApprovalThreshold { .. } => "po_approval_threshold_minor",
            SupplySettingsError::InvalidApprovalCurrency { .. } => "po_approval_currency",
        };
        Some(field.to_owned())
    }

    fn code(&self) -> &'static str {
        match self {
            SupplySettingsError::NegativeApprovalThreshold { .. } => "negative_approval_threshold",
            SupplySettingsError::InvalidApprovalCurrency { .. } => "invalid_approval_currency",
        }
    }

    fn kind(&self) -> RefusalKind {
        RefusalKind::Invalid
    }
}
