//! Commands to the fiscal calendar. They carry raw inputs (strings, optional values) so that
//! every rule is decided, and reported with its field, in `handle`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A request to change the fiscal calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum CalendarCommand {
    /// Open a fiscal year split into open periods.
    OpenFiscalYear(OpenFiscalYear),
    /// Close an open period: it stops taking postings.
    ClosePeriod {
        /// Label of a period of the calendar (`2026-03`).
        period: String,
    },
    /// Reopen a closed period: it takes postings again.
    ReopenPeriod {
        /// Label of a closed period of the calendar.
        period: String,
        /// Why; non-blank, at most `MAX_REASON_CHARS` characters.
        reason: String,
    },
    /// Lock a closed period for good.
    LockPeriod {
        /// Label of a closed period of the calendar.
        period: String,
    },
    /// Close a fiscal year whose periods are all closed: post the closing entry that moves its
    /// income and expense balances to retained earnings.
    CloseFiscalYear {
        /// Label of the year.
        year: String,
        /// The equity account that receives the result; `3200` Retained earnings when absent.
        retained_earnings_account: Option<String>,
    },
    /// Revalue the foreign-currency balances of the asset and liability accounts at the rates
    /// in force on `date`, posting unrealised exchange gains and losses.
    RevalueForeignCurrency {
        /// Accounting date of the revaluation: in an open period, after the last revaluation.
        date: NaiveDate,
    },
}

/// Open a fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenFiscalYear {
    /// Year label, unique in the calendar: 1–`MAX_YEAR_LABEL_CHARS` ASCII letters, digits and
    /// `-`, starting with a letter or digit. Absent: the start date's year (`2026`).
    #[serde(default)]
    pub year: Option<String>,
    /// First day of the year.
    pub start_date: NaiveDate,
    /// Last day of the year (inclusive): not before `start_date`, and at the latest
    /// `MAX_YEAR_MONTHS` months after it less a day. Absent: `DEFAULT_YEAR_MONTHS` months
    /// after `start_date`, less a day.
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    /// `month` or `quarter`. Absent: `month`.
    #[serde(default)]
    pub period_length: Option<String>,
}
