//! `GET /v1/job-openings`, `GET /v1/job-openings/{id}`: the job openings from `job_openings`
//! and their applicants from `job_applicants` (the `postgres` projector's read model). Each
//! applicant's personal data is stored sealed under the applicant's key and opened here with
//! it; once erased (the applicant's, or the employee's they became) it answers
//! `personal_data_status: "erased"` and no personal fields.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use prism_aggregates::tenant::TenantId;
use prism_platform::personal_data::DataKey;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

use super::{subject_keys, NeedsHrPermission, PersonalFields, Recruitment};
use crate::consistency::MinPosition;
use crate::error::absent_if_unprovisioned;
use crate::params::{self, QueryParams};
use crate::permitted::PermittedReader;
use crate::state::AppState;
use crate::stores::tenant_table;

/// Most openings one list answers.
const MAX_LIMIT: u32 = 1_000;
/// Openings a list answers unless `limit` says otherwise.
const DEFAULT_LIMIT: u32 = 100;
/// Every status, as accepted by `status`.
const STATUSES: &[&str] = &["open", "filled", "closed"];

/// Query parameters of the list; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OpeningParams {
    /// Only openings with this status: `open`, `filled` or `closed`.
    pub status: Option<String>,
    /// Only openings of this organisation unit.
    pub org_unit_id: Option<String>,
    /// At most this many, 1–1,000 (100 when absent).
    pub limit: Option<String>,
}

/// One opening, with counts of its applicants.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct OpeningView {
    /// The opening.
    pub job_opening_id: Uuid,
    /// The job's title.
    pub title: String,
    /// The organisation unit hired into.
    pub org_unit_id: String,
    /// How many people are hired.
    pub positions: i32,
    /// How many have been hired.
    pub hired: i32,
    /// `open`, `filled` or `closed`.
    pub status: String,
    /// The first day applications were taken.
    pub opened_on: NaiveDate,
    /// Why it was closed (`all positions filled` when filled).
    pub close_reason: Option<String>,
    /// Applicants who applied.
    pub applicant_count: i64,
    /// Applicants neither hired nor rejected.
    pub applicants_in_progress: i64,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The openings.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OpeningsView {
    /// One row per opening, newest first.
    pub items: Vec<OpeningView>,
}

/// One applicant as stored: the personal data sealed.
#[derive(Debug, FromRow)]
struct ApplicantRow {
    applicant_id: Uuid,
    personal_data_sealed: String,
    stage: String,
    applied_on: NaiveDate,
    rejection_reason: Option<String>,
    hired_on: Option<NaiveDate>,
    erased_on: Option<NaiveDate>,
    updated_at: DateTime<Utc>,
}

/// One applicant of an opening.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApplicantView {
    /// The applicant; once hired, also the employee's id.
    pub applicant_id: Uuid,
    /// `applied`, `screening`, `interview`, `offered`, `hired` or `rejected`.
    pub stage: String,
    /// The personal fields, opened with the applicant's key.
    #[serde(flatten)]
    pub personal: PersonalFields,
    /// The day applied.
    pub applied_on: NaiveDate,
    /// Why rejected.
    pub rejection_reason: Option<String>,
    /// The first day of employment, once hired.
    pub hired_on: Option<NaiveDate>,
    /// The employee they became (`/v1/employees/{employee_id}`), once hired.
    pub employee_id: Option<Uuid>,
    /// When the applicant's erasure was honoured.
    pub erased_on: Option<NaiveDate>,
    /// When the applicant last changed.
    pub updated_at: DateTime<Utc>,
}

/// One opening with its applicants.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OpeningDetailView {
    /// The opening.
    #[serde(flatten)]
    pub opening: OpeningView,
    /// Its applicants, by application day, then id.
    pub applicants: Vec<ApplicantView>,
}

/// The select of [`OpeningView`] from `job_openings o` with its applicant counts.
fn select(tenant: &TenantId) -> String {
    format!(
        "SELECT o.job_opening_id, o.title, o.org_unit_id, o.positions, o.hired, o.status, o.opened_on, o.close_reason,
                count(a.applicant_id) AS applicant_count,
                count(a.applicant_id) FILTER (WHERE a.stage NOT IN ('hired', 'rejected')) AS applicants_in_progress,
                o.updated_at
           FROM {} o LEFT JOIN {} a ON a.job_opening_id = o.job_opening_id",
        tenant_table(tenant, "job_openings"),
        tenant_table(tenant, "job_applicants")
    )
}

/// The answer for `row`: its personal data opened when its key is in `keys`.
fn applicant_view(row: ApplicantRow, keys: &HashMap<Uuid, DataKey>) -> ApplicantView {
    ApplicantView {
        applicant_id: row.applicant_id,
        employee_id: row.hired_on.map(|_| row.applicant_id),
        stage: row.stage,
        personal: PersonalFields::opened(row.applicant_id, Some(&row.personal_data_sealed), keys),
        applied_on: row.applied_on,
        rejection_reason: row.rejection_reason,
        hired_on: row.hired_on,
        erased_on: row.erased_on,
        updated_at: row.updated_at,
    }
}

/// `GET /v1/job-openings`.
#[utoipa::path(get, path = "/v1/job-openings", params(OpeningParams),
    responses((status = 200, description = "The job openings, newest first, with their applicant counts", body = OpeningsView), NeedsHrPermission))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    PermittedReader(tenant, _): PermittedReader<Recruitment>,
    token: MinPosition,
    QueryParams(query): QueryParams<OpeningParams>,
) -> Result<Json<OpeningsView>, Problem> {
    let status = params::one_of("status", query.status.as_deref(), STATUSES)?;
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "{} WHERE ($1::text IS NULL OR o.status = $1) AND ($2::text IS NULL OR o.org_unit_id = $2)
          GROUP BY o.job_opening_id ORDER BY o.opened_on DESC, o.job_opening_id LIMIT $3",
        select(&tenant)
    );
    let rows = sqlx::query_as::<_, OpeningView>(&sql)
        .bind(status)
        .bind(query.org_unit_id)
        .bind(i64::from(limit))
        .fetch_all(&state.stores.postgres)
        .await;
    Ok(Json(OpeningsView { items: absent_if_unprovisioned(rows, Vec::new())? }))
}

/// `GET /v1/job-openings/{id}`: 404 when absent.
#[utoipa::path(get, path = "/v1/job-openings/{id}", params(("id" = Uuid, Path, description = "The job opening")),
    responses((status = 200, description = "The opening with its applicants, personal data opened unless erased", body = OpeningDetailView), NeedsHrPermission))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, job_opening_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    PermittedReader(tenant, _): PermittedReader<Recruitment>,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<OpeningDetailView>, Problem> {
    let job_opening_id = params::path_uuid("job opening", &id)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!("{} WHERE o.job_opening_id = $1 GROUP BY o.job_opening_id", select(&tenant));
    let found =
        sqlx::query_as::<_, OpeningView>(&sql).bind(job_opening_id).fetch_optional(&state.stores.postgres).await;
    let opening = absent_if_unprovisioned(found, None)?.ok_or_else(|| params::no_such("job opening", &id))?;
    let sql = format!(
        "SELECT applicant_id, personal_data_sealed, stage, applied_on, rejection_reason, hired_on, erased_on, updated_at
           FROM {} WHERE job_opening_id = $1 ORDER BY applied_on, applicant_id",
        tenant_table(&tenant, "job_applicants")
    );
    let rows: Vec<ApplicantRow> = sqlx::query_as(&sql)
        .bind(job_opening_id)
        .fetch_all(&state.stores.postgres)
        .await
        .map_err(|e| Problem::from_failure(&e))?;
    let subjects: Vec<Uuid> = rows.iter().map(|row| row.applicant_id).collect();
    let keys = subject_keys(&state, &tenant, &subjects).await?;
    let applicants = rows.into_iter().map(|row| applicant_view(row, &keys)).collect();
    Ok(Json(OpeningDetailView { opening, applicants }))
}
