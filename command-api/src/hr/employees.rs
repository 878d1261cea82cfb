//! Employees over REST: hire (the personal fields checked, then sealed under the employee's new
//! data key, so only ciphertext reaches the event store and Kafka), transfer to another unit,
//! change the salary, terminate, and erase the personal data (the key deleted first, then
//! `EmployeePersonalDataErased` recorded; a retry after a failure between the two finds no key
//! and records the event). Each employee is its own aggregate, addressed by its UUID; `If-Match`
//! carries its version.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::hr::employee::{
    ChangeSalary, Employee, EmployeeCommand, EmployeeError, ErasePersonalData, HireEmployee, PersonalData,
    TerminateEmployee, TransferEmployee,
};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{parse_optional_json, JsonBody, Tenant};
use prism_platform::personal_data::{seal, KeyStoreError, PersonalDataKeys};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::crm::routes::{run, Target};
use crate::dispatch::path_uuid;
use crate::error::{command_problem, refusal};
use crate::event_store::Committed;
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// State shared by the employee routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<Employee>>;

/// Where employees are read.
const LOCATION: &str = "/v1/employees";

/// Body of `POST /v1/employees`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HireRequest {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub employee_id: Option<Uuid>,
    /// Full name (personal: stored sealed).
    pub name: String,
    /// Email address (personal: stored sealed).
    pub email: String,
    /// Day of birth, before the hire day (personal: stored sealed).
    pub birth_date: NaiveDate,
    /// Postal address as one text (personal: stored sealed).
    pub address: String,
    /// Id of the organisation unit.
    pub org_unit_id: String,
    /// Id of the user the employee signs in as, if any.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Salary per pay period, minor units of `currency`; positive.
    pub salary_minor: i64,
    /// ISO-4217 code of the salary.
    pub currency: String,
    /// The first day of employment.
    pub hired_on: NaiveDate,
}

/// Body of `POST /v1/employees/{id}/erase`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseRequest {
    /// The day the erasure is honoured; today (UTC) when absent.
    #[serde(default)]
    pub erased_on: Option<NaiveDate>,
}

/// Answer to an accepted employee command: the non-personal facts after it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmployeeChanged {
    /// The employee.
    pub employee_id: Uuid,
    /// The unit the employee is in.
    pub org_unit_id: String,
    /// Salary per pay period, minor units of `currency`.
    pub salary_minor: i64,
    /// ISO-4217 code of the salary.
    pub currency: String,
    /// `active` or `terminated`.
    pub status: &'static str,
    /// Whether the personal data has been erased.
    pub personal_data_erased: bool,
    /// Its version after the command.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// Runs `command` on employee `id`, answering `status` with [`EmployeeChanged`].
async fn run_on(
    stores: &Stores,
    tenant: &TenantId,
    id: Uuid,
    headers: &HeaderMap,
    command: EmployeeCommand,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem> {
    let target = Target { stores, tenant, id, location: LOCATION };
    run(target, headers, command, context, status, |employee: &Employee, committed: &Committed| {
        let (salary_minor, currency) = employee.salary().unwrap_or_default();
        EmployeeChanged {
            employee_id: id,
            org_unit_id: employee.org_unit_id().unwrap_or_default().to_owned(),
            salary_minor,
            currency: currency.to_owned(),
            status: if employee.terminated_on().is_some() { "terminated" } else { "active" },
            personal_data_erased: employee.is_erased(),
            version: committed.version,
            position: committed.position,
        }
    })
    .await
}

/// A key table failure as a problem: 503 when the database is out of reach, else 500.
pub(crate) fn key_problem(error: &KeyStoreError) -> Problem {
    match error {
        KeyStoreError::Database(database) => Problem::from_failure(database),
        other => Problem::internal(other),
    }
}

/// `POST /v1/employees` with a [`HireRequest`] body: 201. The personal fields and the terms
/// are checked, and an existing employee refused, before the employee's own data key is
/// created; the personal fields are then sealed under it and only the sealed text is stored.
#[utoipa::path(post, path = "/v1/employees", params(crate::openapi::IfMatch), request_body = HireRequest,
    responses((status = 201, description = "Hired", body = EmployeeChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn hire(
    State(stores): State<Stores>,
    State(keys): State<PersonalDataKeys>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<HireRequest>,
) -> Result<Response, Problem> {
    let new_id = NewAggregateId::named_or_minted(request.employee_id);
    let id = new_id.uuid();
    let personal = PersonalData {
        name: request.name,
        email: request.email,
        birth_date: request.birth_date,
        address: request.address,
    };
    personal.check(request.hired_on).map_err(|error| refusal(&error))?;
    let mut hire = HireEmployee {
        employee_id: id,
        personal_data: String::new(),
        org_unit_id: request.org_unit_id,
        user_id: request.user_id,
        salary_minor: request.salary_minor,
        currency: request.currency,
        hired_on: request.hired_on,
    };
    hire.check_terms().map_err(|error| refusal(&error))?;
    let existing = stores.load(&tenant, &id.to_string()).await.map_err(command_problem)?;
    if existing.salary().is_some() {
        return Err(refusal(&EmployeeError::AlreadyExists));
    }
    let key = keys.key_for(&tenant, id).await.map_err(|error| key_problem(&error))?;
    let plaintext = serde_json::to_vec(&personal).map_err(|error| Problem::internal(&error))?;
    hire.personal_data = seal(&key, id, &plaintext).map_err(|error| Problem::internal(&error))?;
    let command = EmployeeCommand::Hire(hire);
    new_id.run(run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::CREATED)).await
}

/// `POST /v1/employees/{id}/transfer` with a [`TransferEmployee`] body.
#[utoipa::path(post, path = "/v1/employees/{id}/transfer",
    params(("id" = Uuid, Path, description = "The employee"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::TransferEmployee,
    responses((status = 200, description = "Transferred", body = EmployeeChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, employee_id = %id))]
pub async fn transfer(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<TransferEmployee>,
) -> Result<Response, Problem> {
    let id = path_uuid("employee", &id)?;
    run_on(&stores, &tenant, id, &headers, EmployeeCommand::Transfer(request), &context, StatusCode::OK).await
}

/// `POST /v1/employees/{id}/salary` with a [`ChangeSalary`] body.
#[utoipa::path(post, path = "/v1/employees/{id}/salary",
    params(("id" = Uuid, Path, description = "The employee"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::ChangeSalary,
    responses((status = 200, description = "Salary changed", body = EmployeeChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, employee_id = %id))]
pub async fn change_salary(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ChangeSalary>,
) -> Result<Response, Problem> {
    let id = path_uuid("employee", &id)?;
    run_on(&stores, &tenant, id, &headers, EmployeeCommand::ChangeSalary(request), &context, StatusCode::OK).await
}

/// `POST /v1/employees/{id}/terminate` with a [`TerminateEmployee`] body.
#[utoipa::path(post, path = "/v1/employees/{id}/terminate",
    params(("id" = Uuid, Path, description = "The employee"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::TerminateEmployee,
    responses((status = 200, description = "Terminated", body = EmployeeChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, employee_id = %id))]
pub async fn terminate(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<TerminateEmployee>,
) -> Result<Response, Problem> {
    let id = path_uuid("employee", &id)?;
    run_on(&stores, &tenant, id, &headers, EmployeeCommand::Terminate(request), &context, StatusCode::OK).await
}

/// `POST /v1/employees/{id}/erase` with an optional [`EraseRequest`] body: deletes the
/// employee's data key, then records `EmployeePersonalDataErased`. From then on the personal
/// data sealed in its events cannot be opened by anyone.
#[utoipa::path(post, path = "/v1/employees/{id}/erase",
    params(("id" = Uuid, Path, description = "The employee"), crate::openapi::IfMatch),
    request_body(content = Option<EraseRequest>, description = "Optional: absent, empty or null to erase today"),
    responses((status = 200, description = "Personal data erased", body = EmployeeChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, employee_id = %id))]
pub async fn erase(
    State(stores): State<Stores>,
    State(keys): State<PersonalDataKeys>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    body: Bytes,
) -> Result<Response, Problem> {
    let id = path_uuid("employee", &id)?;
    let request: EraseRequest = parse_optional_json(&body)?;
    let erased_on = request.erased_on.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let had_key = keys.delete(&tenant, id).await.map_err(|error| key_problem(&error))?;
    tracing::info!(had_key, "personal data key deleted");
    let command = EmployeeCommand::ErasePersonalData(ErasePersonalData { erased_on });
    run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::OK).await
}
