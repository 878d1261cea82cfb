//! Commands to a job opening, with raw inputs so that every rule is decided, and reported with
//! its field, in `decide`. The applicant's personal data comes sealed: the command API checks
//! and encrypts it before building [`ReceiveApplication`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A request to change a job opening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobOpeningCommand {
    /// Post the opening: its first command.
    Post(PostJobOpening),
    /// Take an application.
    ReceiveApplication(ReceiveApplication),
    /// Move an applicant to a later stage.
    Advance {
        /// The applicant.
        applicant_id: Uuid,
        /// `screening`, `interview` or `offered`; later than the applicant's stage.
        stage: String,
    },
    /// Reject an applicant who is not hired.
    Reject {
        /// The applicant.
        applicant_id: Uuid,
        /// Why; non-blank, at most `MAX_REASON_CHARS` characters.
        reason: String,
    },
    /// Hire an offered applicant.
    Hire(HireApplicant),
    /// Record that an applicant's data key was deleted.
    EraseApplicant {
        /// The applicant; not hired (a hired one is erased as the employee).
        applicant_id: Uuid,
        /// The day the erasure was honoured.
        erased_on: NaiveDate,
    },
    /// Close an open opening before it is filled.
    Close {
        /// Why; non-blank, at most `MAX_REASON_CHARS` characters.
        reason: String,
    },
}

/// Post job opening `job_opening_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostJobOpening {
    /// Id of the opening (the aggregate id).
    pub job_opening_id: Uuid,
    /// The job's title; non-blank, at most `MAX_TITLE_CHARS` characters.
    pub title: String,
    /// The unit hired into; non-blank, at most `MAX_ID_CHARS` characters.
    pub org_unit_id: String,
    /// How many people are hired; 1 to `MAX_POSITIONS`.
    pub positions: i32,
    /// The first day applications are taken.
    pub opened_on: NaiveDate,
}

/// Take the application of `applicant_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiveApplication {
    /// Id of the applicant, and of the employee they become when hired.
    pub applicant_id: Uuid,
    /// The personal data, sealed under the applicant's data key; non-blank.
    pub personal_data: String,
    /// The day applied; not before the opening opened.
    pub applied_on: NaiveDate,
}

/// Hire `applicant_id` on these terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HireApplicant {
    /// The applicant; at stage `offered`.
    pub applicant_id: Uuid,
    /// Salary per pay period, minor units of `currency`; positive.
    pub salary_minor: i64,
    /// ISO-4217 code of the salary.
    pub currency: String,
    /// The first day of employment; not before the application.
    pub hired_on: NaiveDate,
    /// Id of the user the employee signs in as, if any; non-blank when present.
    #[serde(default)]
    pub user_id: Option<String>,
}
