//! Commands to a performance review, with raw inputs so that every rule is decided, and
//! reported with its field, in `decide`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A request to change a performance review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewCommand {
    /// Open the review: its first command.
    Open(OpenReview),
    /// Complete it with a rating and a sealed summary.
    Complete(CompleteReview),
    /// The employee acknowledges the completed review.
    Acknowledge {
        /// The day acknowledged; not before it was completed.
        acknowledged_on: NaiveDate,
    },
    /// Cancel an open review.
    Cancel {
        /// Why; non-blank, at most `MAX_NOTE_CHARS` characters.
        reason: String,
    },
}

/// Open review `review_id` of `employee_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenReview {
    /// Id of the review (the aggregate id).
    pub review_id: Uuid,
    /// The employee reviewed.
    pub employee_id: Uuid,
    /// First day of the period reviewed.
    pub period_start: NaiveDate,
    /// Last day of the period; not before its first.
    pub period_end: NaiveDate,
    /// The day it is due; not before the period ends.
    pub due_on: NaiveDate,
    /// The user who reviews.
    #[serde(default)]
    pub reviewer_user_id: Option<Uuid>,
}

/// Complete an open review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteReview {
    /// 1 (far below expectations) to 5 (far above).
    pub rating: i32,
    /// The summary, sealed under the employee's data key by the command API.
    pub summary: String,
    /// The day completed; not before the period started.
    pub completed_on: NaiveDate,
}
