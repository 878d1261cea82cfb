//! `GET /v1/notifications`: the signed-in user's in-app notifications, newest first — those
//! addressed to a permission their roles grant (an approval waiting for anyone who may approve
//! it), each with when they read it (`POST /v1/notifications/{id}/read` on the command API). The
//! notification process manager writes them to the tenant's `in_app_notifications` (migration
//! `0026_notifications`) as their events arrive.

use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::request::Parts;
use axum::Json;
use chrono::{DateTime, Utc};
use prism_aggregates::tenant::TenantId;
use prism_platform::auth::{caller_of, forbidden, Caller};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

use crate::error::absent_if_unprovisioned;
use crate::params::{self, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::{KnownTenant, KnownTenants};

/// Most notifications one list answers.
const MAX_LIMIT: u32 = 500;
/// Notifications a list answers unless `limit` says otherwise.
const DEFAULT_LIMIT: u32 = 50;

/// Query parameters of the list; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NotificationParams {
    /// `true`: only those not read yet.
    pub unread: Option<String>,
    /// At most this many, 1–500 (50 when absent).
    pub limit: Option<String>,
}

/// One in-app notification.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct NotificationView {
    /// The notification.
    pub notification_id: Uuid,
    /// The event it tells of, e.g. `LeaveRequested`.
    pub event_type: String,
    /// Its title.
    pub subject: String,
    /// Its text.
    pub body: String,
    /// The permission it is addressed to.
    pub recipient_permission: String,
    /// When its event happened.
    pub created_at: DateTime<Utc>,
    /// When the caller read it; `null` while unread.
    pub read_at: Option<DateTime<Utc>>,
}

/// The caller's notifications.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationsView {
    /// Newest first.
    pub items: Vec<NotificationView>,
}

/// The signed-in user reading their notifications: their tenant, id and permissions.
pub struct Reader {
    tenant: TenantId,
    user_id: String,
    permissions: Vec<&'static str>,
}

impl<S> FromRequestParts<S> for Reader
where
    S: Send + Sync,
    KnownTenants: FromRef<S>,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let identity = match caller_of(&parts.extensions)? {
            Caller::User(identity) => identity.clone(),
            Caller::Operator => {
                return Err(forbidden("the operator key names no user; use the user's own access token"))
            }
        };
        let KnownTenant(tenant) = KnownTenant::from_request_parts(parts, state).await?;
        Ok(Self { tenant, permissions: identity.permission_names(), user_id: identity.user_id })
    }
}

/// `GET /v1/notifications`.
#[utoipa::path(get, path = "/v1/notifications", params(NotificationParams),
    responses((status = 200, description = "The caller's in-app notifications, newest first", body = NotificationsView)))]
#[tracing::instrument(skip_all, fields(tenant = %reader.tenant))]
pub async fn list(
    State(state): State<AppState>,
    reader: Reader,
    QueryParams(query): QueryParams<NotificationParams>,
) -> Result<Json<NotificationsView>, Problem> {
    let unread = params::flag("unread", query.unread.as_deref())?;
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    let sql = format!(
        "SELECT n.notification_id, n.event_type, n.subject, n.body, n.recipient_permission, n.created_at, r.read_at
           FROM {} n LEFT JOIN {} r ON r.notification_id = n.notification_id AND r.user_id = $1
          WHERE n.recipient_permission = ANY($2) AND (NOT $3 OR r.read_at IS NULL)
          ORDER BY n.created_at DESC, n.notification_id LIMIT $4",
        tenant_table(&reader.tenant, "in_app_notifications"),
        tenant_table(&reader.tenant, "in_app_notification_reads")
    );
    let rows = sqlx::query_as::<_, NotificationView>(&sql)
        .bind(&reader.user_id)
        .bind(&reader.permissions)
        .bind(unread)
        .bind(i64::from(limit))
        .fetch_all(&state.stores.postgres)
        .await;
    Ok(Json(NotificationsView { items: absent_if_unprovisioned(rows, Vec::new())? }))
}
