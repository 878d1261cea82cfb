//! Notifications over REST. `POST /v1/notification-templates/{event_type}/{channel}` sets the
//! tenant's own subject and body of a notice (checked: only the fields its event type offers,
//! on the channel it notifies by; 422 naming the field), which the notification process uses
//! from its next notice on. `POST /v1/notifications/{id}/read` marks an in-app notification
//! read for the signed-in user, who must hold the permission it is addressed to (else 404, as
//! for one that does not exist). Neither is an event: templates are the tenant's settings of
//! the notification process, and read state is each user's own view of the notices.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use prism_aggregates::nexus::notification_templates::{check, Template};
use prism_aggregates::tenant::TenantId;
use prism_platform::auth::{caller_of, forbidden, Caller};
use prism_platform::db::quote_ident;
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use prism_platform::tenancy::{schema_of, TenantProvisioner};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use crate::dispatch::path_uuid;

/// Body of `POST /v1/notification-templates/{event_type}/{channel}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateRequest {
    /// The subject (an email's subject, an in-app notice's title); 1–200 characters, `{{field}}`
    /// placeholders of the event type's fields.
    pub subject: String,
    /// The text; 1–10,000 characters, the same placeholders.
    pub body: String,
}

/// Answer to a template set.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TemplateSet {
    /// The event type.
    pub event_type: String,
    /// The channel.
    pub channel: String,
    /// The subject now used.
    pub subject: String,
    /// The body now used.
    pub body: String,
}

/// Answer to a notification marked read.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationRead {
    /// The notification.
    pub notification_id: Uuid,
    /// When the caller first read it.
    pub read_at: DateTime<Utc>,
}

/// `table` in `tenant`'s schema, which the first use of a tenant provisioned before it brings
/// up to date.
pub(crate) async fn tenant_table(
    provisioner: &TenantProvisioner,
    tenant: &TenantId,
    table: &str,
) -> Result<String, Problem> {
    provisioner.ensure(tenant).await.map_err(|error| Problem::from_failure(&error))?;
    Ok(format!("{}.{table}", quote_ident(&schema_of(tenant))))
}

/// `POST /v1/notification-templates/{event_type}/{channel}` with a [`TemplateRequest`]: 200.
#[utoipa::path(post, path = "/v1/notification-templates/{event_type}/{channel}",
    params(("event_type" = String, Path, description = "A notifying event type, e.g. `UserCreated`"),
        ("channel" = String, Path, description = "The channel it notifies by: `email` or `in_app`")),
    request_body = TemplateRequest,
    responses((status = 200, description = "The tenant's template of the notice", body = TemplateSet)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, event_type = %event_type))]
pub async fn set_template(
    State(pool): State<PgPool>,
    State(provisioner): State<Arc<TenantProvisioner>>,
    Tenant(tenant): Tenant,
    Path((event_type, channel)): Path<(String, String)>,
    JsonBody(request): JsonBody<TemplateRequest>,
) -> Result<Response, Problem> {
    let template = Template { subject: request.subject, body: request.body };
    check(&event_type, &channel, &template)
        .map_err(|refusal| Problem::unprocessable("invalid_template", refusal.field, refusal.detail))?;
    let table = tenant_table(&provisioner, &tenant, "notification_templates").await?;
    sqlx::query(&format!(
        "INSERT INTO {table} (event_type, channel, subject, body, updated_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (event_type, channel) DO UPDATE SET subject = $3, body = $4, updated_at = now()"
    ))
    .bind(&event_type)
    .bind(&channel)
    .bind(&template.subject)
    .bind(&template.body)
    .execute(&pool)
    .await
    .map_err(|error| Problem::from_failure(&error))?;
    let answer = TemplateSet { event_type, channel, subject: template.subject, body: template.body };
    Ok((StatusCode::OK, Json(answer)).into_response())
}

/// The signed-in user of a request: their tenant, id and permissions.
pub struct SignedInUser {
    tenant: TenantId,
    user_id: String,
    permissions: Vec<&'static str>,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedInUser {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match caller_of(&parts.extensions)? {
            Caller::User(identity) => Ok(Self {
                tenant: identity.tenant.clone(),
                user_id: identity.user_id.clone(),
                permissions: identity.permission_names(),
            }),
            Caller::Operator => Err(forbidden("the operator key names no user; use the user's own access token")),
        }
    }
}

/// `POST /v1/notifications/{id}/read`: 200 with when the caller first read it; 404 for a
/// notification not addressed to them.
#[utoipa::path(post, path = "/v1/notifications/{id}/read",
    params(("id" = Uuid, Path, description = "The in-app notification")),
    responses((status = 200, description = "Read", body = NotificationRead), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(notification_id = %id))]
pub async fn mark_read(
    State(pool): State<PgPool>,
    State(provisioner): State<Arc<TenantProvisioner>>,
    user: SignedInUser,
    Path(id): Path<String>,
) -> Result<Json<NotificationRead>, Problem> {
    let notification_id = path_uuid("notification", &id)?;
    let notices = tenant_table(&provisioner, &user.tenant, "in_app_notifications").await?;
    let reads = tenant_table(&provisioner, &user.tenant, "in_app_notification_reads").await?;
    let read_at: Option<DateTime<Utc>> = sqlx::query_scalar(&format!(
        "WITH addressed AS (SELECT notification_id FROM {notices}
                             WHERE notification_id = $1 AND recipient_permission = ANY($3)),
              marked AS (INSERT INTO {reads} (notification_id, user_id, read_at)
                         SELECT notification_id, $2, now() FROM addressed ON CONFLICT DO NOTHING RETURNING read_at)
         SELECT read_at FROM marked
          UNION ALL SELECT r.read_at FROM {reads} r JOIN addressed a USING (notification_id) WHERE r.user_id = $2
          LIMIT 1"
    ))
    .bind(notification_id)
    .bind(&user.user_id)
    .bind(&user.permissions)
    .fetch_optional(&pool)
    .await
    .map_err(|error| Problem::from_failure(&error))?;
    let read_at = read_at.ok_or_else(|| Problem::not_found(format!("no notification {notification_id} for you")))?;
    Ok(Json(NotificationRead { notification_id, read_at }))
}
