//! Recruitment over REST: post a job opening (201), take applications — the applicant's personal
//! fields checked, then sealed under the applicant's own new data key, so only ciphertext
//! reaches the event store and Kafka — move applicants forward, reject them, hire an offered
//! one (the hiring process manager then hires the employee, whose id is the applicant's), erase
//! an applicant's personal data (the key deleted first, as for employees), and close the
//! opening. Each opening is its own aggregate, addressed by its UUID; `If-Match` carries its
//! version.
//!
//! An applicant id is one person: the employee they become has that id and that data key. So an
//! application or a hire under the id of an existing employee is refused (409
//! `applicant_is_employee`), and so is erasing an applicant who is an employee (erase the
//! employee instead).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRef, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use prism_aggregates::hr::employee::PersonalData;
use prism_aggregates::hr::job_opening::{
    ApplicantStage, HireApplicant, JobOpening, JobOpeningCommand, JobOpeningError, OpeningStatus, PostJobOpening,
    ReceiveApplication,
};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{parse_optional_json, JsonBody, Tenant};
use prism_platform::personal_data::{seal, PersonalDataKeys};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::employees::{self, key_problem, EraseRequest};
use crate::app::AppState;
use crate::crm::routes::{run, Target};
use crate::dispatch::path_uuid;
use crate::error::{command_problem, refusal};
use crate::event_store::Committed;
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// State shared by the recruitment routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<JobOpening>>;

/// Where openings are read.
const LOCATION: &str = "/v1/job-openings";

/// What an applicant's personal data is checked against and kept with: the employees (an
/// applicant id may not be an employee's) and the data keys.
#[derive(Clone)]
pub struct People {
    /// The employees.
    pub employees: employees::Stores,
    /// The personal-data keys, the applicants' among them.
    pub keys: PersonalDataKeys,
}

impl FromRef<AppState> for People {
    fn from_ref(state: &AppState) -> Self {
        Self { employees: state.employees.clone(), keys: state.personal_data_keys.clone() }
    }
}

/// Body of `POST /v1/job-openings`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostRequest {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub job_opening_id: Option<Uuid>,
    /// The job's title; non-blank, at most 200 characters.
    pub title: String,
    /// The organisation unit hired into.
    pub org_unit_id: String,
    /// How many people are hired; 1 to 1,000.
    pub positions: i32,
    /// The first day applications are taken; today (UTC) when absent.
    #[serde(default)]
    pub opened_on: Option<NaiveDate>,
}

/// Body of `POST /v1/job-openings/{id}/applicants`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    /// Client-chosen id of the applicant, and of the employee they become; generated when
    /// absent.
    #[serde(default)]
    pub applicant_id: Option<Uuid>,
    /// Full name (personal: stored sealed).
    pub name: String,
    /// Email address (personal: stored sealed).
    pub email: String,
    /// Day of birth, before the application (personal: stored sealed).
    pub birth_date: NaiveDate,
    /// Postal address as one text (personal: stored sealed).
    pub address: String,
    /// The day applied, not before the opening opened; today (UTC) when absent.
    #[serde(default)]
    pub applied_on: Option<NaiveDate>,
}

/// Body of `POST /v1/job-openings/{id}/applicants/{applicant_id}/advance`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvanceRequest {
    /// `screening`, `interview` or `offered`; later than the applicant's stage.
    pub stage: String,
}

/// Body of `POST /v1/job-openings/{id}/applicants/{applicant_id}/reject` and of
/// `POST /v1/job-openings/{id}/close`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Why; non-blank, at most 2,000 characters.
    pub reason: String,
}

/// Body of `POST /v1/job-openings/{id}/applicants/{applicant_id}/hire`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HireRequest {
    /// Salary per pay period, minor units of `currency`; positive.
    pub salary_minor: i64,
    /// ISO-4217 code of the salary.
    pub currency: String,
    /// The first day of employment, not before the application; today (UTC) when absent.
    #[serde(default)]
    pub hired_on: Option<NaiveDate>,
    /// Id of the user the employee signs in as, if any.
    #[serde(default)]
    pub user_id: Option<String>,
}

/// Answer to an accepted recruitment command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JobOpeningChanged {
    /// The opening.
    pub job_opening_id: Uuid,
    /// `open`, `filled` or `closed`.
    pub status: &'static str,
    /// How many applicants were hired.
    pub hired: i32,
    /// The applicant the command was about, if any. Once hired, also the employee's id.
    pub applicant_id: Option<Uuid>,
    /// That applicant's stage: `applied`, `screening`, `interview`, `offered`, `hired` or
    /// `rejected`.
    pub stage: Option<&'static str>,
    /// Its version after the command.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// Runs `command` on opening `id`, answering `status` with [`JobOpeningChanged`] about
/// `applicant_id`.
async fn run_on(
    stores: &Stores,
    tenant: &TenantId,
    (id, applicant_id): (Uuid, Option<Uuid>),
    headers: &HeaderMap,
    command: JobOpeningCommand,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem> {
    let target = Target { stores, tenant, id, location: LOCATION };
    run(target, headers, command, context, status, |opening: &JobOpening, committed: &Committed| JobOpeningChanged {
        job_opening_id: id,
        status: opening.status().map(OpeningStatus::as_str).unwrap_or_default(),
        hired: opening.hired(),
        applicant_id,
        stage: applicant_id.and_then(|applicant| opening.stage_of(applicant)).map(ApplicantStage::as_str),
        version: committed.version,
        position: committed.position,
    })
    .await
}

/// The opening and applicant an applicant path names.
fn applicant_target(id: &str, applicant_id: &str) -> Result<(Uuid, Uuid), Problem> {
    Ok((path_uuid("job opening", id)?, path_uuid("applicant", applicant_id)?))
}

/// Refuses `applicant_id` when it is already an employee's id: 409 naming `field`.
async fn check_not_employee(
    employees: &employees::Stores,
    tenant: &TenantId,
    applicant_id: Uuid,
    field: &'static str,
) -> Result<(), Problem> {
    let employee = employees.load(tenant, &applicant_id.to_string()).await.map_err(command_problem)?;
    if employee.salary().is_some() {
        return Err(Problem::new(StatusCode::CONFLICT, "applicant_is_employee", "Conflicts with the current state")
            .with_detail(format!("{applicant_id} is an employee's id: an applicant id is one person, hired once"))
            .with_field(field));
    }
    Ok(())
}

/// `POST /v1/job-openings` with a [`PostRequest`] body: 201.
#[utoipa::path(post, path = "/v1/job-openings", params(crate::openapi::IfMatch), request_body = PostRequest,
    responses((status = 201, description = "Posted", body = JobOpeningChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn post_opening(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<PostRequest>,
) -> Result<Response, Problem> {
    let new_id = NewAggregateId::named_or_minted(request.job_opening_id);
    let id = new_id.uuid();
    let command = JobOpeningCommand::Post(PostJobOpening {
        job_opening_id: id,
        title: request.title,
        org_unit_id: request.org_unit_id,
        positions: request.positions,
        opened_on: request.opened_on.unwrap_or_else(|| Utc::now().date_naive()),
    });
    new_id.run(run_on(&stores, &tenant, (id, None), &headers, command, &context, StatusCode::CREATED)).await
}

/// `POST /v1/job-openings/{id}/applicants` with an [`ApplyRequest`] body: 201. The personal
/// fields and the application are checked before the applicant's own data key is created; the
/// personal fields are then sealed under it and only the sealed text is stored.
#[utoipa::path(post, path = "/v1/job-openings/{id}/applicants",
    params(("id" = Uuid, Path, description = "The job opening"), crate::openapi::IfMatch), request_body = ApplyRequest,
    responses((status = 201, description = "Application received", body = JobOpeningChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, job_opening_id = %id))]
pub async fn apply(
    State(stores): State<Stores>,
    State(people): State<People>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ApplyRequest>,
) -> Result<Response, Problem> {
    let id = path_uuid("job opening", &id)?;
    let applicant_id = request.applicant_id.unwrap_or_else(Uuid::now_v7);
    let applied_on = request.applied_on.unwrap_or_else(|| Utc::now().date_naive());
    let personal = PersonalData {
        name: request.name,
        email: request.email,
        birth_date: request.birth_date,
        address: request.address,
    };
    personal.check(applied_on).map_err(|error| refusal(&error))?;
    let opening = stores.load(&tenant, &id.to_string()).await.map_err(command_problem)?;
    opening.check_application(applicant_id, applied_on).map_err(|error| refusal(&error))?;
    check_not_employee(&people.employees, &tenant, applicant_id, "applicant_id").await?;
    let key = people.keys.key_for(&tenant, applicant_id).await.map_err(|error| key_problem(&error))?;
    let plaintext = serde_json::to_vec(&personal).map_err(|error| Problem::internal(&error))?;
    let personal_data = seal(&key, applicant_id, &plaintext).map_err(|error| Problem::internal(&error))?;
    let command = JobOpeningCommand::ReceiveApplication(ReceiveApplication { applicant_id, personal_data, applied_on });
    run_on(&stores, &tenant, (id, Some(applicant_id)), &headers, command, &context, StatusCode::CREATED).await
}

/// `POST /v1/job-openings/{id}/applicants/{applicant_id}/advance` with an [`AdvanceRequest`].
#[utoipa::path(post, path = "/v1/job-openings/{id}/applicants/{applicant_id}/advance",
    params(("id" = Uuid, Path, description = "The job opening"), ("applicant_id" = Uuid, Path, description = "The applicant"),
        crate::openapi::IfMatch),
    request_body = AdvanceRequest,
    responses((status = 200, description = "Advanced", body = JobOpeningChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, job_opening_id = %id))]
pub async fn advance(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path((id, applicant_id)): Path<(String, String)>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<AdvanceRequest>,
) -> Result<Response, Problem> {
    let (id, applicant_id) = applicant_target(&id, &applicant_id)?;
    let command = JobOpeningCommand::Advance { applicant_id, stage: request.stage };
    run_on(&stores, &tenant, (id, Some(applicant_id)), &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/job-openings/{id}/applicants/{applicant_id}/reject` with a [`ReasonRequest`].
#[utoipa::path(post, path = "/v1/job-openings/{id}/applicants/{applicant_id}/reject",
    params(("id" = Uuid, Path, description = "The job opening"), ("applicant_id" = Uuid, Path, description = "The applicant"),
        crate::openapi::IfMatch),
    request_body = ReasonRequest,
    responses((status = 200, description = "Rejected", body = JobOpeningChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, job_opening_id = %id))]
pub async fn reject(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path((id, applicant_id)): Path<(String, String)>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ReasonRequest>,
) -> Result<Response, Problem> {
    let (id, applicant_id) = applicant_target(&id, &applicant_id)?;
    let command = JobOpeningCommand::Reject { applicant_id, reason: request.reason };
    run_on(&stores, &tenant, (id, Some(applicant_id)), &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/job-openings/{id}/applicants/{applicant_id}/hire` with a [`HireRequest`]: records
/// the hire; the hiring process manager then hires the employee with the applicant's id and
/// sealed personal data (read it at `/v1/employees/{applicant_id}` once projected).
#[utoipa::path(post, path = "/v1/job-openings/{id}/applicants/{applicant_id}/hire",
    params(("id" = Uuid, Path, description = "The job opening"), ("applicant_id" = Uuid, Path, description = "The applicant"),
        crate::openapi::IfMatch),
    request_body = HireRequest,
    responses((status = 200, description = "Hired", body = JobOpeningChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, job_opening_id = %id))]
pub async fn hire(
    State(stores): State<Stores>,
    State(employees): State<employees::Stores>,
    Tenant(tenant): Tenant,
    Path((id, applicant_id)): Path<(String, String)>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<HireRequest>,
) -> Result<Response, Problem> {
    let (id, applicant_id) = applicant_target(&id, &applicant_id)?;
    check_not_employee(&employees, &tenant, applicant_id, "applicant_id").await?;
    let command = JobOpeningCommand::Hire(HireApplicant {
        applicant_id,
        salary_minor: request.salary_minor,
        currency: request.currency,
        hired_on: request.hired_on.unwrap_or_else(|| Utc::now().date_naive()),
        user_id: request.user_id,
    });
    run_on(&stores, &tenant, (id, Some(applicant_id)), &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/job-openings/{id}/applicants/{applicant_id}/erase` with an optional
/// [`EraseRequest`] body: deletes the applicant's data key, then records
/// `ApplicantPersonalDataErased`. A hired applicant, or any applicant id that is an employee's,
/// is refused with 409 before anything is deleted.
#[utoipa::path(post, path = "/v1/job-openings/{id}/applicants/{applicant_id}/erase",
    params(("id" = Uuid, Path, description = "The job opening"), ("applicant_id" = Uuid, Path, description = "The applicant"),
        crate::openapi::IfMatch),
    request_body(content = Option<EraseRequest>, description = "Optional: absent, empty or null to erase today"),
    responses((status = 200, description = "Personal data erased", body = JobOpeningChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, job_opening_id = %id))]
pub async fn erase(
    State(stores): State<Stores>,
    State(people): State<People>,
    Tenant(tenant): Tenant,
    Path((id, applicant_id)): Path<(String, String)>,
    headers: HeaderMap,
    context: RequestContext,
    body: Bytes,
) -> Result<Response, Problem> {
    let (id, applicant_id) = applicant_target(&id, &applicant_id)?;
    let request: EraseRequest = parse_optional_json(&body)?;
    let erased_on = request.erased_on.unwrap_or_else(|| Utc::now().date_naive());
    let command = JobOpeningCommand::EraseApplicant { applicant_id, erased_on };
    let opening = stores.load(&tenant, &id.to_string()).await.map_err(command_problem)?;
    match opening.decide(command.clone()) {
        Ok(_) | Err(JobOpeningError::ApplicantErased) => {}
        Err(refused) => return Err(refusal(&refused)),
    }
    check_not_employee(&people.employees, &tenant, applicant_id, "applicant_id").await?;
    let had_key = people.keys.delete(&tenant, applicant_id).await.map_err(|error| key_problem(&error))?;
    tracing::info!(had_key, "applicant's personal data key deleted");
    run_on(&stores, &tenant, (id, Some(applicant_id)), &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/job-openings/{id}/close` with a [`ReasonRequest`]: an open opening stops taking
/// applications and hires.
#[utoipa::path(post, path = "/v1/job-openings/{id}/close",
    params(("id" = Uuid, Path, description = "The job opening"), crate::openapi::IfMatch), request_body = ReasonRequest,
    responses((status = 200, description = "Closed", body = JobOpeningChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, job_opening_id = %id))]
pub async fn close(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ReasonRequest>,
) -> Result<Response, Problem> {
    let id = path_uuid("job opening", &id)?;
    let command = JobOpeningCommand::Close { reason: request.reason };
    run_on(&stores, &tenant, (id, None), &headers, command, &context, StatusCode::OK).await
}
