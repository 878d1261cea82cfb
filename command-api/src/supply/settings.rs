//! The tenant's supply settings over REST: whether stock may go negative, and above which
//! amount a purchase order needs approval. One aggregate per tenant; `If-Match` carries its
//! version.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use prism_aggregates::supply::settings::{SupplySettings, SupplySettingsCommand, SUPPLY_SETTINGS_ID};
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;

use super::Changed;
use crate::dispatch::{accepted, check_if_match, execute};
use crate::request_context::RequestContext;

/// State shared by the settings route.
pub type Stores = Arc<crate::event_store::TenantEventStores<SupplySettings>>;

/// `POST /v1/supply-settings` with `{allow_negative_stock, po_approval_threshold_minor,
/// po_approval_currency}`: 200, whether or not anything changed.
#[utoipa::path(post, path = "/v1/supply-settings", params(crate::openapi::IfMatch), request_body = ConfigureRequest,
    responses((status = 200, description = "Configured", body = super::Changed)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn configure(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(command): JsonBody<ConfigureRequest>,
) -> Result<Response, Problem> {
    check_if_match(&stores, &tenant, SUPPLY_SETTINGS_ID, &headers).await?;
    let command = SupplySettingsCommand::ConfigureSupply {
        allow_negative_stock: command.allow_negative_stock,
        po_approval_threshold_minor: command.po_approval_threshold_minor,
        po_approval_currency: command.po_approval_currency,
    };
    let committed = execute(&stores, &tenant, SUPPLY_SETTINGS_ID, command, &context).await?;
    tracing::info!(position = committed.position, "supply settings configured");
    let body =
        Changed { code: SUPPLY_SETTINGS_ID.to_owned(), version: committed.version, position: committed.position };
    Ok(accepted(StatusCode::OK, body, "/v1/supply-settings", committed))
}

/// Body of `POST /v1/supply-settings`.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigureRequest {
    /// Whether issues and reservations may take on hand below zero.
    pub allow_negative_stock: bool,
    /// Purchase orders above this total need approval by someone other than the requester.
    pub po_approval_threshold_minor: i64,
    /// ISO 4217 currency of the threshold.
    pub po_approval_currency: String,
}
