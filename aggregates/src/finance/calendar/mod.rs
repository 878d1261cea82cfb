//! The fiscal calendar aggregate: the fiscal years of a tenant, each split into contiguous
//! periods (months or quarters) that are open, closed or locked.
//!
//! There is one calendar per tenant, the aggregate [`CALENDAR_ID`]. Years never overlap and
//! their periods tile them exactly, so a date falls in at most one period
//! ([`FiscalCalendar::period_for`]). A period goes open → closed → locked; a closed period
//! may be reopened with a reason, a locked one never changes again. Once all its periods are
//! closed, a year can be closed: the closing entry moves its result to retained earnings and
//! its periods never reopen. At any period end, the foreign-currency balances of asset and
//! liability accounts can be revalued at that date's rates ([`ForeignCurrencyRevalued`]).
//! [`FiscalCalendar::check_open`] is the question the journal entry asks of it.
//!
//! Every limit below is enforced in [`FiscalCalendar::decide`] and tested at the limit.

mod aggregate;
mod commands;
mod errors;
mod events;
mod revaluation;
mod year_end;

#[cfg(test)]
mod tests;

pub use aggregate::{FiscalCalendar, FiscalYear, LastRevaluation, Period, PeriodLength, PeriodStatus};
pub use commands::{CalendarCommand, OpenFiscalYear};
pub use errors::{CalendarError, PeriodRefusal, YearLabelError};
pub use events::{
    BalanceRevaluation, CalendarEvent, FiscalPeriodClosed, FiscalPeriodLocked, FiscalPeriodReopened, FiscalYearClosed,
    FiscalYearOpened, ForeignCurrencyRevalued, PeriodSpan,
};
pub use revaluation::revaluation_entry_id_for;
pub use year_end::{closing_entry_id_for, AccountTotal, LedgerTotals};

/// Id of the one fiscal-calendar aggregate of a tenant.
pub const CALENDAR_ID: &str = "calendar";
/// Length of a fiscal year when no end date is given, in months.
pub const DEFAULT_YEAR_MONTHS: u32 = 12;
/// Longest fiscal year, in months (a long first or last year after a change of year end).
pub const MAX_YEAR_MONTHS: u32 = 24;
/// Most periods a fiscal year may have.
pub const MAX_PERIODS: usize = 24;
/// Longest year label, in characters.
pub const MAX_YEAR_LABEL_CHARS: usize = 20;
/// Longest reason for reopening a period, in characters.
pub const MAX_REASON_CHARS: usize = 500;
