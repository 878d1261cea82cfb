//! `GET /v1/roles`: the roles a tenant's users may hold — the built-in ones, listed from code
//! with their permissions, then the tenant's custom roles from `roles` (the `postgres`
//! projector's read model), retired ones included with their status. Any user of the tenant
//! may read them. Not paginated: a tenant has at most `MAX_CUSTOM_ROLES` custom roles. JSON
//! only.

use axum::extract::State;
use axum::Json;
use prism_aggregates::identity::permissions::Role;
use prism_platform::problem::Problem;
use serde::Serialize;
use sqlx::FromRow;

use crate::consistency::MinPosition;
use crate::error::absent_if_unprovisioned;
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// One role a user may hold.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct RoleView {
    /// The role's name, as users' `roles` list it.
    pub name: String,
    /// What the role is for.
    pub description: String,
    /// Names of the permissions it grants, in catalogue order (a retired role grants none of
    /// them any more).
    pub permissions: Vec<String>,
    /// Whether it is built into Prism (the same in every tenant, unchangeable) rather than
    /// defined by the tenant.
    pub builtin: bool,
    /// `active`, or `retired` for a custom role that no longer grants anything.
    pub status: String,
}

/// The roles of the tenant.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RolesView {
    /// The built-in roles in catalogue order, then the custom ones by name.
    pub items: Vec<RoleView>,
}

/// `GET /v1/roles`: the built-in roles and the tenant's custom ones.
#[utoipa::path(get, path = "/v1/roles",
    responses((status = 200, description = "The built-in roles, then the custom ones by name", body = RolesView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list_roles(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
) -> Result<Json<RolesView>, Problem> {
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "SELECT name, description, permissions, false AS builtin, status FROM {} ORDER BY name COLLATE \"C\"",
        tenant_table(&tenant, "roles")
    );
    let rows = sqlx::query_as::<_, RoleView>(&sql).fetch_all(&state.stores.postgres).await;
    let custom = absent_if_unprovisioned(rows, Vec::new())?;
    let items = Role::ALL.into_iter().map(builtin).chain(custom).collect();
    Ok(Json(RolesView { items }))
}

/// The view of built-in `role`.
fn builtin(role: Role) -> RoleView {
    RoleView {
        name: role.as_str().to_owned(),
        description: role.description().to_owned(),
        permissions: role.permissions().iter().map(|permission| permission.as_str().to_owned()).collect(),
        builtin: true,
        status: "active".to_owned(),
    }
}
