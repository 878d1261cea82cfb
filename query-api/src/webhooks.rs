//! `GET /v1/webhook-subscriptions`, `/{id}` and `/{id}/deliveries`: the tenant's webhook
//! subscriptions with their delivery state (active or disabled and why, failures in a row, the
//! last success and failure, deliveries waiting and given up), and each subscription's delivery
//! log — every delivery, newest first, with each of its attempts (when, the endpoint's status,
//! why it failed, how long it took). The webhook process manager and the command API write them
//! (migration `0027_webhooks`); the signing secret is never read back. Callers need
//! `nexus.webhook.manage`.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use prism_aggregates::identity::permissions::Permission;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::{Problem, ProblemSchema};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use utoipa::IntoResponses;
use uuid::Uuid;

use crate::error::absent_if_unprovisioned;
use crate::params::{self, QueryParams};
use crate::permitted::{PermittedRead, PermittedReader};
use crate::state::AppState;
use crate::stores::tenant_table;

/// Most deliveries one log page answers.
const MAX_LIMIT: u32 = 500;
/// Deliveries a log page answers unless `limit` says otherwise.
const DEFAULT_LIMIT: u32 = 50;
/// Every delivery status, as accepted by `status`.
const STATUSES: &[&str] = &["pending", "delivered", "failed"];

/// Reading the webhook subscriptions.
#[derive(Debug)]
pub struct Subscriptions;

impl PermittedRead for Subscriptions {
    const PERMISSION: Permission = Permission::WebhookManage;
}

/// 403: the caller may not read the webhook subscriptions.
#[derive(IntoResponses)]
#[response(
    status = 403,
    content_type = "application/problem+json",
    description = "Forbidden (`forbidden`): the caller's roles lack `nexus.webhook.manage` (`admin` holds it), \
                   or the operator key, which names no tenant"
)]
pub struct NeedsWebhookPermission(pub ProblemSchema);

/// A subscription and its delivery state.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct SubscriptionView {
    /// The subscription.
    pub subscription_id: Uuid,
    /// The endpoint.
    pub url: String,
    /// What it is for.
    pub description: String,
    /// The event types it receives (`*`: all).
    pub event_types: Vec<String>,
    /// `active` or `disabled`.
    pub status: String,
    /// Deliveries given up in a row since its last success.
    pub consecutive_failures: i32,
    /// Its last delivery.
    pub last_delivered_at: Option<DateTime<Utc>>,
    /// Its last failed attempt.
    pub last_failed_at: Option<DateTime<Utc>>,
    /// When it was disabled, while it is.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Why, while it is.
    pub disabled_reason: Option<String>,
    /// Deliveries not yet delivered nor given up.
    pub pending_deliveries: i64,
    /// Deliveries given up.
    pub failed_deliveries: i64,
    /// Who created it (a user id, or `operator`).
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The subscriptions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubscriptionsView {
    /// Oldest first.
    pub items: Vec<SubscriptionView>,
}

/// Query parameters of the delivery log; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryParams {
    /// Only deliveries in this state: `pending`, `delivered` or `failed`.
    pub status: Option<String>,
    /// At most this many, 1–500 (50 when absent).
    pub limit: Option<String>,
}

/// One attempt at a delivery.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct AttemptView {
    /// The delivery it was made at (the answer nests it there).
    #[serde(skip)]
    pub delivery_id: Uuid,
    /// 1 for the first.
    pub attempt: i32,
    /// When it was made.
    pub attempted_at: DateTime<Utc>,
    /// The endpoint's HTTP status; `null` when it did not answer.
    pub status_code: Option<i32>,
    /// Why it failed; `null` when it succeeded.
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i32,
}

/// One delivery, with its attempts.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct DeliveryView {
    /// The delivery (the `Prism-Delivery-Id` header).
    pub delivery_id: Uuid,
    /// The event (the `Prism-Event-Id` header).
    pub event_id: Uuid,
    /// Its type.
    pub event_type: String,
    /// Its position in the tenant's event store (re-deliver from one).
    pub global_position: i64,
    /// Whether a re-delivery queued it.
    pub redelivery: bool,
    /// `pending`, `delivered` or `failed` (given up).
    pub status: String,
    /// Attempts made.
    pub attempts: i32,
    /// When it is tried next, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it was delivered or given up.
    pub finished_at: Option<DateTime<Utc>>,
    /// Its attempts, first first.
    #[sqlx(skip)]
    pub attempt_log: Vec<AttemptView>,
}

/// A subscription's delivery log.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveriesView {
    /// Newest first.
    pub items: Vec<DeliveryView>,
}

/// The subscriptions of `tenant` (one, when `id` is given) with their counts.
fn select_subscriptions(tenant: &TenantId, one: bool) -> String {
    format!(
        "SELECT s.subscription_id, s.url, s.description, s.event_types, s.status, s.consecutive_failures,
                s.last_delivered_at, s.last_failed_at, s.disabled_at, s.disabled_reason,
                count(d.delivery_id) FILTER (WHERE d.status = 'pending') AS pending_deliveries,
                count(d.delivery_id) FILTER (WHERE d.status = 'failed') AS failed_deliveries,
                s.created_by, s.created_at
           FROM {} s LEFT JOIN {} d USING (subscription_id)
          WHERE {} GROUP BY s.subscription_id ORDER BY s.created_at, s.subscription_id",
        tenant_table(tenant, "webhook_subscriptions"),
        tenant_table(tenant, "webhook_deliveries"),
        if one { "s.subscription_id = $1" } else { "true" }
    )
}

/// `GET /v1/webhook-subscriptions`.
#[utoipa::path(get, path = "/v1/webhook-subscriptions",
    responses((status = 200, description = "The webhook subscriptions with their delivery state", body = SubscriptionsView),
        NeedsWebhookPermission))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    PermittedReader(tenant, _): PermittedReader<Subscriptions>,
) -> Result<Json<SubscriptionsView>, Problem> {
    let rows = sqlx::query_as(&select_subscriptions(&tenant, false)).fetch_all(&state.stores.postgres).await;
    Ok(Json(SubscriptionsView { items: absent_if_unprovisioned(rows, Vec::new())? }))
}

/// `GET /v1/webhook-subscriptions/{id}`.
#[utoipa::path(get, path = "/v1/webhook-subscriptions/{id}", params(("id" = Uuid, Path, description = "The subscription")),
    responses((status = 200, description = "The subscription with its delivery state", body = SubscriptionView),
        NeedsWebhookPermission))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, subscription_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    PermittedReader(tenant, _): PermittedReader<Subscriptions>,
    Path(id): Path<String>,
) -> Result<Json<SubscriptionView>, Problem> {
    let subscription_id = params::path_uuid("webhook subscription", &id)?;
    let found = sqlx::query_as(&select_subscriptions(&tenant, true))
        .bind(subscription_id)
        .fetch_optional(&state.stores.postgres)
        .await;
    let found = absent_if_unprovisioned(found, None)?;
    Ok(Json(found.ok_or_else(|| params::no_such("webhook subscription", &id))?))
}

/// `GET /v1/webhook-subscriptions/{id}/deliveries`.
#[utoipa::path(get, path = "/v1/webhook-subscriptions/{id}/deliveries",
    params(("id" = Uuid, Path, description = "The subscription"), DeliveryParams),
    responses((status = 200, description = "The subscription's deliveries, newest first, each with its attempts",
        body = DeliveriesView), NeedsWebhookPermission))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, subscription_id = %id))]
pub async fn deliveries(
    State(state): State<AppState>,
    PermittedReader(tenant, _): PermittedReader<Subscriptions>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<DeliveryParams>,
) -> Result<Json<DeliveriesView>, Problem> {
    let subscription_id = params::path_uuid("webhook subscription", &id)?;
    let status = params::one_of("status", query.status.as_deref(), STATUSES)?;
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    let pool = &state.stores.postgres;
    let exists = sqlx::query_scalar::<_, i32>(&format!(
        "SELECT 1 FROM {} WHERE subscription_id = $1",
        tenant_table(&tenant, "webhook_subscriptions")
    ))
    .bind(subscription_id)
    .fetch_optional(pool)
    .await;
    absent_if_unprovisioned(exists, None)?.ok_or_else(|| params::no_such("webhook subscription", &id))?;
    let sql = format!(
        "SELECT delivery_id, event_id, event_type, global_position, redelivery, status, attempts,
                CASE WHEN status = 'pending' THEN next_attempt_at END AS next_attempt_at, created_at, finished_at
           FROM {} WHERE subscription_id = $1 AND ($2::text IS NULL OR status = $2)
          ORDER BY created_at DESC, global_position DESC LIMIT $3",
        tenant_table(&tenant, "webhook_deliveries")
    );
    let mut items: Vec<DeliveryView> = sqlx::query_as(&sql)
        .bind(subscription_id)
        .bind(status)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(|error| Problem::from_failure(&error))?;
    let ids: Vec<Uuid> = items.iter().map(|delivery| delivery.delivery_id).collect();
    let sql = format!(
        "SELECT delivery_id, attempt, attempted_at, status_code, error, duration_ms
           FROM {} WHERE delivery_id = ANY($1) ORDER BY delivery_id, attempt",
        tenant_table(&tenant, "webhook_attempts")
    );
    let attempts: Vec<AttemptView> =
        sqlx::query_as(&sql).bind(&ids).fetch_all(pool).await.map_err(|error| Problem::from_failure(&error))?;
    let mut by_delivery: HashMap<Uuid, Vec<AttemptView>> = HashMap::new();
    for attempt in attempts {
        by_delivery.entry(attempt.delivery_id).or_default().push(attempt);
    }
    for delivery in &mut items {
        delivery.attempt_log = by_delivery.remove(&delivery.delivery_id).unwrap_or_default();
    }
    Ok(Json(DeliveriesView { items }))
}
