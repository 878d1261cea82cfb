//! The performance review aggregate (`hr.performance_review`): one review of an employee over a
//! period. Events go to topic `prism.hr.performance-review.v1`, key = review id (a UUID, the
//! aggregate id), Avro namespace `prism.hr`, version `1`.
//!
//! - A review is opened ([`ReviewOpened`]) for an employee (hired, not terminated, not erased:
//!   the command API checks) over a period, with the day it is due (not before the period ends)
//!   and optionally the reviewing user.
//! - It is completed ([`ReviewCompleted`]) with a rating from 1 to 5 and a written summary. The
//!   summary is personal data about the employee: the command API seals it under the
//!   employee's data key ([`super::employee::personal`]), so the aggregate, the events, the
//!   topic and the read model only ever hold ciphertext, and the employee's erasure makes every
//!   summary unreadable while the ratings stay.
//! - The employee acknowledges a completed review ([`ReviewAcknowledged`]); an open review can
//!   be cancelled with a reason ([`ReviewCancelled`]). Acknowledged and cancelled are final.
//! - Every refusal names its field (`review_id`, `period_end`, `due_on`, `rating`, `summary`,
//!   `completed_on`, `acknowledged_on`, `reason`) or, when the status forbids the command,
//!   none, and records nothing.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::{check_summary, PerformanceReview, ReviewStatus};
pub use commands::{CompleteReview, OpenReview, ReviewCommand};
pub use errors::ReviewError;
pub use events::{ReviewAcknowledged, ReviewCancelled, ReviewCompleted, ReviewEvent, ReviewOpened};

/// Most characters of a review's summary, before it is sealed.
pub const MAX_SUMMARY_CHARS: usize = 10_000;
/// Lowest rating.
pub const MIN_RATING: i32 = 1;
/// Highest rating.
pub const MAX_RATING: i32 = 5;
