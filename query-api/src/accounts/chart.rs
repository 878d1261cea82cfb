//! `GET /v1/accounts?status=active|archived`: the chart of accounts from `accounts` (the
//! `postgres` projector's read model), ordered by code (byte order), every account when
//! `status` is absent. Not paginated: a chart is a bounded reference list.
//!
//! JSON: `{"items": [AccountView…]}`. CSV (`Accept: text/csv`): one record per account,
//! columns `code,name,account_type,normal_balance,parent,header,currency,cash,status`;
//! `header` and `cash` are `true`/`false`, an absent `parent` or `currency` is empty.

use axum::extract::State;
use axum::response::Response;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder};

use crate::consistency::MinPosition;
use crate::csv::{CsvWriter, ToCsv};
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::negotiate::Format;
use crate::params::{invalid, InputError, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// Query parameters of the chart; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChartParams {
    /// `active` or `archived`; every account when absent.
    pub status: Option<String>,
}

/// The chart of accounts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChartView {
    /// Accounts by code.
    pub items: Vec<AccountView>,
}

/// One account of the chart; read from the `accounts` row of the same column names.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct AccountView {
    /// Account code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// `asset`, `liability`, `equity`, `income` or `expense`.
    pub account_type: String,
    /// `debit` or `credit`.
    pub normal_balance: String,
    /// Code of the header account this one rolls up into, if any.
    pub parent: Option<String>,
    /// Whether this is a header account (groups others, takes no postings).
    pub header: bool,
    /// ISO 4217 code when the account takes only that currency; `null`: any currency.
    pub currency: Option<String>,
    /// Whether the account is cash or a cash equivalent.
    pub cash: bool,
    /// `active` or `archived`.
    pub status: String,
}

/// `GET /v1/accounts`.
#[utoipa::path(get, path = "/v1/accounts", params(ChartParams, crate::openapi::Csv),
    responses((status = 200, description = "The chart of accounts by code", body = ChartView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<ChartParams>,
) -> Result<Response, Problem> {
    let status = status(query.status.as_deref())?;
    state.await_postgres(&tenant, token).await?;
    let items = read_chart(&state.stores.postgres, &tenant, status).await?;
    Ok(format.respond(&ChartView { items }))
}

/// Reads the `status` filter.
fn status(value: Option<&str>) -> Result<Option<&'static str>, InputError> {
    match value {
        None => Ok(None),
        Some("active") => Ok(Some("active")),
        Some("archived") => Ok(Some("archived")),
        Some(other) => Err(invalid("status", format!("status must be active or archived, got {other:?}"))),
    }
}

async fn read_chart(pool: &PgPool, tenant: &TenantId, status: Option<&str>) -> Result<Vec<AccountView>, ReadError> {
    let mut query = QueryBuilder::<Postgres>::new(format!(
        "SELECT code, name, account_type, normal_balance, parent, header, currency, cash, status FROM {} WHERE true",
        tenant_table(tenant, "accounts")
    ));
    if let Some(status) = status {
        query.push(" AND status = ").push_bind(status);
    }
    query.push(" ORDER BY code COLLATE \"C\"");
    let rows = query.build_query_as::<AccountView>().fetch_all(pool).await;
    absent_if_unprovisioned(rows, Vec::new())
}

impl ToCsv for ChartView {
    const HEADER: &'static [&'static str] =
        &["code", "name", "account_type", "normal_balance", "parent", "header", "currency", "cash", "status"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for account in &self.items {
            csv.record(&[
                &account.code,
                &account.name,
                &account.account_type,
                &account.normal_balance,
                account.parent.as_deref().unwrap_or_default(),
                bool_field(account.header),
                account.currency.as_deref().unwrap_or_default(),
                bool_field(account.cash),
                &account.status,
            ]);
        }
    }
}

/// A boolean as a CSV field.
fn bool_field(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}
