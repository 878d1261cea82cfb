//! `GET /v1/tax-rates?status=active|retired`: the tax codes from `tax_rates` (the `postgres`
//! projector's read model), ordered by code (byte order), every code when `status` is
//! absent. Not paginated: the tax codes are a bounded reference list.
//!
//! JSON: `{"items": [TaxRateView…]}`. CSV (`Accept: text/csv`): one record per code,
//! columns `code,name,rate_bp,effective_from,sales_account,purchase_account,status`; an
//! absent `effective_from` is empty.

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder};

use crate::consistency::MinPosition;
use crate::csv::{optional, CsvWriter, ToCsv};
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::negotiate::Format;
use crate::params::{self, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// The statuses a tax code can be in.
pub const STATUSES: &[&str] = &["active", "retired"];

/// Query parameters of the tax codes; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaxRateParams {
    /// `active` or `retired`; every code when absent.
    pub status: Option<String>,
}

/// The tax codes.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TaxRatesView {
    /// Tax codes by code.
    pub items: Vec<TaxRateView>,
}

/// One tax code; read from the `tax_rates` columns of the same names.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct TaxRateView {
    /// Tax code (`VAT20`).
    pub code: String,
    /// Display name.
    pub name: String,
    /// Current rate in basis points (2000 = 20 %).
    pub rate_bp: i32,
    /// Date the current rate applies from; `null` when it applied from the start.
    pub effective_from: Option<NaiveDate>,
    /// Account output tax on sales is posted to.
    pub sales_account: String,
    /// Account input tax on purchases is posted to.
    pub purchase_account: String,
    /// `active` or `retired`.
    pub status: String,
}

/// `GET /v1/tax-rates`.
#[utoipa::path(get, path = "/v1/tax-rates", params(TaxRateParams, crate::openapi::Csv),
    responses((status = 200, description = "The tax codes by code", body = TaxRatesView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<TaxRateParams>,
) -> Result<Response, Problem> {
    let status = params::one_of("status", query.status.as_deref(), STATUSES)?;
    state.await_postgres(&tenant, token).await?;
    let items = read_tax_rates(&state.stores.postgres, &tenant, status).await?;
    Ok(format.respond(&TaxRatesView { items }))
}

async fn read_tax_rates(pool: &PgPool, tenant: &TenantId, status: Option<&str>) -> Result<Vec<TaxRateView>, ReadError> {
    let mut query = QueryBuilder::<Postgres>::new(format!(
        "SELECT code, name, rate_bp, effective_from, sales_account, purchase_account, status FROM {} WHERE true",
        tenant_table(tenant, "tax_rates")
    ));
    if let Some(status) = status {
        query.push(" AND status = ").push_bind(status);
    }
    query.push(" ORDER BY code COLLATE \"C\"");
    let rows = query.build_query_as::<TaxRateView>().fetch_all(pool).await;
    absent_if_unprovisioned(rows, Vec::new())
}

impl ToCsv for TaxRatesView {
    const HEADER: &'static [&'static str] =
        &["code", "name", "rate_bp", "effective_from", "sales_account", "purchase_account", "status"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for rate in &self.items {
            csv.record(&[
                &rate.code,
                &rate.name,
                &rate.rate_bp.to_string(),
                &optional(rate.effective_from.as_ref()),
                &rate.sales_account,
                &rate.purchase_account,
                &rate.status,
            ]);
        }
    }
}
