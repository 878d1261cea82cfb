//! `GET /v1/payroll-runs`, `GET /v1/payroll-runs/{id}`: the payroll runs with their lines from
//! `payroll_runs` and `payroll_run_lines`, and whether each approved run's salary journal entry
//! is in the ledger read model yet (`posted`, from `journal_entries`).

use axum::extract::{Path, State};
use axum::Json;
use chrono::NaiveDate;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

use super::{NeedsHrPermission, Payroll};
use crate::consistency::MinPosition;
use crate::error::absent_if_unprovisioned;
use crate::params::{self, QueryParams};
use crate::permitted::PermittedReader;
use crate::state::AppState;
use crate::stores::tenant_table;

/// Most runs one list answers.
const MAX_LIMIT: u32 = 1_000;
/// Runs a list answers unless `limit` says otherwise.
const DEFAULT_LIMIT: u32 = 100;

/// Query parameters of the run list; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PayrollRunParams {
    /// Only runs of this month, `YYYY-MM`.
    pub period: Option<String>,
    /// At most this many, 1–1,000 (100 when absent).
    pub limit: Option<String>,
}

/// One employee's gross pay.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PayrollLineView {
    /// The employee.
    pub employee_id: Uuid,
    /// Gross pay, minor units of the run's currency.
    pub gross_minor: i64,
}

/// One payroll run.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct PayrollRunView {
    /// The run.
    pub payroll_run_id: Uuid,
    /// The month paid.
    pub period: String,
    /// The day it is paid.
    pub pay_date: NaiveDate,
    /// ISO-4217 code of every amount.
    pub currency: String,
    /// Sum of the lines.
    pub total_minor: i64,
    /// `drafted` or `approved`.
    pub status: String,
    /// The salary journal entry of an approved run; `null` while drafted.
    pub journal_entry_id: Option<Uuid>,
    /// Whether that entry is in the ledger (the payroll process manager posted it).
    pub posted: bool,
    /// When it was approved; `null` while drafted.
    pub approved_on: Option<NaiveDate>,
    /// One line per employee, by employee id.
    #[sqlx(json)]
    pub lines: Vec<PayrollLineView>,
}

/// The runs, newest period first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PayrollRunsView {
    /// One row per run.
    pub items: Vec<PayrollRunView>,
}

/// The select of [`PayrollRunView`] over `payroll_runs r`.
fn select(tenant: &TenantId) -> String {
    format!(
        "SELECT r.payroll_run_id, r.period, r.pay_date, r.currency, r.total_minor, r.status, r.journal_entry_id,
                EXISTS (SELECT 1 FROM {entries} j WHERE j.entry_id = r.journal_entry_id) AS posted, r.approved_on,
                (SELECT coalesce(json_agg(json_build_object('employee_id', l.employee_id, 'gross_minor', l.gross_minor)
                                          ORDER BY l.employee_id), '[]')
                   FROM {lines} l WHERE l.payroll_run_id = r.payroll_run_id) AS lines
           FROM {runs} r",
        entries = tenant_table(tenant, "journal_entries"),
        lines = tenant_table(tenant, "payroll_run_lines"),
        runs = tenant_table(tenant, "payroll_runs")
    )
}

/// `GET /v1/payroll-runs`.
#[utoipa::path(get, path = "/v1/payroll-runs", params(PayrollRunParams),
    responses((status = 200, description = "The payroll runs with their lines, newest period first", body = PayrollRunsView), NeedsHrPermission))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    PermittedReader(tenant, _): PermittedReader<Payroll>,
    token: MinPosition,
    QueryParams(query): QueryParams<PayrollRunParams>,
) -> Result<Json<PayrollRunsView>, Problem> {
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "{} WHERE ($1::text IS NULL OR r.period = $1) ORDER BY r.period DESC, r.payroll_run_id LIMIT $2",
        select(&tenant)
    );
    let rows = sqlx::query_as::<_, PayrollRunView>(&sql)
        .bind(query.period)
        .bind(i64::from(limit))
        .fetch_all(&state.stores.postgres)
        .await;
    Ok(Json(PayrollRunsView { items: absent_if_unprovisioned(rows, Vec::new())? }))
}

/// `GET /v1/payroll-runs/{id}`: 404 when absent.
#[utoipa::path(get, path = "/v1/payroll-runs/{id}", params(("id" = Uuid, Path, description = "The payroll run")),
    responses((status = 200, description = "The payroll run with its lines", body = PayrollRunView), NeedsHrPermission))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, payroll_run_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    PermittedReader(tenant, _): PermittedReader<Payroll>,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<PayrollRunView>, Problem> {
    let run_id = params::path_uuid("payroll run", &id)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!("{} WHERE r.payroll_run_id = $1", select(&tenant));
    let found = sqlx::query_as::<_, PayrollRunView>(&sql).bind(run_id).fetch_optional(&state.stores.postgres).await;
    let run = absent_if_unprovisioned(found, None)?.ok_or_else(|| params::no_such("payroll run", &id))?;
    Ok(Json(run))
}
