//! The tenant's custom roles over REST (permission `identity.role.manage`): define a role with
//! its permissions, replace its permissions, retire it. Every route addresses the tenant's one
//! `identity.roles` aggregate, so `If-Match` carries its version. [`TenantRoles`] is how the
//! user aggregate reads the custom roles when a user is given one, and sign-in reads them
//! ([`current`]) to put the user's permissions in the token.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use prism_aggregates::identity::roles::{Roles, RolesCommand, RolesSource, ROLES_ID};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};

use crate::dispatch::{accepted, check_if_match, execute};
use crate::event_store::TenantEventStores;
use crate::request_context::RequestContext;

/// The custom-roles event stores.
pub type Stores = Arc<TenantEventStores<Roles>>;

/// Body of `POST /v1/roles`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DefineRoleRequest {
    /// Name of the new role, not a built-in role's: 1–40 characters of `a`–`z`, `0`–`9`, `_`,
    /// `-`, starting with a letter.
    pub name: String,
    /// What the role is for.
    pub description: String,
    /// Names of the permissions it grants (`finance.journal.post`, …), none twice.
    pub permissions: Vec<String>,
}

/// Body of `POST /v1/roles/{name}/permissions`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolePermissionsRequest {
    /// Names of every permission the role is to grant.
    pub permissions: Vec<String>,
}

/// Answer to an accepted custom-role command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoleChanged {
    /// The role the command addressed.
    pub name: String,
    /// The custom roles' version after the command (send as `If-Match` to change them safely).
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// `POST /v1/roles`: 201 with the new role.
#[utoipa::path(post, path = "/v1/roles", params(crate::openapi::IfMatch), request_body = DefineRoleRequest,
    responses((status = 201, description = "Defined", body = RoleChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn define(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<DefineRoleRequest>,
) -> Result<Response, Problem> {
    let DefineRoleRequest { name, description, permissions } = request;
    let command = RolesCommand::DefineRole { name: name.clone(), description, permissions };
    run(&stores, &tenant, name, &headers, command, &context, StatusCode::CREATED).await
}

/// `POST /v1/roles/{name}/permissions`: the role's permissions replaced; users holding it get
/// them at their next sign-in or refresh.
#[utoipa::path(post, path = "/v1/roles/{name}/permissions",
    params(("name" = String, Path, description = "The custom role"), crate::openapi::IfMatch),
    request_body = RolePermissionsRequest,
    responses((status = 200, description = "Changed", body = RoleChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, role = %name))]
pub async fn change_permissions(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(name): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<RolePermissionsRequest>,
) -> Result<Response, Problem> {
    let command = RolesCommand::ChangeRolePermissions { name: name.clone(), permissions: request.permissions };
    run(&stores, &tenant, name, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/roles/{name}/retire`: the role grants nothing from the holders' next sign-in or
/// refresh, and may no longer be given to users.
#[utoipa::path(post, path = "/v1/roles/{name}/retire",
    params(("name" = String, Path, description = "The custom role"), crate::openapi::IfMatch),
    responses((status = 200, description = "Retired", body = RoleChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, role = %name))]
pub async fn retire(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(name): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let command = RolesCommand::RetireRole { name: name.clone() };
    run(&stores, &tenant, name, &headers, command, &context, StatusCode::OK).await
}

/// `tenant`'s custom roles as their events stand now.
///
/// # Errors
/// 500 when the event store cannot be read.
pub async fn current(stores: &TenantEventStores<Roles>, tenant: &TenantId) -> Result<Roles, Problem> {
    stores.load(tenant, ROLES_ID).await.map_err(|e| Problem::internal(&e))
}

/// One tenant's custom roles, read from its event store: the user aggregate's service.
pub struct TenantRoles {
    tenant: TenantId,
    stores: Stores,
}

impl TenantRoles {
    /// The custom roles of `tenant`, read through `stores`.
    #[must_use]
    pub fn new(tenant: TenantId, stores: Stores) -> Self {
        Self { tenant, stores }
    }
}

#[async_trait::async_trait]
impl RolesSource for TenantRoles {
    async fn roles(&self) -> Result<Arc<Roles>, String> {
        self.stores.load(&self.tenant, ROLES_ID).await.map(Arc::new).map_err(|e| e.to_string())
    }
}

async fn run(
    stores: &Stores,
    tenant: &TenantId,
    name: String,
    headers: &HeaderMap,
    command: RolesCommand,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem> {
    check_if_match(stores, tenant, ROLES_ID, headers).await?;
    let committed = execute(stores, tenant, ROLES_ID, command, context).await?;
    tracing::info!(position = committed.position, "custom roles changed");
    let body = RoleChanged { name, version: committed.version, position: committed.position };
    Ok(accepted(status, body, "/v1/roles", committed))
}
