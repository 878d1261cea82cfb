//! Support tickets over REST: open a ticket (its service-level due times follow from its
//! priority), assign it, answer the customer, resolve, close and reopen it. The API stamps each
//! command with the moment it arrived; only opening may name an earlier `opened_at`. Each
//! ticket is its own aggregate, addressed by its UUID; `If-Match` carries its version.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use prism_aggregates::crm::support_ticket::{
    AssignTicket, OpenTicket, ReopenTicket, ResolveTicket, RespondToTicket, SupportTicket, SupportTicketCommand,
    TicketMoment, TicketStatus,
};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::routes::{run, Target};
use crate::dispatch::path_uuid;
use crate::event_store::Committed;
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// State shared by the support ticket routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<SupportTicket>>;

/// Where tickets are read.
const LOCATION: &str = "/v1/support-tickets";

/// Body of `POST /v1/support-tickets`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenRequest {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub ticket_id: Option<Uuid>,
    /// Id of the customer.
    pub customer_id: String,
    /// What it is about.
    pub subject: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    /// When the customer asked (RFC 3339), not in the future; now when absent.
    #[serde(default)]
    pub opened_at: Option<DateTime<Utc>>,
}

/// Body of `POST /v1/support-tickets/{id}/assign`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// Id of the user to work on it.
    pub assignee: String,
}

/// Body of `POST /v1/support-tickets/{id}/responses`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RespondRequest {
    /// What was said to the customer.
    pub message: String,
}

/// Body of `POST /v1/support-tickets/{id}/resolve`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// How it was resolved.
    pub resolution: String,
}

/// Body of `POST /v1/support-tickets/{id}/reopen`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenRequest {
    /// Why.
    pub reason: String,
}

/// Answer to an accepted ticket command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TicketChanged {
    /// The ticket.
    pub ticket_id: Uuid,
    /// Its status after the command: `open`, `in_progress`, `resolved` or `closed`.
    pub status: &'static str,
    /// By when the customer must have a first response.
    pub first_response_due_at: Option<DateTime<Utc>>,
    /// By when the ticket must be resolved.
    pub resolution_due_at: Option<DateTime<Utc>>,
    /// Its version after the command.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// Runs `command` on ticket `id`, answering `status` with [`TicketChanged`].
async fn run_on(
    stores: &Stores,
    tenant: &TenantId,
    id: Uuid,
    headers: &HeaderMap,
    command: SupportTicketCommand,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem> {
    let target = Target { stores, tenant, id, location: LOCATION };
    run(target, headers, command, context, status, |ticket: &SupportTicket, committed: &Committed| {
        let due = ticket.due_times();
        TicketChanged {
            ticket_id: id,
            status: ticket.status().map(TicketStatus::as_str).unwrap_or_default(),
            first_response_due_at: due.map(|(response, _)| response),
            resolution_due_at: due.map(|(_, resolution)| resolution),
            version: committed.version,
            position: committed.position,
        }
    })
    .await
}

/// Runs the command `to_command` makes of the moment now on the ticket of path `id`: 200.
async fn run_now(
    stores: &Stores,
    tenant: &TenantId,
    id: &str,
    headers: &HeaderMap,
    context: &RequestContext,
    to_command: impl FnOnce(DateTime<Utc>) -> SupportTicketCommand,
) -> Result<Response, Problem> {
    let id = path_uuid("ticket", id)?;
    run_on(stores, tenant, id, headers, to_command(Utc::now()), context, StatusCode::OK).await
}

/// `POST /v1/support-tickets` with an [`OpenRequest`] body: 201 with the due times.
#[utoipa::path(post, path = "/v1/support-tickets", params(crate::openapi::IfMatch), request_body = OpenRequest,
    responses((status = 201, description = "Opened, with its service-level due times", body = TicketChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn open(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<OpenRequest>,
) -> Result<Response, Problem> {
    let new_id = NewAggregateId::named_or_minted(request.ticket_id);
    let id = new_id.uuid();
    let now = Utc::now();
    let command = SupportTicketCommand::Open(OpenTicket {
        ticket_id: id,
        customer_id: request.customer_id,
        subject: request.subject,
        priority: request.priority,
        opened_at: request.opened_at.unwrap_or(now),
        recorded_at: now,
    });
    new_id.run(run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::CREATED)).await
}

/// `POST /v1/support-tickets/{id}/assign` with an [`AssignRequest`] body.
#[utoipa::path(post, path = "/v1/support-tickets/{id}/assign",
    params(("id" = Uuid, Path, description = "The ticket"), crate::openapi::IfMatch), request_body = AssignRequest,
    responses((status = 200, description = "Assigned", body = TicketChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, ticket_id = %id))]
pub async fn assign(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<AssignRequest>,
) -> Result<Response, Problem> {
    run_now(&stores, &tenant, &id, &headers, &context, |at| {
        SupportTicketCommand::Assign(AssignTicket { assignee: request.assignee, at })
    })
    .await
}

/// `POST /v1/support-tickets/{id}/responses` with a [`RespondRequest`] body.
#[utoipa::path(post, path = "/v1/support-tickets/{id}/responses",
    params(("id" = Uuid, Path, description = "The ticket"), crate::openapi::IfMatch), request_body = RespondRequest,
    responses((status = 200, description = "Response recorded", body = TicketChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, ticket_id = %id))]
pub async fn respond(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<RespondRequest>,
) -> Result<Response, Problem> {
    run_now(&stores, &tenant, &id, &headers, &context, |at| {
        SupportTicketCommand::Respond(RespondToTicket { message: request.message, at })
    })
    .await
}

/// `POST /v1/support-tickets/{id}/resolve` with a [`ResolveRequest`] body.
#[utoipa::path(post, path = "/v1/support-tickets/{id}/resolve",
    params(("id" = Uuid, Path, description = "The ticket"), crate::openapi::IfMatch), request_body = ResolveRequest,
    responses((status = 200, description = "Resolved", body = TicketChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, ticket_id = %id))]
pub async fn resolve(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ResolveRequest>,
) -> Result<Response, Problem> {
    run_now(&stores, &tenant, &id, &headers, &context, |at| {
        SupportTicketCommand::Resolve(ResolveTicket { resolution: request.resolution, at })
    })
    .await
}

/// `POST /v1/support-tickets/{id}/close`: a resolved ticket, for good.
#[utoipa::path(post, path = "/v1/support-tickets/{id}/close",
    params(("id" = Uuid, Path, description = "The ticket"), crate::openapi::IfMatch),
    responses((status = 200, description = "Closed", body = TicketChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, ticket_id = %id))]
pub async fn close(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    run_now(&stores, &tenant, &id, &headers, &context, |at| SupportTicketCommand::Close(TicketMoment { at })).await
}

/// `POST /v1/support-tickets/{id}/reopen` with a [`ReopenRequest`] body.
#[utoipa::path(post, path = "/v1/support-tickets/{id}/reopen",
    params(("id" = Uuid, Path, description = "The ticket"), crate::openapi::IfMatch), request_body = ReopenRequest,
    responses((status = 200, description = "Reopened", body = TicketChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, ticket_id = %id))]
pub async fn reopen(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ReopenRequest>,
) -> Result<Response, Problem> {
    run_now(&stores, &tenant, &id, &headers, &context, |at| {
        SupportTicketCommand::Reopen(ReopenTicket { reason: request.reason, at })
    })
    .await
}
