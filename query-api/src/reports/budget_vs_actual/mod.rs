//! `GET /v1/reports/budget-vs-actual?budget=NAME&from_period=P&to_period=P&currency=XXX`: a
//! budget set against the ledger, per currency, per account and per fiscal period from
//! `from_period` through `to_period` (labels of the calendar, e.g. `2026-01`; both required;
//! every period whose start date lies between theirs), with totals per account, for income,
//! for expenses and for net income. `budget` is required; a name no budget has (or can have)
//! is 404.
//!
//! The accounts are the income and expense accounts with lines in the range, and every
//! account the budget has an amount for in the range (whatever its type). An account's actual
//! amount in a period is the movement of the lines of entries dated in the period, in the
//! account's normal direction: debits minus credits for expenses (and other debit accounts),
//! credits minus debits for income (and other credit accounts) — the direction budget amounts
//! are given in; year-end closing entries do not count. `variance_minor` is actual minus budget and `variance_bp` that variance in
//! basis points of the budget (rounded half away from zero), `null` when the budget is 0; see
//! [`variance`]. Without `currency`, one section per currency that has budget amounts or
//! actual lines in the range, by code; with `currency`, exactly that one.
//!
//! JSON: [`BudgetVsActualView`]. CSV (`Accept: text/csv`): one record per account and period,
//! columns `currency,code,name,account_type,period,budget_minor,actual_minor,variance_minor,variance_bp`;
//! an absent name, type or `variance_bp` is empty (totals are JSON only).

pub mod queries;
pub mod sections;
pub mod variance;

use axum::extract::State;
use axum::response::Response;
use prism_aggregates::finance::budget::check_budget_name;
use prism_aggregates::money::Currency;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};

use self::queries::PeriodSpan;
pub use self::sections::{sections, AccountRow, BudgetVsActualCurrency, SummaryRow};
use crate::consistency::MinPosition;
use crate::csv::{optional, CsvWriter, ToCsv};
use crate::negotiate::Format;
use crate::params::{self, invalid, no_such, InputError, QueryParams};
use crate::state::AppState;
use crate::tenants::KnownTenant;

/// Query parameters of the budget-vs-actual report; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BudgetVsActualParams {
    /// Budget name. Required.
    pub budget: Option<String>,
    /// First fiscal period, by label. Required.
    pub from_period: Option<String>,
    /// Last fiscal period, by label; not before `from_period`. Required.
    pub to_period: Option<String>,
    /// Only this ISO 4217 currency.
    pub currency: Option<String>,
}

/// The budget-vs-actual report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BudgetVsActualView {
    /// Budget name.
    pub budget: String,
    /// First period included.
    pub from_period: String,
    /// Last period included.
    pub to_period: String,
    /// The periods of the range with their dates, in order; every row has one figure each.
    pub periods: Vec<PeriodSpan>,
    /// One section per currency, by code.
    pub currencies: Vec<BudgetVsActualCurrency>,
}

/// The parameters, read.
#[derive(Debug)]
struct Request {
    budget: String,
    from_period: String,
    to_period: String,
    currency: Option<Currency>,
}

/// `GET /v1/reports/budget-vs-actual`.
#[utoipa::path(get, path = "/v1/reports/budget-vs-actual", params(BudgetVsActualParams, crate::openapi::Csv),
    responses((status = 200, description = "Budget against actual per period and currency", body = BudgetVsActualView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<BudgetVsActualParams>,
) -> Result<Response, Problem> {
    let request = request(&query)?;
    state.await_postgres(&tenant, token).await?;
    let pool = &state.stores.postgres;
    if !queries::budget_exists(pool, &tenant, &request.budget).await? {
        return Err(no_such("budget", &request.budget).into());
    }
    let periods = range(queries::periods(pool, &tenant).await?, &request.from_period, &request.to_period)?;
    let figures = queries::figures(pool, &tenant, &request.budget, &periods, request.currency).await?;
    let currencies = sections(&periods, figures, request.currency)?;
    let Request { budget, from_period, to_period, .. } = request;
    Ok(format.respond(&BudgetVsActualView { budget, from_period, to_period, periods, currencies }))
}

/// Reads the parameters: 422 for a missing or malformed one, then 404 for a budget name no
/// budget can have.
fn request(query: &BudgetVsActualParams) -> Result<Request, InputError> {
    let budget = required("budget", query.budget.as_deref())?;
    let from_period = required("from_period", query.from_period.as_deref())?;
    let to_period = required("to_period", query.to_period.as_deref())?;
    let currency = params::optional_currency("currency", query.currency.as_deref())?;
    check_budget_name(budget).map_err(|_| no_such("budget", budget))?;
    Ok(Request {
        budget: budget.to_owned(),
        from_period: from_period.to_owned(),
        to_period: to_period.to_owned(),
        currency,
    })
}

/// A required, non-blank parameter.
fn required<'a>(field: &'static str, value: Option<&'a str>) -> Result<&'a str, InputError> {
    value.filter(|text| !text.trim().is_empty()).ok_or_else(|| invalid(field, format!("{field} is required")))
}

/// The periods of `calendar` (by start date) from `from` through `to`: those whose start date
/// lies between the two periods' start dates.
///
/// # Errors
/// 422 naming `from_period` or `to_period` when it is not a period of the calendar, and
/// `to_period` when it starts before `from_period`.
fn range(calendar: Vec<PeriodSpan>, from: &str, to: &str) -> Result<Vec<PeriodSpan>, InputError> {
    let find = |field: &'static str, label: &str| {
        calendar
            .iter()
            .find(|span| span.period == label)
            .map(|span| span.start_date)
            .ok_or_else(|| invalid(field, format!("{field} {label:?} is not a period of the fiscal calendar")))
    };
    let (first, last) = (find("from_period", from)?, find("to_period", to)?);
    if first > last {
        return Err(invalid("to_period", format!("to_period ({to}) is before from_period ({from})")));
    }
    Ok(calendar.into_iter().filter(|span| first <= span.start_date && span.start_date <= last).collect())
}

impl ToCsv for BudgetVsActualView {
    const HEADER: &'static [&'static str] = &[
        "currency",
        "code",
        "name",
        "account_type",
        "period",
        "budget_minor",
        "actual_minor",
        "variance_minor",
        "variance_bp",
    ];

    fn write_records(&self, csv: &mut CsvWriter) {
        for section in &self.currencies {
            for account in &section.accounts {
                for cell in &account.periods {
                    csv.record(&[
                        &section.currency,
                        &account.code,
                        account.name.as_deref().unwrap_or_default(),
                        account.account_type.as_deref().unwrap_or_default(),
                        &cell.period,
                        &cell.budget_minor.to_string(),
                        &cell.actual_minor.to_string(),
                        &cell.variance_minor.to_string(),
                        &optional(cell.variance_bp.as_ref()),
                    ]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn span(period: &str, start: (i32, u32, u32), end: (i32, u32, u32)) -> PeriodSpan {
        let day = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        PeriodSpan { period: period.to_owned(), start_date: day(start), end_date: day(end) }
    }

    /// Two fiscal years of quarters, labelled out of date order on purpose.
    fn calendar() -> Vec<PeriodSpan> {
        vec![
            span("FY26-Q3", (2026, 7, 1), (2026, 9, 30)),
            span("FY26-Q4", (2026, 10, 1), (2026, 12, 31)),
            span("FY27-Q1", (2027, 1, 1), (2027, 3, 31)),
            span("FY27-Q2", (2027, 4, 1), (2027, 6, 30)),
        ]
    }

    fn labels(periods: &[PeriodSpan]) -> Vec<&str> {
        periods.iter().map(|span| span.period.as_str()).collect()
    }

    #[test]
    fn the_range_holds_every_period_starting_between_the_two_across_years() {
        assert_eq!(labels(&range(calendar(), "FY26-Q4", "FY27-Q2").unwrap()), ["FY26-Q4", "FY27-Q1", "FY27-Q2"]);
        assert_eq!(labels(&range(calendar(), "FY27-Q1", "FY27-Q1").unwrap()), ["FY27-Q1"]);
    }

    #[test]
    fn a_range_ending_before_it_starts_names_to_period() {
        let error = range(calendar(), "FY27-Q1", "FY26-Q4").unwrap_err();
        assert_eq!(error, invalid("to_period", "to_period (FY26-Q4) is before from_period (FY27-Q1)"));
    }

    #[test]
    fn a_period_not_in_the_calendar_is_refused_naming_its_parameter() {
        assert!(matches!(
            range(calendar(), "2031-01", "FY26-Q4"),
            Err(InputError::Invalid { field: "from_period", .. })
        ));
        assert!(matches!(range(calendar(), "FY26-Q4", "2031-01"), Err(InputError::Invalid { field: "to_period", .. })));
    }

    fn params(budget: Option<&str>, from: Option<&str>, to: Option<&str>) -> BudgetVsActualParams {
        BudgetVsActualParams {
            budget: budget.map(str::to_owned),
            from_period: from.map(str::to_owned),
            to_period: to.map(str::to_owned),
            currency: None,
        }
    }

    #[test]
    fn every_parameter_but_currency_is_required_and_a_bad_budget_name_is_not_found() {
        let field = |query: BudgetVsActualParams| match request(&query) {
            Err(InputError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(params(None, Some("a"), Some("b"))), "budget");
        assert_eq!(field(params(Some("plan"), Some(" "), Some("b"))), "from_period");
        assert_eq!(field(params(Some("plan"), Some("a"), None)), "to_period");
        let bad_currency =
            BudgetVsActualParams { currency: Some("eur".to_owned()), ..params(Some("p"), Some("a"), Some("b")) };
        assert_eq!(field(bad_currency), "currency");
        assert!(matches!(request(&params(Some("no way"), Some("a"), Some("b"))), Err(InputError::NotFound(_))));
        let read = request(&params(Some("2026-plan"), Some("2026-01"), Some("2026-03"))).unwrap();
        assert_eq!(
            (read.budget.as_str(), read.from_period.as_str(), read.to_period.as_str()),
            ("2026-plan", "2026-01", "2026-03")
        );
    }
}
