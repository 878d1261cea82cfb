//! `POST /v1/tenants/{tenant}/suspend` and `/reactivate` (the platform operator only): the
//! tenant's `platform.tenant` aggregate records the change, then the registry row
//! (`shared.tenant_metadata.status`) that every command checks is set from the aggregate's
//! state — also when the aggregate refused the command, so a call repeated after the second
//! write failed (409: already in that state) still brings the registry in line.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use prism_aggregates::platform::tenant_account::TenantAccountCommand;
use prism_aggregates::tenant::TenantId;
use prism_platform::http::JsonBody;
use prism_platform::problem::Problem;
use prism_platform::tenancy::{self, TenantStatus};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::Stores;
use crate::dispatch::{accepted, check_if_match, execute};
use crate::request_context::RequestContext;

/// Body of `POST /v1/tenants/{tenant}/suspend`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspendRequest {
    /// Why; shown to nobody but recorded in the tenant's history.
    pub reason: String,
}

/// Answer to an accepted tenant command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TenantChanged {
    /// The tenant slug.
    pub tenant: String,
    /// `active` or `suspended`.
    pub status: &'static str,
    /// The tenant account's version after the command.
    pub version: i64,
    /// Global position of its event.
    pub position: i64,
}

/// `POST /v1/tenants/{tenant}/suspend`: the tenant's commands are refused with 403
/// `tenant-suspended` (within a second, on every instance) until it is reactivated.
#[utoipa::path(post, path = "/v1/tenants/{tenant}/suspend",
    params(("tenant" = String, Path, description = "The tenant slug"), crate::openapi::IfMatch),
    request_body = SuspendRequest,
    responses((status = 200, description = "Suspended", body = TenantChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn suspend(
    State(stores): State<Stores>,
    State(pool): State<PgPool>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<SuspendRequest>,
) -> Result<Response, Problem> {
    let command = TenantAccountCommand::Suspend { reason: request.reason };
    change(&stores, &pool, &tenant, &headers, command, &context).await
}

/// `POST /v1/tenants/{tenant}/reactivate`: a suspended tenant's commands are accepted again.
#[utoipa::path(post, path = "/v1/tenants/{tenant}/reactivate",
    params(("tenant" = String, Path, description = "The tenant slug"), crate::openapi::IfMatch),
    responses((status = 200, description = "Reactivated", body = TenantChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn reactivate(
    State(stores): State<Stores>,
    State(pool): State<PgPool>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    change(&stores, &pool, &tenant, &headers, TenantAccountCommand::Reactivate, &context).await
}

/// The tenant named in the path, which must be registered.
///
/// # Errors
/// 404 for a malformed or unknown slug.
pub async fn registered(pool: &PgPool, slug: &str) -> Result<TenantId, Problem> {
    let unknown = || Problem::not_found(format!("no tenant {slug}")).with_field("tenant");
    let tenant = TenantId::parse(slug).map_err(|_| unknown())?;
    if tenancy::exists(pool, &tenant).await.map_err(|e| Problem::internal(&e))? {
        Ok(tenant)
    } else {
        Err(unknown())
    }
}

async fn change(
    stores: &Stores,
    pool: &PgPool,
    slug: &str,
    headers: &HeaderMap,
    command: TenantAccountCommand,
    context: &RequestContext,
) -> Result<Response, Problem> {
    let tenant = registered(pool, slug).await?;
    check_if_match(stores, &tenant, tenant.as_str(), headers).await?;
    let outcome = execute(stores, &tenant, tenant.as_str(), command, context).await;
    let account = stores.load(&tenant, tenant.as_str()).await.map_err(|e| Problem::internal(&e))?;
    let status = if account.is_active() { TenantStatus::Active } else { TenantStatus::Suspended };
    if account.display_name().is_some() {
        tenancy::set_status(pool, &tenant, status).await.map_err(|e| Problem::internal(&e))?;
    }
    let committed = outcome?;
    let body = TenantChanged {
        tenant: tenant.as_str().to_owned(),
        status: status.as_str(),
        version: committed.version,
        position: committed.position,
    };
    Ok(accepted(StatusCode::OK, body, &format!("/v1/tenants/{tenant}"), committed))
}
