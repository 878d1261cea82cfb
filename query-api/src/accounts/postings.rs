//! `GET /v1/accounts/{code}/postings?from=&to=&bucket=`: an account's postings summed per
//! time bucket and currency, from the time-series read model (`timescale` projector).
//!
//! `from` and `to` are required and inclusive. Each is a date (`2026-03-01`, meaning the
//! whole UTC day: `from` its start, `to` its end) or an RFC 3339 instant
//! (`2026-03-01T12:00:00Z`). `bucket` is `hour`, `day` (default), `week` or `month`.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use prism_aggregates::finance::account::AccountCode;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgPool, Row};

use super::buckets::BucketedRange;
use crate::consistency::MinPosition;
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::params::{self, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// Query parameters of the postings endpoint; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PostingsParams {
    /// Start of the range, inclusive: a date or an RFC 3339 instant. Required.
    pub from: Option<String>,
    /// End of the range, inclusive: a date (its whole day) or an RFC 3339 instant. Required.
    pub to: Option<String>,
    /// `hour`, `day`, `week` or `month`; `day` when absent.
    pub bucket: Option<String>,
}

/// An account's postings per bucket.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PostingsView {
    /// The account code.
    pub account: String,
    /// The bucket width used.
    pub bucket: String,
    /// Non-empty buckets by start, then currency.
    pub buckets: Vec<PostingBucket>,
}

/// The postings of one account in one currency within one bucket; amounts in minor units.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PostingBucket {
    /// Start of the bucket (RFC 3339, UTC).
    pub bucket_start: DateTime<Utc>,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Sum of debits.
    pub debit_minor: i64,
    /// Sum of credits.
    pub credit_minor: i64,
    /// Debits minus credits.
    pub net_minor: i64,
    /// Number of postings (journal lines).
    pub postings: i64,
}

/// `GET /v1/accounts/{code}/postings`.
#[utoipa::path(get, path = "/v1/accounts/{code}/postings",
    params(("code" = String, Path, description = "Account code"), PostingsParams),
    responses((status = 200, description = "The account's postings per bucket", body = PostingsView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, account = %code))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(code): Path<String>,
    QueryParams(query): QueryParams<PostingsParams>,
) -> Result<Json<PostingsView>, Problem> {
    let account = params::path_account(&code)?;
    let range = BucketedRange::parse(
        query.bucket.as_deref(),
        query.from.as_deref(),
        query.to.as_deref(),
        state.limits.bucket_count_max,
    )?;
    state.await_timeseries(&tenant, token).await?;
    let buckets = read_buckets(&state.stores.timeseries, &tenant, &account, range).await?;
    Ok(Json(PostingsView { account: account.as_str().to_owned(), bucket: range.bucket.to_string(), buckets }))
}

async fn read_buckets(
    pool: &PgPool,
    tenant: &TenantId,
    account: &AccountCode,
    range: BucketedRange,
) -> Result<Vec<PostingBucket>, ReadError> {
    let sql = format!(
        "SELECT {start} AS bucket_start, currency, \
                sum(debit_minor)::bigint AS debit_minor, sum(credit_minor)::bigint AS credit_minor, \
                (sum(debit_minor) - sum(credit_minor))::bigint AS net_minor, count(*) AS postings \
         FROM {postings} WHERE account = $1 AND posted_on >= $2 AND posted_on {end_operator} $3 \
         GROUP BY 1, 2 ORDER BY 1, 2",
        start = range.bucket.start_sql(),
        end_operator = range.end_operator(),
        postings = tenant_table(tenant, "postings"),
    );
    let rows = sqlx::query_as::<_, PostingBucket>(&sql)
        .bind(account.as_str())
        .bind(range.start)
        .bind(range.end)
        .fetch_all(pool)
        .await;
    absent_if_unprovisioned(rows, Vec::new())
}

impl FromRow<'_, PgRow> for PostingBucket {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            bucket_start: row.try_get("bucket_start")?,
            currency: row.try_get("currency")?,
            debit_minor: row.try_get("debit_minor")?,
            credit_minor: row.try_get("credit_minor")?,
            net_minor: row.try_get("net_minor")?,
            postings: row.try_get("postings")?,
        })
    }
}
