//! Year-end close: once every period of a fiscal year is closed (so no posting can change its
//! result any more), the closing entry zeroes each income and expense account's balance for the
//! year, per currency — its functional value too, once the tenant has a functional currency —
//! and books the net result to retained earnings. The year's totals come
//! from the [`LedgerTotals`] service, which reads them from the event store; which accounts are
//! income and expense, and whether the retained-earnings account is an active equity account,
//! from the books.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use uuid::Uuid;

use super::aggregate::{FiscalCalendar, FiscalYear, PeriodStatus};
use super::errors::CalendarError;
use super::events::FiscalYearClosed;
use crate::finance::account::AccountCode;
use crate::finance::books::Books;
use crate::finance::chart::{default_accounts, AccountType};
use crate::finance::journal_entry::{split_net, FunctionalAmount, PostedLine};
use crate::money::Currency;

/// One account's posted totals in one currency over a date range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountTotal {
    /// Account code.
    pub account: String,
    /// ISO-4217 currency.
    pub currency: String,
    /// Sum of debits, minor units.
    pub debit_minor: i64,
    /// Sum of credits, minor units.
    pub credit_minor: i64,
    /// Sum of the lines' functional debits, minor units of the functional currency.
    pub functional_debit_minor: i64,
    /// Sum of the lines' functional credits, minor units of the functional currency.
    pub functional_credit_minor: i64,
}

impl AccountTotal {
    /// Debits less credits, and the same of the functional amounts; `None` on overflow.
    #[must_use]
    pub fn nets(&self) -> Option<(i64, i64)> {
        Some((
            self.debit_minor.checked_sub(self.credit_minor)?,
            self.functional_debit_minor.checked_sub(self.functional_credit_minor)?,
        ))
    }
}

/// What closing a year needs to know beyond the calendar.
#[async_trait::async_trait]
pub trait LedgerTotals: Send + Sync {
    /// The tenant's books as of now.
    async fn books(&self) -> Result<Arc<Books>, String>;

    /// Every account's totals over postings dated `from..=to`.
    async fn totals(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<AccountTotal>, String>;
}

/// The closing entry id of fiscal year `year`: UUID v5 in the OID namespace of
/// `"fiscal-year/<year>/closing"`, so closing needs no randomness.
#[must_use]
pub fn closing_entry_id_for(year: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("fiscal-year/{year}/closing").as_bytes())
}

impl FiscalCalendar {
    /// Checks that fiscal year `year` may be closed, and returns it. No service is consulted.
    pub(super) fn closable_year(&self, year: &str) -> Result<&FiscalYear, CalendarError> {
        let found = self.year(year).ok_or_else(|| CalendarError::YearNotFound { year: year.to_owned() })?;
        if found.is_closed() {
            return Err(CalendarError::YearClosed { year: year.to_owned() });
        }
        let open: Vec<String> = self
            .periods()
            .filter(|p| p.year() == year && p.status() == PeriodStatus::Open)
            .map(|p| p.period().to_owned())
            .collect();
        if !open.is_empty() {
            return Err(CalendarError::PeriodsStillOpen { year: year.to_owned(), periods: open });
        }
        Ok(found)
    }

    /// Decides the close of `year` into `retained_earnings` (a valid code), with `ledger`.
    pub(super) async fn decide_close_year(
        &self,
        year: String,
        retained_earnings: Option<String>,
        ledger: &dyn LedgerTotals,
    ) -> Result<FiscalYearClosed, CalendarError> {
        let fiscal_year = self.closable_year(&year)?;
        let (start, end) = (fiscal_year.start_date(), fiscal_year.end_date());
        let retained = retained_earnings.unwrap_or_else(|| default_accounts::RETAINED_EARNINGS.to_owned());
        AccountCode::parse(&retained).map_err(|reason| CalendarError::InvalidRetainedEarningsAccount { reason })?;
        let unavailable = |reason| CalendarError::LedgerUnavailable { reason };
        let books = ledger.books().await.map_err(unavailable)?;
        let equity = books.chart.account(&retained).is_some_and(|account| {
            account.account_type() == AccountType::Equity && !account.is_header() && !account.is_archived()
        });
        if !equity {
            return Err(CalendarError::RetainedEarningsNotEquity { code: retained });
        }
        let totals = ledger.totals(start, end).await.map_err(unavailable)?;
        let lines = closing_lines(&books, &totals, &retained)?;
        Ok(FiscalYearClosed {
            entry_id: closing_entry_id_for(&year).to_string(),
            year,
            closing_date: end,
            retained_earnings_account: retained,
            lines,
        })
    }
}

/// The closing entry's lines: each income and expense account's net balance reversed, then, per
/// currency, the net result to `retained` — numbered from 1, in account then currency order.
/// Functional amounts are zeroed alongside when the tenant has a functional currency.
fn closing_lines(books: &Books, totals: &[AccountTotal], retained: &str) -> Result<Vec<PostedLine>, CalendarError> {
    let overflow = || CalendarError::LedgerUnavailable { reason: "a balance overflows 64-bit minor units".to_owned() };
    let functional = books.exchange_rates.functional_currency();
    let mut result: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    let mut lines = Vec::new();
    for total in totals {
        let profit_and_loss = books
            .chart
            .account(&total.account)
            .is_some_and(|a| matches!(a.account_type(), AccountType::Income | AccountType::Expense));
        let (net, functional_net) = total.nets().ok_or_else(overflow)?;
        if !profit_and_loss || (net, functional_net) == (0, 0) {
            continue;
        }
        let (to_retained, functional_to_retained) = result.entry(total.currency.as_str()).or_default();
        *to_retained = to_retained.checked_add(net).ok_or_else(overflow)?;
        *functional_to_retained = functional_to_retained.checked_add(functional_net).ok_or_else(overflow)?;
        lines.push(line(&total.account, &total.currency, -net, functional.map(|f| (f, -functional_net))));
    }
    for (currency, (net, functional_net)) in result {
        if (net, functional_net) != (0, 0) {
            lines.push(line(retained, currency, net, functional.map(|f| (f, functional_net))));
        }
    }
    for (number, line) in lines.iter_mut().enumerate() {
        line.line_no = i32::try_from(number + 1).map_err(|_| overflow())?;
    }
    Ok(lines)
}

/// A line moving `net` (debit when positive, credit when negative) on `account`, and
/// `functional` — the functional currency and its net — on the account's functional value.
fn line(account: &str, currency: &str, net: i64, functional: Option<(Currency, i64)>) -> PostedLine {
    let (debit_minor, credit_minor) = split_net(net);
    PostedLine {
        line_no: 0,
        account: account.to_owned(),
        debit_minor,
        credit_minor,
        currency: currency.to_owned(),
        memo: Some("Year-end close".to_owned()),
        functional: functional.map(|(currency, net)| FunctionalAmount::from_net(currency.as_str(), net)),
    }
}
