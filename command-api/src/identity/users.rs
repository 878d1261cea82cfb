//! Users over REST (permission `identity.user.manage`): create a user with a password, change
//! its roles, deactivate and reactivate it. Each user is an `identity.user` aggregate; the
//! password's Argon2id hash goes to `user_credentials`, never into an event. A new user's
//! organisation unit must be an open unit of the tenant's organisation chart
//! ([`super::organization`]); its roles are checked by the aggregate itself, which reads the
//! tenant's custom roles ([`super::roles::TenantRoles`]) when a role is not built-in.
//! `If-Match` carries the user's version.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use prism_aggregates::identity::email::Email;
use prism_aggregates::identity::user::{User, UserCommand};
use prism_aggregates::tenant::TenantId;
use prism_platform::auth::forbidden;
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::credentials::{self, StoreError};
use super::{organization, passwords};
use crate::dispatch::{accepted, check_if_match, execute, path_uuid};
use crate::event_store::{Committed, TenantEventStores};
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// The user event stores.
pub type Stores = Arc<TenantEventStores<User>>;

/// Body of `POST /v1/users`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// Id of the new user; generated when absent.
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// The address the user signs in with, unique in the tenant.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Id of the open unit of the organisation chart (company, department or team) the user
    /// belongs to, if any; any other is 422 `unknown-organization-unit`.
    #[serde(default)]
    pub organization_unit: Option<String>,
    /// Role names: the built-in `admin`, `accountant`, `warehouse`, `sales`, `purchasing`,
    /// `approver`, `auditor`, or custom roles of the tenant that are not retired
    /// (`GET /v1/roles`); any other is 422 `unknown-role` naming `roles[i]`.
    pub roles: Vec<String>,
    /// The password, 12 to 128 characters.
    pub password: String,
}

/// Body of `POST /v1/users/{id}/roles`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesRequest {
    /// The role names the user is to hold.
    pub roles: Vec<String>,
}

/// Body of `POST /v1/users/{id}/deactivate`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeactivateRequest {
    /// Why.
    pub reason: String,
}

/// Answer to an accepted user command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserChanged {
    /// The user.
    pub user_id: Uuid,
    /// The user's version after the command.
    pub version: i64,
    /// Global position of its last event.
    pub position: i64,
}

/// A user to create, its own inputs checked: the password's length and the email's form.
/// Checked before anything is written, so that a caller with more to do first (provisioning a
/// tenant for its admin) can refuse bad inputs before doing it.
pub struct NewUser {
    request: CreateUserRequest,
    email: Email,
    /// What the request's fields are named under (`admin.` for a tenant's first admin).
    field_prefix: &'static str,
}

impl NewUser {
    /// `request` checked, its fields named under `field_prefix` in refusals.
    ///
    /// # Errors
    /// 422 `weak-password` or `invalid-email` naming the field.
    pub fn checked(request: CreateUserRequest, field_prefix: &'static str) -> Result<Self, Problem> {
        passwords::check(&request.password, &format!("{field_prefix}password"))?;
        let email = Email::parse(&request.email)
            .map_err(|e| Problem::unprocessable("invalid-email", &format!("{field_prefix}email"), e.to_string()))?;
        Ok(Self { request, email, field_prefix })
    }
}

/// Creates `user` with its credential: the password hashed, the credential stored, then the
/// `identity.user` aggregate created — and the credential removed again when the aggregate
/// refuses. The user's id and the command's outcome.
///
/// # Errors
/// 409 `email-taken`, the aggregate's refusal (its field named under the user's prefix).
pub async fn create_user(
    pool: &PgPool,
    stores: &TenantEventStores<User>,
    tenant: &TenantId,
    user: NewUser,
    context: &RequestContext,
) -> Result<(Uuid, Committed), Problem> {
    let NewUser { request, email, field_prefix } = user;
    let new_id = NewAggregateId::named_or_minted(request.user_id);
    let user_id = new_id.uuid();
    let password = request.password;
    let hash =
        tokio::task::spawn_blocking(move || passwords::hash(&password)).await.map_err(|e| Problem::internal(&e))??;
    match credentials::insert(pool, tenant, user_id, email.as_str(), &hash).await {
        Ok(()) => {}
        Err(StoreError::EmailTaken) => {
            return Err(Problem::new(StatusCode::CONFLICT, "email-taken", "Email taken")
                .with_detail(format!("another user of the tenant signs in with {}", email.as_str()))
                .with_field(format!("{field_prefix}email")))
        }
        Err(StoreError::Database(e)) => return Err(Problem::internal(&e)),
    }
    let command = UserCommand::Create {
        user_id,
        email: email.as_str().to_owned(),
        name: request.name,
        organization_unit: request.organization_unit,
        roles: request.roles,
    };
    match new_id.run(execute(stores, tenant, &user_id.to_string(), command, context)).await {
        Ok(committed) => Ok((user_id, committed)),
        Err(problem) => {
            credentials::remove(pool, tenant, user_id).await.map_err(|e| Problem::internal(&e))?;
            Err(problem.prefixing_field(field_prefix))
        }
    }
}

/// `POST /v1/users`: 201 with the new user's id; its `organization_unit`, if any, checked
/// against the organisation chart before anything is written.
#[utoipa::path(post, path = "/v1/users", request_body = CreateUserRequest,
    responses((status = 201, description = "Created", body = UserChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn create(
    State(stores): State<Stores>,
    State(units): State<organization::Stores>,
    State(pool): State<PgPool>,
    Tenant(tenant): Tenant,
    context: RequestContext,
    JsonBody(request): JsonBody<CreateUserRequest>,
) -> Result<Response, Problem> {
    let unit = request.organization_unit.clone();
    let user = NewUser::checked(request, "")?;
    if let Some(unit) = &unit {
        organization::check_open_unit(&units, &tenant, unit).await?;
    }
    let (user_id, committed) = create_user(&pool, &stores, &tenant, user, &context).await?;
    Ok(answer(StatusCode::CREATED, user_id, committed))
}

/// `POST /v1/users/{id}/roles`: the user's roles replaced.
#[utoipa::path(post, path = "/v1/users/{id}/roles",
    params(("id" = Uuid, Path, description = "The user"), crate::openapi::IfMatch), request_body = RolesRequest,
    responses((status = 200, description = "Changed", body = UserChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, user = %id))]
pub async fn change_roles(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<RolesRequest>,
) -> Result<Response, Problem> {
    run(
        &stores,
        &tenant,
        path_uuid("user", &id)?,
        &headers,
        UserCommand::ChangeRoles { roles: request.roles },
        &context,
    )
    .await
}

/// `POST /v1/users/{id}/deactivate`: the user can no longer sign in; not oneself.
#[utoipa::path(post, path = "/v1/users/{id}/deactivate",
    params(("id" = Uuid, Path, description = "The user"), crate::openapi::IfMatch), request_body = DeactivateRequest,
    responses((status = 200, description = "Deactivated", body = UserChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, user = %id))]
pub async fn deactivate(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<DeactivateRequest>,
) -> Result<Response, Problem> {
    let id = path_uuid("user", &id)?;
    if context.user_id.as_deref() == Some(id.to_string().as_str()) {
        return Err(forbidden("a user cannot deactivate themselves"));
    }
    run(&stores, &tenant, id, &headers, UserCommand::Deactivate { reason: request.reason }, &context).await
}

/// `POST /v1/users/{id}/reactivate`: the user may sign in again.
#[utoipa::path(post, path = "/v1/users/{id}/reactivate",
    params(("id" = Uuid, Path, description = "The user"), crate::openapi::IfMatch),
    responses((status = 200, description = "Reactivated", body = UserChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, user = %id))]
pub async fn reactivate(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    run(&stores, &tenant, path_uuid("user", &id)?, &headers, UserCommand::Reactivate, &context).await
}

async fn run(
    stores: &TenantEventStores<User>,
    tenant: &TenantId,
    id: Uuid,
    headers: &HeaderMap,
    command: UserCommand,
    context: &RequestContext,
) -> Result<Response, Problem> {
    let aggregate_id = id.to_string();
    check_if_match(stores, tenant, &aggregate_id, headers).await?;
    let committed = execute(stores, tenant, &aggregate_id, command, context).await?;
    Ok(answer(StatusCode::OK, id, committed))
}

/// The answer to an accepted command on user `user_id`.
fn answer(status: StatusCode, user_id: Uuid, committed: Committed) -> Response {
    let body = UserChanged { user_id, version: committed.version, position: committed.position };
    accepted(status, body, &format!("/v1/users/{user_id}"), committed)
}
