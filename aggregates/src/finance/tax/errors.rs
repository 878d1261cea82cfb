//! Why a tax-rates command was refused, and why a tax code cannot be applied to a document.
//!
//! [`TaxRatesError`] has one precise variant per rule, each naming the command input at fault
//! ([`Refusal::field`]: `code`, `rate_bp`, `effective_from`…, or `None` when the rate's state
//! rather than an input forbids the command), a stable machine code ([`Refusal::code`]) and
//! its class ([`Refusal::kind`]), so the HTTP layer maps it once (422 / 404 / 409).
//!
//! [`TaxRateRefusal`] is the answer of [`super::TaxRates::rate_on`]; the invoice turns it into
//! its own refusal for the line at fault.

use chrono::NaiveDate;

use crate::finance::account::AccountCodeError;
use crate::refusal::{Refusal, RefusalKind};

/// Why a string is not a valid tax code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxCodeError {
    /// The code is empty.
    #[error("tax code is empty")]
    Empty,
    /// The code is longer than `MAX_CODE_CHARS`.
    #[error("tax code has {chars} characters; at most {max} are allowed")]
    TooLong {
        /// Length of the input in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The first character is not an ASCII letter or digit.
    #[error("tax code must start with an ASCII letter or digit")]
    MustStartAlphanumeric,
    /// A character other than ASCII letters, digits, `-` and `_`.
    #[error("tax code contains {found:?} at position {position}; only A-Z, a-z, 0-9, - and _ are allowed")]
    InvalidCharacter {
        /// The offending character.
        found: char,
        /// Its 0-based character position.
        position: usize,
    },
}

/// A tax-rates command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxRatesError {
    /// The code of the rate to define is not a valid tax code.
    #[error("code {code:?} is invalid: {reason}")]
    InvalidCode {
        /// The code given.
        code: String,
        /// Which tax-code rule failed.
        reason: TaxCodeError,
    },
    /// A rate with this code is already defined (retired ones included).
    #[error("tax rate {code} already exists")]
    TaxRateExists {
        /// The code asked for.
        code: String,
    },
    /// The name is empty or only whitespace.
    #[error("name must not be blank")]
    NameBlank,
    /// The name is too long.
    #[error("name has {chars} characters; at most {max} are allowed")]
    NameTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The rate is negative or above 100 %.
    #[error("rate_bp {rate_bp} is out of range: a rate is 0 to {max} basis points")]
    RateOutOfRange {
        /// The rate given.
        rate_bp: i64,
        /// The highest rate allowed.
        max: i64,
    },
    /// The sales tax account is not a valid account code.
    #[error("sales_account is invalid: {reason}")]
    InvalidSalesAccount {
        /// Which account-code rule failed.
        reason: AccountCodeError,
    },
    /// The purchase tax account is not a valid account code.
    #[error("purchase_account is invalid: {reason}")]
    InvalidPurchaseAccount {
        /// Which account-code rule failed.
        reason: AccountCodeError,
    },
    /// The tenant already has the most tax codes allowed.
    #[error("{max} tax rates are already defined, the most allowed")]
    TooManyTaxRates {
        /// The limit.
        max: usize,
    },
    /// The tax rate addressed is not defined.
    #[error("tax rate {code} is not defined")]
    TaxRateNotFound {
        /// The code given.
        code: String,
    },
    /// Changing a rate that is retired.
    #[error("tax rate {code} is retired and no longer changes")]
    Retired {
        /// The rate's code.
        code: String,
    },
    /// A change that does not come after the rate's latest change.
    #[error("effective_from {effective_from} must be after {latest}, when the latest change took effect")]
    NotAfterLatestChange {
        /// The date asked for.
        effective_from: NaiveDate,
        /// The effective date of the rate's latest change.
        latest: NaiveDate,
    },
    /// Retiring a rate that is already retired.
    #[error("tax rate {code} is already retired")]
    AlreadyRetired {
        /// The rate's code.
        code: String,
    },
}

impl Refusal for TaxRatesError {
    fn field(&self) -> Option<String> {
        use TaxRatesError as E;
        let field = match self {
            E::InvalidCode { .. } | E::TaxRateExists { .. } | E::TaxRateNotFound { .. } => "code",
            E::NameBlank | E::NameTooLong { .. } => "name",
            E::RateOutOfRange { .. } => "rate_bp",
            E::InvalidSalesAccount { .. } => "sales_account",
            E::InvalidPurchaseAccount { .. } => "purchase_account",
            E::NotAfterLatestChange { .. } => "effective_from",
            E::TooManyTaxRates { .. } | E::Retired { .. } | E::AlreadyRetired { .. } => return None,
        };
        Some(field.to_owned())
    }

    fn code(&self) -> &'static str {
        use TaxRatesError as E;
        match self {
            E::InvalidCode { .. } => "invalid_code",
            E::TaxRateExists { .. } => "tax_rate_exists",
            E::NameBlank => "name_blank",
            E::NameTooLong { .. } => "name_too_long",
            E::RateOutOfRange { .. } => "rate_out_of_range",
            E::InvalidSalesAccount { .. } => "invalid_sales_account",
            E::InvalidPurchaseAccount { .. } => "invalid_purchase_account",
            E::TooManyTaxRates { .. } => "too_many_tax_rates",
            E::TaxRateNotFound { .. } => "tax_rate_not_found",
            E::Retired { .. } => "tax_rate_retired",
            E::NotAfterLatestChange { .. } => "effective_from_not_after_latest",
            E::AlreadyRetired { .. } => "already_retired",
        }
    }

    fn kind(&self) -> RefusalKind {
        use TaxRatesError as E;
        match self {
            E::TaxRateNotFound { .. } => RefusalKind::NotFound,
            E::TaxRateExists { .. } | E::Retired { .. } | E::AlreadyRetired { .. } => RefusalKind::Conflict,
            E::InvalidCode { .. }
            | E::NameBlank
            | E::NameTooLong { .. }
            | E::RateOutOfRange { .. }
            | E::InvalidSalesAccount { .. }
            | E::InvalidPurchaseAccount { .. }
            | E::TooManyTaxRates { .. }
            | E::NotAfterLatestChange { .. } => RefusalKind::Invalid,
        }
    }
}

/// Why a tax code cannot be applied to a document, as [`super::TaxRates::rate_on`] answers
/// it. The messages do not repeat the code; the caller names the line and code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum TaxRateRefusal {
    /// No tax rate with that code is defined.
    #[error("tax code is not defined")]
    Unknown,
    /// The tax rate is retired: it applies to no new document, whatever its date.
    #[error("tax code is retired")]
    Retired,
}

impl TaxRateRefusal {
    /// Stable machine-readable code: `unknown_tax_code` or `retired_tax_code`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            TaxRateRefusal::Unknown => "unknown_tax_code",
            TaxRateRefusal::Retired => "retired_tax_code",
        }
    }
}
