//! Webhook subscriptions over REST (Nexus). `POST /v1/webhook-subscriptions` subscribes an
//! HTTP(S) endpoint to event types (or `*`, all of them) and answers, once, the secret its
//! deliveries are signed with; `/{id}/disable` and `/{id}/enable` stop and resume its deliveries
//! (enabling also clears the failures that disabled it); `/{id}/redeliver` sends again every
//! event it subscribes to from a position of the tenant's event store on. The webhook process
//! manager does the sending. None of it is an event: subscriptions are the tenant's settings of
//! that process, and deliveries its state.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use prism_platform::contract::EVENTS;
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use prism_platform::tenancy::TenantProvisioner;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::notifications::tenant_table;
use crate::dispatch::path_uuid;
use crate::request_context::RequestContext;

/// Longest endpoint URL.
const MAX_URL_CHARS: usize = 2_048;
/// Longest description.
const MAX_DESCRIPTION_CHARS: usize = 500;
/// Most events one re-delivery request sends again.
pub const MAX_REDELIVERY: i64 = 100_000;
/// The event type that stands for every event type.
pub const ALL_EVENT_TYPES: &str = "*";

/// Body of `POST /v1/webhook-subscriptions`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscribeRequest {
    /// The endpoint: an absolute `http` or `https` URL without credentials, at most 2,048
    /// characters.
    pub url: String,
    /// The event types it receives (as in `docs/events.md`), or `["*"]` for all; 1–200, distinct.
    pub event_types: Vec<String>,
    /// What it is for; at most 500 characters.
    #[serde(default)]
    pub description: String,
}

/// Body of `POST /v1/webhook-subscriptions/{id}/redeliver`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeliverRequest {
    /// The first position of the tenant's event store to send again (an event's
    /// `global_position`, as its deliveries and the audit trail show it); 1 or more.
    pub from_position: i64,
    /// At most this many events, 1–100,000 (100,000 when absent); continue from
    /// `through_position + 1` for more.
    pub limit: Option<i64>,
}

/// A subscription as its owner sees it (never its secret, but on creation).
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SubscriptionView {
    /// The subscription.
    pub subscription_id: Uuid,
    /// The endpoint.
    pub url: String,
    /// What it is for.
    pub description: String,
    /// The event types it receives (`*`: all).
    pub event_types: Vec<String>,
    /// `active`, or `disabled` (by hand, or after failing deliveries in a row).
    pub status: String,
    /// Deliveries that failed in a row since its last success.
    pub consecutive_failures: i32,
    /// Why it is disabled, while it is.
    pub disabled_reason: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// Answer to a subscription: the subscription with its signing secret, shown this once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Subscribed {
    /// The subscription.
    #[serde(flatten)]
    pub subscription: SubscriptionView,
    /// The key of each delivery's `Prism-Signature` (HMAC-SHA256); keep it, it is not shown again.
    pub secret: String,
}

/// Answer to a re-delivery.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Redelivery {
    /// Events queued to be sent again.
    pub enqueued: i64,
    /// The first position asked for.
    pub from_position: i64,
    /// The last position queued (`null` when none was); continue after it for more.
    pub through_position: Option<i64>,
}

/// Why a subscription request is refused: the field at fault and what is wrong with it.
#[derive(Debug, PartialEq, Eq)]
struct Invalid {
    field: String,
    detail: String,
}

/// Checks a subscription request.
fn check(request: &SubscribeRequest) -> Result<(), Invalid> {
    let invalid = |field: &str, detail: String| Invalid { field: field.to_owned(), detail };
    if request.url.chars().count() > MAX_URL_CHARS {
        return Err(invalid("url", format!("at most {MAX_URL_CHARS} characters")));
    }
    let url = url::Url::parse(&request.url).map_err(|error| invalid("url", format!("not an absolute URL: {error}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(invalid("url", "an http or https URL with a host".to_owned()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("url", "no credentials in the URL; deliveries are signed instead".to_owned()));
    }
    if request.event_types.is_empty() || request.event_types.len() > 200 {
        return Err(invalid("event_types", "1 to 200 event types, or [\"*\"] for all".to_owned()));
    }
    for (index, event_type) in request.event_types.iter().enumerate() {
        let field = format!("event_types[{index}]");
        if event_type == ALL_EVENT_TYPES && request.event_types.len() > 1 {
            return Err(invalid(&field, "\"*\" stands alone: it already names every event type".to_owned()));
        }
        if event_type != ALL_EVENT_TYPES && !EVENTS.iter().any(|contract| contract.event_type == event_type) {
            return Err(invalid(&field, format!("{event_type:?} is no event type Prism publishes (docs/events.md)")));
        }
        if request.event_types[..index].contains(event_type) {
            return Err(invalid(&field, format!("{event_type:?} is listed twice")));
        }
    }
    if request.description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(invalid("description", format!("at most {MAX_DESCRIPTION_CHARS} characters")));
    }
    Ok(())
}

/// A new signing secret: 244 random bits from the operating system, as hex.
fn new_secret() -> String {
    format!("whsec_{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

/// The columns of a [`SubscriptionView`].
const VIEW_COLUMNS: &str =
    "subscription_id, url, description, event_types, status, consecutive_failures, disabled_reason, created_at";

/// `POST /v1/webhook-subscriptions` with a [`SubscribeRequest`]: 201 with the secret.
#[utoipa::path(post, path = "/v1/webhook-subscriptions", request_body = SubscribeRequest,
    responses((status = 201, description = "Subscribed; the secret is shown this once", body = Subscribed)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn subscribe(
    State(pool): State<PgPool>,
    State(provisioner): State<Arc<TenantProvisioner>>,
    Tenant(tenant): Tenant,
    context: RequestContext,
    JsonBody(request): JsonBody<SubscribeRequest>,
) -> Result<Response, Problem> {
    check(&request)
        .map_err(|invalid| Problem::unprocessable("invalid-subscription", &invalid.field, invalid.detail))?;
    let table = tenant_table(&provisioner, &tenant, "webhook_subscriptions").await?;
    let secret = new_secret();
    let subscription: SubscriptionView = sqlx::query_as(&format!(
        "INSERT INTO {table} (subscription_id, url, description, event_types, secret, status, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, 'active', $6, now()) RETURNING {VIEW_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(&request.url)
    .bind(&request.description)
    .bind(&request.event_types)
    .bind(&secret)
    .bind(context.user_id.as_deref().unwrap_or("operator"))
    .fetch_one(&pool)
    .await
    .map_err(|error| Problem::from_failure(&error))?;
    Ok((StatusCode::CREATED, Json(Subscribed { subscription, secret })).into_response())
}

/// Sets subscription `id`'s status with `assignments` (SQL), answering it as it is then.
async fn set_status(
    pool: &PgPool,
    provisioner: &TenantProvisioner,
    tenant: &prism_aggregates::tenant::TenantId,
    id: &str,
    assignments: &str,
) -> Result<Json<SubscriptionView>, Problem> {
    let subscription_id = path_uuid("webhook subscription", id)?;
    let table = tenant_table(provisioner, tenant, "webhook_subscriptions").await?;
    let found: Option<SubscriptionView> = sqlx::query_as(&format!(
        "UPDATE {table} SET {assignments} WHERE subscription_id = $1 RETURNING {VIEW_COLUMNS}"
    ))
    .bind(subscription_id)
    .fetch_optional(pool)
    .await
    .map_err(|error| Problem::from_failure(&error))?;
    found.map(Json).ok_or_else(|| Problem::not_found(format!("no webhook subscription {subscription_id}")))
}

/// `POST /v1/webhook-subscriptions/{id}/disable`: 200; its deliveries wait, and events that
/// happen while it is disabled are not queued for it (re-deliver them after enabling it).
#[utoipa::path(post, path = "/v1/webhook-subscriptions/{id}/disable",
    params(("id" = Uuid, Path, description = "The subscription")),
    responses((status = 200, description = "Disabled", body = SubscriptionView), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, subscription_id = %id))]
pub async fn disable(
    State(pool): State<PgPool>,
    State(provisioner): State<Arc<TenantProvisioner>>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<SubscriptionView>, Problem> {
    let disabled = "status = 'disabled', disabled_at = coalesce(disabled_at, now()),
                    disabled_reason = coalesce(disabled_reason, 'disabled by hand')";
    set_status(&pool, &provisioner, &tenant, &id, disabled).await
}

/// `POST /v1/webhook-subscriptions/{id}/enable`: 200; its waiting deliveries resume and its
/// failures in a row start again from 0.
#[utoipa::path(post, path = "/v1/webhook-subscriptions/{id}/enable",
    params(("id" = Uuid, Path, description = "The subscription")),
    responses((status = 200, description = "Enabled", body = SubscriptionView), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, subscription_id = %id))]
pub async fn enable(
    State(pool): State<PgPool>,
    State(provisioner): State<Arc<TenantProvisioner>>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<SubscriptionView>, Problem> {
    let enabled = "status = 'active', consecutive_failures = 0, disabled_at = NULL, disabled_reason = NULL";
    set_status(&pool, &provisioner, &tenant, &id, enabled).await
}

/// `POST /v1/webhook-subscriptions/{id}/redeliver` with a [`RedeliverRequest`]: 202 with how
/// many events were queued to be sent again (each a new delivery, signed and retried like the
/// first).
#[utoipa::path(post, path = "/v1/webhook-subscriptions/{id}/redeliver",
    params(("id" = Uuid, Path, description = "The subscription")),
    request_body = RedeliverRequest,
    responses((status = 202, description = "Queued", body = Redelivery), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, subscription_id = %id))]
pub async fn redeliver(
    State(pool): State<PgPool>,
    State(provisioner): State<Arc<TenantProvisioner>>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<RedeliverRequest>,
) -> Result<Response, Problem> {
    let subscription_id = path_uuid("webhook subscription", &id)?;
    if request.from_position < 1 {
        return Err(Problem::unprocessable("invalid-redelivery", "from_position", "a position of 1 or more"));
    }
    let limit = request.limit.unwrap_or(MAX_REDELIVERY);
    if !(1..=MAX_REDELIVERY).contains(&limit) {
        return Err(Problem::unprocessable("invalid-redelivery", "limit", format!("1 to {MAX_REDELIVERY}")));
    }
    let subscriptions = tenant_table(&provisioner, &tenant, "webhook_subscriptions").await?;
    let deliveries = tenant_table(&provisioner, &tenant, "webhook_deliveries").await?;
    let events = tenant_table(&provisioner, &tenant, "events").await?;
    let (exists, enqueued, through_position): (bool, i64, Option<i64>) = sqlx::query_as(&format!(
        "WITH subscription AS (SELECT subscription_id, event_types FROM {subscriptions} WHERE subscription_id = $1),
              chosen AS (SELECT e.event_id, e.event_type, e.global_position
                           FROM {events} e, subscription s
                          WHERE e.global_position >= $2
                            AND (s.event_types = ARRAY['{ALL_EVENT_TYPES}'] OR e.event_type = ANY(s.event_types))
                          ORDER BY e.global_position LIMIT $3),
              queued AS (INSERT INTO {deliveries} (subscription_id, event_id, event_type, global_position, redelivery)
                         SELECT $1, event_id, event_type, global_position, true FROM chosen
                         RETURNING global_position)
         SELECT EXISTS (SELECT 1 FROM subscription), count(*), max(global_position) FROM queued"
    ))
    .bind(subscription_id)
    .bind(request.from_position)
    .bind(limit)
    .fetch_one(&pool)
    .await
    .map_err(|error| Problem::from_failure(&error))?;
    if !exists {
        return Err(Problem::not_found(format!("no webhook subscription {subscription_id}")));
    }
    let answer = Redelivery { enqueued, from_position: request.from_position, through_position };
    Ok((StatusCode::ACCEPTED, Json(answer)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str, event_types: &[&str]) -> SubscribeRequest {
        SubscribeRequest {
            url: url.to_owned(),
            event_types: event_types.iter().map(|&t| t.to_owned()).collect(),
            description: String::new(),
        }
    }

    fn field_of(request: &SubscribeRequest) -> Option<String> {
        check(request).err().map(|invalid| invalid.field)
    }

    #[test]
    fn a_subscription_names_an_http_endpoint_and_known_event_types() {
        assert_eq!(field_of(&request("https://erp.example.com/hooks", &["JournalEntryPosted", "UserCreated"])), None);
        assert_eq!(field_of(&request("http://127.0.0.1:9000/", &["*"])), None);
        for url in ["", "example.com/hooks", "ftp://example.com/", "https://user:pw@example.com/", "mailto:a@b.c"] {
            assert_eq!(field_of(&request(url, &["*"])).as_deref(), Some("url"), "{url}");
        }
        assert_eq!(field_of(&request(&format!("https://e.com/{}", "a".repeat(2_048)), &["*"])).as_deref(), Some("url"));
        assert_eq!(field_of(&request("https://e.com/", &[])).as_deref(), Some("event_types"));
        assert_eq!(
            field_of(&request("https://e.com/", &["UserCreated", "NoSuchEvent"])).as_deref(),
            Some("event_types[1]")
        );
        assert_eq!(
            field_of(&request("https://e.com/", &["UserCreated", "UserCreated"])).as_deref(),
            Some("event_types[1]")
        );
        assert_eq!(field_of(&request("https://e.com/", &["UserCreated", "*"])).as_deref(), Some("event_types[1]"));
        let mut long = request("https://e.com/", &["*"]);
        long.description = "d".repeat(501);
        assert_eq!(field_of(&long).as_deref(), Some("description"));
    }

    #[test]
    fn every_secret_is_new() {
        let (first, second) = (new_secret(), new_secret());
        assert_ne!(first, second);
        assert!(first.starts_with("whsec_") && first.len() == 6 + 64, "{first}");
    }
}
