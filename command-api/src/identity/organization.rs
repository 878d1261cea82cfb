//! The organisation chart over REST (permission `identity.org.manage`): add a company, a
//! department of a company or a team of a department; rename, move or close a unit. Every
//! route addresses the tenant's one `identity.organization` aggregate, so `If-Match` carries
//! the chart's version. [`check_open_unit`] is what creating a user asks of the chart.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use prism_aggregates::identity::organization::{AddUnit, Organization, OrganizationCommand, ORGANIZATION_ID};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};

use crate::dispatch::{accepted, check_if_match, execute};
use crate::event_store::TenantEventStores;
use crate::request_context::RequestContext;
use crate::supply::items::RenameRequest;

/// The organisation event stores.
pub type Stores = Arc<TenantEventStores<Organization>>;

/// Body of `POST /v1/organization-units`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddUnitRequest {
    /// Id of the new unit, unused in the tenant: 1–40 characters of `a`–`z`, `0`–`9`, `-`, `_`.
    pub unit_id: String,
    /// Display name.
    pub name: String,
    /// `company`, `department` or `team`.
    pub kind: String,
    /// The open unit it sits under: a company for a department, a department for a team;
    /// absent for a company.
    #[serde(default)]
    pub parent: Option<String>,
}

/// Body of `POST /v1/organization-units/{unit_id}/move`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveUnitRequest {
    /// The open unit it is to sit under instead: a company for a department, a department for
    /// a team.
    pub parent: String,
}

/// Answer to an accepted organisation command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitChanged {
    /// The unit the command addressed.
    pub unit_id: String,
    /// The organisation chart's version after the command (send as `If-Match` to change it
    /// safely).
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// `POST /v1/organization-units`: 201 with the new unit.
#[utoipa::path(post, path = "/v1/organization-units", params(crate::openapi::IfMatch), request_body = AddUnitRequest,
    responses((status = 201, description = "Added", body = UnitChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn add(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<AddUnitRequest>,
) -> Result<Response, Problem> {
    let AddUnitRequest { unit_id, name, kind, parent } = request;
    let command = OrganizationCommand::AddUnit(AddUnit { unit_id: unit_id.clone(), name, kind, parent });
    run(&stores, &tenant, unit_id, &headers, command, &context, StatusCode::CREATED).await
}

/// `POST /v1/organization-units/{unit_id}/rename`.
#[utoipa::path(post, path = "/v1/organization-units/{unit_id}/rename",
    params(("unit_id" = String, Path, description = "The unit"), crate::openapi::IfMatch),
    request_body = RenameRequest,
    responses((status = 200, description = "Renamed", body = UnitChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, unit_id = %unit_id))]
pub async fn rename(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(unit_id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<RenameRequest>,
) -> Result<Response, Problem> {
    let command = OrganizationCommand::RenameUnit { unit_id: unit_id.clone(), name: request.name };
    run(&stores, &tenant, unit_id, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/organization-units/{unit_id}/move`: a department under another company, a team
/// under another department.
#[utoipa::path(post, path = "/v1/organization-units/{unit_id}/move",
    params(("unit_id" = String, Path, description = "The unit"), crate::openapi::IfMatch),
    request_body = MoveUnitRequest,
    responses((status = 200, description = "Moved", body = UnitChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, unit_id = %unit_id))]
pub async fn move_unit(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(unit_id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<MoveUnitRequest>,
) -> Result<Response, Problem> {
    let command = OrganizationCommand::MoveUnit { unit_id: unit_id.clone(), parent: request.parent };
    run(&stores, &tenant, unit_id, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/organization-units/{unit_id}/close`: refused (409) while units under it are open.
#[utoipa::path(post, path = "/v1/organization-units/{unit_id}/close",
    params(("unit_id" = String, Path, description = "The unit"), crate::openapi::IfMatch),
    responses((status = 200, description = "Closed", body = UnitChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, unit_id = %unit_id))]
pub async fn close(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(unit_id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let command = OrganizationCommand::CloseUnit { unit_id: unit_id.clone() };
    run(&stores, &tenant, unit_id, &headers, command, &context, StatusCode::OK).await
}

/// Refuses a user's `organization_unit` that names no open unit of `tenant`'s organisation
/// chart, as read from its events now. A unit closed between this check and the user's
/// creation is not caught: the chart and the user are separate aggregates.
///
/// # Errors
/// 422 `unknown-organization-unit` naming `organization_unit`; 500 when the chart cannot be read.
pub async fn check_open_unit(
    stores: &TenantEventStores<Organization>,
    tenant: &TenantId,
    unit_id: &str,
) -> Result<(), Problem> {
    let organization = stores.load(tenant, ORGANIZATION_ID).await.map_err(|e| Problem::internal(&e))?;
    if organization.is_open_unit(unit_id) {
        return Ok(());
    }
    Err(Problem::unprocessable(
        "unknown-organization-unit",
        "organization_unit",
        format!("{unit_id:?} is not an open unit of the organisation (see GET /v1/organization-units)"),
    ))
}

async fn run(
    stores: &Stores,
    tenant: &TenantId,
    unit_id: String,
    headers: &HeaderMap,
    command: OrganizationCommand,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem> {
    check_if_match(stores, tenant, ORGANIZATION_ID, headers).await?;
    let committed = execute(stores, tenant, ORGANIZATION_ID, command, context).await?;
    tracing::info!(position = committed.position, "organisation changed");
    let body = UnitChanged { unit_id, version: committed.version, position: committed.position };
    Ok(accepted(status, body, "/v1/organization-units", committed))
}
