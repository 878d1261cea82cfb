//! `GET /v1/budgets`: the tenant's budgets from `budget_amounts` (the `postgres` projector's
//! read model), by name (byte order): each with the currencies it has amounts in, its first
//! and last period (by the periods' start dates in the fiscal calendar) and how many amounts
//! it holds. A budget whose every amount was cleared (set to 0) is not listed. Not paginated:
//! budgets are few.
//!
//! JSON: `{"items": [BudgetView…]}`. CSV (`Accept: text/csv`): one record per budget,
//! columns `budget,currencies,first_period,last_period,amounts`, the currencies separated by
//! spaces.

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

/// The budget list takes no query parameters; any is refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetParams {}

/// The budgets.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BudgetsView {
    /// Budgets by name.
    pub items: Vec<BudgetView>,
}

/// One budget.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct BudgetView {
    /// Budget name (`2026-plan`).
    pub budget: String,
    /// ISO 4217 codes of the currencies it has amounts in, by code.
    pub currencies: Vec<String>,
    /// Label of its earliest period.
    pub first_period: String,
    /// Label of its latest period.
    pub last_period: String,
    /// How many non-zero amounts it holds.
    pub amounts: i64,
}

/// `GET /v1/budgets`.
#[utoipa::path(get, path = "/v1/budgets", params(crate::openapi::Csv),
    responses((status = 200, description = "The budgets by name", body = BudgetsView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(BudgetParams {}): QueryParams<BudgetParams>,
) -> Result<Response, Problem> {
    state.await_postgres(&tenant, token).await?;
    let items = read_budgets(&state.stores.postgres, &tenant).await?;
    Ok(format.respond(&BudgetsView { items }))
}

/// Every budget; a period not (yet) in the calendar read model sorts after those that are.
async fn read_budgets(pool: &PgPool, tenant: &TenantId) -> Result<Vec<BudgetView>, ReadError> {
    let sql = format!(
        "SELECT b.budget, \
                array_agg(DISTINCT b.currency::text ORDER BY b.currency::text) AS currencies, \
                (array_agg(b.period ORDER BY p.start_date NULLS LAST, b.period COLLATE \"C\"))[1] AS first_period, \
                (array_agg(b.period ORDER BY p.start_date DESC NULLS FIRST, b.period COLLATE \"C\" DESC))[1] \
                    AS last_period, \
                count(*) AS amounts \
         FROM {budgets} b LEFT JOIN {periods} p ON p.period = b.period \
         GROUP BY b.budget ORDER BY b.budget COLLATE \"C\"",
        budgets = tenant_table(tenant, "budget_amounts"),
        periods = tenant_table(tenant, "fiscal_periods"),
    );
    let rows = sqlx::query_as::<_, BudgetView>(&sql).fetch_all(pool).await;
    absent_if_unprovisioned(rows, Vec::new())
}

impl ToCsv for BudgetsView {
    const HEADER: &'static [&'static str] = &["budget", "currencies", "first_period", "last_period", "amounts"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for budget in &self.items {
            csv.record(&[
                &budget.budget,
                &budget.currencies.join(" "),
                &budget.first_period,
                &budget.last_period,
                &budget.amounts.to_string(),
            ]);
        }
    }
}
