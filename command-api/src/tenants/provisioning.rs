//! `POST /v1/tenants` (the platform operator only): provisions a tenant — its schema and
//! migrations, then `TenantProvisioned` recorded as the first event of its own store — creates
//! its first user, with role `admin`, who signs in and creates the others, and loads the
//! default chart of accounts unless asked for an empty one. The built-in roles need no loading:
//! every tenant has them.
//! Provisioning an existing tenant is 409 and changes nothing.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use prism_aggregates::finance::chart::{ChartCommand, CHART_ID};
use prism_aggregates::identity::permissions::Role;
use prism_aggregates::platform::tenant_account::{TenantAccount, TenantAccountCommand};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::JsonBody;
use prism_platform::problem::Problem;
use prism_platform::tenancy::{self, schema_of, TenantProvisioner};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use crate::chart;
use crate::dispatch::execute;
use crate::error::refusal;
use crate::identity::users::{self, create_user, CreateUserRequest, NewUser};
use crate::request_context::RequestContext;

/// Body of `POST /v1/tenants`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvisionTenantRequest {
    /// Tenant slug: lowercase letters, digits and `_`, starting with a letter.
    pub tenant: String,
    /// Human-readable name; defaults to the slug.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The tenant's first user, who gets role `admin`.
    pub admin: FirstAdmin,
    /// The chart of accounts the tenant starts with: `default` (the default chart, as
    /// `POST /v1/chart-of-accounts/default` loads it) or `empty` (the tenant opens its own
    /// accounts). `default` when absent.
    #[serde(default)]
    pub chart_of_accounts: StartingChart,
}

/// The chart of accounts a new tenant starts with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StartingChart {
    /// The default chart.
    #[default]
    Default,
    /// No account.
    Empty,
}

/// The first user of a tenant.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FirstAdmin {
    /// The address the admin signs in with.
    pub email: String,
    /// Display name.
    pub name: String,
    /// The password, 12 to 128 characters.
    pub password: String,
}

/// Answer to a provisioning call.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TenantProvisioned {
    /// The tenant slug.
    pub tenant: String,
    /// Its Postgres schema.
    pub schema: String,
    /// The admin's user id.
    pub admin_user_id: Uuid,
    /// The chart of accounts it started with.
    pub chart_of_accounts: StartingChart,
}

/// `POST /v1/tenants`: 201 once provisioned with its admin; 409 `tenant-exists`.
#[utoipa::path(post, path = "/v1/tenants", request_body = ProvisionTenantRequest,
    responses((status = 201, description = "Provisioned", body = TenantProvisioned)))]
#[tracing::instrument(skip_all, fields(tenant = %request.tenant))]
pub async fn provision(
    State(provisioner): State<Arc<TenantProvisioner>>,
    State(pool): State<PgPool>,
    State(accounts): State<super::Stores>,
    State(users): State<users::Stores>,
    State(charts): State<chart::Stores>,
    context: RequestContext,
    JsonBody(request): JsonBody<ProvisionTenantRequest>,
) -> Result<(StatusCode, Json<TenantProvisioned>), Problem> {
    let tenant = TenantId::parse(&request.tenant)
        .map_err(|e| Problem::unprocessable("invalid-tenant", "tenant", e.to_string()))?;
    // The inputs are checked first — the admin's, then the tenant's — so a refused one
    // provisions nothing.
    let admin = CreateUserRequest {
        user_id: None,
        email: request.admin.email,
        name: request.admin.name,
        organization_unit: None,
        roles: vec![Role::Admin.as_str().to_owned()],
        password: request.admin.password,
    };
    let admin = NewUser::checked(admin, "admin.")?;
    let display_name = request.display_name.unwrap_or_else(|| tenant.as_str().to_owned());
    let provision =
        TenantAccountCommand::Provision { tenant: tenant.as_str().to_owned(), display_name: display_name.clone() };
    TenantAccount::default().decide(provision.clone()).map_err(|refused| refusal(&refused))?;
    if tenancy::exists(&pool, &tenant).await.map_err(|e| Problem::internal(&e))? {
        return Err(Problem::new(StatusCode::CONFLICT, "tenant-exists", "Tenant exists")
            .with_detail(format!("tenant {tenant} is provisioned already"))
            .with_field("tenant"));
    }
    provisioner.provision(&tenant, &display_name).await.map_err(|e| Problem::internal(&e))?;
    execute(&accounts, &tenant, tenant.as_str(), provision, &context).await?;
    let (admin_user_id, _) = create_user(&pool, &users, &tenant, admin, &context).await?;
    if request.chart_of_accounts == StartingChart::Default {
        execute(&charts, &tenant, CHART_ID, ChartCommand::LoadDefaultChart, &context).await?;
    }
    let provisioned = TenantProvisioned {
        schema: schema_of(&tenant),
        tenant: tenant.as_str().to_owned(),
        admin_user_id,
        chart_of_accounts: request.chart_of_accounts,
    };
    Ok((StatusCode::CREATED, Json(provisioned)))
}
