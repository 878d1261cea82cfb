//! `GET /v1/support-tickets`, `GET /v1/support-tickets/{id}`: support tickets with their
//! service-level due times and status history; `GET /v1/support-tickets/sla-breaches`: every
//! service level missed as of a moment — a first response after its due time, or none yet and
//! the due time passed; a resolution after its due time, or none yet (reopened tickets
//! included) and the due time passed. All from `support_tickets` and
//! `support_ticket_status_history` (the `postgres` projector's read model).

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

use crate::consistency::MinPosition;
use crate::error::absent_if_unprovisioned;
use crate::params::{self, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// Most tickets or breaches one list answers.
const MAX_LIMIT: u32 = 1_000;
/// Tickets or breaches a list answers unless `limit` says otherwise.
const DEFAULT_LIMIT: u32 = 100;
/// Every status, as accepted by `status`.
const STATUSES: &[&str] = &["open", "in_progress", "resolved", "closed"];
/// Every priority, as accepted by `priority`.
const PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];

/// Query parameters of the ticket list; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TicketParams {
    /// Only tickets in this status.
    pub status: Option<String>,
    /// Only tickets of this priority.
    pub priority: Option<String>,
    /// Only tickets assigned to this user.
    pub assignee: Option<String>,
    /// At most this many, 1–1,000 (100 when absent).
    pub limit: Option<String>,
}

/// A status a ticket entered.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusChange {
    /// `open`, `in_progress`, `resolved` or `closed`.
    pub status: String,
    /// When.
    pub changed_at: DateTime<Utc>,
}

/// One ticket.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct TicketView {
    /// The ticket.
    pub ticket_id: Uuid,
    /// Id of the customer.
    pub customer_id: String,
    /// What it is about.
    pub subject: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    /// `open`, `in_progress`, `resolved` or `closed`.
    pub status: String,
    /// The user working on it; `null` until assigned.
    pub assignee: Option<String>,
    /// When the customer asked.
    pub opened_at: DateTime<Utc>,
    /// By when the customer must have a first response.
    pub first_response_due_at: DateTime<Utc>,
    /// By when it must be resolved.
    pub resolution_due_at: DateTime<Utc>,
    /// The first response (or the resolution, when that came first); `null` until then.
    pub first_responded_at: Option<DateTime<Utc>>,
    /// The last resolution; `null` while unresolved (also after reopening).
    pub resolved_at: Option<DateTime<Utc>>,
    /// When it was closed; `null` until then.
    pub closed_at: Option<DateTime<Utc>>,
    /// Every status it entered, oldest first.
    #[sqlx(json)]
    pub status_history: Vec<StatusChange>,
}

/// The tickets, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TicketsView {
    /// One row per ticket.
    pub items: Vec<TicketView>,
}

/// The select list of [`TicketView`] over `support_tickets t`, `{history}` the history table.
fn ticket_columns(history: &str) -> String {
    format!(
        "t.ticket_id, t.customer_id, t.subject, t.priority, t.status, t.assignee, t.opened_at, \
         t.first_response_due_at, t.resolution_due_at, t.first_responded_at, t.resolved_at, t.closed_at, \
         (SELECT COALESCE(json_agg(json_build_object('status', h.status, 'changed_at', h.changed_at) \
                                   ORDER BY h.position), '[]') \
            FROM {history} h WHERE h.ticket_id = t.ticket_id) AS status_history"
    )
}

/// `GET /v1/support-tickets`.
#[utoipa::path(get, path = "/v1/support-tickets", params(TicketParams),
    responses((status = 200, description = "The tickets with their status history, oldest first", body = TicketsView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    QueryParams(query): QueryParams<TicketParams>,
) -> Result<Json<TicketsView>, Problem> {
    let status = params::one_of("status", query.status.as_deref(), STATUSES)?;
    let priority = params::one_of("priority", query.priority.as_deref(), PRIORITIES)?;
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "SELECT {} FROM {} t
          WHERE ($1::text IS NULL OR t.status = $1) AND ($2::text IS NULL OR t.priority = $2)
            AND ($3::text IS NULL OR t.assignee = $3)
          ORDER BY t.opened_at, t.ticket_id LIMIT $4",
        ticket_columns(&tenant_table(&tenant, "support_ticket_status_history")),
        tenant_table(&tenant, "support_tickets")
    );
    let rows = sqlx::query_as::<_, TicketView>(&sql)
        .bind(status)
        .bind(priority)
        .bind(query.assignee)
        .bind(i64::from(limit))
        .fetch_all(&state.stores.postgres)
        .await;
    Ok(Json(TicketsView { items: absent_if_unprovisioned(rows, Vec::new())? }))
}

/// `GET /v1/support-tickets/{id}`: 404 when absent.
#[utoipa::path(get, path = "/v1/support-tickets/{id}", params(("id" = Uuid, Path, description = "The ticket")),
    responses((status = 200, description = "The ticket with its status history", body = TicketView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, ticket_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<TicketView>, Problem> {
    let ticket_id = params::path_uuid("ticket", &id)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "SELECT {} FROM {} t WHERE t.ticket_id = $1",
        ticket_columns(&tenant_table(&tenant, "support_ticket_status_history")),
        tenant_table(&tenant, "support_tickets")
    );
    let found = sqlx::query_as::<_, TicketView>(&sql).bind(ticket_id).fetch_optional(&state.stores.postgres).await;
    let ticket = absent_if_unprovisioned(found, None)?.ok_or_else(|| params::no_such("ticket", &id))?;
    Ok(Json(ticket))
}

/// Query parameters of the breach list; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BreachParams {
    /// The moment (RFC 3339) due times are judged at; now when absent.
    pub as_of: Option<String>,
    /// At most this many, 1–1,000 (100 when absent).
    pub limit: Option<String>,
}

/// One service level missed.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct BreachView {
    /// The ticket.
    pub ticket_id: Uuid,
    /// Id of the customer.
    pub customer_id: String,
    /// What it is about.
    pub subject: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    /// Its status.
    pub status: String,
    /// The user working on it, if any.
    pub assignee: Option<String>,
    /// `first_response` or `resolution`.
    pub breach: String,
    /// When it was due.
    pub due_at: DateTime<Utc>,
    /// When it came (late); `null` when it has not come yet.
    pub met_at: Option<DateTime<Utc>>,
    /// Seconds past the due time: until it came, or until `as_of`.
    pub overdue_seconds: i64,
}

/// The breaches as of a moment.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BreachesView {
    /// The moment they are judged at.
    pub as_of: DateTime<Utc>,
    /// One row per service level missed, earliest due first.
    pub items: Vec<BreachView>,
}

/// `GET /v1/support-tickets/sla-breaches`.
#[utoipa::path(get, path = "/v1/support-tickets/sla-breaches", params(BreachParams),
    responses((status = 200, description = "Every first response and resolution late as of the moment", body = BreachesView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn breaches(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    QueryParams(query): QueryParams<BreachParams>,
) -> Result<Json<BreachesView>, Problem> {
    let as_of = match query.as_of.as_deref() {
        None => Utc::now(),
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map_err(|e| params::invalid("as_of", format!("as_of must be an RFC 3339 moment: {e}")))?
            .with_timezone(&Utc),
    };
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "WITH levels AS (
             SELECT t.*, 'first_response' AS breach, t.first_response_due_at AS due_at, t.first_responded_at AS met_at
               FROM {tickets} t
             UNION ALL
             SELECT t.*, 'resolution', t.resolution_due_at, t.resolved_at FROM {tickets} t)
         SELECT ticket_id, customer_id, subject, priority, status, assignee, breach, due_at, met_at,
                extract(epoch FROM coalesce(met_at, $1) - due_at)::bigint AS overdue_seconds
           FROM levels
          WHERE coalesce(met_at, $1) > due_at AND opened_at <= $1
          ORDER BY due_at, ticket_id, breach LIMIT $2",
        tickets = tenant_table(&tenant, "support_tickets")
    );
    let rows = sqlx::query_as::<_, BreachView>(&sql)
        .bind(as_of)
        .bind(i64::from(limit))
        .fetch_all(&state.stores.postgres)
        .await;
    Ok(Json(BreachesView { as_of, items: absent_if_unprovisioned(rows, Vec::new())? }))
}
