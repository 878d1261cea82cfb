//! The fiscal calendar aggregate: [`FiscalCalendar::decide`] checks every rule and returns
//! the events, `apply` folds them. Pure — no I/O, no clock, no randomness. Closing a year also
//! needs the ledger's totals, and so does revaluing foreign-currency balances, so `handle`
//! decides those with the [`LedgerTotals`] service (see [`super::year_end`] and
//! [`super::revaluation`]).
//!
//! Rules are checked in a fixed order and the first broken one is reported. Opening a year:
//! year label, label unused, end date (not before the start, not too late), period length,
//! period count, no overlap with another year. Closing, reopening and locking a period:
//! period known, the reason (reopening only), then the period's status.

use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, Months, NaiveDate};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{CalendarCommand, OpenFiscalYear};
use super::errors::{CalendarError, PeriodRefusal, YearLabelError};
use super::events::{
    CalendarEvent, FiscalPeriodClosed, FiscalPeriodLocked, FiscalPeriodReopened, FiscalYearOpened, PeriodSpan,
};
use super::year_end::LedgerTotals;
use super::{DEFAULT_YEAR_MONTHS, MAX_PERIODS, MAX_REASON_CHARS, MAX_YEAR_LABEL_CHARS, MAX_YEAR_MONTHS};

/// Where a period is in its life: open → closed → locked, and closed → open again on reopening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodStatus {
    /// Takes postings.
    Open,
    /// Takes no postings; may be reopened.
    Closed,
    /// Takes no postings, for good.
    Locked,
}

impl PeriodStatus {
    /// `"open"`, `"closed"` or `"locked"`, as read models store it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodStatus::Open => "open",
            PeriodStatus::Closed => "closed",
            PeriodStatus::Locked => "locked",
        }
    }
}

impl fmt::Display for PeriodStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How long the periods of a fiscal year are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PeriodLength {
    /// One calendar month (12 periods in a 12-month year).
    #[default]
    Month,
    /// Three calendar months (4 periods in a 12-month year).
    Quarter,
}

impl PeriodLength {
    /// The length named `name`: `month` or `quarter` (lowercase, exactly); `None` otherwise.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "month" => Some(PeriodLength::Month),
            "quarter" => Some(PeriodLength::Quarter),
            _ => None,
        }
    }

    /// `"month"` or `"quarter"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodLength::Month => "month",
            PeriodLength::Quarter => "quarter",
        }
    }

    /// Calendar months per period: 1 or 3.
    #[must_use]
    pub fn months(self) -> u32 {
        match self {
            PeriodLength::Month => 1,
            PeriodLength::Quarter => 3,
        }
    }
}

/// One fiscal year of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalYear {
    year: String,
    start_date: NaiveDate,
    end_date: NaiveDate,
    #[serde(default)]
    closed: bool,
    #[serde(default)]
    closing_entry_id: Option<String>,
}

impl FiscalYear {
    /// The year's label (`2026`, `FY2026-27`), unique in the calendar.
    #[must_use]
    pub fn year(&self) -> &str {
        &self.year
    }

    /// First day of the year.
    #[must_use]
    pub fn start_date(&self) -> NaiveDate {
        self.start_date
    }

    /// Last day of the year (inclusive).
    #[must_use]
    pub fn end_date(&self) -> NaiveDate {
        self.end_date
    }

    /// Whether the year was closed (its result moved to retained earnings).
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The closing entry, once the year was closed with something to close.
    #[must_use]
    pub fn closing_entry_id(&self) -> Option<&str> {
        self.closing_entry_id.as_deref()
    }

    /// Whether `date` falls in the year.
    #[must_use]
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start_date <= date && date <= self.end_date
    }
}

/// One period of a fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    period: String,
    year: String,
    number: u32,
    start_date: NaiveDate,
    end_date: NaiveDate,
    status: PeriodStatus,
}

impl Period {
    /// The period's label (`2026-03`), unique in the calendar.
    #[must_use]
    pub fn period(&self) -> &str {
        &self.period
    }

    /// Label of the fiscal year it belongs to.
    #[must_use]
    pub fn year(&self) -> &str {
        &self.year
    }

    /// 1-based number of the period within its year.
    #[must_use]
    pub fn number(&self) -> u32 {
        self.number
    }

    /// First day of the period.
    #[must_use]
    pub fn start_date(&self) -> NaiveDate {
        self.start_date
    }

    /// Last day of the period (inclusive).
    #[must_use]
    pub fn end_date(&self) -> NaiveDate {
        self.end_date
    }

    /// Whether it is open, closed or locked.
    #[must_use]
    pub fn status(&self) -> PeriodStatus {
        self.status
    }

    /// Whether `date` falls in the period.
    #[must_use]
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start_date <= date && date <= self.end_date
    }
}

/// The fiscal calendar of one tenant, folded from its events. Years and periods are kept in
/// date order; neither overlaps another of its kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalCalendar {
    years: Vec<FiscalYear>,
    periods: Vec<Period>,
    last_revaluation: Option<LastRevaluation>,
}

/// The latest foreign-currency revaluation of a calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastRevaluation {
    /// Its date.
    pub date: NaiveDate,
    /// Its journal entry; `None` when no value changed, so nothing was posted.
    pub entry_id: Option<String>,
}

impl FiscalCalendar {
    /// The latest foreign-currency revaluation, if any.
    #[must_use]
    pub fn last_revaluation(&self) -> Option<&LastRevaluation> {
        self.last_revaluation.as_ref()
    }

    /// Every fiscal year, in date order.
    pub fn years(&self) -> impl Iterator<Item = &FiscalYear> {
        self.years.iter()
    }

    /// Every period of every year, in date order.
    pub fn periods(&self) -> impl Iterator<Item = &Period> {
        self.periods.iter()
    }

    /// The fiscal year labelled `year`.
    #[must_use]
    pub fn year(&self, year: &str) -> Option<&FiscalYear> {
        self.years.iter().find(|y| y.year == year)
    }

    /// The period labelled `period`.
    #[must_use]
    pub fn period(&self, period: &str) -> Option<&Period> {
        self.periods.iter().find(|p| p.period == period)
    }

    /// The fiscal year `date` falls in.
    #[must_use]
    pub fn year_of(&self, date: NaiveDate) -> Option<&FiscalYear> {
        let after = self.years.partition_point(|y| y.start_date <= date);
        after.checked_sub(1).map(|i| &self.years[i]).filter(|y| y.contains(date))
    }

    /// The period `date` falls in.
    #[must_use]
    pub fn period_for(&self, date: NaiveDate) -> Option<&Period> {
        let after = self.periods.partition_point(|p| p.start_date <= date);
        after.checked_sub(1).map(|i| &self.periods[i]).filter(|p| p.contains(date))
    }

    /// The period `date` falls in, if it takes postings.
    ///
    /// # Errors
    /// [`PeriodRefusal::NoFiscalYear`] when no year covers `date`, [`PeriodRefusal::NotOpen`]
    /// when its period is closed or locked.
    pub fn check_open(&self, date: NaiveDate) -> Result<&Period, PeriodRefusal> {
        let period = self.period_for(date).ok_or(PeriodRefusal::NoFiscalYear)?;
        match period.status {
            PeriodStatus::Open => Ok(period),
            status => Err(PeriodRefusal::NotOpen { period: period.period.clone(), status }),
        }
    }

    /// Decides `command` against the current state: the events to record, or why not.
    /// This is the whole of `handle`, callable without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`CalendarError`].
    pub fn decide(&self, command: CalendarCommand) -> Result<Vec<CalendarEvent>, CalendarError> {
        let event = match command {
            CalendarCommand::OpenFiscalYear(open) => CalendarEvent::FiscalYearOpened(self.decide_open_year(open)?),
            CalendarCommand::ClosePeriod { period } => CalendarEvent::FiscalPeriodClosed(self.decide_close(period)?),
            CalendarCommand::ReopenPeriod { period, reason } => {
                CalendarEvent::FiscalPeriodReopened(self.decide_reopen(period, reason)?)
            }
            CalendarCommand::LockPeriod { period } => CalendarEvent::FiscalPeriodLocked(self.decide_lock(period)?),
            CalendarCommand::CloseFiscalYear { year, .. } => {
                self.closable_year(&year)?;
                let reason = "closing a year needs the ledger's totals: it is decided by handle".to_owned();
                return Err(CalendarError::LedgerUnavailable { reason });
            }
            CalendarCommand::RevalueForeignCurrency { date } => {
                self.check_revaluation_date(date)?;
                let reason = "revaluing needs the ledger's totals: it is decided by handle".to_owned();
                return Err(CalendarError::LedgerUnavailable { reason });
            }
        };
        Ok(vec![event])
    }

    fn decide_open_year(&self, open: OpenFiscalYear) -> Result<FiscalYearOpened, CalendarError> {
        let start_date = open.start_date;
        let year = open.year.unwrap_or_else(|| format!("{:04}", start_date.year()));
        if let Err(reason) = check_year_label(&year) {
            return Err(CalendarError::InvalidYear { year, reason });
        }
        if self.year(&year).is_some() {
            return Err(CalendarError::YearExists { year });
        }
        let end_date = open.end_date.unwrap_or_else(|| last_day(start_date, DEFAULT_YEAR_MONTHS));
        if end_date < start_date {
            return Err(CalendarError::EndBeforeStart { start_date, end_date });
        }
        let latest = last_day(start_date, MAX_YEAR_MONTHS);
        if end_date > latest {
            return Err(CalendarError::YearTooLong { start_date, end_date, latest });
        }
        let length = match open.period_length {
            None => PeriodLength::default(),
            Some(name) => {
                PeriodLength::parse(&name).ok_or(CalendarError::InvalidPeriodLength { period_length: name })?
            }
        };
        let spans = split_year(start_date, end_date, length);
        if spans.len() > MAX_PERIODS {
            return Err(CalendarError::TooManyPeriods { count: spans.len(), max: MAX_PERIODS });
        }
        if let Some(other) = self.years.iter().find(|y| y.start_date <= end_date && start_date <= y.end_date) {
            return Err(CalendarError::OverlapsYear {
                year: other.year.clone(),
                start_date: other.start_date,
                end_date: other.end_date,
            });
        }
        let periods = number_periods(&year, spans);
        Ok(FiscalYearOpened { year, start_date, end_date, periods })
    }

    fn decide_close(&self, period: String) -> Result<FiscalPeriodClosed, CalendarError> {
        match self.known(&period)?.status {
            PeriodStatus::Open => Ok(FiscalPeriodClosed { period }),
            PeriodStatus::Closed => Err(CalendarError::AlreadyClosed { period }),
            PeriodStatus::Locked => Err(CalendarError::PeriodLocked { period }),
        }
    }

    fn decide_reopen(&self, period: String, reason: String) -> Result<FiscalPeriodReopened, CalendarError> {
        let known = self.known(&period)?;
        let status = known.status;
        if self.year(&known.year).is_some_and(FiscalYear::is_closed) {
            return Err(CalendarError::YearClosed { year: known.year.clone() });
        }
        if reason.trim().is_empty() {
            return Err(CalendarError::ReasonBlank);
        }
        let chars = reason.chars().count();
        if chars > MAX_REASON_CHARS {
            return Err(CalendarError::ReasonTooLong { chars, max: MAX_REASON_CHARS });
        }
        match status {
            PeriodStatus::Closed => Ok(FiscalPeriodReopened { period, reason }),
            PeriodStatus::Open => Err(CalendarError::NotClosed { period }),
            PeriodStatus::Locked => Err(CalendarError::PeriodLocked { period }),
        }
    }

    fn decide_lock(&self, period: String) -> Result<FiscalPeriodLocked, CalendarError> {
        match self.known(&period)?.status {
            PeriodStatus::Closed => Ok(FiscalPeriodLocked { period }),
            PeriodStatus::Open => Err(CalendarError::StillOpen { period }),
            PeriodStatus::Locked => Err(CalendarError::AlreadyLocked { period }),
        }
    }

    /// The period `period`, or [`CalendarError::PeriodNotFound`].
    fn known(&self, period: &str) -> Result<&Period, CalendarError> {
        self.period(period).ok_or_else(|| CalendarError::PeriodNotFound { period: period.to_owned() })
    }

    /// Sets the status of `period`; an event about an unknown period is never recorded.
    fn set_status(&mut self, period: &str, expected: PeriodStatus, status: PeriodStatus) {
        let found = self.periods.iter_mut().find(|p| p.period == period);
        debug_assert!(found.as_ref().is_some_and(|p| p.status == expected), "{period} is not {expected}");
        if let Some(found) = found {
            found.status = status;
        }
    }
}

impl Aggregate for FiscalCalendar {
    const TYPE: &'static str = "finance.fiscal_calendar";
    type Command = CalendarCommand;
    type Event = CalendarEvent;
    type Error = CalendarError;
    type Services = Arc<dyn LedgerTotals>;

    async fn handle(
        &mut self,
        command: Self::Command,
        ledger: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let events = match command {
            CalendarCommand::CloseFiscalYear { year, retained_earnings_account } => {
                let closed = self.decide_close_year(year, retained_earnings_account, ledger.as_ref()).await?;
                vec![CalendarEvent::FiscalYearClosed(closed)]
            }
            CalendarCommand::RevalueForeignCurrency { date } => {
                vec![CalendarEvent::ForeignCurrencyRevalued(self.decide_revaluation(date, ledger.as_ref()).await?)]
            }
            other => self.decide(other)?,
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            CalendarEvent::FiscalYearOpened(opened) => {
                debug_assert!(self.year(&opened.year).is_none(), "year {} opened twice", opened.year);
                let at = self.years.partition_point(|y| y.start_date < opened.start_date);
                self.years.insert(
                    at,
                    FiscalYear {
                        year: opened.year.clone(),
                        start_date: opened.start_date,
                        end_date: opened.end_date,
                        closed: false,
                        closing_entry_id: None,
                    },
                );
                let at = self.periods.partition_point(|p| p.start_date < opened.start_date);
                let periods = opened.periods.into_iter().map(|span| Period {
                    period: span.period,
                    year: opened.year.clone(),
                    number: u32::try_from(span.number).unwrap_or_default(),
                    start_date: span.start_date,
                    end_date: span.end_date,
                    status: PeriodStatus::Open,
                });
                self.periods.splice(at..at, periods);
            }
            CalendarEvent::FiscalPeriodClosed(closed) => {
                self.set_status(&closed.period, PeriodStatus::Open, PeriodStatus::Closed);
            }
            CalendarEvent::FiscalPeriodReopened(reopened) => {
                self.set_status(&reopened.period, PeriodStatus::Closed, PeriodStatus::Open);
            }
            CalendarEvent::FiscalPeriodLocked(locked) => {
                self.set_status(&locked.period, PeriodStatus::Closed, PeriodStatus::Locked);
            }
            CalendarEvent::FiscalYearClosed(closed) => {
                let found = self.years.iter_mut().find(|y| y.year == closed.year);
                debug_assert!(found.is_some(), "closed unknown year {}", closed.year);
                if let Some(year) = found {
                    year.closed = true;
                    year.closing_entry_id = (!closed.lines.is_empty()).then_some(closed.entry_id);
                }
            }
            CalendarEvent::ForeignCurrencyRevalued(revalued) => {
                self.last_revaluation = Some(LastRevaluation {
                    date: revalued.revaluation_date,
                    entry_id: (!revalued.lines.is_empty()).then_some(revalued.entry_id),
                });
            }
        }
    }
}

/// The day before `start + months` months: the last day of a span of `months` months that
/// starts on `start`. Dates past the end of the calendar clip to [`NaiveDate::MAX`].
fn last_day(start: NaiveDate, months: u32) -> NaiveDate {
    start.checked_add_months(Months::new(months)).and_then(|next| next.pred_opt()).unwrap_or(NaiveDate::MAX)
}

/// Splits `start..=end` into periods of `length`: the k-th (from 0) starts `k × length`
/// months after `start` and ends the day before the next one starts; the last one is
/// clipped to `end`. Returns (first day, last day) pairs, in order.
pub(super) fn split_year(start: NaiveDate, end: NaiveDate, length: PeriodLength) -> Vec<(NaiveDate, NaiveDate)> {
    let mut spans = Vec::new();
    let mut period_start = start;
    for k in 1_u32.. {
        let next = k
            .checked_mul(length.months())
            .and_then(|months| start.checked_add_months(Months::new(months)))
            .filter(|&next| next <= end);
        match next.and_then(|next| next.pred_opt().map(|last| (next, last))) {
            Some((next, last)) => {
                spans.push((period_start, last));
                period_start = next;
            }
            None => {
                spans.push((period_start, end));
                break;
            }
        }
    }
    spans
}

/// Labels and numbers the periods of `year` from 1: `<year>-<NN>`.
fn number_periods(year: &str, spans: Vec<(NaiveDate, NaiveDate)>) -> Vec<PeriodSpan> {
    let mut number: i32 = 0;
    spans
        .into_iter()
        .map(|(start_date, end_date)| {
            number += 1;
            PeriodSpan { period: format!("{year}-{number:02}"), number, start_date, end_date }
        })
        .collect()
}

/// A year label: 1–`MAX_YEAR_LABEL_CHARS` ASCII letters, digits and `-`, starting with a
/// letter or digit.
fn check_year_label(year: &str) -> Result<(), YearLabelError> {
    let chars = year.chars().count();
    if chars == 0 {
        return Err(YearLabelError::Empty);
    }
    if chars > MAX_YEAR_LABEL_CHARS {
        return Err(YearLabelError::TooLong { chars, max: MAX_YEAR_LABEL_CHARS });
    }
    if !year.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(YearLabelError::MustStartAlphanumeric);
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-';
    if let Some((position, found)) = year.chars().enumerate().find(|&(_, c)| !allowed(c)) {
        return Err(YearLabelError::InvalidCharacter { found, position });
    }
    Ok(())
}
