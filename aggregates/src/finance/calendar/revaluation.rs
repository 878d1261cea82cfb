//! Period-end revaluation: the foreign-currency balance of every asset and liability account,
//! up to and including the revaluation date, is valued at the rate in force on that date. The
//! difference from the functional value the ledger carries for it — the functional amounts of
//! its lines, earlier revaluations included — is an unrealised exchange gain or loss. The
//! revaluation entry moves only functional values: each line's transaction amounts are 0, the
//! account lines take the differences, and `4920` Exchange gains and `6920` Exchange losses
//! the totals. A balance that was settled (0 in its currency) at another rate than it was
//! booked at is brought to a functional value of 0 the same way, so realised differences on
//! payments land in the same accounts.
//!
//! Revaluations are dated in an open period and each after the one before, so every one
//! starts from the values the previous one left.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::aggregate::{FiscalCalendar, FiscalYear};
use super::errors::CalendarError;
use super::events::{BalanceRevaluation, ForeignCurrencyRevalued};
use super::year_end::{AccountTotal, LedgerTotals};
use crate::finance::books::Books;
use crate::finance::chart::{default_accounts, AccountType};
use crate::finance::exchange_rates::format_rate_e9;
use crate::finance::journal_entry::{FunctionalAmount, PostedLine};
use crate::money::Currency;

/// The revaluation entry id of `date`: UUID v5 in the OID namespace of
/// `"revaluation/<date>"`, so revaluing needs no randomness.
#[must_use]
pub fn revaluation_entry_id_for(date: NaiveDate) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("revaluation/{date}").as_bytes())
}

impl FiscalCalendar {
    /// Checks that `date` may be revalued on: in an open period, after the last revaluation.
    /// No service is consulted.
    pub(super) fn check_revaluation_date(&self, date: NaiveDate) -> Result<(), CalendarError> {
        self.check_open(date).map_err(|refusal| CalendarError::RevaluationDateNotOpen { date, refusal })?;
        match self.last_revaluation() {
            Some(last) if last.date >= date => Err(CalendarError::RevaluationNotAfterLast { date, last: last.date }),
            _ => Ok(()),
        }
    }

    /// Decides the revaluation of foreign-currency balances on `date`, with `ledger`.
    pub(super) async fn decide_revaluation(
        &self,
        date: NaiveDate,
        ledger: &dyn LedgerTotals,
    ) -> Result<ForeignCurrencyRevalued, CalendarError> {
        self.check_revaluation_date(date)?;
        let unavailable = |reason| CalendarError::LedgerUnavailable { reason };
        let books = ledger.books().await.map_err(unavailable)?;
        let functional = books.exchange_rates.functional_currency().ok_or(CalendarError::NoFunctionalCurrency)?;
        check_exchange_accounts(&books, functional)?;
        let first_day = self.years().next().map_or(date, FiscalYear::start_date);
        let totals = ledger.totals(first_day, date).await.map_err(unavailable)?;
        let revaluations = revalue_balances(&books, functional, date, &totals)?;
        let overflow = || unavailable("an exchange difference overflows 64-bit minor units".to_owned());
        Ok(ForeignCurrencyRevalued {
            revaluation_date: date,
            entry_id: revaluation_entry_id_for(date).to_string(),
            functional_currency: functional.as_str().to_owned(),
            lines: revaluation_lines(functional, &revaluations).ok_or_else(overflow)?,
            revaluations,
        })
    }
}

/// The gains and losses accounts must take postings in the functional currency.
fn check_exchange_accounts(books: &Books, functional: Currency) -> Result<(), CalendarError> {
    for (purpose, code) in [("gains", default_accounts::EXCHANGE_GAINS), ("losses", default_accounts::EXCHANGE_LOSSES)]
    {
        books.chart.check_postable(code, functional).map_err(|refusal| CalendarError::ExchangeAccountNotPostable {
            purpose,
            code,
            currency: functional,
            refusal,
        })?;
    }
    Ok(())
}

/// Every foreign-currency balance of an asset or liability account that has a balance or a
/// functional value, valued at its rate on `date`.
fn revalue_balances(
    books: &Books,
    functional: Currency,
    date: NaiveDate,
    totals: &[AccountTotal],
) -> Result<Vec<BalanceRevaluation>, CalendarError> {
    let overflow = || CalendarError::LedgerUnavailable { reason: "a balance overflows 64-bit minor units".to_owned() };
    let rate_refusal = |refusal| CalendarError::RevaluationRate { date, refusal };
    let mut revaluations = Vec::new();
    for total in totals {
        let monetary = books
            .chart
            .account(&total.account)
            .is_some_and(|a| matches!(a.account_type(), AccountType::Asset | AccountType::Liability));
        let Ok(currency) = Currency::parse(&total.currency) else { continue };
        let (balance, carried) = total.nets().ok_or_else(overflow)?;
        if !monetary || currency == functional || (balance, carried) == (0, 0) {
            continue;
        }
        let revalued = books.exchange_rates.to_functional(balance, currency, date).map_err(rate_refusal)?;
        let (_, rate_e9) = books.exchange_rates.rate_on(currency, date).ok_or_else(overflow)?;
        revaluations.push(BalanceRevaluation {
            account: total.account.clone(),
            currency: total.currency.clone(),
            balance_minor: balance,
            rate: format_rate_e9(rate_e9),
            carried_minor: carried,
            revalued_minor: revalued,
        });
    }
    Ok(revaluations)
}

/// The revaluation entry: per revalued balance whose value changed, a line moving its functional
/// value; then the gains and the losses. Transaction amounts are all 0. `None` when a sum
/// overflows.
fn revaluation_lines(functional: Currency, revaluations: &[BalanceRevaluation]) -> Option<Vec<PostedLine>> {
    let mut totals: BTreeMap<&str, i64> = BTreeMap::new();
    let mut lines: Vec<PostedLine> = Vec::new();
    for revaluation in revaluations {
        let difference = revaluation.revalued_minor.checked_sub(revaluation.carried_minor)?;
        if difference == 0 {
            continue;
        }
        let account = if difference > 0 { default_accounts::EXCHANGE_GAINS } else { default_accounts::EXCHANGE_LOSSES };
        let total = totals.entry(account).or_default();
        *total = total.checked_add(difference)?;
        lines.push(line(&revaluation.account, &revaluation.currency, functional, difference));
    }
    for (account, difference) in totals {
        lines.push(line(account, functional.as_str(), functional, difference.checked_neg()?));
    }
    for (number, line) in lines.iter_mut().enumerate() {
        line.line_no = i32::try_from(number + 1).ok()?;
    }
    Some(lines)
}

/// A revaluation line: no transaction amount, `net` of functional value (a debit when positive).
fn line(account: &str, currency: &str, functional: Currency, net: i64) -> PostedLine {
    PostedLine {
        line_no: 0,
        account: account.to_owned(),
        debit_minor: 0,
        credit_minor: 0,
        currency: currency.to_owned(),
        memo: Some("Unrealised exchange difference".to_owned()),
        functional: Some(FunctionalAmount::from_net(functional.as_str(), net)),
    }
}
