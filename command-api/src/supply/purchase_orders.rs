//! Purchase orders over REST: draft an order, submit it (approved at once within the tenant's
//! approval threshold, see [`super::purchase_order_lookups`]), approve it, record goods
//! received and the vendor's bills with their three-way match, close it, cancel it before
//! goods arrive. The requester and the approver are the users calling (from their tokens).
//! Each order is its own aggregate, addressed by its UUID; `If-Match` carries its version.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::supply::order_lines::{LineQuantityInput, OrderLineInput};
use prism_aggregates::supply::purchase_order::{
    ApprovePurchaseOrder, CancelPurchaseOrder, DraftPurchaseOrder, PurchaseOrder, PurchaseOrderCommand, RecordBill,
    RecordReceipt,
};
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::Deserialize;
use uuid::Uuid;

use super::order_routes::{parse_order_id, run};
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// State shared by the purchase order routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<PurchaseOrder>>;

/// Body of `POST /v1/purchase-orders`: a [`DraftPurchaseOrder`] whose id may be left to the
/// server.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftRequest {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub order_id: Option<Uuid>,
    /// Id of the vendor.
    pub vendor_id: String,
    /// Name of the vendor.
    pub vendor_name: String,
    /// ISO-4217 currency of every price.
    pub currency: String,
    /// The lines.
    #[schema(value_type = Vec<crate::openapi::bodies::OrderLineInput>)]
    pub lines: Vec<OrderLineInput>,
}

/// Body of `POST /v1/purchase-orders/{id}/receipts`: a [`RecordReceipt`] whose id may be left
/// to the server.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRequest {
    /// Client-chosen id, which makes a retry record nothing; generated when absent.
    #[serde(default)]
    pub receipt_id: Option<String>,
    /// Date the goods arrived.
    pub receipt_date: NaiveDate,
    /// Code of the location they were received at.
    pub location: String,
    /// What arrived.
    #[schema(value_type = Vec<crate::openapi::bodies::LineQuantityInput>)]
    pub lines: Vec<LineQuantityInput>,
}

/// `POST /v1/purchase-orders` with a [`DraftRequest`] body: 201.
#[utoipa::path(post, path = "/v1/purchase-orders", params(crate::openapi::IfMatch), request_body = DraftRequest,
    responses((status = 201, description = "Drafted", body = super::order_routes::OrderChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn draft(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<DraftRequest>,
) -> Result<Response, Problem> {
    let new_id = NewAggregateId::named_or_minted(request.order_id);
    let order_id = new_id.uuid();
    let command = PurchaseOrderCommand::Draft(DraftPurchaseOrder {
        order_id,
        vendor_id: request.vendor_id,
        vendor_name: request.vendor_name,
        currency: request.currency,
        requested_by: acting_user(&context)?,
        lines: request.lines,
    });
    new_id.run(run(&stores, &tenant, order_id, &headers, command, &context, StatusCode::CREATED)).await
}

/// `POST /v1/purchase-orders/{id}/submit`.
#[utoipa::path(post, path = "/v1/purchase-orders/{id}/submit",
    params(("id" = Uuid, Path, description = "The order"), crate::openapi::IfMatch),
    responses((status = 200, description = "Submitted (approved at once within the threshold)", body = super::order_routes::OrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, order_id = %id))]
pub async fn submit(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    run(&stores, &tenant, parse_order_id(&id)?, &headers, PurchaseOrderCommand::Submit, &context, StatusCode::OK).await
}

/// `POST /v1/purchase-orders/{id}/approve`: approved by the user calling, who may not be its
/// requester (422 `self-approval`).
#[utoipa::path(post, path = "/v1/purchase-orders/{id}/approve",
    params(("id" = Uuid, Path, description = "The order"), crate::openapi::IfMatch),
    responses((status = 200, description = "Approved", body = super::order_routes::OrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, order_id = %id))]
pub async fn approve(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let command = PurchaseOrderCommand::Approve(ApprovePurchaseOrder { approved_by: acting_user(&context)? });
    run(&stores, &tenant, parse_order_id(&id)?, &headers, command, &context, StatusCode::OK).await
}

/// The user calling, who requests or approves an order: segregation of duties rests on the
/// token, never on a body naming someone.
fn acting_user(context: &RequestContext) -> Result<String, Problem> {
    context.user_id.clone().ok_or_else(|| prism_platform::auth::forbidden("orders are requested and approved by users"))
}

/// `POST /v1/purchase-orders/{id}/receipts` with a [`ReceiptRequest`] body.
#[utoipa::path(post, path = "/v1/purchase-orders/{id}/receipts",
    params(("id" = Uuid, Path, description = "The order"), crate::openapi::IfMatch), request_body = ReceiptRequest,
    responses((status = 200, description = "Receipt recorded", body = super::order_routes::OrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, order_id = %id))]
pub async fn receive(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ReceiptRequest>,
) -> Result<Response, Problem> {
    let command = PurchaseOrderCommand::RecordReceipt(RecordReceipt {
        receipt_id: request.receipt_id.unwrap_or_else(|| Uuid::now_v7().to_string()),
        receipt_date: request.receipt_date,
        location: request.location,
        lines: request.lines,
    });
    run(&stores, &tenant, parse_order_id(&id)?, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/purchase-orders/{id}/bills` with a [`RecordBill`] body.
#[utoipa::path(post, path = "/v1/purchase-orders/{id}/bills",
    params(("id" = Uuid, Path, description = "The order"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::RecordBill,
    responses((status = 200, description = "Bill recorded and matched", body = super::order_routes::OrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, order_id = %id))]
pub async fn bill(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<RecordBill>,
) -> Result<Response, Problem> {
    let command = PurchaseOrderCommand::RecordBill(request);
    run(&stores, &tenant, parse_order_id(&id)?, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/purchase-orders/{id}/close`.
#[utoipa::path(post, path = "/v1/purchase-orders/{id}/close",
    params(("id" = Uuid, Path, description = "The order"), crate::openapi::IfMatch),
    responses((status = 200, description = "Closed", body = super::order_routes::OrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, order_id = %id))]
pub async fn close(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    run(&stores, &tenant, parse_order_id(&id)?, &headers, PurchaseOrderCommand::Close, &context, StatusCode::OK).await
}

/// `POST /v1/purchase-orders/{id}/cancel` with a [`CancelPurchaseOrder`] body.
#[utoipa::path(post, path = "/v1/purchase-orders/{id}/cancel",
    params(("id" = Uuid, Path, description = "The order"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::CancelOrder,
    responses((status = 200, description = "Cancelled", body = super::order_routes::OrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, order_id = %id))]
pub async fn cancel(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<CancelPurchaseOrder>,
) -> Result<Response, Problem> {
    let command = PurchaseOrderCommand::Cancel(request);
    run(&stores, &tenant, parse_order_id(&id)?, &headers, command, &context, StatusCode::OK).await
}
