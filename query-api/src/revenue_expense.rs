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

use std::collections::BTreeSet;

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use prism_aggregates::finance::account::AccountCode;
use prism_aggregates::money::Currency;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder};

use crate::accounts::buckets::Bucket;
use crate::consistency::MinPosition;
use crate::csv::{CsvWriter, ToCsv};
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::negotiate::Format;
use crate::params::{self, invalid, InputError, QueryParams};
use crate::reports::{checked_neg, checked_sum};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// Query parameters of the revenue and expense report; unknown ones are refused.
#[derive(Debug, Deserialize)]
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
#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BucketAccount {
    /// Account code.
    pub code: String,
    /// `income` or `expense`.
    pub account_type: String,
    /// Credits minus debits for income, debits minus credits for expense.
    pub amount_minor: i64,
}

/// What a request asks for, checked.
#[derive(Debug, Clone)]
struct Scope {
    from: NaiveDate,
    to: NaiveDate,
    bucket: Bucket,
    currency: Option<Currency>,
    account: Option<AccountCode>,
    /// `from` 00:00 UTC and the day after `to` 00:00 UTC (exclusive).
    instants: (DateTime<Utc>, DateTime<Utc>),
}

/// Where the daily sums are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DailySource {
    /// `daily_account_totals`: the continuous aggregate, or the plain view.
    Aggregate,
    /// `postings` summed per day in the query itself (read-your-writes).
    Postings,
}

/// `GET /v1/reports/revenue-expense`.
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

fn scope(query: &RevenueExpenseParams, bucket_count_max: u32) -> Result<Scope, InputError> {
    let from = params::required_date("from", query.from.as_deref())?;
    let to = params::required_date("to", query.to.as_deref())?;
    params::ordered(Some(from), Some(to))?;
    let bucket = parse_bucket(query.bucket.as_deref())?;
    let instants = instants(from, to)?;
    let count = bucket.count_between(instants.0, instants.1);
    if count > i64::from(bucket_count_max) {
        return Err(invalid(
            "bucket",
            format!(
                "the range spans up to {count} {bucket} buckets; at most {bucket_count_max} are allowed: \
                 use a wider bucket or a shorter range"
            ),
        ));
    }
    Ok(Scope {
        from,
        to,
        bucket,
        currency: params::optional_currency("currency", query.currency.as_deref())?,
        account: query.account.as_deref().map(|raw| params::query_account("account", raw)).transpose()?,
        instants,
    })
}

/// Reads `bucket`: `day` (default), `week` or `month` — no hours, the sums are daily.
fn parse_bucket(value: Option<&str>) -> Result<Bucket, InputError> {
    match value.unwrap_or("day") {
        "day" => Ok(Bucket::Day),
        "week" => Ok(Bucket::Week),
        "month" => Ok(Bucket::Month),
        other => Err(invalid("bucket", format!("bucket must be day, week or month, got {other:?}"))),
    }
}

/// The instants `from 00:00 UTC` and `to + 1 day 00:00 UTC` (exclusive).
fn instants(from: NaiveDate, to: NaiveDate) -> Result<(DateTime<Utc>, DateTime<Utc>), InputError> {
    let end = to.checked_add_days(Days::new(1)).ok_or_else(|| invalid("to", format!("to ({to}) is out of range")))?;
    Ok((from.and_time(NaiveTime::MIN).and_utc(), end.and_time(NaiveTime::MIN).and_utc()))
}

/// One account's net in one currency and bucket, the net still as Postgres' `numeric` text.
#[derive(Debug, FromRow)]
struct BucketRow {
    currency: String,
    bucket_start: NaiveDate,
    code: String,
    account_type: Option<String>,
    net_credit_minor: String,
}

/// Pushes, as the subquery `d`, the daily sums of `start..end` as rows `(posted_on, account,
/// account_type, currency, closing, debit_minor, credit_minor)`, `posted_on` being the day:
/// the shape [`Bucket::start_sql`] re-buckets.
fn push_daily(
    query: &mut QueryBuilder<'_, Postgres>,
    tenant: &TenantId,
    source: DailySource,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) {
    match source {
        DailySource::Aggregate => {
            query.push(format!(
                "(SELECT day AS posted_on, account, account_type, currency, closing, debit_minor, credit_minor \
                  FROM {view} WHERE day >= ",
                view = tenant_table(tenant, "daily_account_totals"),
            ));
            query.push_bind(start).push(" AND day < ").push_bind(end).push(") d");
        }
        DailySource::Postings => {
            query.push(format!(
                "(SELECT {day} AS posted_on, account, account_type, currency, closing, \
                         sum(debit_minor) AS debit_minor, sum(credit_minor) AS credit_minor \
                  FROM {postings} WHERE posted_on >= ",
                day = Bucket::Day.start_sql(),
                postings = tenant_table(tenant, "postings"),
            ));
            query.push_bind(start).push(" AND posted_on < ").push_bind(end);
            // The same range on the day, as the plain view's index (`postings_by_day`) has it;
            // the range on `posted_on` above is the one a hypertable excludes chunks by.
            query.push(format!(" AND {day} >= ", day = Bucket::Day.start_sql())).push_bind(start);
            query.push(format!(" AND {day} < ", day = Bucket::Day.start_sql())).push_bind(end);
            query.push(" GROUP BY 1, account, account_type, currency, closing) d");
        }
    }
}

/// Every income, expense and not yet classified account's net credit per bucket, by
/// currency, bucket and code (byte order).
async fn read_rows(
    pool: &PgPool,
    tenant: &TenantId,
    scope: &Scope,
    source: DailySource,
) -> Result<Vec<BucketRow>, ReadError> {
    let classified = "coalesce(a.account_type, d.account_type)";
    let mut query = QueryBuilder::<Postgres>::new(format!(
        "SELECT d.currency::text AS currency, ({bucket_start} AT TIME ZONE 'UTC')::date AS bucket_start, \
                d.account AS code, {classified} AS account_type, \
                (sum(d.credit_minor) - sum(d.debit_minor))::text AS net_credit_minor \
         FROM ",
        bucket_start = scope.bucket.start_sql(),
    ));
    push_daily(&mut query, tenant, source, scope.instants);
    query.push(format!(
        " LEFT JOIN {accounts} a ON a.code = d.account \
         WHERE NOT d.closing AND coalesce({classified}, 'unclassified') IN ('income', 'expense', 'unclassified')",
        accounts = tenant_table(tenant, "posting_accounts"),
    ));
    if let Some(currency) = scope.currency {
        query.push(" AND d.currency = ").push_bind(currency.as_str().to_owned());
    }
    if let Some(account) = &scope.account {
        query.push(" AND d.account = ").push_bind(account.as_str().to_owned());
    }
    query.push(" GROUP BY 1, 2, 3, 4 ORDER BY d.currency::text COLLATE \"C\", 2, d.account COLLATE \"C\"");
    let rows = query.build_query_as::<BucketRow>().fetch_all(pool).await;
    absent_if_unprovisioned(rows, Vec::new())
}

/// Shapes rows ordered by currency, bucket and code into one section per currency; when
/// `requested` is given, exactly that currency's section, empty when it has no rows.
fn sections(rows: Vec<BucketRow>, requested: Option<Currency>) -> Result<Vec<RevenueExpenseCurrency>, ReadError> {
    let mut groups: Vec<(String, Vec<BucketRow>)> = Vec::new();
    for row in rows {
        match groups.last_mut() {
            Some((currency, group)) if *currency == row.currency => group.push(row),
            _ => groups.push((row.currency.clone(), vec![row])),
        }
    }
    if let (Some(requested), true) = (requested, groups.is_empty()) {
        groups.push((requested.as_str().to_owned(), Vec::new()));
    }
    groups.into_iter().map(|(currency, rows)| section(currency, rows)).collect()
}

/// One currency's buckets, totals and unclassified accounts from its rows.
fn section(currency: String, rows: Vec<BucketRow>) -> Result<RevenueExpenseCurrency, ReadError> {
    let mut buckets: Vec<(NaiveDate, Vec<BucketAccount>)> = Vec::new();
    let mut unclassified_accounts = BTreeSet::new();
    for row in rows {
        let net_credit_minor =
            row.net_credit_minor.parse::<i64>().map_err(|_| ReadError::Overflow("an account's bucket amount"))?;
        let (account_type, amount_minor) = match row.account_type.as_deref() {
            Some("income") => ("income", net_credit_minor),
            Some("expense") => ("expense", checked_neg(net_credit_minor, "an expense amount")?),
            _ => {
                unclassified_accounts.insert(row.code);
                continue;
            }
        };
        let account = BucketAccount { code: row.code, account_type: account_type.to_owned(), amount_minor };
        match buckets.last_mut() {
            Some((start, accounts)) if *start == row.bucket_start => accounts.push(account),
            _ => buckets.push((row.bucket_start, vec![account])),
        }
    }
    let buckets = buckets
        .into_iter()
        .map(|(bucket_start, accounts)| bucket_totals(bucket_start, accounts))
        .collect::<Result<Vec<_>, _>>()?;
    let total_revenue_minor = checked_sum(buckets.iter().map(|b| b.revenue_minor), "total_revenue_minor")?;
    let total_expense_minor = checked_sum(buckets.iter().map(|b| b.expense_minor), "total_expense_minor")?;
    Ok(RevenueExpenseCurrency {
        currency,
        buckets,
        total_revenue_minor,
        total_expense_minor,
        net_minor: total_revenue_minor.checked_sub(total_expense_minor).ok_or(ReadError::Overflow("net_minor"))?,
        unclassified_accounts: unclassified_accounts.into_iter().collect(),
    })
}

/// A bucket with its accounts' totals.
fn bucket_totals(bucket_start: NaiveDate, accounts: Vec<BucketAccount>) -> Result<RevenueExpenseBucket, ReadError> {
    let of_type =
        |wanted: &'static str| accounts.iter().filter(move |a| a.account_type == wanted).map(|a| a.amount_minor);
    let revenue_minor = checked_sum(of_type("income"), "a bucket's revenue_minor")?;
    let expense_minor = checked_sum(of_type("expense"), "a bucket's expense_minor")?;
    let net_minor = revenue_minor.checked_sub(expense_minor).ok_or(ReadError::Overflow("a bucket's net_minor"))?;
    Ok(RevenueExpenseBucket { bucket_start, revenue_minor, expense_minor, net_minor, accounts })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(bucket_start: &str, code: &str, account_type: Option<&str>, net_credit_minor: &str) -> BucketRow {
        BucketRow {
            currency: "EUR".to_owned(),
            bucket_start: NaiveDate::parse_from_str(bucket_start, "%Y-%m-%d").unwrap(),
            code: code.to_owned(),
            account_type: account_type.map(str::to_owned),
            net_credit_minor: net_credit_minor.to_owned(),
        }
    }

    #[test]
    fn the_bucket_is_a_day_a_week_or_a_month_never_an_hour() {
        assert_eq!(parse_bucket(None).unwrap(), Bucket::Day);
        assert_eq!(parse_bucket(Some("month")).unwrap(), Bucket::Month);
        assert!(matches!(parse_bucket(Some("hour")), Err(InputError::Invalid { field: "bucket", .. })));
    }

    #[test]
    fn expense_is_debits_minus_credits_and_unknown_accounts_are_only_listed() {
        let rows = vec![
            row("2026-03-02", "4000", Some("income"), "900"),
            row("2026-03-02", "4999", None, "5"),
            row("2026-03-02", "6100", Some("expense"), "-300"),
            row("2026-03-09", "6100", Some("expense"), "50"),
        ];

        let section = section("EUR".to_owned(), rows).unwrap();

        let shape: Vec<(i64, i64, i64)> =
            section.buckets.iter().map(|b| (b.revenue_minor, b.expense_minor, b.net_minor)).collect();
        assert_eq!(shape, [(900, 300, 600), (0, -50, 50)]);
        assert_eq!((section.total_revenue_minor, section.total_expense_minor, section.net_minor), (900, 250, 650));
        assert_eq!(section.unclassified_accounts, ["4999"]);
    }

    #[test]
    fn amounts_that_leave_i64_are_refused() {
        let huge = row("2026-03-02", "4000", Some("income"), "9223372036854775808");
        assert!(matches!(section("EUR".to_owned(), vec![huge]), Err(ReadError::Overflow(_))));
        let max = [i64::MAX.to_string(), "1".to_owned()];
        let rows = max.iter().map(|amount| row("2026-03-02", "4000", Some("income"), amount)).collect();
        assert!(matches!(section("EUR".to_owned(), rows), Err(ReadError::Overflow(_))));
    }
}
