//! Saved report definitions over REST (Optics). `POST /v1/report-definitions` saves a new
//! report — a source, dimensions, measures, filters, a sort, a row limit and optionally a
//! schedule — after checking it against the source catalogue ([`ReportDefinition::check`]);
//! `/{id}/revise` replaces its definition and `/{id}/remove` deletes it. They are documents in
//! the tenant's MongoDB database ([`prism_optics::store`]), not events: a report definition is
//! a view the tenant keeps, like its notification templates. MongoDB out of reach answers 503
//! and saves nothing; the other commands do not depend on it.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use prism_aggregates::tenant::TenantId;
use prism_optics::definition::ReportDefinition;
use prism_optics::store::{ReportStore, SavedReport};
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use prism_platform::tenancy::mongo_database_of;
use uuid::Uuid;

use crate::dispatch::path_uuid;
use crate::request_context::RequestContext;

/// Who saved a definition when the operator key did: no user.
const OPERATOR: &str = "operator";

/// The report definitions of `tenant`.
fn store(client: &mongodb::Client, tenant: &TenantId) -> ReportStore {
    ReportStore::new(&client.database(&mongo_database_of(tenant)))
}

/// The definition checked, or 422 naming the field at fault.
fn checked(definition: &ReportDefinition) -> Result<(), Problem> {
    definition
        .check()
        .map(drop)
        .map_err(|invalid| Problem::unprocessable("invalid-report-definition", &invalid.field, invalid.detail))
}

/// `POST /v1/report-definitions` with a [`ReportDefinition`]: 201 with the saved report.
#[utoipa::path(post, path = "/v1/report-definitions", request_body = ReportDefinition,
    responses((status = 201, description = "Saved", body = SavedReport)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn create(
    State(mongo): State<mongodb::Client>,
    Tenant(tenant): Tenant,
    context: RequestContext,
    JsonBody(definition): JsonBody<ReportDefinition>,
) -> Result<Response, Problem> {
    checked(&definition)?;
    let user = context.user_id.as_deref().unwrap_or(OPERATOR);
    let report = store(&mongo, &tenant).create(Uuid::now_v7().to_string(), definition, user, Utc::now()).await?;
    let location = format!("/v1/report-definitions/{}", report.report_id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(report)).into_response())
}

/// `POST /v1/report-definitions/{id}/revise` with a [`ReportDefinition`]: 200 with the report
/// as revised; 404 for no such report.
#[utoipa::path(post, path = "/v1/report-definitions/{id}/revise", request_body = ReportDefinition,
    params(("id" = Uuid, Path, description = "The report")),
    responses((status = 200, description = "Revised", body = SavedReport), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, report_id = %id))]
pub async fn revise(
    State(mongo): State<mongodb::Client>,
    Tenant(tenant): Tenant,
    context: RequestContext,
    Path(id): Path<String>,
    JsonBody(definition): JsonBody<ReportDefinition>,
) -> Result<Json<SavedReport>, Problem> {
    let id = path_uuid("report", &id)?.to_string();
    checked(&definition)?;
    let user = context.user_id.as_deref().unwrap_or(OPERATOR);
    store(&mongo, &tenant)
        .revise(&id, &definition, user, Utc::now())
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found(format!("no report {id}")))
}

/// `POST /v1/report-definitions/{id}/remove`: 204; 404 for no such report.
#[utoipa::path(post, path = "/v1/report-definitions/{id}/remove",
    params(("id" = Uuid, Path, description = "The report")),
    responses((status = 204, description = "Removed"), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, report_id = %id))]
pub async fn remove(
    State(mongo): State<mongodb::Client>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let id = path_uuid("report", &id)?.to_string();
    if store(&mongo, &tenant).remove(&id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Problem::not_found(format!("no report {id}")))
    }
}
