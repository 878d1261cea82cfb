//! The chart of accounts over REST: open, rename, archive and reactivate accounts, and load
//! the default chart in one call. Every route addresses the tenant's one chart aggregate, so
//! `If-Match` carries the chart's version.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use prism_aggregates::finance::chart::{ChartCommand, ChartOfAccounts, OpenAccount, CHART_ID};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};

use crate::dispatch::{accepted, check_if_match, execute};
use crate::event_store::TenantEventStores;
use crate::request_context::RequestContext;

/// State shared by the chart routes.
pub type Stores = Arc<TenantEventStores<ChartOfAccounts>>;

/// Body of `POST /v1/accounts/{code}/rename`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameAccountRequest {
    /// The new name.
    pub name: String,
}

/// Answer to an accepted chart command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChartChanged {
    /// The account the command addressed; absent when loading the default chart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Accounts opened by loading the default chart (into an empty chart, so one per event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accounts_opened: Option<i64>,
    /// The chart's version after the command (send as `If-Match` to change it safely).
    pub version: i64,
    /// Global position of the last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// `POST /v1/accounts` with an [`OpenAccount`] body: 201 with the new account.
#[utoipa::path(post, path = "/v1/accounts", params(crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::OpenAccount,
    responses((status = 201, description = "Opened", body = ChartChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn open(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<OpenAccount>,
) -> Result<Response, Problem> {
    let code = request.code.clone();
    let command = ChartCommand::OpenAccount(request);
    run(&stores, &tenant, &headers, command, &context, StatusCode::CREATED, Some(code)).await
}

/// `POST /v1/chart-of-accounts/default`: 201 with the default chart loaded into an empty chart.
#[utoipa::path(post, path = "/v1/chart-of-accounts/default", params(crate::openapi::IfMatch),
    responses((status = 201, description = "The default chart loaded into the empty chart", body = ChartChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn load_default(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    run(&stores, &tenant, &headers, ChartCommand::LoadDefaultChart, &context, StatusCode::CREATED, None).await
}

/// `POST /v1/accounts/{code}/rename`.
#[utoipa::path(post, path = "/v1/accounts/{code}/rename",
    params(("code" = String, Path, description = "Account code"), crate::openapi::IfMatch),
    request_body = RenameAccountRequest,
    responses((status = 200, description = "Renamed", body = ChartChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, code = %code))]
pub async fn rename(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(code): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<RenameAccountRequest>,
) -> Result<Response, Problem> {
    let command = ChartCommand::RenameAccount { code: code.clone(), name: request.name };
    run(&stores, &tenant, &headers, command, &context, StatusCode::OK, Some(code)).await
}

/// `POST /v1/accounts/{code}/archive`.
#[utoipa::path(post, path = "/v1/accounts/{code}/archive",
    params(("code" = String, Path, description = "Account code"), crate::openapi::IfMatch),
    responses((status = 200, description = "Archived", body = ChartChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, code = %code))]
pub async fn archive(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(code): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let command = ChartCommand::ArchiveAccount { code: code.clone() };
    run(&stores, &tenant, &headers, command, &context, StatusCode::OK, Some(code)).await
}

/// `POST /v1/accounts/{code}/reactivate`.
#[utoipa::path(post, path = "/v1/accounts/{code}/reactivate",
    params(("code" = String, Path, description = "Account code"), crate::openapi::IfMatch),
    responses((status = 200, description = "Reactivated", body = ChartChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, code = %code))]
pub async fn reactivate(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(code): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let command = ChartCommand::ReactivateAccount { code: code.clone() };
    run(&stores, &tenant, &headers, command, &context, StatusCode::OK, Some(code)).await
}

async fn run(
    stores: &Stores,
    tenant: &TenantId,
    headers: &HeaderMap,
    command: ChartCommand,
    context: &RequestContext,
    status: StatusCode,
    code: Option<String>,
) -> Result<Response, Problem> {
    check_if_match(stores, tenant, CHART_ID, headers).await?;
    let committed = execute(stores, tenant, CHART_ID, command, context).await?;
    let accounts_opened = code.is_none().then_some(committed.version);
    let location = code.as_deref().map_or_else(|| "/v1/accounts".to_owned(), |code| format!("/v1/accounts/{code}"));
    tracing::info!(position = committed.position, "chart of accounts changed");
    let body = ChartChanged { code, accounts_opened, version: committed.version, position: committed.position };
    Ok(accepted(status, body, &location, committed))
}
