//! The one query behind the revenue and expense report: the daily sums per account — read from
//! `daily_account_totals` or, for read-your-writes, computed from `postings` ([`DailySource`])
//! — re-bucketed in SQL, classified by the account types the `timescale` projector keeps, and
//! read back as [`BucketRow`]s with the nets still as `numeric` text.

use chrono::{DateTime, NaiveDate, Utc};
use prism_aggregates::tenant::TenantId;
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder};

use super::scope::Scope;
use crate::accounts::buckets::Bucket;
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::stores::tenant_table;

/// Where the daily sums are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DailySource {
    /// `daily_account_totals`: the continuous aggregate, or the plain view.
    Aggregate,
    /// `postings` summed per day in the query itself (read-your-writes).
    Postings,
}

/// One account's net in one currency and bucket, the net still as Postgres' `numeric` text.
#[derive(Debug, FromRow)]
pub(super) struct BucketRow {
    pub(super) currency: String,
    pub(super) bucket_start: NaiveDate,
    pub(super) code: String,
    pub(super) account_type: Option<String>,
    pub(super) net_credit_minor: String,
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
pub(super) async fn read_rows(
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
