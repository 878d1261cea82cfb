//! Why a job opening command was refused: one variant per rule, each naming the JSON path of
//! the input at fault (`None` when the state forbids the command), a stable machine code and
//! its class: 422 invalid input, 404 no such opening or applicant, 409 the state forbids it.

use chrono::NaiveDate;

use super::{ApplicantStage, OpeningStatus};
use crate::crm::input::InputError;
use crate::hr::employee::EmployeeError;
use crate::refusal::{Refusal, RefusalKind};

/// A job opening command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobOpeningError {
    /// `Post` on an opening that exists.
    #[error("job opening already exists")]
    AlreadyExists,
    /// Any command but `Post` on an opening never posted.
    #[error("job opening not found")]
    NotFound,
    /// The opening is filled or closed: only rejections and erasures are taken.
    #[error("job opening is {status}: {command} needs it open")]
    NotOpen {
        /// Its status.
        status: OpeningStatus,
        /// The command refused.
        command: &'static str,
    },
    /// Positions outside 1 to the most allowed.
    #[error("positions must be 1 to {max}, got {positions}")]
    InvalidPositions {
        /// The number given.
        positions: i32,
        /// Most allowed.
        max: i32,
    },
    /// The applicant applied already.
    #[error("applicant already applied to this opening")]
    ApplicantExists,
    /// The opening has all the applicants it takes.
    #[error("the opening takes at most {max} applicants")]
    TooManyApplicants {
        /// Most allowed.
        max: usize,
    },
    /// Applied before the opening opened.
    #[error("applied_on {applied_on} is before the opening opened, on {opened_on}")]
    AppliedBeforeOpening {
        /// The day given.
        applied_on: NaiveDate,
        /// The day it opened.
        opened_on: NaiveDate,
    },
    /// No such applicant in the opening.
    #[error("applicant not found in this opening")]
    ApplicantNotFound,
    /// A stage name that is not one an applicant is advanced to.
    #[error("stage must be screening, interview or offered, got {stage:?}")]
    UnknownStage {
        /// The name given.
        stage: String,
    },
    /// A stage not later than the applicant's.
    #[error("an applicant at stage {from} cannot move to {to}: stages only move forward")]
    StageNotForward {
        /// The applicant's stage.
        from: ApplicantStage,
        /// The stage asked for.
        to: ApplicantStage,
    },
    /// The applicant's stage forbids the command.
    #[error("applicant is {stage}: {command} needs {needs}")]
    WrongStage {
        /// The applicant's stage.
        stage: ApplicantStage,
        /// The command refused.
        command: &'static str,
        /// What the command needs.
        needs: &'static str,
    },
    /// The applicant's personal data was erased.
    #[error("the applicant's personal data was erased")]
    ApplicantErased,
    /// Hired before applying.
    #[error("hired_on {hired_on} is before the application, on {applied_on}")]
    HiredBeforeApplication {
        /// The day given.
        hired_on: NaiveDate,
        /// The day applied.
        applied_on: NaiveDate,
    },
    /// The hire's terms break an employee rule (salary, currency, user).
    #[error(transparent)]
    Terms(EmployeeError),
    /// A text input breaks its rule.
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Refusal for JobOpeningError {
    fn field(&self) -> Option<String> {
        use JobOpeningError as E;
        let path = match self {
            E::NotFound | E::NotOpen { .. } | E::ApplicantNotFound | E::WrongStage { .. } | E::ApplicantErased => {
                return None
            }
            E::Input(input) => return input.field(),
            E::Terms(terms) => return terms.field(),
            E::AlreadyExists => "job_opening_id",
            E::InvalidPositions { .. } => "positions",
            E::ApplicantExists | E::TooManyApplicants { .. } => "applicant_id",
            E::AppliedBeforeOpening { .. } => "applied_on",
            E::UnknownStage { .. } | E::StageNotForward { .. } => "stage",
            E::HiredBeforeApplication { .. } => "hired_on",
        };
        Some(path.to_owned())
    }

    fn code(&self) -> &'static str {
        use JobOpeningError as E;
        match self {
            E::AlreadyExists => "job_opening_exists",
            E::NotFound => "job_opening_not_found",
            E::NotOpen { .. } => "job_opening_not_open",
            E::InvalidPositions { .. } => "invalid_positions",
            E::ApplicantExists => "applicant_exists",
            E::TooManyApplicants { .. } => "too_many_applicants",
            E::AppliedBeforeOpening { .. } => "applied_before_opening",
            E::ApplicantNotFound => "applicant_not_found",
            E::UnknownStage { .. } => "unknown_stage",
            E::StageNotForward { .. } => "stage_not_forward",
            E::WrongStage { .. } => "wrong_stage",
            E::ApplicantErased => "applicant_erased",
            E::HiredBeforeApplication { .. } => "hired_before_application",
            E::Terms(terms) => terms.code(),
            E::Input(input) => input.code(),
        }
    }

    fn kind(&self) -> RefusalKind {
        use JobOpeningError as E;
        match self {
            E::NotFound | E::ApplicantNotFound => RefusalKind::NotFound,
            E::AlreadyExists
            | E::NotOpen { .. }
            | E::ApplicantExists
            | E::TooManyApplicants { .. }
            | E::StageNotForward { .. }
            | E::WrongStage { .. }
            | E::ApplicantErased => RefusalKind::Conflict,
            E::Terms(terms) => terms.kind(),
            E::Input(input) => input.kind(),
            E::InvalidPositions { .. }
            | E::AppliedBeforeOpening { .. }
            | E::UnknownStage { .. }
            | E::HiredBeforeApplication { .. } => RefusalKind::Invalid,
        }
    }
}
