//! Performance reviews in the Postgres read model, in the tenant's schema (see migration
//! `0024_performance_reviews`): one row per review (`performance_reviews`) with its status,
//! rating and summary exactly as the event carries it — sealed under the employee's key; the
//! query API opens it. The opening inserts the row (a second insert does nothing); every later
//! event updates it only past the row's `last_position`, so applying an event twice changes
//! nothing.

use chrono::NaiveDate;
use prism_aggregates::hr::performance_review::{ReviewEvent, ReviewStatus};
use prism_platform::envelope::EventEnvelope;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::projection::ProjectionError;

/// What one later event changes in a review's row; `None` leaves a column as it is.
struct ReviewChange<'a> {
    status: ReviewStatus,
    rating: Option<i32>,
    summary_sealed: Option<&'a str>,
    completed_on: Option<NaiveDate>,
    acknowledged_on: Option<NaiveDate>,
    cancel_reason: Option<&'a str>,
}

impl ReviewChange<'_> {
    /// A change of status only.
    fn to(status: ReviewStatus) -> Self {
        Self {
            status,
            rating: None,
            summary_sealed: None,
            completed_on: None,
            acknowledged_on: None,
            cancel_reason: None,
        }
    }
}

/// Applies one performance review event with its `envelope`.
///
/// # Errors
/// When an id is not a UUID or the database refuses.
pub async fn apply_review(
    tx: &mut PgConnection,
    schema: &str,
    event: &ReviewEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let change = match event {
        ReviewEvent::ReviewOpened(opened) => {
            let reviewer = opened.reviewer_user_id.as_deref().map(Uuid::parse_str).transpose()?;
            sqlx::query(&format!(
                "INSERT INTO {schema}.performance_reviews (review_id, employee_id, reviewer_user_id, period_start,
                                                           period_end, due_on, status, opened_at, updated_at,
                                                           last_position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)
                 ON CONFLICT (review_id) DO NOTHING"
            ))
            .bind(Uuid::parse_str(&opened.review_id)?)
            .bind(Uuid::parse_str(&opened.employee_id)?)
            .bind(reviewer)
            .bind(opened.period_start)
            .bind(opened.period_end)
            .bind(opened.due_on)
            .bind(ReviewStatus::Open.as_str())
            .bind(envelope.occurred_at)
            .bind(envelope.global_position)
            .execute(tx)
            .await?;
            return Ok(());
        }
        ReviewEvent::ReviewCompleted(completed) => ReviewChange {
            rating: Some(completed.rating),
            summary_sealed: Some(&completed.summary),
            completed_on: Some(completed.completed_on),
            ..ReviewChange::to(ReviewStatus::Completed)
        },
        ReviewEvent::ReviewAcknowledged(acknowledged) => ReviewChange {
            acknowledged_on: Some(acknowledged.acknowledged_on),
            ..ReviewChange::to(ReviewStatus::Acknowledged)
        },
        ReviewEvent::ReviewCancelled(cancelled) => {
            ReviewChange { cancel_reason: Some(&cancelled.reason), ..ReviewChange::to(ReviewStatus::Cancelled) }
        }
    };
    sqlx::query(&format!(
        "UPDATE {schema}.performance_reviews
            SET status = $2, rating = coalesce($3, rating), summary_sealed = coalesce($4, summary_sealed),
                completed_on = coalesce($5, completed_on), acknowledged_on = coalesce($6, acknowledged_on),
                cancel_reason = coalesce($7, cancel_reason), updated_at = $8, last_position = $9
          WHERE review_id = $1 AND last_position < $9"
    ))
    .bind(Uuid::parse_str(&envelope.aggregate_id)?)
    .bind(change.status.as_str())
    .bind(change.rating)
    .bind(change.summary_sealed)
    .bind(change.completed_on)
    .bind(change.acknowledged_on)
    .bind(change.cancel_reason)
    .bind(envelope.occurred_at)
    .bind(envelope.global_position)
    .execute(tx)
    .await?;
    Ok(())
}
