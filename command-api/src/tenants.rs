//! `POST /v1/tenants`: provisions a tenant (schema, migrations) ahead of its first command.
//! Tenants are also provisioned on first use, so this call is optional and idempotent.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use prism_aggregates::tenant::TenantId;
use prism_platform::http::JsonBody;
use prism_platform::problem::Problem;
use prism_platform::tenancy::{self, schema_of, TenantProvisioner};
use serde::{Deserialize, Serialize};

/// Body of `POST /v1/tenants`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvisionTenantRequest {
    /// Tenant slug: lowercase letters, digits and `_`, starting with a letter.
    pub tenant: String,
    /// Human-readable name; defaults to the slug.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// Answer to a provisioning call.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TenantProvisioned {
    /// The tenant slug.
    pub tenant: String,
    /// Its Postgres schema.
    pub schema: String,
}

/// `POST /v1/tenants`: 201 when created, 200 when it already existed.
#[utoipa::path(post, path = "/v1/tenants", request_body = ProvisionTenantRequest,
    responses((status = 201, description = "Provisioned", body = TenantProvisioned), (status = 200, description = "Already provisioned", body = TenantProvisioned)))]
pub async fn provision(
    State(provisioner): State<Arc<TenantProvisioner>>,
    State(pool): State<sqlx::PgPool>,
    JsonBody(request): JsonBody<ProvisionTenantRequest>,
) -> Result<(StatusCode, Json<TenantProvisioned>), Problem> {
    let tenant = TenantId::parse(&request.tenant)
        .map_err(|e| Problem::unprocessable("invalid_tenant", "tenant", e.to_string()))?;
    let existed = tenancy::exists(&pool, &tenant).await.map_err(|e| Problem::internal(&e))?;
    let display_name = request.display_name.unwrap_or_else(|| tenant.as_str().to_owned());
    provisioner.provision(&tenant, &display_name).await.map_err(|e| Problem::internal(&e))?;
    let status = if existed { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(TenantProvisioned { schema: schema_of(&tenant), tenant: tenant.as_str().to_owned() })))
}
