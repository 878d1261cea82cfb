//! The daily facts behind the KPIs, read from the `timescale` projector's daily sums — TimescaleDB
//! continuous aggregates where the extension exists, plain views over the same tables where it
//! does not — in one currency, up to the end of the range: `daily_account_totals` (revenue;
//! the cash and receivable accounts' changes, classified by `posting_accounts.cash` and
//! `receivable_accounts`), `daily_inventory_values` (stock value changes; issues are the cost of
//! goods sold) and `daily_orders`. Days before the range only make up the opening balances.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use prism_aggregates::tenant::TenantId;
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgPool};

use super::compute::DayFacts;
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::stores::tenant_table;

/// The opening balances (as changes before `from`) and the facts of each day from `from` to
/// `end` (exclusive), in `currency`.
pub(crate) struct Series {
    pub(crate) opening: DayFacts,
    pub(crate) days: BTreeMap<NaiveDate, DayFacts>,
}

/// Reads the daily facts of `tenant` in `currency` before `end`, keeping the days from `from`
/// and summing the earlier ones into the opening balances.
pub(crate) async fn read(
    pool: &PgPool,
    tenant: &TenantId,
    currency: &str,
    from: NaiveDate,
    end: DateTime<Utc>,
) -> Result<Series, ReadError> {
    let accounts: Vec<(NaiveDate, i64, i64, i64)> = daily(
        pool,
        &format!(
            "SELECT (d.day AT TIME ZONE 'UTC')::date,
                    COALESCE(sum(d.credit_minor - d.debit_minor) FILTER (
                        WHERE COALESCE(a.account_type, d.account_type) = 'income' AND NOT d.closing), 0)::int8,
                    COALESCE(sum(d.debit_minor - d.credit_minor) FILTER (WHERE a.cash), 0)::int8,
                    COALESCE(sum(d.debit_minor - d.credit_minor) FILTER (WHERE r.code IS NOT NULL), 0)::int8
               FROM {totals} d
               LEFT JOIN {accounts} a ON a.code = d.account
               LEFT JOIN {receivables} r ON r.code = d.account
              WHERE d.currency = $1 AND d.day < $2
              GROUP BY 1",
            totals = tenant_table(tenant, "daily_account_totals"),
            accounts = tenant_table(tenant, "posting_accounts"),
            receivables = tenant_table(tenant, "receivable_accounts"),
        ),
        (currency, end),
    )
    .await?;
    let stock: Vec<(NaiveDate, i64, i64)> = daily(
        pool,
        &format!(
            "SELECT (day AT TIME ZONE 'UTC')::date,
                    COALESCE(sum(value_change_minor), 0)::int8,
                    COALESCE(-sum(value_change_minor) FILTER (WHERE movement = 'issue'), 0)::int8
               FROM {values} WHERE currency = $1 AND day < $2
              GROUP BY 1",
            values = tenant_table(tenant, "daily_inventory_values"),
        ),
        (currency, end),
    )
    .await?;
    let orders: Vec<(NaiveDate, i64, i64)> = daily(
        pool,
        &format!(
            "SELECT (day AT TIME ZONE 'UTC')::date, sum(orders)::int8, sum(total_minor)::int8
               FROM {orders} WHERE currency = $1 AND day < $2
              GROUP BY 1",
            orders = tenant_table(tenant, "daily_orders"),
        ),
        (currency, end),
    )
    .await?;
    let mut days: BTreeMap<NaiveDate, DayFacts> = BTreeMap::new();
    for (day, revenue_minor, cash_change_minor, receivables_change_minor) in accounts {
        let facts = DayFacts { revenue_minor, cash_change_minor, receivables_change_minor, ..DayFacts::default() };
        add(&mut days, day, facts);
    }
    for (day, inventory_change_minor, cogs_minor) in stock {
        add(&mut days, day, DayFacts { inventory_change_minor, cogs_minor, ..DayFacts::default() });
    }
    for (day, count, order_total_minor) in orders {
        add(&mut days, day, DayFacts { orders: count, order_total_minor, ..DayFacts::default() });
    }
    let within = days.split_off(&from);
    let opening = days.values().fold(DayFacts::default(), |sum, day| sum.plus(*day));
    Ok(Series { opening, days: within })
}

/// The rows of `sql`, its `$1` the currency and `$2` the end of the range; none when the
/// tenant's time series are not provisioned yet.
async fn daily<T>(pool: &PgPool, sql: &str, (currency, end): (&str, DateTime<Utc>)) -> Result<Vec<T>, ReadError>
where
    T: for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    absent_if_unprovisioned(sqlx::query_as(sql).bind(currency).bind(end).fetch_all(pool).await, Vec::new())
}

/// Adds `facts` to `day`'s.
fn add(days: &mut BTreeMap<NaiveDate, DayFacts>, day: NaiveDate, facts: DayFacts) {
    let entry = days.entry(day).or_default();
    *entry = entry.plus(facts);
}
