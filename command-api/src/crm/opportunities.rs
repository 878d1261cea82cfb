//! The sales pipeline over REST: open an opportunity as a lead (owned by the user calling
//! unless the body names an owner), move it through the pipeline stages, win or lose it. Each
//! opportunity is its own aggregate, addressed by its UUID; `If-Match` carries its version.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::crm::opportunity::{
    LoseOpportunity, MoveOpportunity, OpenOpportunity, Opportunity, OpportunityCommand, Stage, WinOpportunity,
};
use prism_platform::http::{parse_optional_json, JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::routes::{run, Target};
use crate::dispatch::path_uuid;
use crate::event_store::Committed;
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// State shared by the opportunity routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<Opportunity>>;

/// Where opportunities are read.
const LOCATION: &str = "/v1/opportunities";

/// Body of `POST /v1/opportunities`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenRequest {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub opportunity_id: Option<Uuid>,
    /// Id of the customer.
    pub customer_id: String,
    /// What is being sold.
    pub title: String,
    /// Expected amount, minor units of `currency`; not negative.
    pub amount_minor: i64,
    /// ISO-4217 code of the amount.
    pub currency: String,
    /// When the sale is expected to close.
    pub expected_close_date: NaiveDate,
    /// Id of the owning user; the user calling when absent.
    #[serde(default)]
    pub owner: Option<String>,
    /// Probability in percent, 0–100; the lead stage's default (10) when absent.
    #[serde(default)]
    pub probability: Option<i64>,
}

/// Body of `POST /v1/opportunities/{id}/win`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WinRequest {
    /// The day it was won; today (UTC) when absent.
    #[serde(default)]
    pub won_on: Option<NaiveDate>,
}

/// Answer to an accepted opportunity command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OpportunityChanged {
    /// The opportunity.
    pub opportunity_id: Uuid,
    /// Its stage after the command: `lead`, `qualification`, `proposal`, `negotiation`, `won` or `lost`.
    pub stage: &'static str,
    /// Its probability in percent after the command.
    pub probability: u8,
    /// Its version after the command.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// Runs `command` on opportunity `id`, answering `status` with [`OpportunityChanged`].
async fn run_on(
    stores: &Stores,
    tenant: &prism_aggregates::tenant::TenantId,
    id: Uuid,
    headers: &HeaderMap,
    command: OpportunityCommand,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem> {
    let target = Target { stores, tenant, id, location: LOCATION };
    run(target, headers, command, context, status, |opportunity: &Opportunity, committed: &Committed| {
        OpportunityChanged {
            opportunity_id: id,
            stage: opportunity.stage().map(Stage::as_str).unwrap_or_default(),
            probability: opportunity.probability().unwrap_or_default(),
            version: committed.version,
            position: committed.position,
        }
    })
    .await
}

/// `POST /v1/opportunities` with an [`OpenRequest`] body: 201, the opportunity a lead.
#[utoipa::path(post, path = "/v1/opportunities", params(crate::openapi::IfMatch), request_body = OpenRequest,
    responses((status = 201, description = "Opened as a lead", body = OpportunityChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn open(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<OpenRequest>,
) -> Result<Response, Problem> {
    let new_id = NewAggregateId::named_or_minted(request.opportunity_id);
    let id = new_id.uuid();
    let owner = match request.owner {
        Some(owner) => owner,
        None => context.user_id.clone().unwrap_or_default(),
    };
    let command = OpportunityCommand::Open(OpenOpportunity {
        opportunity_id: id,
        customer_id: request.customer_id,
        title: request.title,
        amount_minor: request.amount_minor,
        currency: request.currency,
        expected_close_date: request.expected_close_date,
        owner,
        probability: request.probability,
    });
    new_id.run(run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::CREATED)).await
}

/// `POST /v1/opportunities/{id}/stage` with a [`MoveOpportunity`] body: to another open stage,
/// at its default probability unless one is given.
#[utoipa::path(post, path = "/v1/opportunities/{id}/stage",
    params(("id" = Uuid, Path, description = "The opportunity"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::MoveOpportunity,
    responses((status = 200, description = "Moved", body = OpportunityChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, opportunity_id = %id))]
pub async fn move_stage(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<MoveOpportunity>,
) -> Result<Response, Problem> {
    let id = path_uuid("opportunity", &id)?;
    let command = OpportunityCommand::Move(request);
    run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/opportunities/{id}/win` with an optional [`WinRequest`] body.
#[utoipa::path(post, path = "/v1/opportunities/{id}/win",
    params(("id" = Uuid, Path, description = "The opportunity"), crate::openapi::IfMatch),
    request_body(content = Option<WinRequest>, description = "Optional: absent, empty or null to win today"),
    responses((status = 200, description = "Won", body = OpportunityChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, opportunity_id = %id))]
pub async fn win(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    body: Bytes,
) -> Result<Response, Problem> {
    let id = path_uuid("opportunity", &id)?;
    let request: WinRequest = parse_optional_json(&body)?;
    let won_on = request.won_on.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let command = OpportunityCommand::Win(WinOpportunity { won_on });
    run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/opportunities/{id}/lose` with a [`LoseOpportunity`] body.
#[utoipa::path(post, path = "/v1/opportunities/{id}/lose",
    params(("id" = Uuid, Path, description = "The opportunity"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::LoseOpportunity,
    responses((status = 200, description = "Lost", body = OpportunityChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, opportunity_id = %id))]
pub async fn lose(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<LoseOpportunity>,
) -> Result<Response, Problem> {
    let id = path_uuid("opportunity", &id)?;
    run_on(&stores, &tenant, id, &headers, OpportunityCommand::Lose(request), &context, StatusCode::OK).await
}
