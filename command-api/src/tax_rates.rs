//! Tax rates over REST: define a tax code with its rate and accounts, change its rate from a
//! date on, retire it. Every route addresses the tenant's one tax-rates aggregate, so
//! `If-Match` carries its version.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::finance::tax::{DefineTaxRate, TaxRates, TaxRatesCommand, TAX_RATES_ID};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};

use crate::dispatch::{accepted, check_if_match, execute};
use crate::event_store::TenantEventStores;
use crate::request_context::RequestContext;

/// State shared by the tax-rate routes.
pub type Stores = Arc<TenantEventStores<TaxRates>>;

/// Body of `POST /v1/tax-rates/{code}/change`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeTaxRateRequest {
    /// The new rate in basis points (2000 = 20 %).
    pub rate_bp: i64,
    /// First document date the new rate applies to.
    pub effective_from: NaiveDate,
}

/// Answer to an accepted tax-rate command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TaxRateChangedView {
    /// The tax code.
    pub code: String,
    /// The tax rates' version after the command.
    pub version: i64,
    /// Global position of the event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// `POST /v1/tax-rates` with a [`DefineTaxRate`] body.
#[utoipa::path(post, path = "/v1/tax-rates", params(crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::DefineTaxRate,
    responses((status = 201, description = "Defined", body = TaxRateChangedView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn define(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<DefineTaxRate>,
) -> Result<Response, Problem> {
    let code = request.code.clone();
    run(&stores, &tenant, &headers, TaxRatesCommand::DefineTaxRate(request), &context, StatusCode::CREATED, code).await
}

/// `POST /v1/tax-rates/{code}/change`.
#[utoipa::path(post, path = "/v1/tax-rates/{code}/change",
    params(("code" = String, Path, description = "The tax code"), crate::openapi::IfMatch),
    request_body = ChangeTaxRateRequest,
    responses((status = 200, description = "Changed", body = TaxRateChangedView), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, code = %code))]
pub async fn change(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(code): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ChangeTaxRateRequest>,
) -> Result<Response, Problem> {
    let command = TaxRatesCommand::ChangeTaxRate {
        code: code.clone(),
        rate_bp: request.rate_bp,
        effective_from: request.effective_from,
    };
    run(&stores, &tenant, &headers, command, &context, StatusCode::OK, code).await
}

/// `POST /v1/tax-rates/{code}/retire`.
#[utoipa::path(post, path = "/v1/tax-rates/{code}/retire",
    params(("code" = String, Path, description = "The tax code"), crate::openapi::IfMatch),
    responses((status = 200, description = "Retired", body = TaxRateChangedView), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, code = %code))]
pub async fn retire(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(code): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let command = TaxRatesCommand::RetireTaxRate { code: code.clone() };
    run(&stores, &tenant, &headers, command, &context, StatusCode::OK, code).await
}

async fn run(
    stores: &Stores,
    tenant: &TenantId,
    headers: &HeaderMap,
    command: TaxRatesCommand,
    context: &RequestContext,
    status: StatusCode,
    code: String,
) -> Result<Response, Problem> {
    check_if_match(stores, tenant, TAX_RATES_ID, headers).await?;
    let committed = execute(stores, tenant, TAX_RATES_ID, command, context).await?;
    tracing::info!(position = committed.position, "tax rates changed");
    let location = format!("/v1/tax-rates/{code}");
    let body = TaxRateChangedView { code, version: committed.version, position: committed.position };
    Ok(accepted(status, body, &location, committed))
}
