//! `GET /v1/quality-checks`: the quality checks recorded, newest first, optionally of one
//! result, item or work order, from the `postgres` projector's `quality_checks`.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

use crate::consistency::MinPosition;
use crate::error::absent_if_unprovisioned;
use crate::params::{self, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// Most checks one list answers.
const MAX_LIMIT: u32 = 1_000;
/// Checks a list answers unless `limit` says otherwise.
const DEFAULT_LIMIT: u32 = 100;
/// Every result, as accepted by `result`.
const RESULTS: &[&str] = &["pass", "fail"];

/// Query parameters of the list; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QualityCheckParams {
    /// Only checks with this result.
    pub result: Option<String>,
    /// Only checks of this item.
    pub sku: Option<String>,
    /// Only checks of this work order's output.
    pub work_order_id: Option<String>,
    /// At most this many, 1–1,000 (100 when absent).
    pub limit: Option<String>,
}

/// One quality check.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct QualityCheckView {
    /// The check.
    pub quality_check_id: Uuid,
    /// The work order whose output was inspected.
    pub work_order_id: Option<Uuid>,
    /// The receipt inspected.
    pub receipt_reference: Option<String>,
    /// The item inspected.
    pub sku: String,
    /// Where it was.
    pub location: String,
    /// Quantity inspected, thousandths.
    pub quantity_milli: i64,
    /// `pass` or `fail`.
    pub result: String,
    /// Where failed goods went on hold.
    pub quarantine_location: Option<String>,
    /// What was found.
    pub notes: Option<String>,
    /// When it was recorded.
    pub completed_at: DateTime<Utc>,
}

/// The checks.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QualityChecksView {
    /// One row per check, newest first.
    pub items: Vec<QualityCheckView>,
}

/// `GET /v1/quality-checks`.
#[utoipa::path(get, path = "/v1/quality-checks", params(QualityCheckParams),
    responses((status = 200, description = "The quality checks, newest first", body = QualityChecksView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    QueryParams(query): QueryParams<QualityCheckParams>,
) -> Result<Json<QualityChecksView>, Problem> {
    let result = params::one_of("result", query.result.as_deref(), RESULTS)?;
    let work_order_id = query.work_order_id.as_deref().map(|id| params::path_uuid("work order", id)).transpose()?;
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "SELECT quality_check_id, work_order_id, receipt_reference, sku, location, quantity_milli, result,
                quarantine_location, notes, completed_at
           FROM {}
          WHERE ($1::text IS NULL OR result = $1) AND ($2::text IS NULL OR sku = $2)
            AND ($3::uuid IS NULL OR work_order_id = $3)
          ORDER BY completed_at DESC, quality_check_id LIMIT $4",
        tenant_table(&tenant, "quality_checks")
    );
    let rows = sqlx::query_as::<_, QualityCheckView>(&sql)
        .bind(result)
        .bind(query.sku)
        .bind(work_order_id)
        .bind(i64::from(limit))
        .fetch_all(&state.stores.postgres)
        .await;
    Ok(Json(QualityChecksView { items: absent_if_unprovisioned(rows, Vec::new())? }))
}
