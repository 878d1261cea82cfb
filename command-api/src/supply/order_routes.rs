//! What the sales and purchase order routes share: an order addressed by the UUID in its path,
//! one command run on it (`If-Match` checked first), and the answer `{order_id, status,
//! version, position}` with the status read back from the aggregate after the command.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use cqrs_es::Aggregate;
use prism_aggregates::refusal::Refusal;
use prism_aggregates::supply::purchase_order::{PurchaseOrder, PurchaseOrderStatus};
use prism_aggregates::supply::sales_order::{SalesOrder, SalesOrderStatus};
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::Serialize;
use uuid::Uuid;

use crate::dispatch::{accepted, check_if_match, execute};
use crate::event_store::TenantEventStores;
use crate::request_context::RequestContext;

/// An order aggregate served by these routes.
pub trait Order: Aggregate + 'static {
    /// Where orders of this kind are read, e.g. `/v1/sales-orders`.
    const LOCATION: &'static str;

    /// The status, as on the wire; `None` before the first event.
    fn status_name(&self) -> Option<&'static str>;
}

impl Order for SalesOrder {
    const LOCATION: &'static str = "/v1/sales-orders";

    fn status_name(&self) -> Option<&'static str> {
        self.status().map(SalesOrderStatus::as_str)
    }
}

impl Order for PurchaseOrder {
    const LOCATION: &'static str = "/v1/purchase-orders";

    fn status_name(&self) -> Option<&'static str> {
        self.status().map(PurchaseOrderStatus::as_str)
    }
}

/// Answer to an accepted order command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrderChanged {
    /// The order.
    pub order_id: Uuid,
    /// Its status after the command.
    pub status: &'static str,
    /// The order's version after the command.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// The order id of a path; anything but a UUID names no order (404).
///
/// # Errors
/// A 404 problem when `id` is not a UUID.
pub fn parse_order_id(id: &str) -> Result<Uuid, Problem> {
    crate::dispatch::path_uuid("order", id)
}

/// Runs `command` on order `order_id` and answers with `status` (201 for a new order, 200
/// otherwise), `Location`, `ETag` and the position header.
///
/// # Errors
/// A stale `If-Match`, the command's refusal, or a failure to read the order back.
pub async fn run<A>(
    stores: &Arc<TenantEventStores<A>>,
    tenant: &TenantId,
    order_id: Uuid,
    headers: &HeaderMap,
    command: A::Command,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem>
where
    A: Order,
    A::Error: Refusal,
{
    let id = order_id.to_string();
    check_if_match(stores, tenant, &id, headers).await?;
    let committed = execute(stores, tenant, &id, command, context).await?;
    tracing::info!(position = committed.position, aggregate = A::TYPE, order_id = %id, "order changed");
    let order = stores.load(tenant, &id).await.map_err(|e| Problem::internal(&e))?;
    let body = OrderChanged {
        order_id,
        status: order.status_name().unwrap_or_default(),
        version: committed.version,
        position: committed.position,
    };
    Ok(accepted(status, body, &format!("{}/{id}", A::LOCATION), committed))
}
