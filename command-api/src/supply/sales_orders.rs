//! Sales orders over REST: place an order, confirm it, mark it picked, record shipments,
//! deliver it, cancel it before anything ships, record returns. Each order is its own
//! aggregate, addressed by its UUID; `If-Match` carries its version. Stock allocation,
//! invoicing and payments are recorded by the order-to-cash process, not by these routes.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::supply::order_lines::{LineQuantityInput, OrderLineInput};
use prism_aggregates::supply::sales_order::{
    CancelOrder, PlaceOrder, RecordReturn, RecordShipment, SalesOrder, SalesOrderCommand,
};
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::Deserialize;
use uuid::Uuid;

use super::order_routes::{parse_order_id, run};
use crate::crm::credit_check::CreditCheck;
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// State shared by the sales order routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<SalesOrder>>;

/// Body of `POST /v1/sales-orders`: a [`PlaceOrder`] whose id may be left to the server.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceOrderRequest {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub order_id: Option<Uuid>,
    /// Id of the customer.
    pub customer_id: String,
    /// Name of the customer.
    pub customer_name: String,
    /// ISO-4217 currency of every price.
    pub currency: String,
    /// Code of the location the order ships from.
    pub ship_from: String,
    /// The lines.
    #[schema(value_type = Vec<crate::openapi::bodies::OrderLineInput>)]
    pub lines: Vec<OrderLineInput>,
}

/// Body of `POST /v1/sales-orders/{id}/shipments`: a [`RecordShipment`] whose id may be left
/// to the server.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipmentRequest {
    /// Client-chosen id, which makes a retry record nothing; generated when absent.
    #[serde(default)]
    pub shipment_id: Option<String>,
    /// Date the goods left.
    pub ship_date: NaiveDate,
    /// What shipped.
    #[schema(value_type = Vec<crate::openapi::bodies::LineQuantityInput>)]
    pub lines: Vec<LineQuantityInput>,
}

/// Body of `POST /v1/sales-orders/{id}/returns`: a [`RecordReturn`] whose id may be left to
/// the server.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    /// Client-chosen id, which makes a retry record nothing; generated when absent.
    #[serde(default)]
    pub return_id: Option<String>,
    /// Date the goods came back.
    pub return_date: NaiveDate,
    /// What came back.
    #[schema(value_type = Vec<crate::openapi::bodies::LineQuantityInput>)]
    pub lines: Vec<LineQuantityInput>,
}

/// `POST /v1/sales-orders` with a [`PlaceOrderRequest`] body: 201. An order for a registered
/// customer with a credit limit passes its [`CreditCheck`] first, holding the customer's lock
/// until the order is stored.
#[utoipa::path(post, path = "/v1/sales-orders", params(crate::openapi::IfMatch), request_body = PlaceOrderRequest,
    responses((status = 201, description = "Placed", body = super::order_routes::OrderChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn place(
    State(stores): State<Stores>,
    State(credit): State<Arc<CreditCheck>>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<PlaceOrderRequest>,
) -> Result<Response, Problem> {
    let new_id = NewAggregateId::named_or_minted(request.order_id);
    let order_id = new_id.uuid();
    let command = SalesOrderCommand::Place(PlaceOrder {
        order_id,
        customer_id: request.customer_id,
        customer_name: request.customer_name,
        currency: request.currency,
        ship_from: request.ship_from,
        lines: request.lines,
    });
    let _customer_lock = credit.check_order(&tenant, &command).await?;
    new_id.run(run(&stores, &tenant, order_id, &headers, command, &context, StatusCode::CREATED)).await
}

/// `POST /v1/sales-orders/{id}/confirm`.
#[utoipa::path(post, path = "/v1/sales-orders/{id}/confirm",
    params(("id" = Uuid, Path, description = "The order"), crate::openapi::IfMatch),
    responses((status = 200, description = "Confirmed", body = super::order_routes::OrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, order_id = %id))]
pub async fn confirm(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    run(&stores, &tenant, parse_order_id(&id)?, &headers, SalesOrderCommand::Confirm, &context, StatusCode::OK).await
}

/// `POST /v1/sales-orders/{id}/pick`.
#[utoipa::path(post, path = "/v1/sales-orders/{id}/pick",
    params(("id" = Uuid, Path, description = "The order"), crate::openapi::IfMatch),
    responses((status = 200, description = "Marked picked", body = super::order_routes::OrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, order_id = %id))]
pub async fn pick(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    run(&stores, &tenant, parse_order_id(&id)?, &headers, SalesOrderCommand::MarkPicked, &context, StatusCode::OK).await
}

/// `POST /v1/sales-orders/{id}/shipments` with a [`ShipmentRequest`] body.
#[utoipa::path(post, path = "/v1/sales-orders/{id}/shipments",
    params(("id" = Uuid, Path, description = "The order"), crate::openapi::IfMatch), request_body = ShipmentRequest,
    responses((status = 200, description = "Shipment recorded", body = super::order_routes::OrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, order_id = %id))]
pub async fn ship(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ShipmentRequest>,
) -> Result<Response, Problem> {
    let command = SalesOrderCommand::RecordShipment(RecordShipment {
        shipment_id: request.shipment_id.unwrap_or_else(|| Uuid::now_v7().to_string()),
        ship_date: request.ship_date,
        lines: request.lines,
    });
    run(&stores, &tenant, parse_order_id(&id)?, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/sales-orders/{id}/deliver`.
#[utoipa::path(post, path = "/v1/sales-orders/{id}/deliver",
    params(("id" = Uuid, Path, description = "The order"), crate::openapi::IfMatch),
    responses((status = 200, description = "Delivered", body = super::order_routes::OrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, order_id = %id))]
pub async fn deliver(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let command = SalesOrderCommand::MarkDelivered;
    run(&stores, &tenant, parse_order_id(&id)?, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/sales-orders/{id}/cancel` with a [`CancelOrder`] body.
#[utoipa::path(post, path = "/v1/sales-orders/{id}/cancel",
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
    JsonBody(request): JsonBody<CancelOrder>,
) -> Result<Response, Problem> {
    let command = SalesOrderCommand::Cancel(request);
    run(&stores, &tenant, parse_order_id(&id)?, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/sales-orders/{id}/returns` with a [`ReturnRequest`] body.
#[utoipa::path(post, path = "/v1/sales-orders/{id}/returns",
    params(("id" = Uuid, Path, description = "The order"), crate::openapi::IfMatch), request_body = ReturnRequest,
    responses((status = 200, description = "Return recorded", body = super::order_routes::OrderChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, order_id = %id))]
pub async fn record_return(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ReturnRequest>,
) -> Result<Response, Problem> {
    let command = SalesOrderCommand::RecordReturn(RecordReturn {
        return_id: request.return_id.unwrap_or_else(|| Uuid::now_v7().to_string()),
        return_date: request.return_date,
        lines: request.lines,
    });
    run(&stores, &tenant, parse_order_id(&id)?, &headers, command, &context, StatusCode::OK).await
}
