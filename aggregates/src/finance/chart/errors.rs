//! Why a chart-of-accounts command was refused, and why an account cannot take a posting.
//!
//! [`ChartError`] has one precise variant per rule, each naming the command input at fault
//! ([`Refusal::field`]: `code`, `name`, `parent`…, or `None` when the account's state rather
//! than an input forbids the command), a stable machine code ([`Refusal::code`]) and its
//! class ([`Refusal::kind`]), so the HTTP layer maps it once (422 / 404 / 409).
//!
//! [`AccountRefusal`] is the answer of [`super::ChartOfAccounts::check_postable`]; the
//! journal entry turns it into its own refusal for the line at fault.

use crate::finance::account::AccountCodeError;
use crate::money::{Currency, CurrencyError};
use crate::refusal::{Refusal, RefusalKind};

use super::AccountType;

/// A chart-of-accounts command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChartError {
    /// The code of the account to open is not a valid account code.
    #[error("code is invalid: {reason}")]
    InvalidCode {
        /// Which account-code rule failed.
        reason: AccountCodeError,
    },
    /// An account with this code is already in the chart (archived ones included).
    #[error("account {code} already exists")]
    AccountExists {
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
    /// A rename to the name the account already has.
    #[error("account {code} is already named {name:?}; nothing to change")]
    NameUnchanged {
        /// The account.
        code: String,
        /// Its current (and requested) name.
        name: String,
    },
    /// The account type is not one of the five.
    #[error("account_type {account_type:?} is not one of asset, liability, equity, income, expense")]
    InvalidAccountType {
        /// The type given.
        account_type: String,
    },
    /// The parent is not in the chart.
    #[error("parent {parent} is not in the chart")]
    ParentNotFound {
        /// The parent code given.
        parent: String,
    },
    /// The parent is a posting account, not a header.
    #[error("parent {parent} is not a header account")]
    ParentNotHeader {
        /// The parent code given.
        parent: String,
    },
    /// The parent has another account type than the account to open.
    #[error("parent {parent} has account type {parent_type}, not {account_type}")]
    ParentTypeMismatch {
        /// The parent code given.
        parent: String,
        /// The parent's type.
        parent_type: AccountType,
        /// The type of the account to open.
        account_type: AccountType,
    },
    /// The parent is archived.
    #[error("parent {parent} is archived")]
    ParentArchived {
        /// The parent code given.
        parent: String,
    },
    /// The fixed currency is invalid.
    #[error("currency is invalid: {reason}")]
    InvalidCurrency {
        /// Which currency rule failed.
        reason: CurrencyError,
    },
    /// `cash` on an account that is not an asset.
    #[error("only asset accounts can be cash, not {account_type} accounts")]
    CashNotAsset {
        /// The type of the account to open.
        account_type: AccountType,
    },
    /// The chart already holds the most accounts allowed.
    #[error("the chart already has {max} accounts, the most allowed")]
    ChartFull {
        /// The limit.
        max: usize,
    },
    /// The account addressed is not in the chart.
    #[error("account {code} is not in the chart")]
    AccountNotFound {
        /// The code given.
        code: String,
    },
    /// Archiving an account that is already archived.
    #[error("account {code} is already archived")]
    AlreadyArchived {
        /// The account.
        code: String,
    },
    /// Archiving a header account that still has active children.
    #[error("account {code} has active children {}; archive them first", .children.join(", "))]
    HasActiveChildren {
        /// The header account.
        code: String,
        /// Codes of its children that are not archived, in code order.
        children: Vec<String>,
    },
    /// Reactivating an account that is not archived.
    #[error("account {code} is not archived")]
    NotArchived {
        /// The account.
        code: String,
    },
    /// Reactivating an account whose parent is archived.
    #[error("account {code} rolls up into {parent}, which is archived; reactivate {parent} first")]
    ParentStillArchived {
        /// The account.
        code: String,
        /// Its archived parent.
        parent: String,
    },
    /// Loading the default chart into a chart that already has accounts.
    #[error("the chart already has {accounts} accounts; the default chart loads only into an empty chart")]
    ChartNotEmpty {
        /// How many accounts the chart has, archived ones included.
        accounts: usize,
    },
}

impl Refusal for ChartError {
    fn field(&self) -> Option<String> {
        use ChartError as E;
        let field = match self {
            E::InvalidCode { .. } | E::AccountExists { .. } | E::AccountNotFound { .. } => "code",
            E::NameBlank | E::NameTooLong { .. } | E::NameUnchanged { .. } => "name",
            E::InvalidAccountType { .. } => "account_type",
            E::ParentNotFound { .. }
            | E::ParentNotHeader { .. }
            | E::ParentTypeMismatch { .. }
            | E::ParentArchived { .. } => "parent",
            E::InvalidCurrency { .. } => "currency",
            E::CashNotAsset { .. } => "cash",
            E::ChartFull { .. }
            | E::AlreadyArchived { .. }
            | E::HasActiveChildren { .. }
            | E::NotArchived { .. }
            | E::ParentStillArchived { .. }
            | E::ChartNotEmpty { .. } => return None,
        };
        Some(field.to_owned())
    }

    fn code(&self) -> &'static str {
        use ChartError as E;
        match self {
            E::InvalidCode { .. } => "invalid_code",
            E::AccountExists { .. } => "account_exists",
            E::NameBlank => "name_blank",
            E::NameTooLong { .. } => "name_too_long",
            E::NameUnchanged { .. } => "name_unchanged",
            E::InvalidAccountType { .. } => "invalid_account_type",
            E::ParentNotFound { .. } => "parent_not_found",
            E::ParentNotHeader { .. } => "parent_not_header",
            E::ParentTypeMismatch { .. } => "parent_type_mismatch",
            E::ParentArchived { .. } => "parent_archived",
            E::InvalidCurrency { .. } => "invalid_currency",
            E::CashNotAsset { .. } => "cash_not_asset",
            E::ChartFull { .. } => "chart_full",
            E::AccountNotFound { .. } => "account_not_found",
            E::AlreadyArchived { .. } => "already_archived",
            E::HasActiveChildren { .. } => "has_active_children",
            E::NotArchived { .. } => "not_archived",
            E::ParentStillArchived { .. } => "parent_still_archived",
            E::ChartNotEmpty { .. } => "chart_not_empty",
        }
    }

    fn kind(&self) -> RefusalKind {
        use ChartError as E;
        match self {
            E::AccountNotFound { .. } => RefusalKind::NotFound,
            E::AccountExists { .. }
            | E::AlreadyArchived { .. }
            | E::HasActiveChildren { .. }
            | E::NotArchived { .. }
            | E::ParentStillArchived { .. }
            | E::ChartNotEmpty { .. } => RefusalKind::Conflict,
            E::InvalidCode { .. }
            | E::NameBlank
            | E::NameTooLong { .. }
            | E::NameUnchanged { .. }
            | E::InvalidAccountType { .. }
            | E::ParentNotFound { .. }
            | E::ParentNotHeader { .. }
            | E::ParentTypeMismatch { .. }
            | E::ParentArchived { .. }
            | E::InvalidCurrency { .. }
            | E::CashNotAsset { .. }
            | E::ChartFull { .. } => RefusalKind::Invalid,
        }
    }
}

/// Why an account cannot take a posting, as [`super::ChartOfAccounts::check_postable`]
/// answers it. The messages do not repeat the code; the caller names the line and account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum AccountRefusal {
    /// No account with that code is in the chart.
    #[error("account is not in the chart of accounts")]
    Unknown,
    /// The account is a header: it groups others and takes no postings.
    #[error("account is a header account and takes no postings")]
    Header,
    /// The account is archived.
    #[error("account is archived and takes no postings")]
    Archived,
    /// The account takes only one currency, and it is not the posting's.
    #[error("account takes only {account_currency}")]
    CurrencyMismatch {
        /// The one currency the account takes.
        account_currency: Currency,
    },
}

impl AccountRefusal {
    /// Stable machine-readable code: `unknown_account`, `header_account`, `archived_account`
    /// or `currency_mismatch`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            AccountRefusal::Unknown => "unknown_account",
            AccountRefusal::Header => "header_account",
            AccountRefusal::Archived => "archived_account",
            AccountRefusal::CurrencyMismatch { .. } => "currency_mismatch",
        }
    }
}
