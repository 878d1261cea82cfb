//! Facts about the fiscal calendar. The serde JSON of each payload mirrors its Avro schema
//! in `schemas/avro/finance/` field for field (a test keeps them from drifting); the enum is
//! externally tagged: `{"FiscalYearOpened": {...}}`.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::finance::journal_entry::PostedLine;

/// One period of a fiscal year as opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodSpan {
    /// Period label, unique in the calendar: `<year>-<number, two digits>` (`2026-03`).
    pub period: String,
    /// 1-based number of the period within its year.
    pub number: i32,
    /// First day of the period.
    pub start_date: NaiveDate,
    /// Last day of the period (inclusive).
    pub end_date: NaiveDate,
}

/// A fiscal year was opened, split into contiguous open periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalYearOpened {
    /// Year label, unique in the calendar (`2026`, `FY2026-27`).
    pub year: String,
    /// First day of the year.
    pub start_date: NaiveDate,
    /// Last day of the year (inclusive).
    pub end_date: NaiveDate,
    /// The periods, in order, covering the year without gaps or overlaps.
    pub periods: Vec<PeriodSpan>,
}

/// A period stopped taking postings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalPeriodClosed {
    /// Period label.
    pub period: String,
}

/// A closed period takes postings again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalPeriodReopened {
    /// Period label.
    pub period: String,
    /// Why it was reopened.
    pub reason: String,
}

/// A closed period was locked for good: it never reopens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalPeriodLocked {
    /// Period label.
    pub period: String,
}

/// A fiscal year was closed: its income and expense balances moved to retained earnings by the
/// closing entry `entry_id` (`lines`, dated `closing_date`, the year's last day). Its periods
/// never reopen. No lines when there was nothing to close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalYearClosed {
    /// Year label.
    pub year: String,
    /// Accounting date of the closing entry: the year's last day.
    pub closing_date: NaiveDate,
    /// The equity account that received the year's result.
    pub retained_earnings_account: String,
    /// Id of the closing journal entry (a UUID derived from the year label).
    pub entry_id: String,
    /// The closing entry's balanced lines: one per income or expense account and currency with
    /// a balance, zeroing it, and one per currency to retained earnings.
    pub lines: Vec<PostedLine>,
}

/// One foreign-currency balance as a revaluation found and valued it. Amounts are net debits
/// (a credit balance is negative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceRevaluation {
    /// Asset or liability account code.
    pub account: String,
    /// ISO-4217 code of the foreign currency.
    pub currency: String,
    /// The balance in minor units of `currency`, up to and including the revaluation date.
    pub balance_minor: i64,
    /// The rate applied: 1 unit of `currency` in the functional currency.
    pub rate: String,
    /// The balance's functional value before the revaluation, minor units.
    pub carried_minor: i64,
    /// The balance's functional value at `rate`, minor units; `revalued_minor - carried_minor`
    /// is the unrealised gain (positive) or loss (negative).
    pub revalued_minor: i64,
}

/// The foreign-currency balances of the asset and liability accounts were revalued at the
/// rates of `revaluation_date`: the entry `entry_id` (`lines`) brings each functional value to
/// its revalued amount, with the differences to exchange gains and losses. Its lines change
/// only functional values: their transaction amounts are 0. No lines when nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignCurrencyRevalued {
    /// Accounting date of the revaluation entry.
    pub revaluation_date: NaiveDate,
    /// Id of the revaluation journal entry (a UUID derived from the date).
    pub entry_id: String,
    /// ISO-4217 code of the functional currency.
    pub functional_currency: String,
    /// Every foreign-currency balance revalued, in account then currency order.
    pub revaluations: Vec<BalanceRevaluation>,
    /// The revaluation entry's lines, balanced in the functional currency.
    pub lines: Vec<PostedLine>,
}

/// Everything that can happen to a fiscal calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CalendarEvent {
    /// See [`FiscalYearOpened`].
    FiscalYearOpened(FiscalYearOpened),
    /// See [`FiscalPeriodClosed`].
    FiscalPeriodClosed(FiscalPeriodClosed),
    /// See [`FiscalPeriodReopened`].
    FiscalPeriodReopened(FiscalPeriodReopened),
    /// See [`FiscalPeriodLocked`].
    FiscalPeriodLocked(FiscalPeriodLocked),
    /// See [`FiscalYearClosed`].
    FiscalYearClosed(FiscalYearClosed),
    /// See [`ForeignCurrencyRevalued`].
    ForeignCurrencyRevalued(ForeignCurrencyRevalued),
}

impl CalendarEvent {
    /// Version of every calendar event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for CalendarEvent {
    fn event_type(&self) -> String {
        match self {
            CalendarEvent::FiscalYearOpened(_) => "FiscalYearOpened",
            CalendarEvent::FiscalPeriodClosed(_) => "FiscalPeriodClosed",
            CalendarEvent::FiscalPeriodReopened(_) => "FiscalPeriodReopened",
            CalendarEvent::FiscalPeriodLocked(_) => "FiscalPeriodLocked",
            CalendarEvent::FiscalYearClosed(_) => "FiscalYearClosed",
            CalendarEvent::ForeignCurrencyRevalued(_) => "ForeignCurrencyRevalued",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
