//! Facts about a performance review. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/hr/` field for field (a test keeps them from drifting); the enum is externally
//! tagged. Topic `prism.hr.performance-review.v1`, key = `review_id`, version `1`.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// A review was opened: the seed event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewOpened {
    /// Id of the review (the aggregate id), a UUID.
    pub review_id: String,
    /// The employee reviewed.
    pub employee_id: String,
    /// First day of the period reviewed.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// The day it is due.
    pub due_on: NaiveDate,
    /// The user who reviews.
    pub reviewer_user_id: Option<String>,
}

/// A review was completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewCompleted {
    /// The review.
    pub review_id: String,
    /// The employee reviewed.
    pub employee_id: String,
    /// 1 to 5.
    pub rating: i32,
    /// The summary, sealed under the employee's data key.
    pub summary: String,
    /// The day completed.
    pub completed_on: NaiveDate,
}

/// The employee acknowledged the review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewAcknowledged {
    /// The review.
    pub review_id: String,
    /// The day acknowledged.
    pub acknowledged_on: NaiveDate,
}

/// An open review was cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewCancelled {
    /// The review.
    pub review_id: String,
    /// Why.
    pub reason: String,
}

/// Everything that can happen to a performance review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewEvent {
    /// See [`ReviewOpened`].
    ReviewOpened(ReviewOpened),
    /// See [`ReviewCompleted`].
    ReviewCompleted(ReviewCompleted),
    /// See [`ReviewAcknowledged`].
    ReviewAcknowledged(ReviewAcknowledged),
    /// See [`ReviewCancelled`].
    ReviewCancelled(ReviewCancelled),
}

impl ReviewEvent {
    /// Version of every review event's schema.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for ReviewEvent {
    fn event_type(&self) -> String {
        match self {
            ReviewEvent::ReviewOpened(_) => "ReviewOpened",
            ReviewEvent::ReviewCompleted(_) => "ReviewCompleted",
            ReviewEvent::ReviewAcknowledged(_) => "ReviewAcknowledged",
            ReviewEvent::ReviewCancelled(_) => "ReviewCancelled",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
