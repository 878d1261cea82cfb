//! Why a performance review command was refused: one variant per rule, each naming the JSON
//! path of the input at fault (`None` when the review's status forbids the command), a stable
//! machine code and its class: 422 invalid input, 404 no such review, 409 its status forbids
//! the command.

use chrono::NaiveDate;

use super::ReviewStatus;
use crate::crm::input::InputError;
use crate::refusal::{Refusal, RefusalKind};

/// A performance review command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// `Open` on a review that exists.
    #[error("performance review already exists")]
    AlreadyExists,
    /// Any command but `Open` on a review never opened.
    #[error("performance review not found")]
    NotFound,
    /// The review's status forbids the command.
    #[error("performance review is {status}: {command} needs it {needs}")]
    WrongStatus {
        /// Its status.
        status: ReviewStatus,
        /// The command refused.
        command: &'static str,
        /// The status the command needs.
        needs: &'static str,
    },
    /// A period ending before it starts.
    #[error("period_end {period_end} is before period_start {period_start}")]
    PeriodEndsBeforeStart {
        /// First day given.
        period_start: NaiveDate,
        /// Last day given.
        period_end: NaiveDate,
    },
    /// Due before the period ends.
    #[error("due_on {due_on} is before the period ends, on {period_end}")]
    DueBeforePeriodEnd {
        /// The day given.
        due_on: NaiveDate,
        /// The period's last day.
        period_end: NaiveDate,
    },
    /// A rating outside 1 to 5.
    #[error("rating must be {min} to {max}, got {rating}")]
    InvalidRating {
        /// The rating given.
        rating: i32,
        /// Lowest allowed.
        min: i32,
        /// Highest allowed.
        max: i32,
    },
    /// Completed before the period started.
    #[error("completed_on {completed_on} is before the period starts, on {period_start}")]
    CompletedBeforePeriod {
        /// The day given.
        completed_on: NaiveDate,
        /// The period's first day.
        period_start: NaiveDate,
    },
    /// Acknowledged before it was completed.
    #[error("acknowledged_on {acknowledged_on} is before the review was completed, on {completed_on}")]
    AcknowledgedBeforeCompletion {
        /// The day given.
        acknowledged_on: NaiveDate,
        /// The day completed.
        completed_on: NaiveDate,
    },
    /// A text input breaks its rule.
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Refusal for ReviewError {
    fn field(&self) -> Option<String> {
        use ReviewError as E;
        let path = match self {
            E::NotFound | E::WrongStatus { .. } => return None,
            E::Input(input) => return input.field(),
            E::AlreadyExists => "review_id",
            E::PeriodEndsBeforeStart { .. } => "period_end",
            E::DueBeforePeriodEnd { .. } => "due_on",
            E::InvalidRating { .. } => "rating",
            E::CompletedBeforePeriod { .. } => "completed_on",
            E::AcknowledgedBeforeCompletion { .. } => "acknowledged_on",
        };
        Some(path.to_owned())
    }

    fn code(&self) -> &'static str {
        use ReviewError as E;
        match self {
            E::AlreadyExists => "review_exists",
            E::NotFound => "review_not_found",
            E::WrongStatus { .. } => "wrong_status",
            E::PeriodEndsBeforeStart { .. } => "period_ends_before_start",
            E::DueBeforePeriodEnd { .. } => "due_before_period_end",
            E::InvalidRating { .. } => "invalid_rating",
            E::CompletedBeforePeriod { .. } => "completed_before_period",
            E::AcknowledgedBeforeCompletion { .. } => "acknowledged_before_completion",
            E::Input(input) => input.code(),
        }
    }

    fn kind(&self) -> RefusalKind {
        use ReviewError as E;
        match self {
            E::NotFound => RefusalKind::NotFound,
            E::AlreadyExists | E::WrongStatus { .. } => RefusalKind::Conflict,
            E::Input(input) => input.kind(),
            E::PeriodEndsBeforeStart { .. }
            | E::DueBeforePeriodEnd { .. }
            | E::InvalidRating { .. }
            | E::CompletedBeforePeriod { .. }
            | E::AcknowledgedBeforeCompletion { .. } => RefusalKind::Invalid,
        }
    }
}
