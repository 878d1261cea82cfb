//! Shaping the figures into one report section per currency: a row per account with its
//! variance in each period of the range (0 where nothing was budgeted or booked) and over the
//! range, then the totals of the income accounts, of the expense accounts, and net income
//! (income minus expenses). An account's actual amount is read in its normal direction: debits
//! minus credits for debit accounts (expenses, assets), credits minus debits for credit
//! accounts (income, liabilities, equity); an account not in the chart counts as a debit
//! account. Accounts of other types than income and expense are listed but in no total.

use std::collections::HashMap;

use prism_aggregates::money::Currency;
use serde::Serialize;

use super::queries::{Figure, PeriodSpan};
use super::variance::{PeriodVariance, Variance};
use crate::error::ReadError;
use crate::reports::{checked_neg, checked_sum};

/// The report in one currency; amounts in its minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BudgetVsActualCurrency {
    /// ISO 4217 currency code.
    pub currency: String,
    /// Every account with a budget amount or actual lines, by code.
    pub accounts: Vec<AccountRow>,
    /// The income accounts together.
    pub total_income: SummaryRow,
    /// The expense accounts together.
    pub total_expense: SummaryRow,
    /// Total income minus total expense.
    pub net_income: SummaryRow,
}

/// One account's budget against its actual amounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AccountRow {
    /// Account code.
    pub code: String,
    /// Name from the chart; `null` for an account not in the chart.
    pub name: Option<String>,
    /// Type from the chart; `null` for an account not in the chart.
    pub account_type: Option<String>,
    /// The direction amounts are read in: `debit` or `credit`.
    pub normal_balance: String,
    /// Each period of the range, in order.
    pub periods: Vec<PeriodVariance>,
    /// Over the whole range.
    pub total: Variance,
}

/// A total over several accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SummaryRow {
    /// Each period of the range, in order.
    pub periods: Vec<PeriodVariance>,
    /// Over the whole range.
    pub total: Variance,
}

/// Budget and actual amounts per period of the range, before the variances.
#[derive(Debug, Clone)]
struct Amounts {
    budget: Vec<i64>,
    actual: Vec<i64>,
}

impl Amounts {
    fn zero(periods: usize) -> Self {
        Self { budget: vec![0; periods], actual: vec![0; periods] }
    }

    /// Adds `other` period by period.
    fn add(&mut self, other: &Amounts, what: &'static str) -> Result<(), ReadError> {
        for (mine, theirs) in self.budget.iter_mut().zip(&other.budget).chain(self.actual.iter_mut().zip(&other.actual))
        {
            *mine = mine.checked_add(*theirs).ok_or(ReadError::Overflow(what))?;
        }
        Ok(())
    }

    /// `self` minus `other`, period by period.
    fn minus(&self, other: &Amounts, what: &'static str) -> Result<Amounts, ReadError> {
        let sub = |mine: &[i64], theirs: &[i64]| -> Result<Vec<i64>, ReadError> {
            mine.iter().zip(theirs).map(|(a, b)| a.checked_sub(*b).ok_or(ReadError::Overflow(what))).collect()
        };
        Ok(Amounts { budget: sub(&self.budget, &other.budget)?, actual: sub(&self.actual, &other.actual)? })
    }

    /// The variances per period of `periods` and over the range.
    fn row(&self, periods: &[PeriodSpan], what: &'static str) -> Result<SummaryRow, ReadError> {
        let cells = periods
            .iter()
            .zip(self.budget.iter().zip(&self.actual))
            .map(|(span, (budget, actual))| Variance::of(*budget, *actual).map(|v| v.in_period(&span.period)))
            .collect::<Result<Vec<_>, _>>()?;
        let total = Variance::of(
            checked_sum(self.budget.iter().copied(), what)?,
            checked_sum(self.actual.iter().copied(), what)?,
        )?;
        Ok(SummaryRow { periods: cells, total })
    }
}

/// One account being gathered.
struct AccountAmounts {
    code: String,
    name: Option<String>,
    account_type: Option<String>,
    credit_normal: bool,
    amounts: Amounts,
}

/// Shapes `figures` (ordered by currency, then account code) over `periods` (in order) into
/// one section per currency; when `requested` is given and there are no figures, that
/// currency's empty section.
///
/// # Errors
/// [`ReadError::Overflow`] when a sum, variance or share leaves `i64`.
pub fn sections(
    periods: &[PeriodSpan],
    figures: Vec<Figure>,
    requested: Option<Currency>,
) -> Result<Vec<BudgetVsActualCurrency>, ReadError> {
    let index: HashMap<&str, usize> = periods.iter().enumerate().map(|(i, span)| (span.period.as_str(), i)).collect();
    let mut currencies: Vec<(String, Vec<AccountAmounts>)> = Vec::new();
    for figure in figures {
        let Some(&at) = index.get(figure.period.as_str()) else { continue };
        if currencies.last().is_none_or(|(currency, _)| *currency != figure.currency) {
            currencies.push((figure.currency.clone(), Vec::new()));
        }
        let Some((_, accounts)) = currencies.last_mut() else { continue };
        if accounts.last().is_none_or(|account| account.code != figure.code) {
            accounts.push(AccountAmounts {
                code: figure.code.clone(),
                name: figure.name.clone(),
                account_type: figure.account_type.clone(),
                credit_normal: figure.normal_balance.as_deref() == Some("credit"),
                amounts: Amounts::zero(periods.len()),
            });
        }
        let Some(account) = accounts.last_mut() else { continue };
        account.amounts.budget[at] = figure.budget_minor;
        account.amounts.actual[at] = if account.credit_normal {
            checked_neg(figure.net_debit_minor, "an account's actual amount")?
        } else {
            figure.net_debit_minor
        };
    }
    if let (Some(requested), true) = (requested, currencies.is_empty()) {
        currencies.push((requested.as_str().to_owned(), Vec::new()));
    }
    currencies.into_iter().map(|(currency, accounts)| section(periods, currency, accounts)).collect()
}

/// The section of one currency: its account rows and totals.
fn section(
    periods: &[PeriodSpan],
    currency: String,
    accounts: Vec<AccountAmounts>,
) -> Result<BudgetVsActualCurrency, ReadError> {
    let mut income = Amounts::zero(periods.len());
    let mut expense = Amounts::zero(periods.len());
    let mut rows = Vec::with_capacity(accounts.len());
    for account in accounts {
        match account.account_type.as_deref() {
            Some("income") => income.add(&account.amounts, "total_income")?,
            Some("expense") => expense.add(&account.amounts, "total_expense")?,
            _ => {}
        }
        let SummaryRow { periods: cells, total } = account.amounts.row(periods, "an account's total")?;
        rows.push(AccountRow {
            code: account.code,
            name: account.name,
            account_type: account.account_type,
            normal_balance: if account.credit_normal { "credit" } else { "debit" }.to_owned(),
            periods: cells,
            total,
        });
    }
    let net = income.minus(&expense, "net_income")?;
    Ok(BudgetVsActualCurrency {
        currency,
        accounts: rows,
        total_income: income.row(periods, "total_income")?,
        total_expense: expense.row(periods, "total_expense")?,
        net_income: net.row(periods, "net_income")?,
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn span(period: &str, month: u32) -> PeriodSpan {
        let start = NaiveDate::from_ymd_opt(2026, month, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2026, month + 1, 1).unwrap().pred_opt().unwrap();
        PeriodSpan { period: period.to_owned(), start_date: start, end_date: end }
    }

    fn quarter() -> Vec<PeriodSpan> {
        vec![span("2026-01", 1), span("2026-02", 2), span("2026-03", 3)]
    }

    fn figure(
        currency: &str,
        code: &str,
        account_type: Option<&str>,
        period: &str,
        budget: i64,
        net_debit: i64,
    ) -> Figure {
        let normal_balance = account_type.map(|t| if matches!(t, "asset" | "expense") { "debit" } else { "credit" });
        Figure {
            currency: currency.to_owned(),
            code: code.to_owned(),
            name: account_type.map(|_| format!("Account {code}")),
            account_type: account_type.map(str::to_owned),
            normal_balance: normal_balance.map(str::to_owned),
            period: period.to_owned(),
            budget_minor: budget,
            net_debit_minor: net_debit,
        }
    }

    fn cells(row: &[PeriodVariance]) -> Vec<(i64, i64, i64, Option<i64>)> {
        row.iter().map(|c| (c.budget_minor, c.actual_minor, c.variance_minor, c.variance_bp)).collect()
    }

    #[test]
    fn accounts_read_in_their_normal_direction_with_every_period_of_the_range() {
        let figures = vec![
            figure("EUR", "4000", Some("income"), "2026-01", 200_000, -150_000),
            figure("EUR", "4000", Some("income"), "2026-03", 200_000, 0),
            figure("EUR", "6100", Some("expense"), "2026-02", 50_000, 60_000),
        ];

        let sections = sections(&quarter(), figures, None).unwrap();

        assert_eq!(sections.len(), 1);
        let eur = &sections[0];
        let sales = &eur.accounts[0];
        assert_eq!((sales.code.as_str(), sales.normal_balance.as_str()), ("4000", "credit"));
        assert_eq!(
            cells(&sales.periods),
            [(200_000, 150_000, -50_000, Some(-2_500)), (0, 0, 0, None), (200_000, 0, -200_000, Some(-10_000))]
        );
        assert_eq!(sales.total, Variance::of(400_000, 150_000).unwrap());
        let rent = &eur.accounts[1];
        assert_eq!(cells(&rent.periods), [(0, 0, 0, None), (50_000, 60_000, 10_000, Some(2_000)), (0, 0, 0, None)]);
        // Net income: budget 200,000 / 0 − 50,000 / 200,000; actual 150,000 / −60,000 / 0.
        assert_eq!(
            cells(&eur.net_income.periods),
            [
                (200_000, 150_000, -50_000, Some(-2_500)),
                (-50_000, -60_000, -10_000, Some(-2_000)),
                (200_000, 0, -200_000, Some(-10_000))
            ]
        );
        assert_eq!(eur.net_income.total, Variance::of(350_000, 90_000).unwrap());
        assert_eq!(eur.total_income.total, Variance::of(400_000, 150_000).unwrap());
        assert_eq!(eur.total_expense.total, Variance::of(50_000, 60_000).unwrap());
    }

    #[test]
    fn other_accounts_are_listed_but_in_no_total_and_unknown_ones_read_as_debit() {
        let figures = vec![
            figure("EUR", "1500", Some("asset"), "2026-01", 10_000, 8_000),
            figure("EUR", "2500", Some("liability"), "2026-01", 5_000, -5_000),
            figure("EUR", "9999", None, "2026-02", 1_000, 700),
        ];

        let eur = &sections(&quarter(), figures, None).unwrap()[0];

        let totals: Vec<(&str, &str, i64)> =
            eur.accounts.iter().map(|a| (a.code.as_str(), a.normal_balance.as_str(), a.total.actual_minor)).collect();
        assert_eq!(totals, [("1500", "debit", 8_000), ("2500", "credit", 5_000), ("9999", "debit", 700)]);
        assert_eq!(eur.accounts[2].name, None);
        assert_eq!(eur.net_income.total, Variance::of(0, 0).unwrap());
        assert_eq!(eur.total_income.periods.len(), 3);
    }

    #[test]
    fn each_currency_is_a_section_of_its_own_and_a_requested_one_without_figures_is_empty() {
        let figures = vec![
            figure("EUR", "6100", Some("expense"), "2026-01", 1, 1),
            figure("USD", "6100", Some("expense"), "2026-01", 2, 3),
        ];
        let both = sections(&quarter(), figures, None).unwrap();
        assert_eq!(both.iter().map(|s| s.currency.as_str()).collect::<Vec<_>>(), ["EUR", "USD"]);
        assert_eq!(both[1].total_expense.total, Variance::of(2, 3).unwrap());

        let chf = Currency::parse("CHF").unwrap();
        let empty = sections(&quarter(), Vec::new(), Some(chf)).unwrap();
        assert_eq!(empty.len(), 1);
        assert_eq!((empty[0].currency.as_str(), empty[0].accounts.len()), ("CHF", 0));
        assert_eq!(cells(&empty[0].net_income.periods), [(0, 0, 0, None); 3]);
        assert!(sections(&quarter(), Vec::new(), None).unwrap().is_empty());
    }

    #[test]
    fn totals_that_leave_i64_are_refused() {
        let figures = vec![
            figure("EUR", "6100", Some("expense"), "2026-01", i64::MAX, 0),
            figure("EUR", "6200", Some("expense"), "2026-01", 1, 0),
        ];
        assert!(matches!(sections(&quarter(), figures, None), Err(ReadError::Overflow("total_expense"))));
    }
}
