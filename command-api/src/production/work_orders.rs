//! Work orders over REST: plan one (201), release it, start production (which a saga answers
//! by consuming the components from stock), complete it with the good quantity, or scrap it.
//! Each work order is its own aggregate, addressed by its UUID; `If-Match` carries its
//! version. The runner is the one the CRM routes use ([`crate::crm::routes`]).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::production::work_order::{
    CompleteWorkOrder, PlanWorkOrder, ScrapWorkOrder, WorkOrder, WorkOrderCommand, WorkOrderStatus,
};
use prism_aggregates::quantity::Quantity;
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::crm::routes::{run, Target};
use crate::dispatch::path_uuid;
use crate::event_store::Committed;
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// State shared by the work-order routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<WorkOrder>>;

/// Where work orders are read.
const LOCATION: &str = "/v1/work-orders";

/// Body of `POST /v1/work-orders`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub work_order_id: Option<Uuid>,
    /// The item to make: a catalog item with a bill of materials.
    pub sku: String,
    /// Positive quantity to make.
    #[schema(value_type = crate::openapi::bodies::Quantity)]
    pub quantity: Quantity,
    /// The version of the item's bill to make it by; its latest when absent.
    #[serde(default)]
    pub bom_version: Option<i32>,
    /// Code of the open location components come from and the goods go to.
    pub location: String,
    /// When it is due.
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
}

/// Answer to an accepted work-order command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkOrderChanged {
    /// The work order.
    pub work_order_id: Uuid,
    /// Its status after the command: `planned`, `released`, `in_progress`, `completed` or `scrapped`.
    pub status: &'static str,
    /// Its version after the command.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// Runs `command` on work order `id`, answering `status` with [`WorkOrderChanged`].
async fn run_on(
    stores: &Stores,
    tenant: &TenantId,
    id: Uuid,
    headers: &HeaderMap,
    command: WorkOrderCommand,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem> {
    let target = Target { stores, tenant, id, location: LOCATION };
    run(target, headers, command, context, status, |order: &WorkOrder, committed: &Committed| WorkOrderChanged {
        work_order_id: id,
        status: order.status().map(WorkOrderStatus::as_str).unwrap_or_default(),
        version: committed.version,
        position: committed.position,
    })
    .await
}

/// `POST /v1/work-orders` with a [`PlanRequest`] body: 201, the order planned.
#[utoipa::path(post, path = "/v1/work-orders", params(crate::openapi::IfMatch), request_body = PlanRequest,
    responses((status = 201, description = "Planned", body = WorkOrderChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn plan(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<PlanRequest>,
) -> Result<Response, Problem> {
    let new_id = NewAggregateId::named_or_minted(request.work_order_id);
    let id = new_id.uuid();
    let command = WorkOrderCommand::Plan(PlanWorkOrder {
        work_order_id: id,
        sku: request.sku,
        quantity: request.quantity,
        bom_version: request.bom_version,
        location: request.location,
        due_date: request.due_date,
    });
    new_id.run(run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::CREATED)).await
}

/// `POST /v1/work-orders/{id}/release`, no body.
#[utoipa::path(post, path = "/v1/work-orders/{id}/release",
    params(("id" = Uuid, Path, description = "The work order"), crate::openapi::IfMatch),
    responses((status = 200, description = "Released", body = WorkOrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, work_order_id = %id))]
pub async fn release(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let id = path_uuid("work order", &id)?;
    run_on(&stores, &tenant, id, &headers, WorkOrderCommand::Release, &context, StatusCode::OK).await
}

/// `POST /v1/work-orders/{id}/start`, no body: production starts, its components are consumed.
#[utoipa::path(post, path = "/v1/work-orders/{id}/start",
    params(("id" = Uuid, Path, description = "The work order"), crate::openapi::IfMatch),
    responses((status = 200, description = "Started", body = WorkOrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, work_order_id = %id))]
pub async fn start(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let id = path_uuid("work order", &id)?;
    run_on(&stores, &tenant, id, &headers, WorkOrderCommand::Start, &context, StatusCode::OK).await
}

/// `POST /v1/work-orders/{id}/complete` with a [`CompleteWorkOrder`] body.
#[utoipa::path(post, path = "/v1/work-orders/{id}/complete",
    params(("id" = Uuid, Path, description = "The work order"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::CompleteWorkOrder,
    responses((status = 200, description = "Completed", body = WorkOrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, work_order_id = %id))]
pub async fn complete(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<CompleteWorkOrder>,
) -> Result<Response, Problem> {
    let id = path_uuid("work order", &id)?;
    run_on(&stores, &tenant, id, &headers, WorkOrderCommand::Complete(request), &context, StatusCode::OK).await
}

/// `POST /v1/work-orders/{id}/scrap` with a [`ScrapWorkOrder`] body.
#[utoipa::path(post, path = "/v1/work-orders/{id}/scrap",
    params(("id" = Uuid, Path, description = "The work order"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::ScrapWorkOrder,
    responses((status = 200, description = "Scrapped", body = WorkOrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, work_order_id = %id))]
pub async fn scrap(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ScrapWorkOrder>,
) -> Result<Response, Problem> {
    let id = path_uuid("work order", &id)?;
    run_on(&stores, &tenant, id, &headers, WorkOrderCommand::Scrap(request), &context, StatusCode::OK).await
}
