//! Facts about the fiscal calendar. The serde JSON of each payload mirrors its Avro schema
//! in `schemas/avro/finance/` field for field (a test keeps them from drifting); the enum is
//! externally tagged: `{"FiscalYearOpened": {...}}`.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

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
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
