//! `GET /v1/reports/revenue-expense?from=&to=&bucket=day|week|month&currency=&account=`:
//! revenue and expense over time, from the time-series read model (`timescale` projector).
//! Per currency and per bucket: revenue (income accounts, credits minus debits), expense
//! (expense accounts, debits minus credits), their difference, and the accounts behind them.
//!
//! `from` and `to` are required, inclusive entry dates (`to` not before `from`). `bucket` is
//! `day` (default), `week` (Monday to Sunday) or `month` (calendar month), all in UTC as in
//! `GET /v1/accounts/{code}/postings`; the first and last buckets hold only the days within
//! the range, and only buckets with income or expense postings are listed. A range may span at
//! most the configured bucket count (`PRISM_BUCKET_COUNT_MAX`). `currency` keeps one currency
//! (its section is listed even when empty); `account` keeps one account.
//!
//! The daily sums come from `daily_account_totals` — a TimescaleDB continuous aggregate where
//! the extension exists, a plain view over `postings` where it does not — re-bucketed to weeks
//! and months with `date_bin` / `date_trunc` in SQL. Each account is classified by its type as
//! the `timescale` projector keeps it (`posting_accounts`, falling back to the type stamped on
//! the postings), so the answer is the same on both paths. Postings whose account the
//! projector does not know yet (its `AccountOpened` not applied) cannot be classified: they
//! are left out and their accounts listed in `unclassified_accounts`. Lines of a fiscal
//! year's closing entry are left out: they move the year's result to equity, they are no
//! revenue or expense of their day.
//!
//! With `X-Prism-Min-Position` the daily sums are computed from `postings` directly rather
//! than read from the aggregate: a continuous aggregate takes a back-dated posting into a
//! bucket it already materialized only at its next refresh, and a token promises the answer
//! reflects that write. Same SQL shape, same answer on the plain path.
//!
//! JSON: [`RevenueExpenseView`]. CSV (`Accept: text/csv`): one record per account and
//! bucket, columns `currency,bucket_start,code,account_type,amount_minor` (`amount_minor`
//! signed as in JSON; bucket and report totals are JSON only).

mod queries;
mod scope;
mod sections;

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};

use self::queries::{read_rows, DailySource};
use self::scope::scope;
use self::sections::sections;
use crate::consistency::MinPosition;
use crate::csv::{CsvWriter, ToCsv};
use crate::negotiate::Format;
use crate::params::QueryParams;
use crate::state::AppState;
use crate::tenants::KnownTenant;

/// Query parameters of the revenue and expense report; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RevenueExpenseParams {
    /// First entry date, inclusive (`YYYY-MM-DD`). Required.
    pub from: Option<String>,
    /// Last entry date, inclusive (`YYYY-MM-DD`). Required.
    pub to: Option<String>,
    /// `day`, `week` or `month`; `day` when absent.
    pub bucket: Option<String>,
    /// Only this ISO 4217 currency.
    pub currency: Option<String>,
    /// Only this account.
    pub account: Option<String>,
}

/// Revenue and expense per bucket.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RevenueExpenseView {
    /// First entry date included.
    pub from: NaiveDate,
    /// Last entry date included.
    pub to: NaiveDate,
    /// The bucket width used.
    pub bucket: String,
    /// The one account reported on, if the request named one.
    pub account: Option<String>,
    /// One section per currency, by code.
    pub currencies: Vec<RevenueExpenseCurrency>,
}

/// Revenue and expense in one currency; amounts in its minor units.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RevenueExpenseCurrency {
    /// ISO 4217 currency code.
    pub currency: String,
    /// Buckets with income or expense postings, by start.
    pub buckets: Vec<RevenueExpenseBucket>,
    /// Sum of the buckets' revenue.
    pub total_revenue_minor: i64,
    /// Sum of the buckets' expense.
    pub total_expense_minor: i64,
    /// Total revenue minus total expense.
    pub net_minor: i64,
    /// Accounts with postings in the range whose type is not known yet, by code; their
    /// postings are in no bucket.
    pub unclassified_accounts: Vec<String>,
}

/// One bucket's revenue and expense.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RevenueExpenseBucket {
    /// First day of the bucket (a Monday for weeks, the 1st for months).
    pub bucket_start: NaiveDate,
    /// Income accounts' credits minus debits.
    pub revenue_minor: i64,
    /// Expense accounts' debits minus credits.
    pub expense_minor: i64,
    /// Revenue minus expense.
    pub net_minor: i64,
    /// The income and expense accounts with postings in the bucket, by code.
    pub accounts: Vec<BucketAccount>,
}

/// One account's amount within a bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BucketAccount {
    /// Account code.
    pub code: String,
    /// `income` or `expense`.
    pub account_type: String,
    /// Credits minus debits for income, debits minus credits for expense.
    pub amount_minor: i64,
}
/// `GET /v1/reports/revenue-expense`.
#[utoipa::path(get, path = "/v1/reports/revenue-expense", params(RevenueExpenseParams, crate::openapi::Csv),
    responses((status = 200, description = "Revenue and expense per bucket and currency", body = RevenueExpenseView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<RevenueExpenseParams>,
) -> Result<Response, Problem> {
    let scope = scope(&query, state.limits.bucket_count_max)?;
    let source = if token.0.is_some() { DailySource::Postings } else { DailySource::Aggregate };
    state.await_timeseries(&tenant, token).await?;
    let rows = read_rows(&state.stores.timeseries, &tenant, &scope, source).await?;
    let currencies = sections(rows, scope.currency)?;
    Ok(format.respond(&RevenueExpenseView {
        from: scope.from,
        to: scope.to,
        bucket: scope.bucket.to_string(),
        account: scope.account.map(|code| code.as_str().to_owned()),
        currencies,
    }))
}
impl ToCsv for RevenueExpenseView {
    const HEADER: &'static [&'static str] = &["currency", "bucket_start", "code", "account_type", "amount_minor"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for section in &self.currencies {
            for bucket in &section.buckets {
                let start = bucket.bucket_start.to_string();
                for account in &bucket.accounts {
                    csv.record(&[
                        &section.currency,
                        &start,
                        &account.code,
                        &account.account_type,
                        &account.amount_minor.to_string(),
                    ]);
                }
            }
        }
    }
}
