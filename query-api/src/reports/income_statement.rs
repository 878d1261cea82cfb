//! `GET /v1/reports/income-statement?from=YYYY-MM-DD&to=YYYY-MM-DD&currency=XXX&basis=B`:
//! per currency, the income and expense accounts of the chart with lines dated `from` through
//! `to` (both required, inclusive, `to` not before `from`): income as credits minus debits,
//! expenses as debits minus credits, their totals and the net income (income minus
//! expenses). Lines on accounts not in the chart cannot be classified and are left out; the
//! trial balance lists them. `basis` is `transaction` (default) or `functional` (see
//! [`super::ledger::Basis`]).
//!
//! JSON: [`IncomeStatementView`]. CSV (`Accept: text/csv`): one record per account line,
//! columns `currency,section,code,name,amount_minor`, `section` `income` or `expense`
//! (totals are JSON only).

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};

use super::ledger::{self, AccountNet, Basis, LedgerScope};
use super::{checked_neg, checked_sum, StatementLine};
use crate::consistency::MinPosition;
use crate::csv::{CsvWriter, ToCsv};
use crate::error::ReadError;
use crate::negotiate::Format;
use crate::params::{self, InputError, QueryParams};
use crate::state::AppState;
use crate::tenants::KnownTenant;

/// The chart types an income statement reads.
const INCOME_AND_EXPENSE: &[&str] = &["income", "expense"];

/// Query parameters of the income statement; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct IncomeStatementParams {
    /// First entry date, inclusive (`YYYY-MM-DD`). Required.
    pub from: Option<String>,
    /// Last entry date, inclusive (`YYYY-MM-DD`). Required.
    pub to: Option<String>,
    /// Only this ISO 4217 currency (as reported).
    pub currency: Option<String>,
    /// `transaction` (default) or `functional`.
    pub basis: Option<String>,
}

/// The income statement.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IncomeStatementView {
    /// First entry date included.
    pub from: NaiveDate,
    /// Last entry date included.
    pub to: NaiveDate,
    /// Which amounts are reported.
    pub basis: Basis,
    /// One section per currency, by code.
    pub currencies: Vec<IncomeStatementCurrency>,
}

/// The income statement in one currency; amounts in its minor units.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IncomeStatementCurrency {
    /// ISO 4217 currency code.
    pub currency: String,
    /// Income accounts by code, credits minus debits.
    pub income: Vec<StatementLine>,
    /// Expense accounts by code, debits minus credits.
    pub expenses: Vec<StatementLine>,
    /// Sum of the income lines.
    pub total_income_minor: i64,
    /// Sum of the expense lines.
    pub total_expense_minor: i64,
    /// Total income minus total expenses (negative for a loss).
    pub net_income_minor: i64,
}

/// `GET /v1/reports/income-statement`.
#[utoipa::path(get, path = "/v1/reports/income-statement", params(IncomeStatementParams, crate::openapi::Csv),
    responses((status = 200, description = "The income statement per currency", body = IncomeStatementView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<IncomeStatementParams>,
) -> Result<Response, Problem> {
    let (from, scope) = scope(&query)?;
    state.await_postgres(&tenant, token).await?;
    let currencies = ledger::currency_sections(&state.stores.postgres, &tenant, scope, section).await?;
    Ok(format.respond(&IncomeStatementView { from, to: scope.to, basis: scope.basis, currencies }))
}

fn scope(query: &IncomeStatementParams) -> Result<(NaiveDate, LedgerScope), InputError> {
    let from = params::required_date("from", query.from.as_deref())?;
    let to = params::required_date("to", query.to.as_deref())?;
    params::ordered(Some(from), Some(to))?;
    let scope = LedgerScope {
        from: Some(from),
        to,
        basis: Basis::parse(query.basis.as_deref())?,
        currency: params::optional_currency("currency", query.currency.as_deref())?,
        account_types: Some(INCOME_AND_EXPENSE),
        closing_entries: false,
    };
    Ok((from, scope))
}

/// Splits the nets into income and expense lines and totals them.
fn section(currency: String, nets: Vec<AccountNet>) -> Result<IncomeStatementCurrency, ReadError> {
    let mut income = Vec::new();
    let mut expenses = Vec::new();
    for AccountNet { code, name, account_type, net_debit_minor, .. } in nets {
        let (lines, amount_minor) = if account_type.as_deref() == Some("income") {
            (&mut income, checked_neg(net_debit_minor, "an income amount")?)
        } else {
            (&mut expenses, net_debit_minor)
        };
        lines.push(StatementLine { code, name, amount_minor });
    }
    let total_income_minor = checked_sum(income.iter().map(|line| line.amount_minor), "total_income_minor")?;
    let total_expense_minor = checked_sum(expenses.iter().map(|line| line.amount_minor), "total_expense_minor")?;
    let net_income_minor =
        total_income_minor.checked_sub(total_expense_minor).ok_or(ReadError::Overflow("net_income_minor"))?;
    Ok(IncomeStatementCurrency {
        currency,
        income,
        expenses,
        total_income_minor,
        total_expense_minor,
        net_income_minor,
    })
}

impl ToCsv for IncomeStatementView {
    const HEADER: &'static [&'static str] = &["currency", "section", "code", "name", "amount_minor"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for section in &self.currencies {
            let lines = section.income.iter().map(|line| ("income", line));
            for (kind, line) in lines.chain(section.expenses.iter().map(|line| ("expense", line))) {
                csv.record(&[
                    &section.currency,
                    kind,
                    &line.code,
                    line.name.as_deref().unwrap_or_default(),
                    &line.amount_minor.to_string(),
                ]);
            }
        }
    }
}
