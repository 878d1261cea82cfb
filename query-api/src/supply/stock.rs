//! `GET /v1/stock` and `GET /v1/reorder-suggestions` from the `postgres` projector's read
//! model. Stock levels per item and location — on hand, reserved, available (on hand −
//! reserved) and value — by SKU then location, optionally only one item (`sku`) or location
//! (`location`). Reorder suggestions: active items whose available stock over every location
//! is below their reorder point, with the quantity to order (the reorder quantity, or more when
//! that does not reach the reorder point).
//!
//! CSV (`Accept: text/csv`): stock `sku,location,on_hand_milli,reserved_milli,available_milli,
//! value_minor,currency`; suggestions `sku,name,unit_of_measure,available_milli,
//! reorder_point_milli,suggested_quantity_milli`.

use axum::extract::State;
use axum::response::Response;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, PgPool};

use crate::consistency::MinPosition;
use crate::csv::{CsvWriter, ToCsv};
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::negotiate::Format;
use crate::params::QueryParams;
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// Query parameters of the stock levels; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StockParams {
    /// Only this item.
    pub sku: Option<String>,
    /// Only this location.
    pub location: Option<String>,
}

/// Stock levels.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StockView {
    /// Levels by SKU, then location.
    pub items: Vec<StockLevelView>,
}

/// The stock of one item at one location.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct StockLevelView {
    /// The item.
    pub sku: String,
    /// The location.
    pub location: String,
    /// Quantity on hand, thousandths (negative only when the tenant allows negative stock).
    pub on_hand_milli: i64,
    /// Quantity reserved for orders, thousandths.
    pub reserved_milli: i64,
    /// On hand less reserved: what can still be promised, thousandths.
    pub available_milli: i64,
    /// Value of what is on hand, minor units of `currency`.
    pub value_minor: i64,
    /// ISO 4217 currency of the value.
    pub currency: String,
}

/// `GET /v1/stock`.
#[utoipa::path(get, path = "/v1/stock", params(StockParams, crate::openapi::Csv),
    responses((status = 200, description = "Stock by SKU then location", body = StockView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn levels(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<StockParams>,
) -> Result<Response, Problem> {
    state.await_postgres(&tenant, token).await?;
    let items = read_levels(&state.stores.postgres, &tenant, query.sku.as_deref(), query.location.as_deref()).await?;
    Ok(format.respond(&StockView { items }))
}

/// The stock levels of `tenant`, of one SKU and one location when given, by SKU then location.
///
/// # Errors
/// When the database refuses.
pub async fn read_levels(
    pool: &PgPool,
    tenant: &TenantId,
    sku: Option<&str>,
    location: Option<&str>,
) -> Result<Vec<StockLevelView>, ReadError> {
    let sql = format!(
        "SELECT sku, location, on_hand_milli, reserved_milli, on_hand_milli - reserved_milli AS available_milli, \
                value_minor, currency::text AS currency FROM {} \
          WHERE ($1::text IS NULL OR sku = $1) AND ($2::text IS NULL OR location = $2) \
          ORDER BY sku COLLATE \"C\", location COLLATE \"C\"",
        tenant_table(tenant, "stock_levels")
    );
    let rows = sqlx::query_as::<_, StockLevelView>(&sql).bind(sku).bind(location).fetch_all(pool).await;
    absent_if_unprovisioned(rows, Vec::new())
}

impl ToCsv for StockView {
    const HEADER: &'static [&'static str] =
        &["sku", "location", "on_hand_milli", "reserved_milli", "available_milli", "value_minor", "currency"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for level in &self.items {
            csv.record(&[
                &level.sku,
                &level.location,
                &level.on_hand_milli.to_string(),
                &level.reserved_milli.to_string(),
                &level.available_milli.to_string(),
                &level.value_minor.to_string(),
                &level.currency,
            ]);
        }
    }
}

/// The reorder suggestions take no query parameters; any is refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestionParams {}

/// Reorder suggestions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SuggestionsView {
    /// Suggestions by SKU.
    pub items: Vec<SuggestionView>,
}

/// One item to reorder.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct SuggestionView {
    /// The item.
    pub sku: String,
    /// Its name.
    pub name: String,
    /// Its unit.
    pub unit_of_measure: String,
    /// Available over every location, thousandths.
    pub available_milli: i64,
    /// Its reorder point, thousandths.
    pub reorder_point_milli: i64,
    /// Quantity to order, thousandths.
    pub suggested_quantity_milli: i64,
}

/// `GET /v1/reorder-suggestions`.
#[utoipa::path(get, path = "/v1/reorder-suggestions", params(crate::openapi::Csv),
    responses((status = 200, description = "Active items whose available stock is below their reorder point", body = SuggestionsView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn reorder_suggestions(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(_query): QueryParams<SuggestionParams>,
) -> Result<Response, Problem> {
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "SELECT sku, name, unit_of_measure, available_milli, reorder_point_milli, suggested_quantity_milli \
           FROM {} ORDER BY sku COLLATE \"C\"",
        tenant_table(&tenant, "reorder_suggestions")
    );
    let rows = sqlx::query_as::<_, SuggestionView>(&sql).fetch_all(&state.stores.postgres).await;
    let items = absent_if_unprovisioned(rows, Vec::new())?;
    Ok(format.respond(&SuggestionsView { items }))
}

impl ToCsv for SuggestionsView {
    const HEADER: &'static [&'static str] =
        &["sku", "name", "unit_of_measure", "available_milli", "reorder_point_milli", "suggested_quantity_milli"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for suggestion in &self.items {
            csv.record(&[
                &suggestion.sku,
                &suggestion.name,
                &suggestion.unit_of_measure,
                &suggestion.available_milli.to_string(),
                &suggestion.reorder_point_milli.to_string(),
                &suggestion.suggested_quantity_milli.to_string(),
            ]);
        }
    }
}
