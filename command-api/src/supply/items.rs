//! The item catalog over REST: define an item (SKU, unit, valuation method, currency, reorder
//! policy), change its reorder policy, rename it, discontinue it. Each item is its own
//! aggregate, addressed by SKU; `If-Match` carries its version.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use prism_aggregates::quantity::Quantity;
use prism_aggregates::supply::item::{DefineItem, Item, ItemCommand};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{parse_optional_json, JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::Deserialize;

use super::Changed;
use crate::dispatch::{accepted, check_if_match, execute};
use crate::request_context::RequestContext;

/// State shared by the item routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<Item>>;

/// Where items are read.
const LOCATION: &str = "/v1/items";

/// Body of `POST /v1/items/{sku}/reorder-policy`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReorderPolicyRequest {
    /// Available stock below which the item is suggested for reordering; none when absent.
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::bodies::Quantity>)]
    pub reorder_point: Option<Quantity>,
    /// Least quantity to reorder; needs a reorder point.
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::bodies::Quantity>)]
    pub reorder_quantity: Option<Quantity>,
}

/// Body of `POST /v1/items/{sku}/rename`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameRequest {
    /// The new name.
    pub name: String,
}

/// Body of `POST /v1/items/{sku}/discontinue` (optional).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscontinueRequest {
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /v1/items` with a [`DefineItem`] body: 201.
#[utoipa::path(post, path = "/v1/items", params(crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::DefineItem,
    responses((status = 201, description = "Defined", body = super::Changed)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn define(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<DefineItem>,
) -> Result<Response, Problem> {
    let sku = request.sku.clone();
    run(&stores, &tenant, &sku, &headers, ItemCommand::DefineItem(request), &context, StatusCode::CREATED).await
}

/// `POST /v1/items/{sku}/reorder-policy`.
#[utoipa::path(post, path = "/v1/items/{sku}/reorder-policy",
    params(("sku" = String, Path, description = "The SKU"), crate::openapi::IfMatch),
    request_body = ReorderPolicyRequest,
    responses((status = 200, description = "Changed", body = super::Changed), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, sku = %sku))]
pub async fn change_reorder_policy(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(sku): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ReorderPolicyRequest>,
) -> Result<Response, Problem> {
    let command = ItemCommand::ChangeReorderPolicy {
        reorder_point: request.reorder_point,
        reorder_quantity: request.reorder_quantity,
    };
    run(&stores, &tenant, &sku, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/items/{sku}/rename`.
#[utoipa::path(post, path = "/v1/items/{sku}/rename",
    params(("sku" = String, Path, description = "The SKU"), crate::openapi::IfMatch), request_body = RenameRequest,
    responses((status = 200, description = "Renamed", body = super::Changed), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, sku = %sku))]
pub async fn rename(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(sku): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<RenameRequest>,
) -> Result<Response, Problem> {
    let command = ItemCommand::RenameItem { name: request.name };
    run(&stores, &tenant, &sku, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/items/{sku}/discontinue`, with an optional [`DiscontinueRequest`] body.
#[utoipa::path(post, path = "/v1/items/{sku}/discontinue",
    params(("sku" = String, Path, description = "The SKU"), crate::openapi::IfMatch),
    request_body(content = Option<DiscontinueRequest>, description = "Optional: absent, empty or null for no reason"),
    responses((status = 200, description = "Discontinued", body = super::Changed), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, sku = %sku))]
pub async fn discontinue(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(sku): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    body: Bytes,
) -> Result<Response, Problem> {
    let request: DiscontinueRequest = parse_optional_json(&body)?;
    let command = ItemCommand::DiscontinueItem { reason: request.reason };
    run(&stores, &tenant, &sku, &headers, command, &context, StatusCode::OK).await
}

async fn run(
    stores: &Stores,
    tenant: &TenantId,
    sku: &str,
    headers: &HeaderMap,
    command: ItemCommand,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem> {
    check_if_match(stores, tenant, sku, headers).await?;
    let committed = execute(stores, tenant, sku, command, context).await?;
    tracing::info!(position = committed.position, "item changed");
    let body = Changed { code: sku.to_owned(), version: committed.version, position: committed.position };
    Ok(accepted(status, body, &format!("{LOCATION}/{sku}"), committed))
}
