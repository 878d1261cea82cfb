//! Performance reviews over REST: open one for an employee who is hired, not terminated and
//! not erased (201), complete it with a rating and a written summary — sealed here under the
//! employee's data key before it is stored, so that the employee's erasure covers it — have the
//! employee acknowledge it, or cancel it while open. Each review is its own aggregate,
//! addressed by its UUID; `If-Match` carries its version.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::hr::performance_review::{
    check_summary, CompleteReview, OpenReview, PerformanceReview, ReviewCommand, ReviewError, ReviewStatus,
};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{parse_optional_json, JsonBody, Tenant};
use prism_platform::personal_data::{seal, PersonalDataKeys};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::employees::{self, key_problem};
use crate::crm::routes::{run, Target};
use crate::dispatch::path_uuid;
use crate::error::{command_problem, refusal};
use crate::event_store::Committed;
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// State shared by the review routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<PerformanceReview>>;

/// Where reviews are read.
const LOCATION: &str = "/v1/performance-reviews";

/// Body of `POST /v1/performance-reviews`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenRequest {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub review_id: Option<Uuid>,
    /// The employee reviewed: hired, not terminated, personal data not erased.
    pub employee_id: Uuid,
    /// First day of the period reviewed.
    pub period_start: NaiveDate,
    /// Last day of the period; not before its first.
    pub period_end: NaiveDate,
    /// The day it is due; not before the period ends.
    pub due_on: NaiveDate,
    /// The user who reviews.
    #[serde(default)]
    pub reviewer_user_id: Option<Uuid>,
}

/// Body of `POST /v1/performance-reviews/{id}/complete`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    /// 1 (far below expectations) to 5 (far above).
    pub rating: i32,
    /// The written summary; non-blank, at most 10,000 characters. Stored only sealed.
    pub summary: String,
    /// The day completed; today (UTC) when absent.
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
}

/// Body of `POST /v1/performance-reviews/{id}/acknowledge`; optional.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeRequest {
    /// The day acknowledged; today (UTC) when absent.
    #[serde(default)]
    pub acknowledged_on: Option<NaiveDate>,
}

/// Body of `POST /v1/performance-reviews/{id}/cancel`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    /// Why.
    pub reason: String,
}

/// Answer to an accepted review command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewChanged {
    /// The review.
    pub review_id: Uuid,
    /// The employee reviewed.
    pub employee_id: String,
    /// `open`, `completed`, `acknowledged` or `cancelled`.
    pub status: &'static str,
    /// Its version after the command.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// Runs `command` on review `id`, answering `status` with [`ReviewChanged`].
async fn run_on(
    stores: &Stores,
    tenant: &TenantId,
    id: Uuid,
    headers: &HeaderMap,
    command: ReviewCommand,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem> {
    let target = Target { stores, tenant, id, location: LOCATION };
    run(target, headers, command, context, status, |review: &PerformanceReview, committed: &Committed| ReviewChanged {
        review_id: id,
        employee_id: review.employee_id().unwrap_or_default().to_owned(),
        status: review.status().map(ReviewStatus::as_str).unwrap_or_default(),
        version: committed.version,
        position: committed.position,
    })
    .await
}

/// Refuses an employee who is not hired, is terminated or has had their personal data erased:
/// 422 naming `employee_id`.
async fn check_reviewable(employees: &employees::Stores, tenant: &TenantId, employee_id: Uuid) -> Result<(), Problem> {
    let employee = employees.load(tenant, &employee_id.to_string()).await.map_err(command_problem)?;
    let reason = if employee.salary().is_none() {
        ("employee_not_found", "is not hired")
    } else if employee.is_erased() {
        ("employee_erased", "has had their personal data erased")
    } else if employee.terminated_on().is_some() {
        ("employee_terminated", "is terminated")
    } else {
        return Ok(());
    };
    Err(Problem::unprocessable(reason.0, "employee_id", format!("employee {employee_id} {}", reason.1)))
}

/// `POST /v1/performance-reviews` with an [`OpenRequest`] body: 201.
#[utoipa::path(post, path = "/v1/performance-reviews", params(crate::openapi::IfMatch), request_body = OpenRequest,
    responses((status = 201, description = "Opened", body = ReviewChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn open(
    State(stores): State<Stores>,
    State(employees): State<employees::Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<OpenRequest>,
) -> Result<Response, Problem> {
    check_reviewable(&employees, &tenant, request.employee_id).await?;
    let new_id = NewAggregateId::named_or_minted(request.review_id);
    let id = new_id.uuid();
    let command = ReviewCommand::Open(OpenReview {
        review_id: id,
        employee_id: request.employee_id,
        period_start: request.period_start,
        period_end: request.period_end,
        due_on: request.due_on,
        reviewer_user_id: request.reviewer_user_id,
    });
    new_id.run(run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::CREATED)).await
}

/// `POST /v1/performance-reviews/{id}/complete` with a [`CompleteRequest`] body: the summary
/// is sealed under the employee's data key; an employee erased since the review opened has no
/// key, and the completion is refused (422 `employee-erased`, field `summary`).
#[utoipa::path(post, path = "/v1/performance-reviews/{id}/complete",
    params(("id" = Uuid, Path, description = "The review"), crate::openapi::IfMatch), request_body = CompleteRequest,
    responses((status = 200, description = "Completed", body = ReviewChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, review_id = %id))]
pub async fn complete(
    State(stores): State<Stores>,
    State(keys): State<PersonalDataKeys>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<CompleteRequest>,
) -> Result<Response, Problem> {
    let id = path_uuid("performance review", &id)?;
    check_summary(&request.summary).map_err(|error| refusal(&error))?;
    let review = stores.load(&tenant, &id.to_string()).await.map_err(command_problem)?;
    let employee_id = review.employee_id().ok_or_else(|| refusal(&ReviewError::NotFound))?;
    let employee_id = Uuid::parse_str(employee_id).map_err(|error| Problem::internal(&error))?;
    let key = keys.find(&tenant, employee_id).await.map_err(|error| key_problem(&error))?.ok_or_else(|| {
        Problem::unprocessable(
            "employee_erased",
            "summary",
            format!("employee {employee_id} has had their personal data erased: no summary can be kept"),
        )
    })?;
    let summary = seal(&key, employee_id, request.summary.as_bytes()).map_err(|error| Problem::internal(&error))?;
    let completed_on = request.completed_on.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let command = ReviewCommand::Complete(CompleteReview { rating: request.rating, summary, completed_on });
    run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/performance-reviews/{id}/acknowledge` with an optional [`AcknowledgeRequest`].
#[utoipa::path(post, path = "/v1/performance-reviews/{id}/acknowledge",
    params(("id" = Uuid, Path, description = "The review"), crate::openapi::IfMatch),
    request_body(content = Option<AcknowledgeRequest>, description = "Optional: absent, empty or null for today"),
    responses((status = 200, description = "Acknowledged", body = ReviewChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, review_id = %id))]
pub async fn acknowledge(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    body: Bytes,
) -> Result<Response, Problem> {
    let id = path_uuid("performance review", &id)?;
    let request: AcknowledgeRequest = parse_optional_json(&body)?;
    let acknowledged_on = request.acknowledged_on.unwrap_or_else(|| chrono::Utc::now().date_naive());
    run_on(&stores, &tenant, id, &headers, ReviewCommand::Acknowledge { acknowledged_on }, &context, StatusCode::OK)
        .await
}

/// `POST /v1/performance-reviews/{id}/cancel` with a [`CancelRequest`] body.
#[utoipa::path(post, path = "/v1/performance-reviews/{id}/cancel",
    params(("id" = Uuid, Path, description = "The review"), crate::openapi::IfMatch), request_body = CancelRequest,
    responses((status = 200, description = "Cancelled", body = ReviewChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, review_id = %id))]
pub async fn cancel(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<CancelRequest>,
) -> Result<Response, Problem> {
    let id = path_uuid("performance review", &id)?;
    let command = ReviewCommand::Cancel { reason: request.reason };
    run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::OK).await
}
