//! `GET /v1/reports/cash-flow?from=YYYY-MM-DD&to=YYYY-MM-DD&currency=XXX`: the cash-flow
//! statement by the direct method, per currency, from the postings on cash accounts (chart
//! accounts with `cash = true`) dated `from` through `to` (both required, inclusive, `to`
//! not before `from`).
//!
//! Every entry with a line on a cash account is a cash movement, and its other lines in the
//! same currency — the counter-accounts — explain it: each counter-account line brings in
//! its credit minus its debit. Those amounts are summed per account and the accounts split
//! into the `operating`, `investing` and `financing` sections by [`Activity::of`]. An entry
//! moving money between two cash accounts has no counter-account line, so it nets to zero
//! and shows nowhere. Entries without a cash line (a sale on account, a depreciation) move
//! no cash and are not read.
//!
//! `opening_cash_minor` is the cash accounts' balance before `from`; `net_change_minor` the
//! sum of the three sections; `closing_cash_minor` the cash accounts' balance through `to`,
//! summed independently of the sections, and `reconciles` says whether opening plus net
//! change equals it (it does whenever every cash-moving entry balances in its currency).
//!
//! JSON: [`CashFlowView`]. CSV (`Accept: text/csv`): columns
//! `currency,section,code,name,amount_minor`; per currency an `opening_cash` record (code
//! and name empty), one record per account line of the `operating`, `investing` and
//! `financing` sections, then a `closing_cash` record (section totals, net change and
//! `reconciles` are JSON only).

pub mod activity;
pub mod queries;

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::money::Currency;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};

pub use self::activity::Activity;
use self::queries::{CashFigure, CashFlowScope};
use super::{checked_sum, StatementLine};
use crate::consistency::MinPosition;
use crate::csv::{CsvWriter, ToCsv};
use crate::error::ReadError;
use crate::negotiate::Format;
use crate::params::{self, InputError, QueryParams};
use crate::state::AppState;
use crate::tenants::KnownTenant;

/// Query parameters of the cash-flow statement; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CashFlowParams {
    /// First entry date, inclusive (`YYYY-MM-DD`). Required.
    pub from: Option<String>,
    /// Last entry date, inclusive (`YYYY-MM-DD`). Required.
    pub to: Option<String>,
    /// Only this ISO 4217 currency.
    pub currency: Option<String>,
}

/// The cash-flow statement.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CashFlowView {
    /// First entry date included.
    pub from: NaiveDate,
    /// Last entry date included.
    pub to: NaiveDate,
    /// One statement per currency, by code.
    pub currencies: Vec<CashFlowCurrency>,
}

/// The cash-flow statement in one currency; amounts in its minor units.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct CashFlowCurrency {
    /// ISO 4217 currency code.
    pub currency: String,
    /// Cash accounts' balance before `from`.
    pub opening_cash_minor: i64,
    /// Cash from operating activities.
    pub operating: CashFlowSection,
    /// Cash from investing activities.
    pub investing: CashFlowSection,
    /// Cash from financing activities.
    pub financing: CashFlowSection,
    /// Sum of the three section totals.
    pub net_change_minor: i64,
    /// Cash accounts' balance through `to`.
    pub closing_cash_minor: i64,
    /// Whether opening cash plus net change equals closing cash.
    pub reconciles: bool,
}

/// One section of the statement.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct CashFlowSection {
    /// Counter-accounts by code, with the cash each brought in (negative: paid out).
    pub lines: Vec<StatementLine>,
    /// Sum of the lines.
    pub total_minor: i64,
}

/// `GET /v1/reports/cash-flow`.
#[utoipa::path(get, path = "/v1/reports/cash-flow", params(CashFlowParams, crate::openapi::Csv),
    responses((status = 200, description = "The cash flow statement (direct method) per currency", body = CashFlowView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<CashFlowParams>,
) -> Result<Response, Problem> {
    let scope = scope(&query)?;
    state.await_postgres(&tenant, token).await?;
    let figures = queries::cash_figures(&state.stores.postgres, &tenant, scope).await?;
    let currencies = statements(figures, scope.currency)?;
    Ok(format.respond(&CashFlowView { from: scope.from, to: scope.to, currencies }))
}

fn scope(query: &CashFlowParams) -> Result<CashFlowScope, InputError> {
    let from = params::required_date("from", query.from.as_deref())?;
    let to = params::required_date("to", query.to.as_deref())?;
    params::ordered(Some(from), Some(to))?;
    let currency = params::optional_currency("currency", query.currency.as_deref())?;
    Ok(CashFlowScope { from, to, currency })
}

/// Shapes figures ordered by currency into one statement per currency; when `requested` is
/// given and there are no figures, that currency's empty statement.
///
/// # Errors
/// [`ReadError::Overflow`] when a sum leaves `i64`.
pub fn statements(figures: Vec<CashFigure>, requested: Option<Currency>) -> Result<Vec<CashFlowCurrency>, ReadError> {
    let mut statements: Vec<CashFlowCurrency> = Vec::new();
    for figure in figures {
        let currency = match &figure {
            CashFigure::Opening { currency, .. }
            | CashFigure::Closing { currency, .. }
            | CashFigure::Flow { currency, .. } => currency,
        };
        if statements.last().is_none_or(|statement| statement.currency != *currency) {
            statements.push(CashFlowCurrency { currency: currency.clone(), ..CashFlowCurrency::default() });
        }
        let Some(statement) = statements.last_mut() else { continue };
        match figure {
            CashFigure::Opening { amount_minor, .. } => statement.opening_cash_minor = amount_minor,
            CashFigure::Closing { amount_minor, .. } => statement.closing_cash_minor = amount_minor,
            CashFigure::Flow { code, name, account_type, amount_minor, .. } => {
                let section = match Activity::of(account_type.as_deref(), &code) {
                    Activity::Operating => &mut statement.operating,
                    Activity::Investing => &mut statement.investing,
                    Activity::Financing => &mut statement.financing,
                };
                section.lines.push(StatementLine { code, name, amount_minor });
            }
        }
    }
    if let (Some(requested), true) = (requested, statements.is_empty()) {
        statements.push(CashFlowCurrency { currency: requested.as_str().to_owned(), ..CashFlowCurrency::default() });
    }
    statements.iter_mut().try_for_each(total)?;
    Ok(statements)
}

/// Totals the sections of `statement` and checks it against its closing cash.
fn total(statement: &mut CashFlowCurrency) -> Result<(), ReadError> {
    for section in [&mut statement.operating, &mut statement.investing, &mut statement.financing] {
        section.total_minor = checked_sum(section.lines.iter().map(|line| line.amount_minor), "a cash-flow section")?;
    }
    let sections = [statement.operating.total_minor, statement.investing.total_minor, statement.financing.total_minor];
    statement.net_change_minor = checked_sum(sections, "net_change_minor")?;
    let expected_closing = statement.opening_cash_minor.checked_add(statement.net_change_minor);
    statement.reconciles = expected_closing == Some(statement.closing_cash_minor);
    Ok(())
}

impl ToCsv for CashFlowView {
    const HEADER: &'static [&'static str] = &["currency", "section", "code", "name", "amount_minor"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for statement in &self.currencies {
            let currency = statement.currency.as_str();
            csv.record(&[currency, "opening_cash", "", "", &statement.opening_cash_minor.to_string()]);
            let sections = [
                (Activity::Operating, &statement.operating),
                (Activity::Investing, &statement.investing),
                (Activity::Financing, &statement.financing),
            ];
            for (activity, section) in sections {
                for line in &section.lines {
                    csv.record(&[
                        currency,
                        activity.as_str(),
                        &line.code,
                        line.name.as_deref().unwrap_or_default(),
                        &line.amount_minor.to_string(),
                    ]);
                }
            }
            csv.record(&[currency, "closing_cash", "", "", &statement.closing_cash_minor.to_string()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(code: &str, account_type: &str, amount_minor: i64) -> CashFigure {
        CashFigure::Flow {
            currency: "EUR".to_owned(),
            code: code.to_owned(),
            name: None,
            account_type: Some(account_type.to_owned()),
            amount_minor,
        }
    }

    #[test]
    fn flows_are_split_by_activity_and_checked_against_closing_cash() {
        let figures = vec![
            CashFigure::Opening { currency: "EUR".to_owned(), amount_minor: 500 },
            CashFigure::Closing { currency: "EUR".to_owned(), amount_minor: 1_150 },
            flow("1100", "asset", 400),
            flow("1500", "asset", -300),
            flow("3000", "equity", 1_000),
            flow("6100", "expense", -450),
        ];

        let statements = statements(figures, None).unwrap();

        let eur = &statements[0];
        let codes = |section: &CashFlowSection| section.lines.iter().map(|l| l.code.clone()).collect::<Vec<_>>();
        assert_eq!((codes(&eur.operating), eur.operating.total_minor), (vec!["1100".into(), "6100".into()], -50));
        assert_eq!((codes(&eur.investing), eur.investing.total_minor), (vec!["1500".into()], -300));
        assert_eq!((codes(&eur.financing), eur.financing.total_minor), (vec!["3000".into()], 1_000));
        assert_eq!((eur.opening_cash_minor, eur.net_change_minor, eur.closing_cash_minor), (500, 650, 1_150));
        assert!(eur.reconciles);
    }

    #[test]
    fn a_closing_balance_the_flows_do_not_explain_does_not_reconcile() {
        let figures = vec![CashFigure::Closing { currency: "USD".to_owned(), amount_minor: 5 }];

        let statements = statements(figures, None).unwrap();

        assert_eq!((statements[0].net_change_minor, statements[0].reconciles), (0, false));
    }

    #[test]
    fn a_requested_currency_without_figures_is_an_empty_statement_that_reconciles() {
        let chf = Currency::parse("CHF").unwrap();
        let statements = statements(Vec::new(), Some(chf)).unwrap();
        assert_eq!(statements.len(), 1);
        assert_eq!((statements[0].currency.as_str(), statements[0].reconciles), ("CHF", true));
    }
}
