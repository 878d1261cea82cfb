//! `GET /v1/reports/balance-sheet?as_of=YYYY-MM-DD&currency=XXX&basis=B`: per currency, the
//! balance of every account with lines dated up to and including `as_of` (today, UTC, when
//! absent): assets as debits minus credits, liabilities and equity as credits minus debits (a
//! contra account shows negative), and `current_earnings_minor` — income minus expenses since
//! the first entry, earnings no year-end close has moved into retained earnings yet — as a
//! synthetic equity line counted in `total_equity_minor`. `basis` is `transaction` (default)
//! or `functional` (see [`super::ledger::Basis`]).
//!
//! `balanced` says whether assets equal liabilities plus equity. Accounts with lines but not
//! in the chart cannot be classified: they are listed under `unclassified` (debits minus
//! credits), in no total, and a non-zero one leaves the sheet unbalanced by exactly its
//! amount.
//!
//! JSON: [`BalanceSheetView`]. CSV (`Accept: text/csv`): one record per line, columns
//! `currency,section,code,name,amount_minor`, `section` `asset`, `liability`, `equity` or
//! `unclassified`; current earnings is an `equity` record with an empty `code` and the name
//! `current earnings` (totals are JSON only).

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use prism_platform::problem::Problem;
use serde::Serialize;

use super::ledger::{self, AccountNet, Basis};
use super::{checked_neg, checked_sum, AsOfParams, StatementLine};
use crate::consistency::MinPosition;
use crate::csv::{CsvWriter, ToCsv};
use crate::error::ReadError;
use crate::negotiate::Format;
use crate::params::QueryParams;
use crate::state::AppState;
use crate::tenants::KnownTenant;

/// Name of the current-earnings record in CSV.
pub const CURRENT_EARNINGS: &str = "current earnings";

/// The balance sheet.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BalanceSheetView {
    /// Last entry date included.
    pub as_of: NaiveDate,
    /// Which amounts are reported.
    pub basis: Basis,
    /// One section per currency, by code.
    pub currencies: Vec<BalanceSheetCurrency>,
}

/// The balance sheet in one currency; amounts in its minor units.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct BalanceSheetCurrency {
    /// ISO 4217 currency code.
    pub currency: String,
    /// Asset accounts by code, debits minus credits.
    pub assets: Vec<StatementLine>,
    /// Liability accounts by code, credits minus debits.
    pub liabilities: Vec<StatementLine>,
    /// Equity accounts by code, credits minus debits.
    pub equity: Vec<StatementLine>,
    /// Cumulative income minus expenses through `as_of`: the synthetic equity line.
    pub current_earnings_minor: i64,
    /// Accounts not in the chart by code, debits minus credits; in no total.
    pub unclassified: Vec<StatementLine>,
    /// Sum of the asset lines.
    pub total_assets_minor: i64,
    /// Sum of the liability lines.
    pub total_liabilities_minor: i64,
    /// Sum of the equity lines plus current earnings.
    pub total_equity_minor: i64,
    /// Total liabilities plus total equity.
    pub total_liabilities_and_equity_minor: i64,
    /// Whether total assets equal total liabilities and equity.
    pub balanced: bool,
}

/// `GET /v1/reports/balance-sheet`.
#[utoipa::path(get, path = "/v1/reports/balance-sheet", params(super::AsOfParams, crate::openapi::Csv),
    responses((status = 200, description = "The balance sheet per currency", body = BalanceSheetView)))]
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
    Ok(format.respond(&BalanceSheetView { as_of: scope.to, basis: scope.basis, currencies }))
}

/// Classifies the nets by account type and totals them.
fn section(currency: String, nets: Vec<AccountNet>) -> Result<BalanceSheetCurrency, ReadError> {
    let mut sheet = BalanceSheetCurrency { currency, ..BalanceSheetCurrency::default() };
    let mut earnings = Vec::new();
    for AccountNet { code, name, account_type, net_debit_minor, .. } in nets {
        let credit_side = || checked_neg(net_debit_minor, "a credit-side balance");
        let (lines, amount_minor) = match account_type.as_deref() {
            Some("asset") => (&mut sheet.assets, net_debit_minor),
            Some("liability") => (&mut sheet.liabilities, credit_side()?),
            Some("equity") => (&mut sheet.equity, credit_side()?),
            Some("income" | "expense") => {
                earnings.push(credit_side()?);
                continue;
            }
            _ => (&mut sheet.unclassified, net_debit_minor),
        };
        lines.push(StatementLine { code, name, amount_minor });
    }
    let total = |lines: &[StatementLine], what| checked_sum(lines.iter().map(|line| line.amount_minor), what);
    sheet.current_earnings_minor = checked_sum(earnings, "current_earnings_minor")?;
    sheet.total_assets_minor = total(&sheet.assets, "total_assets_minor")?;
    sheet.total_liabilities_minor = total(&sheet.liabilities, "total_liabilities_minor")?;
    sheet.total_equity_minor =
        checked_sum([total(&sheet.equity, "total_equity_minor")?, sheet.current_earnings_minor], "total_equity_minor")?;
    sheet.total_liabilities_and_equity_minor =
        checked_sum([sheet.total_liabilities_minor, sheet.total_equity_minor], "total_liabilities_and_equity_minor")?;
    sheet.balanced = sheet.total_assets_minor == sheet.total_liabilities_and_equity_minor;
    Ok(sheet)
}

impl ToCsv for BalanceSheetView {
    const HEADER: &'static [&'static str] = &["currency", "section", "code", "name", "amount_minor"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for sheet in &self.currencies {
            let record = |csv: &mut CsvWriter, section: &str, line: &StatementLine| {
                csv.record(&[
                    &sheet.currency,
                    section,
                    &line.code,
                    line.name.as_deref().unwrap_or_default(),
                    &line.amount_minor.to_string(),
                ]);
            };
            sheet.assets.iter().for_each(|line| record(csv, "asset", line));
            sheet.liabilities.iter().for_each(|line| record(csv, "liability", line));
            sheet.equity.iter().for_each(|line| record(csv, "equity", line));
            csv.record(&[&sheet.currency, "equity", "", CURRENT_EARNINGS, &sheet.current_earnings_minor.to_string()]);
            sheet.unclassified.iter().for_each(|line| record(csv, "unclassified", line));
        }
    }
}
