//! Facts about a job opening and its applicants. The serde JSON of each payload mirrors its Avro
//! schema in `schemas/avro/hr/` field for field (a test keeps them from drifting); the enum is
//! externally tagged. Topic `prism.hr.job-opening.v1`, key = `job_opening_id`, version `1`. No
//! event carries personal data in plain text: `personal_data` is sealed under the applicant's
//! data key.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// An opening was posted: the seed event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobOpeningPosted {
    /// Id of the opening (the aggregate id), a UUID.
    pub job_opening_id: String,
    /// The job's title.
    pub title: String,
    /// The unit hired into.
    pub org_unit_id: String,
    /// How many people are hired.
    pub positions: i32,
    /// The first day applications are taken.
    pub opened_on: NaiveDate,
}

/// Someone applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationReceived {
    /// The opening.
    pub job_opening_id: String,
    /// Id of the applicant (a UUID), and of the employee they become when hired.
    pub applicant_id: String,
    /// Name, email, birth date and address, sealed under the applicant's data key.
    pub personal_data: String,
    /// The day applied.
    pub applied_on: NaiveDate,
}

/// An applicant moved to a later stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantAdvanced {
    /// The opening.
    pub job_opening_id: String,
    /// The applicant.
    pub applicant_id: String,
    /// The stage left.
    pub from_stage: String,
    /// The stage now: `screening`, `interview` or `offered`.
    pub stage: String,
}

/// An applicant was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantRejected {
    /// The opening.
    pub job_opening_id: String,
    /// The applicant.
    pub applicant_id: String,
    /// The stage they were rejected at.
    pub from_stage: String,
    /// Why.
    pub reason: String,
}

/// An applicant was hired: the hiring process manager hires employee `employee_id` on these
/// terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantHired {
    /// The opening.
    pub job_opening_id: String,
    /// The applicant.
    pub applicant_id: String,
    /// The employee they become: the applicant id, so the data key is the same.
    pub employee_id: String,
    /// The application's sealed personal data, carried to the employee.
    pub personal_data: String,
    /// The unit hired into.
    pub org_unit_id: String,
    /// Id of the user the employee signs in as, if any.
    pub user_id: Option<String>,
    /// Salary per pay period, minor units of `currency`.
    pub salary_minor: i64,
    /// ISO-4217 code of the salary.
    pub currency: String,
    /// The first day of employment.
    pub hired_on: NaiveDate,
}

/// An applicant's data key was deleted: their sealed personal data can no longer be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantPersonalDataErased {
    /// The opening.
    pub job_opening_id: String,
    /// The applicant.
    pub applicant_id: String,
    /// The day the erasure was honoured.
    pub erased_on: NaiveDate,
}

/// The opening stopped taking applications and hires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobOpeningClosed {
    /// The opening.
    pub job_opening_id: String,
    /// Whether every position was filled (closed by the last hire).
    pub filled: bool,
    /// Why.
    pub reason: String,
}

/// Everything that can happen to a job opening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobOpeningEvent {
    /// See [`JobOpeningPosted`].
    JobOpeningPosted(JobOpeningPosted),
    /// See [`ApplicationReceived`].
    ApplicationReceived(ApplicationReceived),
    /// See [`ApplicantAdvanced`].
    ApplicantAdvanced(ApplicantAdvanced),
    /// See [`ApplicantRejected`].
    ApplicantRejected(ApplicantRejected),
    /// See [`ApplicantHired`].
    ApplicantHired(ApplicantHired),
    /// See [`ApplicantPersonalDataErased`].
    ApplicantPersonalDataErased(ApplicantPersonalDataErased),
    /// See [`JobOpeningClosed`].
    JobOpeningClosed(JobOpeningClosed),
}

impl JobOpeningEvent {
    /// Version of every job opening event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for JobOpeningEvent {
    fn event_type(&self) -> String {
        match self {
            JobOpeningEvent::JobOpeningPosted(_) => "JobOpeningPosted",
            JobOpeningEvent::ApplicationReceived(_) => "ApplicationReceived",
            JobOpeningEvent::ApplicantAdvanced(_) => "ApplicantAdvanced",
            JobOpeningEvent::ApplicantRejected(_) => "ApplicantRejected",
            JobOpeningEvent::ApplicantHired(_) => "ApplicantHired",
            JobOpeningEvent::ApplicantPersonalDataErased(_) => "ApplicantPersonalDataErased",
            JobOpeningEvent::JobOpeningClosed(_) => "JobOpeningClosed",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
