//! The books a journal entry is checked against: the tenant's chart of accounts and fiscal
//! calendar, folded from their own events. A journal entry's structure is decided by the
//! entry alone; whether its accounts take postings and its date falls in an open period is
//! decided here, against the books as [`BooksSource`] provides them when the command runs.

use std::sync::Arc;

use chrono::NaiveDate;
use cqrs_es::Aggregate;

use super::calendar::{CalendarEvent, FiscalCalendar, PeriodRefusal};
use super::chart::{AccountRefusal, ChartEvent, ChartOfAccounts};
use super::journal_entry::{JournalEntryError, JournalEntryEvent, PostedLine};
use crate::money::Currency;

/// The chart of accounts and fiscal calendar of one tenant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Books {
    /// The chart of accounts.
    pub chart: ChartOfAccounts,
    /// The fiscal calendar.
    pub calendar: FiscalCalendar,
}

/// Where the command side gets a tenant's current books from.
#[async_trait::async_trait]
pub trait BooksSource: Send + Sync {
    /// The books as of now.
    ///
    /// # Errors
    /// A description of why they could not be read (database unreachable…).
    async fn books(&self) -> Result<Arc<Books>, String>;
}

/// Fixed books serve as their own source (tests, tools).
#[async_trait::async_trait]
impl BooksSource for Books {
    async fn books(&self) -> Result<Arc<Books>, String> {
        Ok(Arc::new(self.clone()))
    }
}

impl Books {
    /// Folds a chart event into the books.
    pub fn apply_chart(&mut self, event: ChartEvent) {
        self.chart.apply(event);
    }

    /// Folds a calendar event into the books.
    pub fn apply_calendar(&mut self, event: CalendarEvent) {
        self.calendar.apply(event);
    }

    /// Checks an event a journal entry is about to record: its date falls in an open period
    /// and every line posts to an active, non-header account that takes the line's currency.
    ///
    /// # Errors
    /// The first rule broken: the date first, then the lines in order.
    pub fn check(&self, event: &JournalEntryEvent) -> Result<(), JournalEntryError> {
        let (date, field, lines) = match event {
            JournalEntryEvent::JournalEntryPosted(posted) => (posted.entry_date, "entry_date", &posted.lines),
            JournalEntryEvent::JournalEntryReversed(reversed) => {
                (reversed.reversal_date, "reversal_date", &reversed.lines)
            }
        };
        self.check_date(date, field)?;
        lines.iter().enumerate().try_for_each(|(line, posted)| self.check_line(line, posted))
    }

    fn check_date(&self, date: NaiveDate, field: &'static str) -> Result<(), JournalEntryError> {
        match self.calendar.check_open(date) {
            Ok(_) => Ok(()),
            Err(PeriodRefusal::NoFiscalYear) => Err(JournalEntryError::NoFiscalYear { field, date }),
            Err(PeriodRefusal::NotOpen { period, status }) => {
                Err(JournalEntryError::PeriodNotOpen { field, date, period, status: status.as_str() })
            }
        }
    }

    fn check_line(&self, line: usize, posted: &PostedLine) -> Result<(), JournalEntryError> {
        let code = posted.account.clone();
        // A posted line's currency was validated when the line was decided.
        let Ok(currency) = Currency::parse(&posted.currency) else { return Ok(()) };
        self.chart.check_postable(&posted.account, currency).map_err(|refusal| match refusal {
            AccountRefusal::Unknown => JournalEntryError::UnknownAccount { line, code },
            AccountRefusal::Header => JournalEntryError::HeaderAccount { line, code },
            AccountRefusal::Archived => JournalEntryError::ArchivedAccount { line, code },
            AccountRefusal::CurrencyMismatch { account_currency } => {
                JournalEntryError::AccountCurrencyMismatch { line, code, account_currency, currency }
            }
        })
    }
}
