//! Plant equipment from the `postgres` projector's read model (`assets`, `asset_maintenance`,
//! `asset_downtimes`):
//!
//! - `GET /v1/assets?status=&location=&maintenance_due_by=&limit=` — the assets by next
//!   maintenance due date (none last), each flagged `maintenance_overdue` when that date is
//!   before today (UTC); `maintenance_due_by` keeps those due on or before a date;
//! - `GET /v1/assets/{id}` — one asset with its maintenance log and downtimes, newest first;
//! - `GET /v1/assets/downtime?from=&to=&location=` — each asset's downtime within the UTC days
//!   `from` to `to` (inclusive; a downtime under way counts up to now), planned and unplanned,
//!   and its availability over the range in basis points.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

use crate::consistency::MinPosition;
use crate::error::absent_if_unprovisioned;
use crate::params::{self, invalid, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// Most assets one list answers.
const MAX_LIMIT: u32 = 1_000;
/// Assets a list answers unless `limit` says otherwise.
const DEFAULT_LIMIT: u32 = 100;
/// Every status, as accepted by `status`.
const STATUSES: &[&str] = &["running", "down", "retired"];
/// Most log rows of each kind one asset answers.
const LOG_ROWS: i64 = 100;
/// Most days a downtime report spans.
const MAX_REPORT_DAYS: i64 = 366;

/// Query parameters of the list; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AssetParams {
    /// Only assets with this status: `running`, `down` or `retired`.
    pub status: Option<String>,
    /// Only assets at this location.
    pub location: Option<String>,
    /// Only assets whose next maintenance is due on or before this day (`YYYY-MM-DD`).
    pub maintenance_due_by: Option<String>,
    /// At most this many, 1–1,000 (100 when absent).
    pub limit: Option<String>,
}

/// One asset.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct AssetView {
    /// The asset.
    pub asset_id: Uuid,
    /// Its name.
    pub name: String,
    /// Where it stands.
    pub location: String,
    /// `running`, `down` or `retired`.
    pub status: String,
    /// Days between maintenances.
    pub maintenance_interval_days: Option<i32>,
    /// When its next maintenance is due.
    pub next_maintenance_due: Option<NaiveDate>,
    /// Whether that day is past (today in UTC) and the asset is in service.
    pub maintenance_overdue: bool,
    /// When maintenance was last done.
    pub last_maintenance_on: Option<NaiveDate>,
    /// When the downtime under way started.
    pub down_since: Option<DateTime<Utc>>,
    /// The day it left service.
    pub retired_on: Option<NaiveDate>,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The assets.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssetsView {
    /// One row per asset, by next maintenance due date (none last), then name.
    pub items: Vec<AssetView>,
}

/// Columns of [`AssetView`], read from `assets`.
const COLUMNS: &str = "asset_id, name, location, status, maintenance_interval_days, next_maintenance_due,
    (status <> 'retired' AND next_maintenance_due < (now() AT TIME ZONE 'UTC')::date) AS maintenance_overdue,
    last_maintenance_on, down_since, retired_on, registered_at, updated_at";

/// `GET /v1/assets`.
#[utoipa::path(get, path = "/v1/assets", params(AssetParams),
    responses((status = 200, description = "The assets by next maintenance due", body = AssetsView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    QueryParams(query): QueryParams<AssetParams>,
) -> Result<Json<AssetsView>, Problem> {
    let status = params::one_of("status", query.status.as_deref(), STATUSES)?;
    let due_by = params::optional_date("maintenance_due_by", query.maintenance_due_by.as_deref())?;
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM {}
          WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR location = $2)
            AND ($3::date IS NULL OR next_maintenance_due <= $3)
          ORDER BY next_maintenance_due NULLS LAST, name COLLATE \"C\", asset_id LIMIT $4",
        tenant_table(&tenant, "assets")
    );
    let rows = sqlx::query_as::<_, AssetView>(&sql)
        .bind(status)
        .bind(query.location)
        .bind(due_by)
        .bind(i64::from(limit))
        .fetch_all(&state.stores.postgres)
        .await;
    Ok(Json(AssetsView { items: absent_if_unprovisioned(rows, Vec::new())? }))
}

/// One maintenance performed.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct MaintenanceView {
    /// The day it was done.
    pub performed_on: NaiveDate,
    /// What was done.
    pub notes: Option<String>,
}

/// One downtime.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct DowntimeView {
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended; none while under way.
    pub ended_at: Option<DateTime<Utc>>,
    /// Why.
    pub reason: String,
    /// Whether it was planned.
    pub planned: bool,
    /// Its length in seconds once ended.
    pub duration_seconds: Option<i64>,
}

/// One asset with its history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssetDetail {
    /// The asset.
    #[serde(flatten)]
    pub asset: AssetView,
    /// Its last 100 maintenances, newest first.
    pub maintenance: Vec<MaintenanceView>,
    /// Its last 100 downtimes, newest first.
    pub downtimes: Vec<DowntimeView>,
}

/// `GET /v1/assets/{id}`.
#[utoipa::path(get, path = "/v1/assets/{id}", params(("id" = Uuid, Path, description = "The asset")),
    responses((status = 200, description = "The asset with its maintenance and downtimes", body = AssetDetail)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, asset_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<AssetDetail>, Problem> {
    let asset_id = params::path_uuid("asset", &id)?;
    state.await_postgres(&tenant, token).await?;
    let pool = &state.stores.postgres;
    let sql = format!("SELECT {COLUMNS} FROM {} WHERE asset_id = $1", tenant_table(&tenant, "assets"));
    let found = sqlx::query_as::<_, AssetView>(&sql).bind(asset_id).fetch_optional(pool).await;
    let asset = absent_if_unprovisioned(found, None)?.ok_or_else(|| params::no_such("asset", &id))?;
    let sql = format!(
        "SELECT performed_on, notes FROM {} WHERE asset_id = $1 ORDER BY global_position DESC LIMIT $2",
        tenant_table(&tenant, "asset_maintenance")
    );
    let maintenance = sqlx::query_as::<_, MaintenanceView>(&sql).bind(asset_id).bind(LOG_ROWS).fetch_all(pool).await;
    let sql = format!(
        "SELECT started_at, ended_at, reason, planned, duration_seconds FROM {}
          WHERE asset_id = $1 ORDER BY started_at DESC LIMIT $2",
        tenant_table(&tenant, "asset_downtimes")
    );
    let downtimes = sqlx::query_as::<_, DowntimeView>(&sql).bind(asset_id).bind(LOG_ROWS).fetch_all(pool).await;
    Ok(Json(AssetDetail {
        asset,
        maintenance: absent_if_unprovisioned(maintenance, Vec::new())?,
        downtimes: absent_if_unprovisioned(downtimes, Vec::new())?,
    }))
}

/// Query parameters of the downtime report; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DowntimeParams {
    /// First UTC day (`YYYY-MM-DD`), inclusive. Required.
    pub from: Option<String>,
    /// Last UTC day, inclusive, at most 366 days after `from`. Required.
    pub to: Option<String>,
    /// Only assets at this location.
    pub location: Option<String>,
}

/// One asset's downtime within the range.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct AssetDowntimeView {
    /// The asset.
    pub asset_id: Uuid,
    /// Its name.
    pub name: String,
    /// Where it stands.
    pub location: String,
    /// Downtimes overlapping the range.
    pub downtimes: i64,
    /// Seconds down within the range.
    pub downtime_seconds: i64,
    /// Of them, planned.
    pub planned_seconds: i64,
    /// Of them, breakdowns.
    pub unplanned_seconds: i64,
    /// Share of the range it was not down, basis points (10,000 = never down).
    pub availability_basis_points: i64,
}

/// The downtime report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DowntimeReport {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Seconds in the range.
    pub period_seconds: i64,
    /// One row per asset not retired before the range, most downtime first.
    pub items: Vec<AssetDowntimeView>,
}

/// `GET /v1/assets/downtime`.
#[utoipa::path(get, path = "/v1/assets/downtime", params(DowntimeParams),
    responses((status = 200, description = "Each asset's downtime and availability over the days", body = DowntimeReport)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn downtime(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    QueryParams(query): QueryParams<DowntimeParams>,
) -> Result<Json<DowntimeReport>, Problem> {
    let from = params::required_date("from", query.from.as_deref())?;
    let to = params::required_date("to", query.to.as_deref())?;
    params::ordered(Some(from), Some(to))?;
    if (to - from).num_days() >= MAX_REPORT_DAYS {
        return Err(invalid("to", format!("the range spans more than {MAX_REPORT_DAYS} days")).into());
    }
    let start = from.and_time(NaiveTime::MIN).and_utc();
    let end = to.succ_opt().unwrap_or(to).and_time(NaiveTime::MIN).and_utc();
    let period_seconds = (end - start).num_seconds();
    state.await_postgres(&tenant, token).await?;
    // Each downtime clipped to the range; one under way counts up to now.
    let sql = format!(
        "WITH clipped AS (
             SELECT d.asset_id, d.planned,
                    extract(epoch FROM least(coalesce(d.ended_at, now()), $2) - greatest(d.started_at, $1))::bigint AS seconds
               FROM {downtimes} d
              WHERE d.started_at < $2 AND coalesce(d.ended_at, now()) > $1)
         SELECT a.asset_id, a.name, a.location, count(c.asset_id) AS downtimes,
                coalesce(sum(c.seconds), 0)::bigint AS downtime_seconds,
                coalesce(sum(c.seconds) FILTER (WHERE c.planned), 0)::bigint AS planned_seconds,
                coalesce(sum(c.seconds) FILTER (WHERE NOT c.planned), 0)::bigint AS unplanned_seconds,
                (10000 - round(coalesce(sum(greatest(c.seconds, 0)), 0) * 10000.0 / $3))::bigint AS availability_basis_points
           FROM {assets} a LEFT JOIN clipped c ON c.asset_id = a.asset_id AND c.seconds > 0
          WHERE (a.retired_on IS NULL OR a.retired_on >= $5) AND ($4::text IS NULL OR a.location = $4)
          GROUP BY a.asset_id, a.name, a.location
          ORDER BY downtime_seconds DESC, a.name COLLATE \"C\", a.asset_id",
        downtimes = tenant_table(&tenant, "asset_downtimes"),
        assets = tenant_table(&tenant, "assets"),
    );
    let rows = sqlx::query_as::<_, AssetDowntimeView>(&sql)
        .bind(start)
        .bind(end)
        .bind(period_seconds)
        .bind(query.location)
        .bind(from)
        .fetch_all(&state.stores.postgres)
        .await;
    Ok(Json(DowntimeReport { from, to, period_seconds, items: absent_if_unprovisioned(rows, Vec::new())? }))
}
