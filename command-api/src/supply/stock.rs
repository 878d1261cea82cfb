//! Stock movements over REST, one route per movement: receipts, issues, transfers,
//! adjustments after a count, reservations and their release. The body names the item
//! (`sku`), whose stock is one aggregate; the answer is the stock of every location the
//! movement touched, as it stands after it. Movements of one item from many clients at once
//! are serialised by the aggregate and retried on a lost race, so a reservation never takes
//! what another one already took; an id given for a movement or reservation makes a retry of
//! the same request record nothing.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use prism_aggregates::supply::stock::{
    AdjustStock, IssueStock, ReceiveStock, ReleaseReservation, ReserveStock, Stock, StockCommand, TransferStock,
};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::Serialize;

use crate::dispatch::{accepted, execute_contended};
use crate::request_context::RequestContext;

/// State shared by the stock routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<Stock>>;

/// How many times a movement is tried while other movements of the same item win the race:
/// each lost attempt is another movement committed, so a burst of up to this many concurrent
/// movements of one item never answers 409.
const ATTEMPTS: u32 = 32;

/// Answer to an accepted movement.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StockMoved {
    /// The item.
    pub sku: String,
    /// Each location the movement touched, after it.
    pub locations: Vec<LocationStockView>,
    /// The item's stock version after the movement.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// The stock of an item at one location.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LocationStockView {
    /// Location code.
    pub location: String,
    /// On hand, thousandths of the unit.
    pub on_hand_milli: i64,
    /// Reserved, thousandths.
    pub reserved_milli: i64,
    /// On hand less reserved, thousandths.
    pub available_milli: i64,
    /// Value of what is on hand, minor units of the item's currency.
    pub value_minor: i64,
}

/// `POST /v1/stock/receipts` with a [`ReceiveStock`] body: 201.
#[utoipa::path(post, path = "/v1/stock/receipts", request_body = crate::openapi::bodies::ReceiveStock,
    responses((status = 201, description = "Received", body = StockMoved), crate::openapi::NotFound))]
pub async fn receive(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    context: RequestContext,
    JsonBody(receipt): JsonBody<ReceiveStock>,
) -> Result<Response, Problem> {
    let (sku, locations) = (receipt.sku.clone(), vec![receipt.location.clone()]);
    run(&stores, &tenant, sku, locations, StockCommand::Receive(receipt), &context).await
}

/// `POST /v1/stock/issues` with an [`IssueStock`] body: 201.
#[utoipa::path(post, path = "/v1/stock/issues", request_body = crate::openapi::bodies::IssueStock,
    responses((status = 201, description = "Issued", body = StockMoved), crate::openapi::NotFound))]
pub async fn issue(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    context: RequestContext,
    JsonBody(issue): JsonBody<IssueStock>,
) -> Result<Response, Problem> {
    let (sku, locations) = (issue.sku.clone(), vec![issue.location.clone()]);
    run(&stores, &tenant, sku, locations, StockCommand::Issue(issue), &context).await
}

/// `POST /v1/stock/transfers` with a [`TransferStock`] body: 201.
#[utoipa::path(post, path = "/v1/stock/transfers", request_body = crate::openapi::bodies::TransferStock,
    responses((status = 201, description = "Transferred", body = StockMoved), crate::openapi::NotFound))]
pub async fn transfer(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    context: RequestContext,
    JsonBody(transfer): JsonBody<TransferStock>,
) -> Result<Response, Problem> {
    let (sku, locations) = (transfer.sku.clone(), vec![transfer.from_location.clone(), transfer.to_location.clone()]);
    run(&stores, &tenant, sku, locations, StockCommand::Transfer(transfer), &context).await
}

/// `POST /v1/stock/adjustments` with an [`AdjustStock`] body: 201.
#[utoipa::path(post, path = "/v1/stock/adjustments", request_body = crate::openapi::bodies::AdjustStock,
    responses((status = 201, description = "Adjusted to the count", body = StockMoved), crate::openapi::NotFound))]
pub async fn adjust(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    context: RequestContext,
    JsonBody(adjustment): JsonBody<AdjustStock>,
) -> Result<Response, Problem> {
    let (sku, locations) = (adjustment.sku.clone(), vec![adjustment.location.clone()]);
    run(&stores, &tenant, sku, locations, StockCommand::Adjust(adjustment), &context).await
}

/// `POST /v1/stock/reservations` with a [`ReserveStock`] body: 201.
#[utoipa::path(post, path = "/v1/stock/reservations", request_body = crate::openapi::bodies::ReserveStock,
    responses((status = 201, description = "Reserved", body = StockMoved), crate::openapi::NotFound))]
pub async fn reserve(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    context: RequestContext,
    JsonBody(reservation): JsonBody<ReserveStock>,
) -> Result<Response, Problem> {
    let (sku, locations) = (reservation.sku.clone(), vec![reservation.location.clone()]);
    run(&stores, &tenant, sku, locations, StockCommand::Reserve(reservation), &context).await
}

/// `POST /v1/stock/releases` with a [`ReleaseReservation`] body: 201.
#[utoipa::path(post, path = "/v1/stock/releases", request_body = crate::openapi::bodies::ReleaseReservation,
    responses((status = 201, description = "Released", body = StockMoved), crate::openapi::NotFound))]
pub async fn release(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    context: RequestContext,
    JsonBody(release): JsonBody<ReleaseReservation>,
) -> Result<Response, Problem> {
    let sku = release.sku.clone();
    run(&stores, &tenant, sku, Vec::new(), StockCommand::Release(release), &context).await
}

/// Runs `command` on the stock of `sku` and answers with `locations` as they stand after it
/// (for a release: the reservation's location).
async fn run(
    stores: &Stores,
    tenant: &TenantId,
    sku: String,
    mut locations: Vec<String>,
    command: StockCommand,
    context: &RequestContext,
) -> Result<Response, Problem> {
    let committed = execute_contended(stores, tenant, &sku, &command, context, ATTEMPTS).await?;
    tracing::info!(position = committed.position, sku = %sku, "stock moved");
    let stock = stores.load(tenant, &sku).await.map_err(|e| Problem::internal(&e))?;
    if let StockCommand::Release(release) = &command {
        locations.extend(stock.reservation(&release.reservation_id).map(|r| r.location.clone()));
    }
    let locations = locations
        .into_iter()
        .map(|location| LocationStockView {
            on_hand_milli: stock.on_hand_milli(&location),
            reserved_milli: stock.reserved_milli(&location),
            available_milli: stock.available_milli(&location),
            value_minor: stock.value_minor(&location),
            location,
        })
        .collect();
    let body = StockMoved { sku, locations, version: committed.version, position: committed.position };
    Ok(accepted(StatusCode::CREATED, body, "/v1/stock", committed))
}
