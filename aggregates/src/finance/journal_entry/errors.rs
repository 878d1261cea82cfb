//! Why a journal entry command was refused: one precise variant per rule, each naming
//! the JSON path of the input at fault ([`JournalEntryError::field`]), a stable machine
//! code ([`JournalEntryError::code`]) and its class ([`JournalEntryError::kind`]) so the
//! HTTP layer maps it once (422 / 404 / 409) through [`Refusal`].

use std::fmt;

use chrono::NaiveDate;

use crate::finance::account::AccountCodeError;
use crate::finance::exchange_rates::RateRefusal;
use crate::money::{Currency, CurrencyError};
use crate::refusal::{Refusal, RefusalKind};
use crate::tenant::TenantIdError;

/// The side of a journal line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Debit side.
    Debit,
    /// Credit side.
    Credit,
}

impl Side {
    /// `"debit"` or `"credit"`, as the input field is named.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Debit => "debit",
            Side::Credit => "credit",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A journal entry command was refused. Line indexes (`line`) are 0-based positions in
/// the command's `lines`, matching the JSON path returned by [`JournalEntryError::field`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JournalEntryError {
    /// `Post` on an entry that is already posted (or reversed).
    #[error("journal entry is already posted")]
    AlreadyPosted,
    /// `Post` on an entry that is a draft: post the draft instead.
    #[error("journal entry is a draft; post the draft instead")]
    IsDraft,
    /// A draft command on an entry that has no draft.
    #[error("journal entry has no draft")]
    NoDraft,
    /// A command on an entry whose draft was discarded.
    #[error("journal entry's draft was discarded")]
    DraftDiscarded,
    /// `Reverse` on an entry that was never posted.
    #[error("journal entry not found")]
    NotFound,
    /// `Reverse` on an entry that is already reversed.
    #[error("journal entry is already reversed by {reversal_entry_id}")]
    AlreadyReversed {
        /// Id of the existing reversal entry.
        reversal_entry_id: String,
    },
    /// The tenant slug is invalid.
    #[error("tenant is invalid: {reason}")]
    InvalidTenant {
        /// Which tenant rule failed.
        reason: TenantIdError,
    },
    /// The description is empty or only whitespace.
    #[error("description must not be blank")]
    DescriptionBlank,
    /// The description is too long.
    #[error("description has {chars} characters; at most {max} are allowed")]
    DescriptionTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A source reference was given but is empty or only whitespace.
    #[error("source_reference must not be blank when present")]
    SourceReferenceBlank,
    /// The source reference is too long.
    #[error("source_reference has {chars} characters; at most {max} are allowed")]
    SourceReferenceTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// Fewer lines than the minimum.
    #[error("an entry needs at least {min} lines, got {count}")]
    TooFewLines {
        /// Lines given.
        count: usize,
        /// The minimum.
        min: usize,
    },
    /// More lines than the maximum.
    #[error("an entry may have at most {max} lines, got {count}")]
    TooManyLines {
        /// Lines given.
        count: usize,
        /// The maximum.
        max: usize,
    },
    /// A line's account code is invalid.
    #[error("lines[{line}].account is invalid: {reason}")]
    InvalidAccount {
        /// 0-based line index.
        line: usize,
        /// Which account-code rule failed.
        reason: AccountCodeError,
    },
    /// A line has neither a debit nor a credit.
    #[error("lines[{line}] needs exactly one of debit or credit, got neither")]
    MissingAmount {
        /// 0-based line index.
        line: usize,
    },
    /// A line has both a debit and a credit.
    #[error("lines[{line}] needs exactly one of debit or credit, got both")]
    DebitAndCredit {
        /// 0-based line index.
        line: usize,
    },
    /// A line's amount is zero or negative.
    #[error("lines[{line}].{side} must be positive, got {amount}")]
    NonPositiveAmount {
        /// 0-based line index.
        line: usize,
        /// The side that carries the amount.
        side: Side,
        /// The amount given, in minor units.
        amount: i64,
    },
    /// A line's currency is invalid.
    #[error("lines[{line}].currency is invalid: {reason}")]
    InvalidCurrency {
        /// 0-based line index.
        line: usize,
        /// Which currency rule failed.
        reason: CurrencyError,
    },
    /// A line's memo is too long.
    #[error("lines[{line}].memo has {chars} characters; at most {max} are allowed")]
    MemoTooLong {
        /// 0-based line index.
        line: usize,
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// Debits and credits differ in one currency (the first such currency by code).
    #[error("entry does not balance in {currency}: debits {debit_total} != credits {credit_total} (minor units)")]
    Unbalanced {
        /// The currency that does not balance.
        currency: Currency,
        /// Sum of debits in that currency, minor units.
        debit_total: i64,
        /// Sum of credits in that currency, minor units.
        credit_total: i64,
    },
    /// Summing the debits or credits of one currency overflows 64-bit minor units.
    #[error("the {side} total in {currency} overflows 64-bit minor units")]
    AmountOverflow {
        /// The currency whose total overflows.
        currency: Currency,
        /// The side whose total overflows.
        side: Side,
    },
    /// The reversal reason is empty or only whitespace.
    #[error("reason must not be blank")]
    ReasonBlank,
    /// The reversal reason is too long.
    #[error("reason has {chars} characters; at most {max} are allowed")]
    ReasonTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The reversal is dated before the entry it reverses.
    #[error("reversal_date {reversal_date} is before the entry date {entry_date}")]
    ReversalBeforeEntryDate {
        /// The requested reversal date.
        reversal_date: NaiveDate,
        /// The original entry date.
        entry_date: NaiveDate,
    },

    /// The entry's date falls in no fiscal year of the calendar.
    #[error("{date} falls in no fiscal year; open one that covers it first")]
    NoFiscalYear {
        /// The command field that carries the date (`entry_date` or `reversal_date`).
        field: &'static str,
        /// The date.
        date: NaiveDate,
    },
    /// The entry's date falls in a period that is closed or locked.
    #[error("{date} falls in fiscal period {period}, which is {status}")]
    PeriodNotOpen {
        /// The command field that carries the date (`entry_date` or `reversal_date`).
        field: &'static str,
        /// The date.
        date: NaiveDate,
        /// The period's label, e.g. `2026-03`.
        period: String,
        /// `closed` or `locked`.
        status: &'static str,
    },
    /// A line posts to an account the chart does not have.
    #[error("lines[{line}].account {code} is not in the chart of accounts")]
    UnknownAccount {
        /// 0-based line index.
        line: usize,
        /// The account code.
        code: String,
    },
    /// A line posts to a header account, which only groups others.
    #[error("lines[{line}].account {code} is a header account and takes no postings")]
    HeaderAccount {
        /// 0-based line index.
        line: usize,
        /// The account code.
        code: String,
    },
    /// A line posts to an archived account.
    #[error("lines[{line}].account {code} is archived")]
    ArchivedAccount {
        /// 0-based line index.
        line: usize,
        /// The account code.
        code: String,
    },
    /// A line's currency is not the one its account is restricted to.
    #[error("lines[{line}].currency is {currency}, but account {code} takes only {account_currency}")]
    AccountCurrencyMismatch {
        /// 0-based line index.
        line: usize,
        /// The account code.
        code: String,
        /// The only currency the account takes.
        account_currency: Currency,
        /// The line's currency.
        currency: Currency,
    },
    /// A line's amount cannot be converted into the functional currency: no rate of its
    /// currency on or before the entry's date, or the converted amount overflows.
    #[error("lines[{line}].currency cannot be converted into the functional currency: {refusal}")]
    NoExchangeRate {
        /// 0-based line index.
        line: usize,
        /// Why.
        refusal: RateRefusal,
    },
    /// The chart of accounts or fiscal calendar could not be read; nothing was recorded.
    #[error("the ledger's books could not be read: {reason}")]
    BooksUnavailable {
        /// What failed.
        reason: String,
    },
}

impl Refusal for JournalEntryError {
    fn field(&self) -> Option<String> {
        use JournalEntryError as E;
        let path = match self {
            E::NotFound | E::AlreadyReversed { .. } | E::BooksUnavailable { .. } => return None,
            E::AlreadyPosted => "entry_id".to_owned(),
            E::IsDraft | E::NoDraft | E::DraftDiscarded => return None,
            E::InvalidTenant { .. } => "tenant".to_owned(),
            E::DescriptionBlank | E::DescriptionTooLong { .. } => "description".to_owned(),
            E::SourceReferenceBlank | E::SourceReferenceTooLong { .. } => "source_reference".to_owned(),
            E::TooFewLines { .. } | E::TooManyLines { .. } | E::Unbalanced { .. } | E::AmountOverflow { .. } => {
                "lines".to_owned()
            }
            E::InvalidAccount { line, .. } => format!("lines[{line}].account"),
            E::MissingAmount { line } | E::DebitAndCredit { line } => format!("lines[{line}]"),
            E::NonPositiveAmount { line, side, .. } => format!("lines[{line}].{side}"),
            E::InvalidCurrency { line, .. } => format!("lines[{line}].currency"),
            E::MemoTooLong { line, .. } => format!("lines[{line}].memo"),
            E::ReasonBlank | E::ReasonTooLong { .. } => "reason".to_owned(),
            E::ReversalBeforeEntryDate { .. } => "reversal_date".to_owned(),
            E::NoFiscalYear { field, .. } | E::PeriodNotOpen { field, .. } => (*field).to_owned(),
            E::UnknownAccount { line, .. } | E::HeaderAccount { line, .. } | E::ArchivedAccount { line, .. } => {
                format!("lines[{line}].account")
            }
            E::AccountCurrencyMismatch { line, .. } | E::NoExchangeRate { line, .. } => {
                format!("lines[{line}].currency")
            }
        };
        Some(path)
    }

    fn code(&self) -> &'static str {
        use JournalEntryError as E;
        match self {
            E::AlreadyPosted => "already_posted",
            E::IsDraft => "is_draft",
            E::NoDraft => "no_draft",
            E::DraftDiscarded => "draft_discarded",
            E::NotFound => "not_found",
            E::AlreadyReversed { .. } => "already_reversed",
            E::InvalidTenant { .. } => "invalid_tenant",
            E::DescriptionBlank => "description_blank",
            E::DescriptionTooLong { .. } => "description_too_long",
            E::SourceReferenceBlank => "source_reference_blank",
            E::SourceReferenceTooLong { .. } => "source_reference_too_long",
            E::TooFewLines { .. } => "too_few_lines",
            E::TooManyLines { .. } => "too_many_lines",
            E::InvalidAccount { .. } => "invalid_account",
            E::MissingAmount { .. } => "missing_amount",
            E::DebitAndCredit { .. } => "debit_and_credit",
            E::NonPositiveAmount { .. } => "non_positive_amount",
            E::InvalidCurrency { .. } => "invalid_currency",
            E::MemoTooLong { .. } => "memo_too_long",
            E::Unbalanced { .. } => "unbalanced",
            E::AmountOverflow { .. } => "amount_overflow",
            E::ReasonBlank => "reason_blank",
            E::ReasonTooLong { .. } => "reason_too_long",
            E::ReversalBeforeEntryDate { .. } => "reversal_before_entry_date",
            E::NoFiscalYear { .. } => "no_fiscal_year",
            E::PeriodNotOpen { .. } => "period_not_open",
            E::UnknownAccount { .. } => "unknown_account",
            E::HeaderAccount { .. } => "header_account",
            E::ArchivedAccount { .. } => "archived_account",
            E::AccountCurrencyMismatch { .. } => "account_currency_mismatch",
            E::NoExchangeRate { refusal, .. } => refusal.code(),
            E::BooksUnavailable { .. } => "books_unavailable",
        }
    }

    fn kind(&self) -> RefusalKind {
        match self {
            JournalEntryError::NotFound | JournalEntryError::NoDraft => RefusalKind::NotFound,
            JournalEntryError::IsDraft | JournalEntryError::DraftDiscarded => RefusalKind::Conflict,
            JournalEntryError::BooksUnavailable { .. } => RefusalKind::Unavailable,
            JournalEntryError::AlreadyPosted | JournalEntryError::AlreadyReversed { .. } => RefusalKind::Conflict,
            _ => RefusalKind::Invalid,
        }
    }
}
