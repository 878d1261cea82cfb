//! `GET /v1/reports/trial-balance?as_of=YYYY-MM-DD&currency=XXX&basis=B`: per currency, every
//! account with lines dated up to and including `as_of` (today, UTC, when absent) and its net
//! balance shown in one column — debits minus credits in `debit_balance_minor` when positive,
//! its opposite in `credit_balance_minor` when negative, the other column 0 (both 0 for an
//! account that nets to zero). An account with lines but not in the chart is listed with
//! `name` and `account_type` `null`. The columns total per currency, and `balanced` says
//! whether the totals agree. `basis` is `transaction` (default) or `functional` (see
//! [`super::ledger::Basis`]).
//!
//! JSON: [`TrialBalanceView`]. CSV (`Accept: text/csv`): one record per account line,
//! columns `currency,code,name,account_type,debit_balance_minor,credit_balance_minor`
//! (totals are JSON only; they are the column sums).

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use prism_platform::problem::Problem;
use serde::Serialize;

use super::ledger::{self, AccountNet, Basis};
use super::{checked_neg, checked_sum, AsOfParams};
use crate::consistency::MinPosition;
use crate::csv::{CsvWriter, ToCsv};
use crate::error::ReadError;
use crate::negotiate::Format;
use crate::params::QueryParams;
use crate::state::AppState;
use crate::tenants::KnownTenant;

/// The trial balance.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrialBalanceView {
    /// Last entry date included.
    pub as_of: NaiveDate,
    /// Which amounts are reported.
    pub basis: Basis,
    /// One section per currency, by code.
    pub currencies: Vec<TrialBalanceCurrency>,
}

/// The trial balance in one currency; amounts in its minor units.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrialBalanceCurrency {
    /// ISO 4217 currency code.
    pub currency: String,
    /// One line per account, by code.
    pub lines: Vec<TrialBalanceLine>,
    /// Sum of the debit column.
    pub total_debit_minor: i64,
    /// Sum of the credit column.
    pub total_credit_minor: i64,
    /// Whether the two totals are equal.
    pub balanced: bool,
}

/// One account's net balance.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrialBalanceLine {
    /// Account code.
    pub code: String,
    /// Name from the chart; `null` when the account is not in the chart.
    pub name: Option<String>,
    /// Type from the chart; `null` when the account is not in the chart.
    pub account_type: Option<String>,
    /// The net balance when it is a debit, else 0.
    pub debit_balance_minor: i64,
    /// The net balance when it is a credit (as a positive amount), else 0.
    pub credit_balance_minor: i64,
}

/// `GET /v1/reports/trial-balance`.
#[utoipa::path(get, path = "/v1/reports/trial-balance", params(super::AsOfParams, crate::openapi::Csv),
    responses((status = 200, description = "The trial balance per currency", body = TrialBalanceView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<AsOfParams>,
) -> Result<Response, Problem> {
    let scope = query.scope()?;
    state.await_postgres(&tenant, token).await?;
    let currencies = ledger::currency_sections(&state.stores.postgres, &tenant, scope, section).await?;
    Ok(format.respond(&TrialBalanceView { as_of: scope.to, basis: scope.basis, currencies }))
}

/// Puts each net in its column and totals them.
fn section(currency: String, nets: Vec<AccountNet>) -> Result<TrialBalanceCurrency, ReadError> {
    let lines = nets
        .into_iter()
        .map(|net| {
            let (debit_balance_minor, credit_balance_minor) = if net.net_debit_minor >= 0 {
                (net.net_debit_minor, 0)
            } else {
                (0, checked_neg(net.net_debit_minor, "a credit balance")?)
            };
            Ok(TrialBalanceLine {
                code: net.code,
                name: net.name,
                account_type: net.account_type,
                debit_balance_minor,
                credit_balance_minor,
            })
        })
        .collect::<Result<Vec<_>, ReadError>>()?;
    let total_debit_minor = checked_sum(lines.iter().map(|line| line.debit_balance_minor), "total_debit_minor")?;
    let total_credit_minor = checked_sum(lines.iter().map(|line| line.credit_balance_minor), "total_credit_minor")?;
    Ok(TrialBalanceCurrency {
        currency,
        lines,
        total_debit_minor,
        total_credit_minor,
        balanced: total_debit_minor == total_credit_minor,
    })
}

impl ToCsv for TrialBalanceView {
    const HEADER: &'static [&'static str] =
        &["currency", "code", "name", "account_type", "debit_balance_minor", "credit_balance_minor"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for section in &self.currencies {
            for line in &section.lines {
                csv.record(&[
                    &section.currency,
                    &line.code,
                    line.name.as_deref().unwrap_or_default(),
                    line.account_type.as_deref().unwrap_or_default(),
                    &line.debit_balance_minor.to_string(),
                    &line.credit_balance_minor.to_string(),
                ]);
            }
        }
    }
}
