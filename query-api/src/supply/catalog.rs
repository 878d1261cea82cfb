//! `GET /v1/items`, `GET /v1/items/{sku}` and `GET /v1/locations`: the item catalog and the
//! warehouse locations from `items` and `locations` (the `postgres` projector's read model).
//! Items by SKU, optionally only one status (`status=active|discontinued`); locations by code,
//! optionally only one warehouse's (`warehouse`). Not paginated.
//!
//! CSV (`Accept: text/csv`): items `sku,name,unit_of_measure,valuation_method,currency,
//! reorder_point_milli,reorder_quantity_milli,status`; locations `code,name,kind,parent,warehouse,status`.

use axum::extract::{Path, State};
use axum::response::Response;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::consistency::MinPosition;
use crate::csv::{optional, CsvWriter, ToCsv};
use crate::error::absent_if_unprovisioned;
use crate::negotiate::Format;
use crate::params::{self, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// Query parameters of the item list; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ItemParams {
    /// Only items of this status: `active` or `discontinued`.
    pub status: Option<String>,
}

/// The items.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemsView {
    /// Items by SKU.
    pub items: Vec<ItemView>,
}

/// One item.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct ItemView {
    /// Stock-keeping unit.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Unit its quantities count (`each`, `kg`).
    pub unit_of_measure: String,
    /// `fifo` or `moving_average`.
    pub valuation_method: String,
    /// ISO 4217 currency its stock is valued in.
    pub currency: String,
    /// Available stock below which it should be reordered, thousandths (0: no reorder point).
    pub reorder_point_milli: i64,
    /// Least quantity to reorder, thousandths.
    pub reorder_quantity_milli: i64,
    /// `active` or `discontinued`.
    pub status: String,
}

const ITEM_COLUMNS: &str = "sku, name, unit_of_measure, valuation_method, currency::text AS currency, \
                            reorder_point_milli, reorder_quantity_milli, status";

/// `GET /v1/items`.
#[utoipa::path(get, path = "/v1/items", params(ItemParams, crate::openapi::Csv),
    responses((status = 200, description = "The items by SKU", body = ItemsView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list_items(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<ItemParams>,
) -> Result<Response, Problem> {
    let status = params::one_of("status", query.status.as_deref(), &["active", "discontinued"])?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM {} WHERE ($1::text IS NULL OR status = $1) ORDER BY sku COLLATE \"C\"",
        tenant_table(&tenant, "items")
    );
    let rows = sqlx::query_as::<_, ItemView>(&sql).bind(status).fetch_all(&state.stores.postgres).await;
    let items = absent_if_unprovisioned(rows, Vec::new())?;
    Ok(format.respond(&ItemsView { items }))
}

/// `GET /v1/items/{sku}`: 404 when there is no such item.
#[utoipa::path(get, path = "/v1/items/{sku}",
    params(("sku" = String, Path, description = "The SKU"), crate::openapi::Csv),
    responses((status = 200, description = "The item", body = ItemView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, sku = %sku))]
pub async fn get_item(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    Path(sku): Path<String>,
) -> Result<Response, Problem> {
    state.await_postgres(&tenant, token).await?;
    let sql = format!("SELECT {ITEM_COLUMNS} FROM {} WHERE sku = $1", tenant_table(&tenant, "items"));
    let row = sqlx::query_as::<_, ItemView>(&sql).bind(&sku).fetch_optional(&state.stores.postgres).await;
    let item = absent_if_unprovisioned(row, None)?.ok_or_else(|| params::no_such("item", &sku))?;
    Ok(format.respond(&item))
}

impl ToCsv for ItemsView {
    const HEADER: &'static [&'static str] = ItemView::HEADER;

    fn write_records(&self, csv: &mut CsvWriter) {
        for item in &self.items {
            item.write_records(csv);
        }
    }
}

impl ToCsv for ItemView {
    const HEADER: &'static [&'static str] = &[
        "sku",
        "name",
        "unit_of_measure",
        "valuation_method",
        "currency",
        "reorder_point_milli",
        "reorder_quantity_milli",
        "status",
    ];

    fn write_records(&self, csv: &mut CsvWriter) {
        csv.record(&[
            &self.sku,
            &self.name,
            &self.unit_of_measure,
            &self.valuation_method,
            &self.currency,
            &self.reorder_point_milli.to_string(),
            &self.reorder_quantity_milli.to_string(),
            &self.status,
        ]);
    }
}

/// Query parameters of the location list; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LocationParams {
    /// Only this warehouse and the zones and bins in it.
    pub warehouse: Option<String>,
}

/// The locations.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LocationsView {
    /// Locations by code.
    pub items: Vec<LocationView>,
}

/// One location.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct LocationView {
    /// Location code.
    pub code: String,
    /// Name.
    pub name: String,
    /// `warehouse`, `zone` or `bin`.
    pub kind: String,
    /// The zone of a bin, the warehouse of a zone; `null` for a warehouse.
    pub parent: Option<String>,
    /// The warehouse it is in (itself for a warehouse).
    pub warehouse: String,
    /// `open` or `closed`.
    pub status: String,
}

/// `GET /v1/locations`.
#[utoipa::path(get, path = "/v1/locations", params(LocationParams, crate::openapi::Csv),
    responses((status = 200, description = "The locations by code", body = LocationsView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list_locations(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<LocationParams>,
) -> Result<Response, Problem> {
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "SELECT code, name, kind, parent, warehouse, status FROM {} \
          WHERE ($1::text IS NULL OR warehouse = $1) ORDER BY code COLLATE \"C\"",
        tenant_table(&tenant, "locations")
    );
    let rows = sqlx::query_as::<_, LocationView>(&sql).bind(query.warehouse).fetch_all(&state.stores.postgres).await;
    let items = absent_if_unprovisioned(rows, Vec::new())?;
    Ok(format.respond(&LocationsView { items }))
}

impl ToCsv for LocationsView {
    const HEADER: &'static [&'static str] = &["code", "name", "kind", "parent", "warehouse", "status"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for location in &self.items {
            csv.record(&[
                &location.code,
                &location.name,
                &location.kind,
                &optional(location.parent.as_ref()),
                &location.warehouse,
                &location.status,
            ]);
        }
    }
}
