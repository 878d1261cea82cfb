//! `GET /v1/users`, `GET /v1/users/{id}` and `GET /v1/organization-units`: the tenant's users
//! and its organisation chart from `users` and `organization_units` (the `postgres`
//! projector's read model). Any user of the tenant may read them; no credential is in them.
//!
//! The user list is filtered by `status` (`active`, `deactivated`) and `organization_unit`
//! (a unit id), ordered by email then id, and paginated by keyset: `next_cursor` is the id of
//! the last user on the page (a cursor naming no user of the tenant gives an empty page). The
//! organisation units are a flat list, optionally of one `status` (`open`, `closed`), parents
//! before their children: companies, then departments, then teams, each by unit id (byte
//! order) — a client builds the tree in one pass. Not paginated: the chart is bounded
//! (`MAX_UNITS`). JSON only.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::consistency::MinPosition;
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::params::{self, InputError, QueryParams};
use crate::state::{AppState, DEFAULT_PAGE_SIZE};
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// The statuses a user can be in.
pub const USER_STATUSES: &[&str] = &["active", "deactivated"];

/// The statuses an organisation unit can be in.
pub const UNIT_STATUSES: &[&str] = &["open", "closed"];

/// The columns of a [`UserView`].
const USER_COLUMNS: &str =
    "user_id, email, name, organization_unit, roles, status, created_at, updated_at, last_position";

/// One user; read from the `users` columns of the same names.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct UserView {
    /// The user id.
    pub user_id: Uuid,
    /// The address the user signs in with, lower-cased.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Id of the organisation unit the user belongs to; `null` when none.
    pub organization_unit: Option<String>,
    /// Names of the roles the user holds (also while deactivated), in catalogue order.
    pub roles: Vec<String>,
    /// `active` or `deactivated`.
    pub status: String,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
    /// When the user last changed (roles, status); its creation until then.
    pub updated_at: DateTime<Utc>,
    /// Global position of the last event applied.
    pub last_position: i64,
}

/// A page of the user list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserPage {
    /// Users by email, then id.
    pub items: Vec<UserView>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Query parameters of `GET /v1/users`; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UserListParams {
    /// Only users of this status: `active` or `deactivated`.
    pub status: Option<String>,
    /// Only users of this organisation unit (its id; not the units under it).
    pub organization_unit: Option<String>,
    /// Page size, 1 to the configured maximum; 50 when absent.
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Which users a page holds.
struct UserFilter {
    status: Option<&'static str>,
    organization_unit: Option<String>,
    /// Only users after this one in `(email, user_id)` order.
    after: Option<Uuid>,
    limit: u32,
}

/// One organisation unit; read from the `organization_units` columns of the same names.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct UnitView {
    /// The unit id (what a user's `organization_unit` names).
    pub unit_id: String,
    /// Display name.
    pub name: String,
    /// `company`, `department` or `team`.
    pub kind: String,
    /// The unit it sits under: a company for a department, a department for a team; `null`
    /// for a company.
    pub parent: Option<String>,
    /// `open` or `closed`.
    pub status: String,
}

/// The organisation units.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitsView {
    /// Companies, then departments, then teams, each by unit id: every parent before its
    /// children.
    pub items: Vec<UnitView>,
}

/// Query parameters of `GET /v1/organization-units`; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UnitParams {
    /// Only units of this status: `open` or `closed`.
    pub status: Option<String>,
}

/// `GET /v1/users?status=&organization_unit=&limit=&cursor=`: one page of users.
#[utoipa::path(get, path = "/v1/users", params(UserListParams),
    responses((status = 200, description = "One page of users by email, then id", body = UserPage)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list_users(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    QueryParams(query): QueryParams<UserListParams>,
) -> Result<Json<UserPage>, Problem> {
    let filter = user_filter(query, state.limits.page_size_max)?;
    state.await_postgres(&tenant, token).await?;
    let mut items = read_users(&state.stores.postgres, &tenant, &filter).await?;
    let limit = usize::try_from(filter.limit).unwrap_or(usize::MAX);
    let has_more = items.len() > limit;
    items.truncate(limit);
    let next_cursor = has_more.then(|| items.last()).flatten().map(|last| last.user_id.to_string());
    Ok(Json(UserPage { items, next_cursor }))
}

/// `GET /v1/users/{id}`: 404 when there is no such user.
#[utoipa::path(get, path = "/v1/users/{id}", params(("id" = Uuid, Path, description = "The user")),
    responses((status = 200, description = "The user", body = UserView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, user_id = %id))]
pub async fn get_user(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<UserView>, Problem> {
    let user_id = params::path_uuid("user", &id)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!("SELECT {USER_COLUMNS} FROM {} WHERE user_id = $1", tenant_table(&tenant, "users"));
    let row = sqlx::query_as::<_, UserView>(&sql).bind(user_id).fetch_optional(&state.stores.postgres).await;
    let user = absent_if_unprovisioned(row, None)?.ok_or_else(|| params::no_such("user", &id))?;
    Ok(Json(user))
}

/// `GET /v1/organization-units?status=`: the organisation chart, parents first.
#[utoipa::path(get, path = "/v1/organization-units", params(UnitParams),
    responses((status = 200, description = "Companies, then departments, then teams, each by unit id", body = UnitsView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list_units(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    QueryParams(query): QueryParams<UnitParams>,
) -> Result<Json<UnitsView>, Problem> {
    let status = params::one_of("status", query.status.as_deref(), UNIT_STATUSES)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "SELECT unit_id, name, kind, parent, status FROM {} WHERE ($1::text IS NULL OR status = $1)
          ORDER BY array_position(ARRAY['company', 'department', 'team'], kind), unit_id COLLATE \"C\"",
        tenant_table(&tenant, "organization_units")
    );
    let rows = sqlx::query_as::<_, UnitView>(&sql).bind(status).fetch_all(&state.stores.postgres).await;
    let items = absent_if_unprovisioned(rows, Vec::new())?;
    Ok(Json(UnitsView { items }))
}

fn user_filter(query: UserListParams, page_size_max: u32) -> Result<UserFilter, InputError> {
    let after = query
        .cursor
        .as_deref()
        .map(|cursor| {
            Uuid::parse_str(cursor).map_err(|_| params::invalid("cursor", "cursor is not one this API handed out"))
        })
        .transpose()?;
    Ok(UserFilter {
        status: params::one_of("status", query.status.as_deref(), USER_STATUSES)?,
        organization_unit: query.organization_unit,
        after,
        limit: params::limit(query.limit.as_deref(), DEFAULT_PAGE_SIZE, page_size_max)?,
    })
}

/// The users `filter` selects, one more than its limit when more follow.
async fn read_users(pool: &PgPool, tenant: &TenantId, filter: &UserFilter) -> Result<Vec<UserView>, ReadError> {
    let users = tenant_table(tenant, "users");
    let mut query = QueryBuilder::<Postgres>::new(format!("SELECT {USER_COLUMNS} FROM {users} WHERE true"));
    if let Some(status) = filter.status {
        query.push(" AND status = ").push_bind(status);
    }
    if let Some(unit) = &filter.organization_unit {
        query.push(" AND organization_unit = ").push_bind(unit.clone());
    }
    if let Some(after) = filter.after {
        query.push(format!(" AND (email, user_id) > (SELECT email, user_id FROM {users} WHERE user_id = "));
        query.push_bind(after).push(")");
    }
    query.push(" ORDER BY email, user_id LIMIT ").push_bind(i64::from(filter.limit) + 1);
    let rows = query.build_query_as::<UserView>().fetch_all(pool).await;
    absent_if_unprovisioned(rows, Vec::new())
}
