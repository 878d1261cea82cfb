//! `GET /v1/production/yield?from=&to=&bucket=&sku=`: yield and scrap rates per time bucket
//! and item, from the time-series read model (`timescale` projector, `production_outcomes`):
//! the work orders that ended in each bucket — completed, or scrapped while in progress (all
//! of it scrap) — with their good and scrapped quantities, and
//! yield = good / (good + scrapped), scrap rate = scrapped / (good + scrapped), in basis
//! points rounded half up. `from`, `to` and `bucket` as for an account's postings (see
//! [`crate::accounts::postings`]).

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::accounts::buckets::BucketedRange;
use crate::consistency::MinPosition;
use crate::error::absent_if_unprovisioned;
use crate::params::QueryParams;
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// Query parameters of the yield endpoint; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct YieldParams {
    /// Start of the range, inclusive: a date or an RFC 3339 instant. Required.
    pub from: Option<String>,
    /// End of the range, inclusive: a date (its whole day) or an RFC 3339 instant. Required.
    pub to: Option<String>,
    /// `hour`, `day`, `week` or `month`; `day` when absent.
    pub bucket: Option<String>,
    /// Only this item.
    pub sku: Option<String>,
}

/// Yield and scrap per bucket and item.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct YieldView {
    /// The bucket width used.
    pub bucket: String,
    /// Buckets in which work orders ended, by start, then item (byte order).
    pub buckets: Vec<YieldBucket>,
}

/// The work orders of one item that ended in one bucket.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct YieldBucket {
    /// Start of the bucket (RFC 3339, UTC).
    pub bucket_start: DateTime<Utc>,
    /// The item made.
    pub sku: String,
    /// Work orders that ended.
    pub work_orders: i64,
    /// Of them, scrapped while in progress.
    pub scrapped_work_orders: i64,
    /// Good quantity made, thousandths.
    pub good_quantity_milli: i64,
    /// Quantity scrapped, thousandths.
    pub scrapped_quantity_milli: i64,
    /// Good / (good + scrapped), basis points (10,000 = all good); absent when both are 0.
    pub yield_basis_points: Option<i64>,
    /// Scrapped / (good + scrapped), basis points; absent when both are 0.
    pub scrap_rate_basis_points: Option<i64>,
}

/// One row as read.
#[derive(Debug, FromRow)]
struct YieldRow {
    bucket_start: DateTime<Utc>,
    sku: String,
    work_orders: i64,
    scrapped_work_orders: i64,
    good_quantity_milli: i64,
    scrapped_quantity_milli: i64,
}

impl From<YieldRow> for YieldBucket {
    fn from(row: YieldRow) -> Self {
        let total = i128::from(row.good_quantity_milli) + i128::from(row.scrapped_quantity_milli);
        let share = |part: i64| basis_points(i128::from(part), total);
        Self {
            yield_basis_points: share(row.good_quantity_milli),
            scrap_rate_basis_points: share(row.scrapped_quantity_milli),
            bucket_start: row.bucket_start,
            sku: row.sku,
            work_orders: row.work_orders,
            scrapped_work_orders: row.scrapped_work_orders,
            good_quantity_milli: row.good_quantity_milli,
            scrapped_quantity_milli: row.scrapped_quantity_milli,
        }
    }
}

/// `part / total` in basis points, rounded half up; `None` when `total` is not positive.
fn basis_points(part: i128, total: i128) -> Option<i64> {
    (total > 0).then(|| i64::try_from((part * 20_000 + total) / (2 * total)).unwrap_or(i64::MAX))
}

/// `GET /v1/production/yield`.
#[utoipa::path(get, path = "/v1/production/yield", params(YieldParams),
    responses((status = 200, description = "Yield and scrap per bucket and item", body = YieldView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    QueryParams(query): QueryParams<YieldParams>,
) -> Result<Json<YieldView>, Problem> {
    let range = BucketedRange::parse(
        query.bucket.as_deref(),
        query.from.as_deref(),
        query.to.as_deref(),
        state.limits.bucket_count_max,
    )?;
    state.await_timeseries(&tenant, token).await?;
    // The bucket expressions are written over `posted_on` (the postings series).
    let sql = format!(
        "SELECT {start} AS bucket_start, sku, count(*) AS work_orders, \
                count(*) FILTER (WHERE outcome = 'scrapped') AS scrapped_work_orders, \
                sum(good_quantity_milli)::bigint AS good_quantity_milli, \
                sum(scrapped_quantity_milli)::bigint AS scrapped_quantity_milli \
           FROM (SELECT ended_at AS posted_on, sku, outcome, good_quantity_milli, scrapped_quantity_milli \
                   FROM {outcomes} \
                  WHERE ended_at >= $1 AND ended_at {end_operator} $2 AND ($3::text IS NULL OR sku = $3)) o \
          GROUP BY 1, 2 ORDER BY 1, sku COLLATE \"C\"",
        start = range.bucket.start_sql(),
        end_operator = range.end_operator(),
        outcomes = tenant_table(&tenant, "production_outcomes"),
    );
    let rows = sqlx::query_as::<_, YieldRow>(&sql)
        .bind(range.start)
        .bind(range.end)
        .bind(query.sku)
        .fetch_all(&state.stores.timeseries)
        .await;
    let rows = absent_if_unprovisioned(rows, Vec::new())?;
    Ok(Json(YieldView { bucket: range.bucket.to_string(), buckets: rows.into_iter().map(YieldBucket::from).collect() }))
}

#[cfg(test)]
mod tests {
    use super::basis_points;

    #[test]
    fn shares_are_basis_points_rounded_half_up_and_absent_without_a_total() {
        assert_eq!(basis_points(13, 15), Some(8_667));
        assert_eq!(basis_points(2, 15), Some(1_333));
        assert_eq!(basis_points(1, 8), Some(1_250));
        assert_eq!(basis_points(1, 20_000), Some(1)); // 0.5 rounds up
        assert_eq!(basis_points(0, 0), None);
    }
}
