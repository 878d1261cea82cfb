//! Financial statements computed from the Postgres ledger read model joined with the chart
//! of accounts: the trial balance, the income statement and the balance sheet. Each report
//! is one set-based query ([`ledger::account_nets`]: lines summed per account and currency
//! over entry dates) shaped per currency in Rust with checked `i64` arithmetic; amounts are
//! integer minor units and currencies are never mixed. A reversal is an entry of its own with
//! mirror lines, so plain sums by entry date are correct whatever the entries' status.
//!
//! Two reports read more than the account nets, each in one query of its own: the
//! [`aging`] of receivables or payables, rebuilt as of a date from the invoice read model,
//! and the [`cash_flow`] statement, explaining the movement on cash accounts by the accounts
//! on the other side of each cash entry. The [`revenue_expense`] report reads the time-series
//! read model instead: daily account totals re-bucketed to days, weeks or months.
//!
//! Every report answers JSON, or CSV with `Accept: text/csv` (columns in each module's doc).
//! Without `currency`, a report has one section per currency that has lines in its range,
//! by code; with `currency`, exactly that one section, empty when there are no lines.
//!
//! The trial balance, the income statement and the balance sheet take a `basis` (see
//! [`ledger::Basis`]): `transaction` (the default) sums each line in its own currency;
//! `functional` sums the lines' functional-currency amounts — revaluations included — in one
//! section of the functional currency, which `currency` then names. The JSON echoes it.

pub mod aging;
pub mod balance_sheet;
pub mod budget_vs_actual;
pub mod cash_flow;
pub mod income_statement;
pub mod ledger;
pub mod revenue_expense;
pub mod trial_balance;

use chrono::Utc;
use serde::{Deserialize, Serialize};

use self::ledger::{Basis, LedgerScope};
use crate::error::ReadError;
use crate::params::{self, InputError};

/// One account's amount on a statement, signed so that the section's normal balance is
/// positive (a contra account shows negative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StatementLine {
    /// Account code.
    pub code: String,
    /// Account name from the chart; `null` for an account not in the chart.
    pub name: Option<String>,
    /// The amount in minor units.
    pub amount_minor: i64,
}

/// Query parameters of a report as of a date (the trial balance, the balance sheet); unknown
/// ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AsOfParams {
    /// Last entry date included (`YYYY-MM-DD`); today (UTC) when absent.
    pub as_of: Option<String>,
    /// Only this ISO 4217 currency (as reported).
    pub currency: Option<String>,
    /// `transaction` (default) or `functional`.
    pub basis: Option<String>,
}

impl AsOfParams {
    /// The lines of every account dated up to and including `as_of`, on `basis`, in `currency`
    /// when given.
    ///
    /// # Errors
    /// 422 naming `as_of`, `basis` or `currency` when it does not parse.
    pub fn scope(&self) -> Result<LedgerScope, InputError> {
        Ok(LedgerScope {
            from: None,
            to: params::optional_date("as_of", self.as_of.as_deref())?.unwrap_or_else(|| Utc::now().date_naive()),
            basis: Basis::parse(self.basis.as_deref())?,
            currency: params::optional_currency("currency", self.currency.as_deref())?,
            account_types: None,
            closing_entries: true,
        })
    }
}

/// The checked sum of `amounts`.
///
/// # Errors
/// [`ReadError::Overflow`] naming `what` when the sum leaves `i64`.
pub fn checked_sum(amounts: impl IntoIterator<Item = i64>, what: &'static str) -> Result<i64, ReadError> {
    amounts.into_iter().try_fold(0_i64, |total, amount| total.checked_add(amount).ok_or(ReadError::Overflow(what)))
}

/// `-amount`, checked.
///
/// # Errors
/// [`ReadError::Overflow`] naming `what` for `i64::MIN`.
pub fn checked_neg(amount: i64, what: &'static str) -> Result<i64, ReadError> {
    amount.checked_neg().ok_or(ReadError::Overflow(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_and_negations_that_leave_i64_are_refused() {
        assert_eq!(checked_sum([1, 2, -4], "total").unwrap(), -1);
        assert_eq!(checked_sum([], "total").unwrap(), 0);
        assert!(matches!(checked_sum([i64::MAX, 1], "total"), Err(ReadError::Overflow("total"))));
        assert_eq!(checked_neg(5, "amount").unwrap(), -5);
        assert!(matches!(checked_neg(i64::MIN, "amount"), Err(ReadError::Overflow("amount"))));
    }
}
