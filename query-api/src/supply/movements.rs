//! Stock over time, from the time-series read model (`timescale` projector, `stock_movements`):
//!
//! - `GET /v1/stock/{sku}/movements?from=&to=&location=` — every movement of the item recorded
//!   on days `from` to `to` (UTC, inclusive), in the order recorded;
//! - `GET /v1/stock/{sku}/as-of?at=<RFC 3339 time>` — the item's stock per location as it
//!   stood at `at` (now when absent): the sums of its changes recorded up to then;
//! - `GET /v1/stock/{sku}/daily?from=&to=` — movements per UTC day, location and kind
//!   (`daily_stock_movements`).
//!
//! CSV (`Accept: text/csv`): movements `recorded_at,movement_id,location,movement,
//! quantity_change_milli,reserved_change_milli,value_change_minor,currency,reference`; as-of
//! `location,on_hand_milli,reserved_milli,value_minor`; daily `day,location,movement,
//! movements,quantity_change_milli,value_change_minor`.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::consistency::MinPosition;
use crate::csv::{optional, CsvWriter, ToCsv};
use crate::error::absent_if_unprovisioned;
use crate::negotiate::Format;
use crate::params::{self, InputError, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// Query parameters of the movement list and the daily movements; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RangeParams {
    /// First UTC day (`YYYY-MM-DD`), inclusive.
    pub from: Option<String>,
    /// Last UTC day, inclusive.
    pub to: Option<String>,
    /// Only this location.
    pub location: Option<String>,
}

/// Days `from` to `to` as the half-open range of times `[from 00:00, to + 1 day 00:00)`.
fn day_range(query: &RangeParams) -> Result<(Option<NaiveDate>, Option<NaiveDate>), InputError> {
    let from = params::optional_date("from", query.from.as_deref())?;
    let to = params::optional_date("to", query.to.as_deref())?;
    params::ordered(from, to)?;
    Ok((from, to.and_then(|to| to.succ_opt())))
}

/// The movements of one item.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MovementsView {
    /// The item.
    pub sku: String,
    /// Its movements in the order recorded.
    pub items: Vec<MovementView>,
}

/// One movement.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct MovementView {
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Its id.
    pub movement_id: String,
    /// Where.
    pub location: String,
    /// `receipt`, `issue`, `transfer_out`, `transfer_in`, `adjustment`, `reservation` or `release`.
    pub movement: String,
    /// Change of the quantity on hand, thousandths.
    pub quantity_change_milli: i64,
    /// Change of the quantity reserved, thousandths.
    pub reserved_change_milli: i64,
    /// Change of the value, minor units (an issue's is minus its cost of goods).
    pub value_change_minor: i64,
    /// ISO 4217 currency of the value.
    pub currency: String,
    /// The order, receipt or document it is for.
    pub reference: Option<String>,
}

/// `GET /v1/stock/{sku}/movements`.
#[utoipa::path(get, path = "/v1/stock/{sku}/movements",
    params(("sku" = String, Path, description = "The SKU"), RangeParams, crate::openapi::Csv),
    responses((status = 200, description = "The item's movements in the order recorded", body = MovementsView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, sku = %sku))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    Path(sku): Path<String>,
    QueryParams(query): QueryParams<RangeParams>,
) -> Result<Response, Problem> {
    let (from, until) = day_range(&query)?;
    state.await_timeseries(&tenant, token).await?;
    let sql = format!(
        "SELECT recorded_at, movement_id, location, movement, quantity_change_milli, reserved_change_milli, \
                value_change_minor, currency::text AS currency, reference FROM {} \
          WHERE sku = $1 AND ($2::text IS NULL OR location = $2) \
            AND ($3::date IS NULL OR recorded_at >= $3::date::timestamp AT TIME ZONE 'UTC') \
            AND ($4::date IS NULL OR recorded_at < $4::date::timestamp AT TIME ZONE 'UTC') \
          ORDER BY global_position",
        tenant_table(&tenant, "stock_movements")
    );
    let rows = sqlx::query_as::<_, MovementView>(&sql)
        .bind(&sku)
        .bind(query.location)
        .bind(from)
        .bind(until)
        .fetch_all(&state.stores.timeseries)
        .await;
    let items = absent_if_unprovisioned(rows, Vec::new())?;
    Ok(format.respond(&MovementsView { sku, items }))
}

impl ToCsv for MovementsView {
    const HEADER: &'static [&'static str] = &[
        "recorded_at",
        "movement_id",
        "location",
        "movement",
        "quantity_change_milli",
        "reserved_change_milli",
        "value_change_minor",
        "currency",
        "reference",
    ];

    fn write_records(&self, csv: &mut CsvWriter) {
        for movement in &self.items {
            csv.record(&[
                &movement.recorded_at.to_rfc3339(),
                &movement.movement_id,
                &movement.location,
                &movement.movement,
                &movement.quantity_change_milli.to_string(),
                &movement.reserved_change_milli.to_string(),
                &movement.value_change_minor.to_string(),
                &movement.currency,
                &optional(movement.reference.as_ref()),
            ]);
        }
    }
}

/// Query parameters of the stock as of a time; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AsOfParams {
    /// The time (RFC 3339, e.g. `2026-03-31T23:59:59Z`); now when absent.
    pub at: Option<String>,
}

/// An item's stock as it stood at a time.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StockAsOfView {
    /// The item.
    pub sku: String,
    /// The time.
    pub at: DateTime<Utc>,
    /// Per location with movements up to then, by location.
    pub locations: Vec<LocationStockView>,
}

/// Stock at one location.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct LocationStockView {
    /// The location.
    pub location: String,
    /// On hand, thousandths.
    pub on_hand_milli: i64,
    /// Reserved, thousandths.
    pub reserved_milli: i64,
    /// Value, minor units.
    pub value_minor: i64,
}

/// `GET /v1/stock/{sku}/as-of`.
#[utoipa::path(get, path = "/v1/stock/{sku}/as-of",
    params(("sku" = String, Path, description = "The SKU"), AsOfParams, crate::openapi::Csv),
    responses((status = 200, description = "The item's stock as it stood at `at`", body = StockAsOfView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, sku = %sku))]
pub async fn as_of(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    Path(sku): Path<String>,
    QueryParams(query): QueryParams<AsOfParams>,
) -> Result<Response, Problem> {
    let at = match query.at.as_deref() {
        None => Utc::now(),
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map_err(|_| params::invalid("at", format!("at must be an RFC 3339 time, got {text:?}")))?
            .with_timezone(&Utc),
    };
    state.await_timeseries(&tenant, token).await?;
    let sql = format!(
        "SELECT location, sum(quantity_change_milli)::bigint AS on_hand_milli, \
                sum(reserved_change_milli)::bigint AS reserved_milli, sum(value_change_minor)::bigint AS value_minor \
           FROM {} WHERE sku = $1 AND recorded_at <= $2 \
          GROUP BY location ORDER BY location COLLATE \"C\"",
        tenant_table(&tenant, "stock_movements")
    );
    let rows =
        sqlx::query_as::<_, LocationStockView>(&sql).bind(&sku).bind(at).fetch_all(&state.stores.timeseries).await;
    let locations = absent_if_unprovisioned(rows, Vec::new())?;
    Ok(format.respond(&StockAsOfView { sku, at, locations }))
}

impl ToCsv for StockAsOfView {
    const HEADER: &'static [&'static str] = &["location", "on_hand_milli", "reserved_milli", "value_minor"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for stock in &self.locations {
            csv.record(&[
                &stock.location,
                &stock.on_hand_milli.to_string(),
                &stock.reserved_milli.to_string(),
                &stock.value_minor.to_string(),
            ]);
        }
    }
}

/// An item's movements per day.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DailyMovementsView {
    /// The item.
    pub sku: String,
    /// Per day, location and kind, by day then location then kind.
    pub items: Vec<DailyMovementView>,
}

/// One day's movements of one kind at one location.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct DailyMovementView {
    /// The UTC day.
    pub day: NaiveDate,
    /// The location.
    pub location: String,
    /// The kind of movement.
    pub movement: String,
    /// How many movements.
    pub movements: i64,
    /// Their quantity change, thousandths.
    pub quantity_change_milli: i64,
    /// Their value change, minor units.
    pub value_change_minor: i64,
}

/// `GET /v1/stock/{sku}/daily`.
#[utoipa::path(get, path = "/v1/stock/{sku}/daily",
    params(("sku" = String, Path, description = "The SKU"), RangeParams, crate::openapi::Csv),
    responses((status = 200, description = "The item's movements per UTC day", body = DailyMovementsView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, sku = %sku))]
pub async fn daily(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    Path(sku): Path<String>,
    QueryParams(query): QueryParams<RangeParams>,
) -> Result<Response, Problem> {
    let (from, until) = day_range(&query)?;
    state.await_timeseries(&tenant, token).await?;
    let sql = format!(
        "SELECT (day AT TIME ZONE 'UTC')::date AS day, location, movement, movements::bigint AS movements, \
                quantity_change_milli::bigint AS quantity_change_milli, value_change_minor::bigint AS value_change_minor \
           FROM {} \
          WHERE sku = $1 AND ($2::text IS NULL OR location = $2) \
            AND ($3::date IS NULL OR day >= $3::date::timestamp AT TIME ZONE 'UTC') \
            AND ($4::date IS NULL OR day < $4::date::timestamp AT TIME ZONE 'UTC') \
          ORDER BY day, location COLLATE \"C\", movement",
        tenant_table(&tenant, "daily_stock_movements")
    );
    let rows = sqlx::query_as::<_, DailyMovementView>(&sql)
        .bind(&sku)
        .bind(query.location)
        .bind(from)
        .bind(until)
        .fetch_all(&state.stores.timeseries)
        .await;
    let items = absent_if_unprovisioned(rows, Vec::new())?;
    Ok(format.respond(&DailyMovementsView { sku, items }))
}

impl ToCsv for DailyMovementsView {
    const HEADER: &'static [&'static str] =
        &["day", "location", "movement", "movements", "quantity_change_milli", "value_change_minor"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for day in &self.items {
            csv.record(&[
                &day.day.to_string(),
                &day.location,
                &day.movement,
                &day.movements.to_string(),
                &day.quantity_change_milli.to_string(),
                &day.value_change_minor.to_string(),
            ]);
        }
    }
}
