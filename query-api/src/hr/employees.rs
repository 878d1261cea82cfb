//! `GET /v1/employees`, `GET /v1/employees/{id}`: the employee directory from `employees` (the
//! `postgres` projector's read model) with each employee's unit name from `organization_units`.
//! The personal data is stored sealed; it is opened here with the employee's key from the key
//! table (`prism_platform::personal_data`). An employee whose key is gone — its personal data
//! erased — answers `personal_data_status: "erased"` and no personal fields; the non-personal
//! facts (unit, salary, dates) are answered as ever.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use prism_aggregates::tenant::TenantId;
use prism_platform::personal_data::DataKey;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

use super::{subject_keys, Directory, NeedsHrPermission, PersonalFields};
use crate::consistency::MinPosition;
use crate::error::absent_if_unprovisioned;
use crate::params::{self, QueryParams};
use crate::permitted::PermittedReader;
use crate::state::AppState;
use crate::stores::tenant_table;

/// Most employees one list answers.
const MAX_LIMIT: u32 = 1_000;
/// Employees a list answers unless `limit` says otherwise.
const DEFAULT_LIMIT: u32 = 100;
/// Every status, as accepted by `status`.
const STATUSES: &[&str] = &["active", "terminated"];

/// Query parameters of the directory; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EmployeeParams {
    /// Only employees of this organisation unit.
    pub org_unit_id: Option<String>,
    /// Only `active` or only `terminated` employees.
    pub status: Option<String>,
    /// At most this many, 1–1,000 (100 when absent).
    pub limit: Option<String>,
}

/// An employee's row as stored: the personal data sealed.
#[derive(Debug, FromRow)]
struct EmployeeRow {
    employee_id: Uuid,
    personal_data: Option<String>,
    org_unit_id: String,
    org_unit_name: Option<String>,
    user_id: Option<String>,
    salary_minor: i64,
    currency: String,
    hired_on: NaiveDate,
    terminated_on: Option<NaiveDate>,
    status: String,
    erased_on: Option<NaiveDate>,
    updated_at: DateTime<Utc>,
}

/// One employee as the directory answers it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmployeeView {
    /// The employee.
    pub employee_id: Uuid,
    /// The personal fields, opened with the employee's key.
    #[serde(flatten)]
    pub personal: PersonalFields,
    /// When the erasure was honoured; `null` until then.
    pub erased_on: Option<NaiveDate>,
    /// The organisation unit.
    pub org_unit_id: String,
    /// The unit's name; `null` when the organisation read model does not know the unit.
    pub org_unit_name: Option<String>,
    /// The linked user, if any.
    pub user_id: Option<String>,
    /// Salary per pay period, minor units of `currency`.
    pub salary_minor: i64,
    /// ISO-4217 code of the salary.
    pub currency: String,
    /// The first day of employment.
    pub hired_on: NaiveDate,
    /// The last day of employment; `null` while employed.
    pub terminated_on: Option<NaiveDate>,
    /// `active` or `terminated`.
    pub status: String,
    /// When the row last changed.
    pub updated_at: DateTime<Utc>,
}

/// The employees, by hire day.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmployeesView {
    /// One row per employee.
    pub items: Vec<EmployeeView>,
}

/// The select list of [`EmployeeRow`] over `employees e`, with the unit name from `{units}`.
fn select(tenant: &TenantId) -> String {
    format!(
        "SELECT e.employee_id, e.personal_data, e.org_unit_id, u.name AS org_unit_name, e.user_id, e.salary_minor,
                e.currency, e.hired_on, e.terminated_on, e.status, e.erased_on, e.updated_at
           FROM {} e LEFT JOIN {} u ON u.unit_id = e.org_unit_id",
        tenant_table(tenant, "employees"),
        tenant_table(tenant, "organization_units")
    )
}

/// `rows` with their personal data opened with the keys of `tenant`.
async fn opened(state: &AppState, tenant: &TenantId, rows: Vec<EmployeeRow>) -> Result<Vec<EmployeeView>, Problem> {
    let sealed: Vec<Uuid> = rows.iter().filter(|row| row.personal_data.is_some()).map(|row| row.employee_id).collect();
    let keys = subject_keys(state, tenant, &sealed).await?;
    Ok(rows.into_iter().map(|row| view(row, &keys)).collect())
}

/// The answer for `row`.
fn view(row: EmployeeRow, keys: &HashMap<Uuid, DataKey>) -> EmployeeView {
    EmployeeView {
        employee_id: row.employee_id,
        personal: PersonalFields::opened(row.employee_id, row.personal_data.as_deref(), keys),
        erased_on: row.erased_on,
        org_unit_id: row.org_unit_id,
        org_unit_name: row.org_unit_name,
        user_id: row.user_id,
        salary_minor: row.salary_minor,
        currency: row.currency,
        hired_on: row.hired_on,
        terminated_on: row.terminated_on,
        status: row.status,
        updated_at: row.updated_at,
    }
}

/// `GET /v1/employees`.
#[utoipa::path(get, path = "/v1/employees", params(EmployeeParams),
    responses((status = 200, description = "The employees by hire day, personal data opened unless erased", body = EmployeesView), NeedsHrPermission))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    PermittedReader(tenant, _): PermittedReader<Directory>,
    token: MinPosition,
    QueryParams(query): QueryParams<EmployeeParams>,
) -> Result<Json<EmployeesView>, Problem> {
    let status = params::one_of("status", query.status.as_deref(), STATUSES)?;
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "{} WHERE ($1::text IS NULL OR e.org_unit_id = $1) AND ($2::text IS NULL OR e.status = $2)
          ORDER BY e.hired_on, e.employee_id LIMIT $3",
        select(&tenant)
    );
    let rows = sqlx::query_as::<_, EmployeeRow>(&sql)
        .bind(query.org_unit_id)
        .bind(status)
        .bind(i64::from(limit))
        .fetch_all(&state.stores.postgres)
        .await;
    let rows = absent_if_unprovisioned(rows, Vec::new())?;
    Ok(Json(EmployeesView { items: opened(&state, &tenant, rows).await? }))
}

/// `GET /v1/employees/{id}`: 404 when absent.
#[utoipa::path(get, path = "/v1/employees/{id}", params(("id" = Uuid, Path, description = "The employee")),
    responses((status = 200, description = "The employee, personal data opened unless erased", body = EmployeeView), NeedsHrPermission))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, employee_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    PermittedReader(tenant, _): PermittedReader<Directory>,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<EmployeeView>, Problem> {
    let employee_id = params::path_uuid("employee", &id)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!("{} WHERE e.employee_id = $1", select(&tenant));
    let found = sqlx::query_as::<_, EmployeeRow>(&sql).bind(employee_id).fetch_optional(&state.stores.postgres).await;
    let row = absent_if_unprovisioned(found, None)?.ok_or_else(|| params::no_such("employee", &id))?;
    let mut views = opened(&state, &tenant, vec![row]).await?;
    views.pop().map(Json).ok_or_else(|| Problem::internal(&"one row opened into none"))
}
