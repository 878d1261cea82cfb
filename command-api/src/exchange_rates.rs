//! Exchange rates over REST: set the tenant's functional currency once, then set rates of
//! other currencies against it per date. Every route addresses the tenant's one
//! exchange-rates aggregate, so `If-Match` carries its version. The answer to setting rates
//! says how many the command changed: a rate set to what it already was records no event.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use prism_aggregates::finance::exchange_rates::{ExchangeRates, ExchangeRatesCommand, RateInput, EXCHANGE_RATES_ID};
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};

use crate::dispatch::{accepted, check_if_match, execute};
use crate::event_store::TenantEventStores;
use crate::request_context::RequestContext;

/// State shared by the exchange-rate routes.
pub type Stores = Arc<TenantEventStores<ExchangeRates>>;

/// Where the exchange rates are read.
const LOCATION: &str = "/v1/exchange-rates";

/// Body of `POST /v1/exchange-rates/functional-currency`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetFunctionalCurrencyRequest {
    /// ISO 4217 currency code (`EUR`).
    pub currency: String,
}

/// Body of `POST /v1/exchange-rates`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetExchangeRatesRequest {
    /// The rates to set: currency, date and rate text (1 `currency` = `rate` functional units).
    #[schema(value_type = Vec<crate::openapi::bodies::RateInput>)]
    pub rates: Vec<RateInput>,
}

/// Answer to an accepted functional-currency command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FunctionalCurrencySetView {
    /// The functional currency.
    pub currency: String,
    /// The exchange rates' version after the command.
    pub version: i64,
    /// Global position of the event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// Answer to an accepted exchange-rates command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExchangeRatesSetView {
    /// How many rates the command changed (one `ExchangeRateSet` event each).
    pub changed: i64,
    /// The exchange rates' version after the command.
    pub version: i64,
    /// Global position of the exchange rates' last event: send as `X-Prism-Min-Position` to
    /// read your write.
    pub position: i64,
}

/// `POST /v1/exchange-rates/functional-currency` with a [`SetFunctionalCurrencyRequest`] body.
#[utoipa::path(post, path = "/v1/exchange-rates/functional-currency", params(crate::openapi::IfMatch),
    request_body = SetFunctionalCurrencyRequest,
    responses((status = 201, description = "Set", body = FunctionalCurrencySetView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn set_functional_currency(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<SetFunctionalCurrencyRequest>,
) -> Result<Response, Problem> {
    let currency = request.currency.clone();
    let command = ExchangeRatesCommand::SetFunctionalCurrency { currency: request.currency };
    check_if_match(&stores, &tenant, EXCHANGE_RATES_ID, &headers).await?;
    let committed = execute(&stores, &tenant, EXCHANGE_RATES_ID, command, &context).await?;
    tracing::info!(position = committed.position, "functional currency set");
    let body = FunctionalCurrencySetView { currency, version: committed.version, position: committed.position };
    Ok(accepted(StatusCode::CREATED, body, LOCATION, committed))
}

/// `POST /v1/exchange-rates` with a [`SetExchangeRatesRequest`] body.
#[utoipa::path(post, path = "/v1/exchange-rates", params(crate::openapi::IfMatch),
    request_body = SetExchangeRatesRequest,
    responses((status = 200, description = "Set", body = ExchangeRatesSetView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn set_rates(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<SetExchangeRatesRequest>,
) -> Result<Response, Problem> {
    let command = ExchangeRatesCommand::SetExchangeRates { rates: request.rates };
    check_if_match(&stores, &tenant, EXCHANGE_RATES_ID, &headers).await?;
    let committed = execute(&stores, &tenant, EXCHANGE_RATES_ID, command, &context).await?;
    let changed = committed.recorded;
    tracing::info!(position = committed.position, changed, "exchange rates set");
    let body = ExchangeRatesSetView { changed, version: committed.version, position: committed.position };
    Ok(accepted(StatusCode::OK, body, LOCATION, committed))
}
