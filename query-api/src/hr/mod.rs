//! Human resources (Talent) reads: the employee directory ([`employees`]), its personal data
//! opened with each employee's key as it is answered, shown as erased once the key is gone;
//! the payroll runs with whether their salary journal entry is posted ([`payroll_runs`]); the
//! leave requests and balances ([`leave`]); the performance reviews, their summaries opened
//! the same way as the directory's personal data ([`performance_reviews`]); and the job openings
//! with their applicants, whose personal data is opened with each applicant's key
//! ([`recruitment`]).
//!
//! Unlike the other query routes, these need a permission beyond a token of the tenant: the
//! directory (personal data) `hr.employee.manage`, the payroll runs (each employee's gross pay)
//! `hr.payroll.manage`, the leave requests and balances `hr.leave.approve`, the reviews
//! `hr.review.manage`, the job openings `hr.recruitment.manage` ([`crate::permitted::PermittedReader`]).

use std::collections::HashMap;

use chrono::NaiveDate;
use prism_aggregates::hr::employee::PersonalData;
use prism_aggregates::identity::permissions::Permission;
use prism_aggregates::tenant::TenantId;
use prism_platform::personal_data::{open, DataKey, KeyStoreError, PersonalDataKeys};
use prism_platform::problem::{Problem, ProblemSchema};
use serde::Serialize;
use utoipa::IntoResponses;

use uuid::Uuid;

use crate::permitted::PermittedRead;
use crate::state::AppState;

pub mod employees;
pub mod leave;
pub mod payroll_runs;
pub mod performance_reviews;
pub mod recruitment;

/// Reading the employee directory, personal data included.
#[derive(Debug)]
pub struct Directory;

impl PermittedRead for Directory {
    const PERMISSION: Permission = Permission::EmployeeManage;
}

/// Reading the payroll runs.
#[derive(Debug)]
pub struct Payroll;

impl PermittedRead for Payroll {
    const PERMISSION: Permission = Permission::PayrollManage;
}

/// Reading the performance reviews.
#[derive(Debug)]
pub struct Reviews;

impl PermittedRead for Reviews {
    const PERMISSION: Permission = Permission::ReviewManage;
}

/// Reading the job openings and their applicants, personal data included.
#[derive(Debug)]
pub struct Recruitment;

impl PermittedRead for Recruitment {
    const PERMISSION: Permission = Permission::RecruitmentManage;
}

/// Reading the leave requests and balances.
#[derive(Debug)]
pub struct Leave;

impl PermittedRead for Leave {
    const PERMISSION: Permission = Permission::LeaveApprove;
}

/// 403: the caller may not read HR data.
#[derive(IntoResponses)]
#[response(
    status = 403,
    content_type = "application/problem+json",
    description = "Forbidden (`forbidden`): the caller's roles lack `hr.employee.manage` (the directory), \
                   `hr.payroll.manage` (payroll runs), `hr.leave.approve` (leave), `hr.review.manage` \
                   (performance reviews) or `hr.recruitment.manage` (job openings) — `permission` names it; `admin` holds them all — or the operator key, \
                   which names no tenant"
)]
pub struct NeedsHrPermission(pub ProblemSchema);

/// The data keys of `subjects` (employees) in `tenant`'s key table, those that still exist;
/// none are read when there are no subjects.
///
/// # Errors
/// The key table unreadable: 503 when the database is, else 500.
async fn subject_keys(
    state: &AppState,
    tenant: &TenantId,
    subjects: &[Uuid],
) -> Result<HashMap<Uuid, DataKey>, Problem> {
    if subjects.is_empty() {
        return Ok(HashMap::new());
    }
    let keys = PersonalDataKeys::new(state.stores.postgres.clone());
    keys.find_many(tenant, subjects).await.map_err(|error| match error {
        KeyStoreError::Database(database) => Problem::from_failure(&database),
        other => Problem::internal(&other),
    })
}

/// A data subject's (an employee's or applicant's) personal fields as an answer shows them:
/// opened with the subject's key, or `null` once erased.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonalFields {
    /// `readable`, or `erased` once the subject's key was deleted on an erasure request.
    pub personal_data_status: &'static str,
    /// Full name; `null` once erased.
    pub name: Option<String>,
    /// Email address; `null` once erased.
    pub email: Option<String>,
    /// Day of birth; `null` once erased.
    pub birth_date: Option<NaiveDate>,
    /// Postal address; `null` once erased.
    pub address: Option<String>,
}

impl PersonalFields {
    /// The personal data of `subject` that `sealed` holds, if the subject's key is in `keys`
    /// and opens it; erased otherwise (and logged when a key does not open it).
    fn opened(subject: Uuid, sealed: Option<&str>, keys: &HashMap<Uuid, DataKey>) -> Self {
        match open_personal_data(subject, sealed, keys) {
            Some(personal) => Self {
                personal_data_status: "readable",
                name: Some(personal.name),
                email: Some(personal.email),
                birth_date: Some(personal.birth_date),
                address: Some(personal.address),
            },
            None => Self { personal_data_status: "erased", name: None, email: None, birth_date: None, address: None },
        }
    }
}

/// The personal data of `subject` that `sealed` holds, if the subject's key is in `keys` and
/// opens it.
fn open_personal_data(subject: Uuid, sealed: Option<&str>, keys: &HashMap<Uuid, DataKey>) -> Option<PersonalData> {
    let sealed = sealed?;
    let key = keys.get(&subject)?;
    match open(key, subject, sealed).map(|plain| serde_json::from_slice::<PersonalData>(&plain)) {
        Ok(Ok(personal)) => Some(personal),
        Ok(Err(error)) => {
            tracing::error!(%subject, %error, "opened personal data is not personal data");
            None
        }
        Err(error) => {
            tracing::error!(%subject, %error, "personal data does not open with its key");
            None
        }
    }
}
