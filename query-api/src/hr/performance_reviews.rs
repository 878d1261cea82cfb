//! `GET /v1/performance-reviews`, `GET /v1/performance-reviews/{id}`: the performance reviews
//! from `performance_reviews` (the `postgres` projector's read model). Each summary is stored
//! sealed under the reviewed employee's key; it is opened here with that key. Once the
//! employee's personal data is erased the key is gone: the review answers
//! `summary_status: "erased"` and no summary, its rating and dates as ever.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use prism_aggregates::tenant::TenantId;
use prism_platform::personal_data::{open, DataKey};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

use super::{subject_keys, NeedsHrPermission, Reviews};
use crate::consistency::MinPosition;
use crate::error::absent_if_unprovisioned;
use crate::params::{self, QueryParams};
use crate::permitted::PermittedReader;
use crate::state::AppState;
use crate::stores::tenant_table;

/// Most reviews one list answers.
const MAX_LIMIT: u32 = 1_000;
/// Reviews a list answers unless `limit` says otherwise.
const DEFAULT_LIMIT: u32 = 100;
/// Every status, as accepted by `status`.
const STATUSES: &[&str] = &["open", "completed", "acknowledged", "cancelled"];

/// Query parameters of the list; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReviewParams {
    /// Only reviews of this employee.
    pub employee_id: Option<String>,
    /// Only reviews with this status: `open`, `completed`, `acknowledged` or `cancelled`.
    pub status: Option<String>,
    /// At most this many, 1–1,000 (100 when absent).
    pub limit: Option<String>,
}

/// One review as stored.
#[derive(Debug, FromRow)]
struct ReviewRow {
    review_id: Uuid,
    employee_id: Uuid,
    reviewer_user_id: Option<Uuid>,
    period_start: NaiveDate,
    period_end: NaiveDate,
    due_on: NaiveDate,
    overdue: bool,
    status: String,
    rating: Option<i32>,
    summary_sealed: Option<String>,
    completed_on: Option<NaiveDate>,
    acknowledged_on: Option<NaiveDate>,
    cancel_reason: Option<String>,
    updated_at: DateTime<Utc>,
}

/// One review.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewView {
    /// The review.
    pub review_id: Uuid,
    /// The employee reviewed.
    pub employee_id: Uuid,
    /// The user who reviews.
    pub reviewer_user_id: Option<Uuid>,
    /// First day of the period reviewed.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// The day it is due.
    pub due_on: NaiveDate,
    /// Open and past its due day (today in UTC).
    pub overdue: bool,
    /// `open`, `completed`, `acknowledged` or `cancelled`.
    pub status: String,
    /// 1 to 5, once completed.
    pub rating: Option<i32>,
    /// The summary, opened with the employee's key; absent before completion or once erased.
    pub summary: Option<String>,
    /// `none` (not completed), `readable` or `erased` (the employee's key is gone).
    pub summary_status: &'static str,
    /// The day completed.
    pub completed_on: Option<NaiveDate>,
    /// The day acknowledged.
    pub acknowledged_on: Option<NaiveDate>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The reviews.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewsView {
    /// One row per review, by due day, then id.
    pub items: Vec<ReviewView>,
}

/// The select of [`ReviewRow`] from `performance_reviews`.
fn select(tenant: &TenantId) -> String {
    format!(
        "SELECT review_id, employee_id, reviewer_user_id, period_start, period_end, due_on,
                (status = 'open' AND due_on < (now() AT TIME ZONE 'UTC')::date) AS overdue, status, rating,
                summary_sealed, completed_on, acknowledged_on, cancel_reason, updated_at
           FROM {}",
        tenant_table(tenant, "performance_reviews")
    )
}

/// `rows` with their summaries opened with the keys of `tenant`.
async fn opened(state: &AppState, tenant: &TenantId, rows: Vec<ReviewRow>) -> Result<Vec<ReviewView>, Problem> {
    let sealed: Vec<Uuid> = rows.iter().filter(|row| row.summary_sealed.is_some()).map(|row| row.employee_id).collect();
    let keys = subject_keys(state, tenant, &sealed).await?;
    Ok(rows.into_iter().map(|row| view(row, &keys)).collect())
}

/// The answer for `row`: its summary opened when its employee's key is in `keys`.
fn view(row: ReviewRow, keys: &HashMap<Uuid, DataKey>) -> ReviewView {
    let summary = row.summary_sealed.as_deref().and_then(|sealed| {
        let key = keys.get(&row.employee_id)?;
        match open(key, row.employee_id, sealed).map(String::from_utf8) {
            Ok(Ok(summary)) => Some(summary),
            _ => {
                tracing::error!(review_id = %row.review_id, "a review summary does not open with its employee's key");
                None
            }
        }
    });
    let summary_status = match (&row.summary_sealed, &summary) {
        (None, _) => "none",
        (Some(_), Some(_)) => "readable",
        (Some(_), None) => "erased",
    };
    ReviewView {
        review_id: row.review_id,
        employee_id: row.employee_id,
        reviewer_user_id: row.reviewer_user_id,
        period_start: row.period_start,
        period_end: row.period_end,
        due_on: row.due_on,
        overdue: row.overdue,
        status: row.status,
        rating: row.rating,
        summary,
        summary_status,
        completed_on: row.completed_on,
        acknowledged_on: row.acknowledged_on,
        cancel_reason: row.cancel_reason,
        updated_at: row.updated_at,
    }
}

/// `GET /v1/performance-reviews`.
#[utoipa::path(get, path = "/v1/performance-reviews", params(ReviewParams),
    responses((status = 200, description = "The reviews by due day, summaries opened unless erased", body = ReviewsView), NeedsHrPermission))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    PermittedReader(tenant, _): PermittedReader<Reviews>,
    token: MinPosition,
    QueryParams(query): QueryParams<ReviewParams>,
) -> Result<Json<ReviewsView>, Problem> {
    let status = params::one_of("status", query.status.as_deref(), STATUSES)?;
    let employee_id = query.employee_id.as_deref().map(|id| params::path_uuid("employee", id)).transpose()?;
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "{} WHERE ($1::uuid IS NULL OR employee_id = $1) AND ($2::text IS NULL OR status = $2)
          ORDER BY due_on, review_id LIMIT $3",
        select(&tenant)
    );
    let rows = sqlx::query_as::<_, ReviewRow>(&sql)
        .bind(employee_id)
        .bind(status)
        .bind(i64::from(limit))
        .fetch_all(&state.stores.postgres)
        .await;
    let rows = absent_if_unprovisioned(rows, Vec::new())?;
    Ok(Json(ReviewsView { items: opened(&state, &tenant, rows).await? }))
}

/// `GET /v1/performance-reviews/{id}`: 404 when absent.
#[utoipa::path(get, path = "/v1/performance-reviews/{id}", params(("id" = Uuid, Path, description = "The review")),
    responses((status = 200, description = "The review, its summary opened unless erased", body = ReviewView), NeedsHrPermission))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, review_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    PermittedReader(tenant, _): PermittedReader<Reviews>,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<ReviewView>, Problem> {
    let review_id = params::path_uuid("performance review", &id)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!("{} WHERE review_id = $1", select(&tenant));
    let found = sqlx::query_as::<_, ReviewRow>(&sql).bind(review_id).fetch_optional(&state.stores.postgres).await;
    let row = absent_if_unprovisioned(found, None)?.ok_or_else(|| params::no_such("performance review", &id))?;
    let mut views = opened(&state, &tenant, vec![row]).await?;
    views.pop().map(Json).ok_or_else(|| Problem::internal(&"one row opened into none"))
}
