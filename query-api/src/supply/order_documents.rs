//! `GET /v1/sales-orders/{id}` and `GET /v1/purchase-orders/{id}`: the order's MongoDB
//! document — lines with their progress, status history, shipments, returns, linked invoices
//! and payments of a sales order; receipts and bills with their three-way match of a purchase
//! order — from database `prism_<tenant>`, after the `mongo` projector has reached the
//! consistency token (if any).

use axum::extract::{Path, State};
use axum::Json;
use mongodb::bson::{doc, Bson, Document};
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde_json::Value;

use crate::consistency::MinPosition;
use crate::error::ReadError;
use crate::params;
use crate::state::AppState;
use crate::tenants::KnownTenant;

/// Collection holding one document per sales order, keyed by the order id string.
pub const SALES_ORDERS: &str = "sales_orders";

/// Collection holding one document per purchase order, keyed by the order id string.
pub const PURCHASE_ORDERS: &str = "purchase_orders";

/// `GET /v1/sales-orders/{id}`: the stored document as relaxed extended JSON; 404 when absent.
#[utoipa::path(get, path = "/v1/sales-orders/{id}", params(("id" = Uuid, Path, description = "The order")),
    responses((status = 200, description = "The order's MongoDB document (lines with progress, status history, shipments, invoices, payments)", body = Object)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, order_id = %id))]
pub async fn get_sales_order(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let order_id = params::path_uuid("sales order", &id)?;
    find_document(&state, &tenant, token, ("sales order", SALES_ORDERS), &order_id.to_string()).await
}

/// `GET /v1/purchase-orders/{id}`: the stored document as relaxed extended JSON; 404 when
/// absent.
#[utoipa::path(get, path = "/v1/purchase-orders/{id}", params(("id" = Uuid, Path, description = "The order")),
    responses((status = 200, description = "The order's MongoDB document (lines with progress, approval, receipts, bills with their three-way match)", body = Object)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, order_id = %id))]
pub async fn get_purchase_order(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let order_id = params::path_uuid("purchase order", &id)?;
    find_document(&state, &tenant, token, ("purchase order", PURCHASE_ORDERS), &order_id.to_string()).await
}

/// The document `_id` = `id` in `collection` of `tenant`'s database, as relaxed extended
/// JSON, once the `mongo` projector has reached `token`; 404 naming a `what` when absent.
///
/// # Errors
/// 404, a consistency timeout, or the database refusing.
pub async fn find_document(
    state: &AppState,
    tenant: &TenantId,
    token: MinPosition,
    (what, collection): (&str, &str),
    id: &str,
) -> Result<Json<Value>, Problem> {
    state.await_mongo(tenant, token).await?;
    let document = state
        .stores
        .mongo_database(tenant)
        .collection::<Document>(collection)
        .find_one(doc! { "_id": id })
        .await
        .map_err(ReadError::from)?;
    document
        .map(|document| Json(Bson::Document(document).into_relaxed_extjson()))
        .ok_or_else(|| params::no_such(what, id).into())
}
