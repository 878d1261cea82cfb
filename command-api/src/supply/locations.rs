//! Warehouse locations over REST: open a warehouse, a zone in it or a bin in a zone; rename
//! or close one. Every route addresses the tenant's one locations aggregate, so `If-Match`
//! carries its version.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use prism_aggregates::supply::locations::{Locations, LocationsCommand, OpenLocation, LOCATIONS_ID};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;

use super::items::RenameRequest;
use super::Changed;
use crate::dispatch::{accepted, check_if_match, execute};
use crate::request_context::RequestContext;

/// State shared by the location routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<Locations>>;

/// `POST /v1/locations` with an [`OpenLocation`] body: 201.
#[utoipa::path(post, path = "/v1/locations", params(crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::OpenLocation,
    responses((status = 201, description = "Opened", body = super::Changed)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn open(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<OpenLocation>,
) -> Result<Response, Problem> {
    let code = request.code.clone();
    let command = LocationsCommand::OpenLocation(request);
    run(&stores, &tenant, code, &headers, command, &context, StatusCode::CREATED).await
}

/// `POST /v1/locations/{code}/rename`.
#[utoipa::path(post, path = "/v1/locations/{code}/rename",
    params(("code" = String, Path, description = "The location code"), crate::openapi::IfMatch),
    request_body = RenameRequest,
    responses((status = 200, description = "Renamed", body = super::Changed), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, code = %code))]
pub async fn rename(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(code): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<RenameRequest>,
) -> Result<Response, Problem> {
    let command = LocationsCommand::RenameLocation { code: code.clone(), name: request.name };
    run(&stores, &tenant, code, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/locations/{code}/close`: refused while it has open zones or bins.
#[utoipa::path(post, path = "/v1/locations/{code}/close",
    params(("code" = String, Path, description = "The location code"), crate::openapi::IfMatch),
    responses((status = 200, description = "Closed", body = super::Changed), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, code = %code))]
pub async fn close(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(code): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let command = LocationsCommand::CloseLocation { code: code.clone() };
    run(&stores, &tenant, code, &headers, command, &context, StatusCode::OK).await
}

async fn run(
    stores: &Stores,
    tenant: &TenantId,
    code: String,
    headers: &HeaderMap,
    command: LocationsCommand,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem> {
    check_if_match(stores, tenant, LOCATIONS_ID, headers).await?;
    let committed = execute(stores, tenant, LOCATIONS_ID, command, context).await?;
    tracing::info!(position = committed.position, "locations changed");
    let body = Changed { code, version: committed.version, position: committed.position };
    Ok(accepted(status, body, "/v1/locations", committed))
}
