//! The performance review state: its period and status, and the day it was completed.
//! [`PerformanceReview::decide`] checks a command against it; `apply` folds the events. No
//! clock: days come with the commands. [`check_summary`] is the rule of a summary before it is
//! sealed, for the command API.

use std::fmt;

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{CompleteReview, OpenReview, ReviewCommand};
use super::errors::ReviewError;
use super::events::{ReviewAcknowledged, ReviewCancelled, ReviewCompleted, ReviewEvent, ReviewOpened};
use super::{MAX_RATING, MAX_SUMMARY_CHARS, MIN_RATING};
use crate::crm::input::{check_field, MAX_REASON_CHARS};

/// Where a review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Opened, not yet completed.
    Open,
    /// Completed with a rating and summary.
    Completed,
    /// Completed and acknowledged by the employee. Final.
    Acknowledged,
    /// Cancelled while open. Final.
    Cancelled,
}

impl ReviewStatus {
    /// Its name in events, read models and the API.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Open => "open",
            ReviewStatus::Completed => "completed",
            ReviewStatus::Acknowledged => "acknowledged",
            ReviewStatus::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for ReviewStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Refuses a summary (before it is sealed) that is blank or longer than
/// [`MAX_SUMMARY_CHARS`].
///
/// # Errors
/// [`ReviewError::Input`] naming `summary`.
pub fn check_summary(summary: &str) -> Result<(), ReviewError> {
    Ok(check_field("summary", summary, MAX_SUMMARY_CHARS)?)
}

/// State of one performance review, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerformanceReview {
    review: Option<Review>,
}

/// A review once opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Review {
    review_id: String,
    employee_id: String,
    period_start: NaiveDate,
    status: ReviewStatus,
    completed_on: Option<NaiveDate>,
}

impl PerformanceReview {
    /// Its status; `None` before it is opened.
    #[must_use]
    pub fn status(&self) -> Option<ReviewStatus> {
        self.review.as_ref().map(|review| review.status)
    }

    /// The employee reviewed; `None` before it is opened.
    #[must_use]
    pub fn employee_id(&self) -> Option<&str> {
        self.review.as_ref().map(|review| review.employee_id.as_str())
    }

    /// What `command` records given this state.
    ///
    /// # Errors
    /// Why the command is refused; nothing is recorded then.
    pub fn decide(&self, command: ReviewCommand) -> Result<Vec<ReviewEvent>, ReviewError> {
        let Some(review) = &self.review else {
            return match command {
                ReviewCommand::Open(open) => Ok(vec![opened(open)?]),
                _ => Err(ReviewError::NotFound),
            };
        };
        let status = review.status;
        let wrong = |command: &'static str, needs: &'static str| ReviewError::WrongStatus { status, command, needs };
        let review_id = review.review_id.clone();
        let event = match command {
            ReviewCommand::Open(_) => return Err(ReviewError::AlreadyExists),
            ReviewCommand::Complete(complete) if status == ReviewStatus::Open => review.completed(complete)?,
            ReviewCommand::Complete(_) => return Err(wrong("complete", "open")),
            ReviewCommand::Acknowledge { acknowledged_on } if status == ReviewStatus::Completed => {
                if let Some(completed_on) = review.completed_on.filter(|completed_on| acknowledged_on < *completed_on) {
                    return Err(ReviewError::AcknowledgedBeforeCompletion { acknowledged_on, completed_on });
                }
                ReviewEvent::ReviewAcknowledged(ReviewAcknowledged { review_id, acknowledged_on })
            }
            ReviewCommand::Acknowledge { .. } => return Err(wrong("acknowledge", "completed")),
            ReviewCommand::Cancel { reason } if status == ReviewStatus::Open => {
                check_field("reason", &reason, MAX_REASON_CHARS)?;
                ReviewEvent::ReviewCancelled(ReviewCancelled { review_id, reason })
            }
            ReviewCommand::Cancel { .. } => return Err(wrong("cancel", "open")),
        };
        Ok(vec![event])
    }
}

/// The `ReviewOpened` of `open`, once its period and due day pass.
fn opened(open: OpenReview) -> Result<ReviewEvent, ReviewError> {
    let OpenReview { review_id, employee_id, period_start, period_end, due_on, reviewer_user_id } = open;
    if period_end < period_start {
        return Err(ReviewError::PeriodEndsBeforeStart { period_start, period_end });
    }
    if due_on < period_end {
        return Err(ReviewError::DueBeforePeriodEnd { due_on, period_end });
    }
    Ok(ReviewEvent::ReviewOpened(ReviewOpened {
        review_id: review_id.to_string(),
        employee_id: employee_id.to_string(),
        period_start,
        period_end,
        due_on,
        reviewer_user_id: reviewer_user_id.map(|id| id.to_string()),
    }))
}

impl Review {
    /// The `ReviewCompleted` of `complete`: a rating in range, a sealed summary, a day within
    /// or after the period.
    fn completed(&self, complete: CompleteReview) -> Result<ReviewEvent, ReviewError> {
        let CompleteReview { rating, summary, completed_on } = complete;
        if !(MIN_RATING..=MAX_RATING).contains(&rating) {
            return Err(ReviewError::InvalidRating { rating, min: MIN_RATING, max: MAX_RATING });
        }
        if completed_on < self.period_start {
            return Err(ReviewError::CompletedBeforePeriod { completed_on, period_start: self.period_start });
        }
        check_field("summary", &summary, usize::MAX)?;
        Ok(ReviewEvent::ReviewCompleted(ReviewCompleted {
            review_id: self.review_id.clone(),
            employee_id: self.employee_id.clone(),
            rating,
            summary,
            completed_on,
        }))
    }
}

impl Aggregate for PerformanceReview {
    const TYPE: &'static str = "hr.performance_review";
    type Command = ReviewCommand;
    type Event = ReviewEvent;
    type Error = ReviewError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ReviewEvent::ReviewOpened(opened) => {
                self.review = Some(Review {
                    review_id: opened.review_id,
                    employee_id: opened.employee_id,
                    period_start: opened.period_start,
                    status: ReviewStatus::Open,
                    completed_on: None,
                });
            }
            ReviewEvent::ReviewCompleted(completed) => {
                if let Some(review) = self.review.as_mut() {
                    review.status = ReviewStatus::Completed;
                    review.completed_on = Some(completed.completed_on);
                }
            }
            ReviewEvent::ReviewAcknowledged(_) => self.set_status(ReviewStatus::Acknowledged),
            ReviewEvent::ReviewCancelled(_) => self.set_status(ReviewStatus::Cancelled),
        }
    }
}

impl PerformanceReview {
    fn set_status(&mut self, status: ReviewStatus) {
        if let Some(review) = self.review.as_mut() {
            review.status = status;
        }
    }
}
