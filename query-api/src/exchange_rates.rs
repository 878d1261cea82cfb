//! `GET /v1/exchange-rates`: the tenant's functional currency and exchange rates from
//! `functional_currency` and `exchange_rates` (the `postgres` projector's read model), by
//! currency then date, optionally only one currency (`currency`) and only rates dated from
//! `from` to `to` (inclusive). A rate means 1 unit of `currency` = `rate` units of the
//! functional currency from its date until the currency's next rate. Not paginated.
//!
//! JSON: `{"functional_currency": "EUR" | null, "items": [ExchangeRateView…]}`. CSV
//! (`Accept: text/csv`): one record per rate, columns `currency,date,rate,functional_currency`.

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::money::Currency;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, PgPool};

use crate::consistency::MinPosition;
use crate::csv::{CsvWriter, ToCsv};
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::negotiate::Format;
use crate::params::{self, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// Query parameters of the exchange-rate list; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExchangeRateParams {
    /// Only rates of this ISO 4217 currency.
    pub currency: Option<String>,
    /// Only rates dated on or after this day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Only rates dated on or before this day (`YYYY-MM-DD`).
    pub to: Option<String>,
}

/// The exchange rates.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExchangeRatesView {
    /// ISO 4217 code of the functional currency every rate is against; `null` until set.
    pub functional_currency: Option<String>,
    /// Rates by currency, then date.
    pub items: Vec<ExchangeRateView>,
}

/// One rate.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct ExchangeRateView {
    /// ISO 4217 code of the foreign currency.
    pub currency: String,
    /// First date the rate applies to.
    pub date: NaiveDate,
    /// The rate as exact decimal text: 1 `currency` = `rate` functional units.
    pub rate: String,
}

/// `GET /v1/exchange-rates`.
#[utoipa::path(get, path = "/v1/exchange-rates", params(ExchangeRateParams, crate::openapi::Csv),
    responses((status = 200, description = "The rates by currency then date", body = ExchangeRatesView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<ExchangeRateParams>,
) -> Result<Response, Problem> {
    let currency = params::optional_currency("currency", query.currency.as_deref())?;
    let from = params::optional_date("from", query.from.as_deref())?;
    let to = params::optional_date("to", query.to.as_deref())?;
    params::ordered(from, to)?;
    state.await_postgres(&tenant, token).await?;
    let pool = &state.stores.postgres;
    let functional_currency = read_functional_currency(pool, &tenant).await?;
    let items = read_rates(pool, &tenant, currency, from, to).await?;
    Ok(format.respond(&ExchangeRatesView { functional_currency, items }))
}

/// The tenant's functional currency, if it has chosen one.
///
/// # Errors
/// When the database refuses.
pub async fn read_functional_currency(pool: &PgPool, tenant: &TenantId) -> Result<Option<String>, ReadError> {
    let sql = format!("SELECT currency::text FROM {}", tenant_table(tenant, "functional_currency"));
    let row = sqlx::query_scalar::<_, String>(&sql).fetch_optional(pool).await;
    absent_if_unprovisioned(row, None)
}

async fn read_rates(
    pool: &PgPool,
    tenant: &TenantId,
    currency: Option<Currency>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<ExchangeRateView>, ReadError> {
    let sql = format!(
        "SELECT currency::text AS currency, date, rate FROM {} \
          WHERE ($1::text IS NULL OR currency = $1) AND ($2::date IS NULL OR date >= $2) \
            AND ($3::date IS NULL OR date <= $3) \
          ORDER BY currency, date",
        tenant_table(tenant, "exchange_rates"),
    );
    let rows = sqlx::query_as::<_, ExchangeRateView>(&sql)
        .bind(currency.map(|c| c.as_str()))
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await;
    absent_if_unprovisioned(rows, Vec::new())
}

impl ToCsv for ExchangeRatesView {
    const HEADER: &'static [&'static str] = &["currency", "date", "rate", "functional_currency"];

    fn write_records(&self, csv: &mut CsvWriter) {
        let functional = self.functional_currency.as_deref().unwrap_or("");
        for rate in &self.items {
            csv.record(&[&rate.currency, &rate.date.to_string(), &rate.rate, functional]);
        }
    }
}
