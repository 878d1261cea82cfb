//! Why a budgets command was refused.
//!
//! [`BudgetsError`] has one precise variant per rule, each naming the command input at fault
//! ([`Refusal::field`]: `budget`, `currency`, `amounts`, `amounts[i].account`,
//! `amounts[i].period`, `amounts[i].amount_minor` or `amounts[i]`; `None` when the stored
//! budgets rather than one input forbid the command), a stable machine code
//! ([`Refusal::code`]) and its class ([`Refusal::kind`]), so the HTTP layer maps it once.

use crate::finance::account::AccountCodeError;
use crate::money::{Currency, CurrencyError};
use crate::refusal::{Refusal, RefusalKind};

/// Why a string is not a valid budget name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetNameError {
    /// The name is empty.
    #[error("budget name is empty")]
    Empty,
    /// The name is longer than `MAX_BUDGET_NAME_CHARS`.
    #[error("budget name has {chars} characters; at most {max} are allowed")]
    TooLong {
        /// Length of the input in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A character other than ASCII letters, digits, `.`, `_` and `-`.
    #[error("budget name contains {found:?} at position {position}; only A-Z, a-z, 0-9, ., _ and - are allowed")]
    InvalidCharacter {
        /// The offending character.
        found: char,
        /// Its 0-based character position.
        position: usize,
    },
}

/// A budgets command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetsError {
    /// The budget name is not valid.
    #[error("budget {budget:?} is invalid: {reason}")]
    InvalidBudgetName {
        /// The name given.
        budget: String,
        /// Which budget-name rule failed.
        reason: BudgetNameError,
    },
    /// The currency is not an ISO 4217 currency with a minor unit.
    #[error("currency is invalid: {reason}")]
    InvalidCurrency {
        /// Which currency rule failed.
        reason: CurrencyError,
    },
    /// The command sets no amount.
    #[error("amounts must hold at least one amount")]
    NoAmounts,
    /// The command sets more amounts than one command may.
    #[error("amounts has {count} items; at most {max} are allowed in one command")]
    TooManyAmounts {
        /// Number of amounts given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// An amount's account is not a valid account code.
    #[error("amounts[{index}].account is invalid: {reason}")]
    InvalidAccount {
        /// 0-based index of the amount.
        index: usize,
        /// Which account-code rule failed.
        reason: AccountCodeError,
    },
    /// An amount's period is empty or only whitespace.
    #[error("amounts[{index}].period must not be blank")]
    PeriodBlank {
        /// 0-based index of the amount.
        index: usize,
    },
    /// An amount is negative.
    #[error("amounts[{index}].amount_minor is {amount_minor}; a budget amount is 0 or more (0 clears it)")]
    NegativeAmount {
        /// 0-based index of the amount.
        index: usize,
        /// The amount given.
        amount_minor: i64,
    },
    /// An account and period are given twice in one command.
    #[error("amounts[{index}] repeats account {account} in period {period}, already given in amounts[{first}]")]
    DuplicateAmount {
        /// 0-based index of the repetition.
        index: usize,
        /// 0-based index of the first amount with the same account and period.
        first: usize,
        /// The account code.
        account: String,
        /// The period label.
        period: String,
    },
    /// An amount's account is not in the chart of accounts.
    #[error("amounts[{index}].account {code} is not in the chart of accounts")]
    UnknownAccount {
        /// 0-based index of the amount.
        index: usize,
        /// The account code.
        code: String,
    },
    /// An amount's account is a header account, which takes no postings.
    #[error("amounts[{index}].account {code} is a header account; budget the accounts it groups")]
    HeaderAccount {
        /// 0-based index of the amount.
        index: usize,
        /// The account code.
        code: String,
    },
    /// An amount's account takes only another currency than the command's.
    #[error("amounts[{index}].account {code} takes only {account_currency}, not {currency}")]
    AccountCurrencyMismatch {
        /// 0-based index of the amount.
        index: usize,
        /// The account code.
        code: String,
        /// The only currency the account takes.
        account_currency: Currency,
        /// The command's currency.
        currency: Currency,
    },
    /// An amount's period is not a period of the fiscal calendar.
    #[error("amounts[{index}].period {period} is not a period of the fiscal calendar")]
    UnknownPeriod {
        /// 0-based index of the amount.
        index: usize,
        /// The period label.
        period: String,
    },
    /// The budgets would hold more non-zero amounts than allowed.
    #[error("the budgets would hold {count} amounts; at most {max} are allowed (clear unused ones with 0)")]
    TooManyStoredAmounts {
        /// Non-zero amounts held after the command.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The chart of accounts or fiscal calendar could not be read; nothing was recorded.
    #[error("the ledger's books could not be read: {reason}")]
    BooksUnavailable {
        /// What failed.
        reason: String,
    },
}

impl Refusal for BudgetsError {
    fn field(&self) -> Option<String> {
        use BudgetsError as E;
        let path = match self {
            E::InvalidBudgetName { .. } => "budget".to_owned(),
            E::InvalidCurrency { .. } => "currency".to_owned(),
            E::NoAmounts | E::TooManyAmounts { .. } => "amounts".to_owned(),
            E::InvalidAccount { index, .. }
            | E::UnknownAccount { index, .. }
            | E::HeaderAccount { index, .. }
            | E::AccountCurrencyMismatch { index, .. } => format!("amounts[{index}].account"),
            E::PeriodBlank { index } | E::UnknownPeriod { index, .. } => format!("amounts[{index}].period"),
            E::NegativeAmount { index, .. } => format!("amounts[{index}].amount_minor"),
            E::DuplicateAmount { index, .. } => format!("amounts[{index}]"),
            E::TooManyStoredAmounts { .. } | E::BooksUnavailable { .. } => return None,
        };
        Some(path)
    }

    fn code(&self) -> &'static str {
        use BudgetsError as E;
        match self {
            E::InvalidBudgetName { .. } => "invalid_budget_name",
            E::InvalidCurrency { .. } => "invalid_currency",
            E::NoAmounts => "no_amounts",
            E::TooManyAmounts { .. } => "too_many_amounts",
            E::InvalidAccount { .. } => "invalid_account",
            E::PeriodBlank { .. } => "period_blank",
            E::NegativeAmount { .. } => "negative_amount",
            E::DuplicateAmount { .. } => "duplicate_amount",
            E::UnknownAccount { .. } => "unknown_account",
            E::HeaderAccount { .. } => "header_account",
            E::AccountCurrencyMismatch { .. } => "account_currency_mismatch",
            E::UnknownPeriod { .. } => "unknown_period",
            E::TooManyStoredAmounts { .. } => "too_many_stored_amounts",
            E::BooksUnavailable { .. } => "books_unavailable",
        }
    }

    fn kind(&self) -> RefusalKind {
        match self {
            BudgetsError::BooksUnavailable { .. } => RefusalKind::Unavailable,
            _ => RefusalKind::Invalid,
        }
    }
}
