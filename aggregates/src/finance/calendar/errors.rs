//! Why a fiscal-calendar command was refused, and why a date takes no postings.
//!
//! [`CalendarError`] has one precise variant per rule, each naming the command input at
//! fault ([`Refusal::field`]: `year`, `end_date`, `period`…, or `None` when the period's
//! state rather than an input forbids the command), a stable machine code
//! ([`Refusal::code`]) and its class ([`Refusal::kind`]), so the HTTP layer maps it once
//! (422 / 404 / 409).
//!
//! [`PeriodRefusal`] is the answer of [`super::FiscalCalendar::check_open`]; the journal
//! entry turns it into its own refusal for the date at fault.

use chrono::NaiveDate;

use crate::finance::account::AccountCodeError;
use crate::finance::chart::AccountRefusal;
use crate::finance::exchange_rates::RateRefusal;
use crate::money::Currency;
use crate::refusal::{Refusal, RefusalKind};

use super::PeriodStatus;

/// Why a string is not a valid fiscal year label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YearLabelError {
    /// The label is empty.
    #[error("year label is empty")]
    Empty,
    /// The label is longer than `MAX_YEAR_LABEL_CHARS`.
    #[error("year label has {chars} characters; at most {max} are allowed")]
    TooLong {
        /// Length of the input in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The first character is not an ASCII letter or digit.
    #[error("year label must start with an ASCII letter or digit")]
    MustStartAlphanumeric,
    /// A character other than ASCII letters, digits and `-`.
    #[error("year label contains {found:?} at position {position}; only A-Z, a-z, 0-9 and - are allowed")]
    InvalidCharacter {
        /// The offending character.
        found: char,
        /// Its 0-based character position.
        position: usize,
    },
}

/// A fiscal-calendar command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The year label (given, or defaulted from the start date) is invalid.
    #[error("year {year:?} is invalid: {reason}")]
    InvalidYear {
        /// The label.
        year: String,
        /// Which label rule failed.
        reason: YearLabelError,
    },
    /// A fiscal year with this label is already in the calendar.
    #[error("fiscal year {year} already exists")]
    YearExists {
        /// The label.
        year: String,
    },
    /// The end date is before the start date.
    #[error("end_date {end_date} is before start_date {start_date}")]
    EndBeforeStart {
        /// First day asked for.
        start_date: NaiveDate,
        /// Last day asked for.
        end_date: NaiveDate,
    },
    /// The year would be longer than `MAX_YEAR_MONTHS` months.
    #[error("end_date {end_date} is too late: a fiscal year starting {start_date} ends {latest} at the latest")]
    YearTooLong {
        /// First day asked for.
        start_date: NaiveDate,
        /// Last day asked for.
        end_date: NaiveDate,
        /// The latest last day allowed.
        latest: NaiveDate,
    },
    /// The period length is neither `month` nor `quarter`.
    #[error("period_length {period_length:?} is not one of month, quarter")]
    InvalidPeriodLength {
        /// The length given.
        period_length: String,
    },
    /// The year would have more than `MAX_PERIODS` periods.
    #[error("the year would have {count} periods; at most {max} are allowed")]
    TooManyPeriods {
        /// Periods the year would have.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The year overlaps a fiscal year already in the calendar (the earliest such year).
    #[error("the year overlaps fiscal year {year} ({start_date} to {end_date})")]
    OverlapsYear {
        /// The existing year's label.
        year: String,
        /// Its first day.
        start_date: NaiveDate,
        /// Its last day.
        end_date: NaiveDate,
    },
    /// The period addressed is not in the calendar.
    #[error("period {period} is not in the calendar")]
    PeriodNotFound {
        /// The label given.
        period: String,
    },
    /// Closing a period that is already closed.
    #[error("period {period} is already closed")]
    AlreadyClosed {
        /// The period.
        period: String,
    },
    /// Closing or reopening a locked period.
    #[error("period {period} is locked; a locked period never reopens or changes")]
    PeriodLocked {
        /// The period.
        period: String,
    },
    /// The reopening reason is empty or only whitespace.
    #[error("reason must not be blank")]
    ReasonBlank,
    /// The reopening reason is too long.
    #[error("reason has {chars} characters; at most {max} are allowed")]
    ReasonTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// Reopening a period that is open.
    #[error("period {period} is open; only a closed period can be reopened")]
    NotClosed {
        /// The period.
        period: String,
    },
    /// Locking a period that is still open.
    #[error("period {period} is still open; close it before locking it")]
    StillOpen {
        /// The period.
        period: String,
    },
    /// Locking a period that is already locked.
    #[error("period {period} is already locked")]
    AlreadyLocked {
        /// The period.
        period: String,
    },
    /// Closing a year the calendar does not have.
    #[error("fiscal year {year} is not in the calendar")]
    YearNotFound {
        /// The label given.
        year: String,
    },
    /// Closing a year that is already closed, or reopening a period of one.
    #[error("fiscal year {year} is closed")]
    YearClosed {
        /// The year.
        year: String,
    },
    /// Closing a year some of whose periods still take postings.
    #[error("fiscal year {year} still has open periods: {}; close them first", periods.join(", "))]
    PeriodsStillOpen {
        /// The year.
        year: String,
        /// Its open periods.
        periods: Vec<String>,
    },
    /// The retained-earnings account is not a valid code.
    #[error("retained_earnings_account is invalid: {reason}")]
    InvalidRetainedEarningsAccount {
        /// Which account-code rule failed.
        reason: AccountCodeError,
    },
    /// The retained-earnings account is not an active equity account of the chart.
    #[error("retained_earnings_account {code} must be an active, non-header equity account of the chart")]
    RetainedEarningsNotEquity {
        /// The account code.
        code: String,
    },
    /// Revaluing before the tenant has a functional currency.
    #[error("set the functional currency before revaluing")]
    NoFunctionalCurrency,
    /// Revaluing on a date that takes no postings.
    #[error("date {date} takes no postings: {refusal}")]
    RevaluationDateNotOpen {
        /// The date given.
        date: NaiveDate,
        /// Why it takes none.
        refusal: PeriodRefusal,
    },
    /// Revaluing on or before the date of the last revaluation.
    #[error("date {date} is not after the last revaluation, on {last}")]
    RevaluationNotAfterLast {
        /// The date given.
        date: NaiveDate,
        /// Date of the last revaluation.
        last: NaiveDate,
    },
    /// A foreign-currency balance has no rate on or before the revaluation date.
    #[error("cannot revalue on {date}: {refusal}")]
    RevaluationRate {
        /// The date given.
        date: NaiveDate,
        /// Why a balance could not be converted.
        refusal: RateRefusal,
    },
    /// The account the revaluation posts gains or losses to does not take postings in the
    /// functional currency.
    #[error("exchange {purpose} account {code} does not take postings in {currency}: {refusal}")]
    ExchangeAccountNotPostable {
        /// `gains` or `losses`.
        purpose: &'static str,
        /// The account code.
        code: &'static str,
        /// The functional currency.
        currency: Currency,
        /// Why not.
        refusal: AccountRefusal,
    },
    /// The ledger's totals could not be read; nothing was recorded.
    #[error("the ledger could not be read: {reason}")]
    LedgerUnavailable {
        /// What failed.
        reason: String,
    },
}

impl Refusal for CalendarError {
    fn field(&self) -> Option<String> {
        use CalendarError as E;
        let field = match self {
            E::InvalidYear { .. } | E::YearExists { .. } => "year",
            E::EndBeforeStart { .. } | E::YearTooLong { .. } => "end_date",
            E::InvalidPeriodLength { .. } | E::TooManyPeriods { .. } => "period_length",
            E::OverlapsYear { .. } => "start_date",
            E::PeriodNotFound { .. } => "period",
            E::ReasonBlank | E::ReasonTooLong { .. } => "reason",
            E::YearNotFound { .. } => "year",
            E::InvalidRetainedEarningsAccount { .. } | E::RetainedEarningsNotEquity { .. } => {
                "retained_earnings_account"
            }
            E::RevaluationDateNotOpen { .. } | E::RevaluationNotAfterLast { .. } | E::RevaluationRate { .. } => "date",
            E::YearClosed { .. }
            | E::PeriodsStillOpen { .. }
            | E::LedgerUnavailable { .. }
            | E::NoFunctionalCurrency
            | E::ExchangeAccountNotPostable { .. } => return None,
            E::AlreadyClosed { .. }
            | E::PeriodLocked { .. }
            | E::NotClosed { .. }
            | E::StillOpen { .. }
            | E::AlreadyLocked { .. } => return None,
        };
        Some(field.to_owned())
    }

    fn code(&self) -> &'static str {
        use CalendarError as E;
        match self {
            E::InvalidYear { .. } => "invalid_year",
            E::YearExists { .. } => "year_exists",
            E::EndBeforeStart { .. } => "end_before_start",
            E::YearTooLong { .. } => "year_too_long",
            E::InvalidPeriodLength { .. } => "invalid_period_length",
            E::TooManyPeriods { .. } => "too_many_periods",
            E::OverlapsYear { .. } => "overlaps_year",
            E::PeriodNotFound { .. } => "period_not_found",
            E::AlreadyClosed { .. } => "already_closed",
            E::PeriodLocked { .. } => "period_locked",
            E::ReasonBlank => "reason_blank",
            E::ReasonTooLong { .. } => "reason_too_long",
            E::NotClosed { .. } => "not_closed",
            E::StillOpen { .. } => "still_open",
            E::AlreadyLocked { .. } => "already_locked",
            E::YearNotFound { .. } => "year_not_found",
            E::YearClosed { .. } => "year_closed",
            E::PeriodsStillOpen { .. } => "periods_still_open",
            E::InvalidRetainedEarningsAccount { .. } => "invalid_retained_earnings_account",
            E::RetainedEarningsNotEquity { .. } => "retained_earnings_not_equity",
            E::NoFunctionalCurrency => "no_functional_currency",
            E::RevaluationDateNotOpen { refusal, .. } => refusal.code(),
            E::RevaluationNotAfterLast { .. } => "not_after_last_revaluation",
            E::RevaluationRate { refusal, .. } => refusal.code(),
            E::ExchangeAccountNotPostable { .. } => "exchange_account_not_postable",
            E::LedgerUnavailable { .. } => "ledger_unavailable",
        }
    }

    fn kind(&self) -> RefusalKind {
        use CalendarError as E;
        match self {
            E::PeriodNotFound { .. } | E::YearNotFound { .. } => RefusalKind::NotFound,
            E::LedgerUnavailable { .. } => RefusalKind::Unavailable,
            E::YearClosed { .. } | E::PeriodsStillOpen { .. } => RefusalKind::Conflict,
            E::NoFunctionalCurrency | E::RevaluationNotAfterLast { .. } => RefusalKind::Conflict,
            E::RevaluationDateNotOpen { .. } | E::RevaluationRate { .. } | E::ExchangeAccountNotPostable { .. } => {
                RefusalKind::Invalid
            }
            E::InvalidRetainedEarningsAccount { .. } | E::RetainedEarningsNotEquity { .. } => RefusalKind::Invalid,
            E::YearExists { .. }
            | E::AlreadyClosed { .. }
            | E::PeriodLocked { .. }
            | E::NotClosed { .. }
            | E::StillOpen { .. }
            | E::AlreadyLocked { .. } => RefusalKind::Conflict,
            E::InvalidYear { .. }
            | E::EndBeforeStart { .. }
            | E::YearTooLong { .. }
            | E::InvalidPeriodLength { .. }
            | E::TooManyPeriods { .. }
            | E::OverlapsYear { .. }
            | E::ReasonBlank
            | E::ReasonTooLong { .. } => RefusalKind::Invalid,
        }
    }
}

/// Why a date takes no postings, as [`super::FiscalCalendar::check_open`] answers it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodRefusal {
    /// No fiscal year covers the date.
    #[error("no fiscal year covers the date")]
    NoFiscalYear,
    /// The period covering the date is closed or locked.
    #[error("period {period} is {status}")]
    NotOpen {
        /// Label of the period covering the date.
        period: String,
        /// Its status: closed or locked.
        status: PeriodStatus,
    },
}

impl PeriodRefusal {
    /// Stable machine-readable code: `no_fiscal_year` or `period_not_open`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            PeriodRefusal::NoFiscalYear => "no_fiscal_year",
            PeriodRefusal::NotOpen { .. } => "period_not_open",
        }
    }
}
