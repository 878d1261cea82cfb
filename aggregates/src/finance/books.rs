//! The books every posting is checked against: the tenant's chart of accounts, fiscal
//! calendar, tax rates and exchange rates, folded from their own events. A journal entry's (or
//! invoice's) structure is decided by the aggregate alone; whether its accounts take postings,
//! its date falls in an open period and its lines convert into the functional currency is
//! decided here, against the books as [`BooksSource`] provides them when the command runs.

use std::sync::Arc;

use chrono::NaiveDate;
use cqrs_es::Aggregate;

use super::calendar::{CalendarEvent, FiscalCalendar, PeriodRefusal, CALENDAR_ID};
use super::chart::{AccountRefusal, ChartEvent, ChartOfAccounts, CHART_ID};
use super::exchange_rates::{ExchangeRates, ExchangeRatesEvent, RateRefusal, EXCHANGE_RATES_ID};
use super::journal_entry::PostedLine;
use super::tax::{TaxRates, TaxRatesEvent, TAX_RATES_ID};
use crate::money::Currency;
use crate::upcasting::upcast_tagged;

/// The chart of accounts, fiscal calendar, tax rates and exchange rates of one tenant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Books {
    /// The chart of accounts.
    pub chart: ChartOfAccounts,
    /// The fiscal calendar.
    pub calendar: FiscalCalendar,
    /// The tax rates.
    pub tax_rates: TaxRates,
    /// The functional currency and exchange rates.
    pub exchange_rates: ExchangeRates,
}

/// The aggregates the books are folded from: `(aggregate type, aggregate id)`, one each per tenant.
pub const BOOKS_AGGREGATES: [(&str, &str); 4] = [
    (ChartOfAccounts::TYPE, CHART_ID),
    (FiscalCalendar::TYPE, CALENDAR_ID),
    (TaxRates::TYPE, TAX_RATES_ID),
    (ExchangeRates::TYPE, EXCHANGE_RATES_ID),
];

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

    /// Folds a tax-rate event into the books.
    pub fn apply_tax_rates(&mut self, event: TaxRatesEvent) {
        self.tax_rates.apply(event);
    }

    /// Folds an exchange-rates event into the books.
    pub fn apply_exchange_rates(&mut self, event: ExchangeRatesEvent) {
        self.exchange_rates.apply(event);
    }

    /// Folds an event as the event store keeps it: the externally tagged JSON `payload` of an
    /// event `event_type` at `event_version` of one of the [`BOOKS_AGGREGATES`] of type
    /// `aggregate_type`, upcast first when the version is an older one.
    ///
    /// # Errors
    /// When the aggregate type is not one of the books' or the payload does not decode.
    pub fn apply_stored(
        &mut self,
        aggregate_type: &str,
        event_type: &str,
        event_version: &str,
        payload: serde_json::Value,
    ) -> Result<(), String> {
        let (payload, _) = upcast_tagged(event_type, event_version, payload).map_err(|e| e.to_string())?;
        let decoded = match aggregate_type {
            ChartOfAccounts::TYPE => serde_json::from_value(payload).map(|event| self.apply_chart(event)),
            FiscalCalendar::TYPE => serde_json::from_value(payload).map(|event| self.apply_calendar(event)),
            TaxRates::TYPE => serde_json::from_value(payload).map(|event| self.apply_tax_rates(event)),
            ExchangeRates::TYPE => serde_json::from_value(payload).map(|event| self.apply_exchange_rates(event)),
            other => return Err(format!("{other} is not part of the books")),
        };
        decoded.map_err(|error| format!("{aggregate_type} event: {error}"))
    }

    /// Checks a posting the ledger is about to receive — `date` falls in an open period and
    /// every line posts to an active, non-header account that takes the line's currency — and
    /// returns its lines priced in the functional currency ([`ExchangeRates::price_lines`]).
    ///
    /// # Errors
    /// The first rule broken: the date first, then the lines' accounts in order, then their
    /// conversion.
    pub fn check_posting(&self, date: NaiveDate, lines: &[PostedLine]) -> Result<Vec<PostedLine>, PostingRefusal> {
        match self.calendar.check_open(date) {
            Ok(_) => {}
            Err(PeriodRefusal::NoFiscalYear) => return Err(PostingRefusal::NoFiscalYear { date }),
            Err(PeriodRefusal::NotOpen { period, status }) => {
                return Err(PostingRefusal::PeriodNotOpen { date, period, status: status.as_str() })
            }
        }
        for (line, posted) in lines.iter().enumerate() {
            // A posted line's currency was validated when the line was decided.
            let Ok(currency) = Currency::parse(&posted.currency) else { continue };
            self.chart.check_postable(&posted.account, currency).map_err(|refusal| PostingRefusal::Account {
                line,
                code: posted.account.clone(),
                currency,
                refusal,
            })?;
        }
        self.exchange_rates.price_lines(date, lines).map_err(|(line, refusal)| PostingRefusal::Rate { line, refusal })
    }
}

/// Why the books refuse a posting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostingRefusal {
    /// The date falls in no fiscal year.
    NoFiscalYear {
        /// The posting date.
        date: NaiveDate,
    },
    /// The date falls in a closed or locked period.
    PeriodNotOpen {
        /// The posting date.
        date: NaiveDate,
        /// The period's label.
        period: String,
        /// `closed` or `locked`.
        status: &'static str,
    },
    /// A line's account does not take it.
    Account {
        /// 0-based index of the line.
        line: usize,
        /// The line's account code.
        code: String,
        /// The line's currency.
        currency: Currency,
        /// Why the account does not take it.
        refusal: AccountRefusal,
    },
    /// A line's amount cannot be converted into the functional currency.
    Rate {
        /// 0-based index of the line.
        line: usize,
        /// Why: no rate on or before the date, or the amount overflows.
        refusal: RateRefusal,
    },
}
