//! Recruitment in the Postgres read model, in the tenant's schema (see migration
//! `0025_recruitment`): one row per job opening (`job_openings`) with its hires and status, and
//! one row per applicant (`job_applicants`) with their stage and personal data exactly as the
//! event carries it — sealed under the applicant's key; the query API opens it. Inserts do
//! nothing the second time; every update of a row happens only past that row's
//! `last_position`, so applying an event twice changes nothing (a hire counts once).

use chrono::NaiveDate;
use prism_aggregates::hr::job_opening::{ApplicantStage, JobOpeningEvent, OpeningStatus};
use prism_platform::envelope::EventEnvelope;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::projection::ProjectionError;

/// What one event changes in an applicant's row; `None` leaves a column as it is.
struct ApplicantChange<'a> {
    applicant_id: &'a str,
    stage: Option<ApplicantStage>,
    rejection_reason: Option<&'a str>,
    hired_on: Option<NaiveDate>,
    erased_on: Option<NaiveDate>,
}

impl<'a> ApplicantChange<'a> {
    /// A move of `applicant_id` to `stage`.
    fn to(applicant_id: &'a str, stage: ApplicantStage) -> Self {
        Self { applicant_id, stage: Some(stage), rejection_reason: None, hired_on: None, erased_on: None }
    }
}

/// Applies one job opening event with its `envelope`.
///
/// # Errors
/// When an id is not a UUID or the database refuses.
pub async fn apply_job_opening(
    tx: &mut PgConnection,
    schema: &str,
    event: &JobOpeningEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let change = match event {
        JobOpeningEvent::JobOpeningPosted(posted) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.job_openings (job_opening_id, title, org_unit_id, positions, status, opened_on,
                                                    posted_at, updated_at, last_position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)
                 ON CONFLICT (job_opening_id) DO NOTHING"
            ))
            .bind(Uuid::parse_str(&posted.job_opening_id)?)
            .bind(&posted.title)
            .bind(&posted.org_unit_id)
            .bind(posted.positions)
            .bind(OpeningStatus::Open.as_str())
            .bind(posted.opened_on)
            .bind(envelope.occurred_at)
            .bind(envelope.global_position)
            .execute(tx)
            .await?;
            return Ok(());
        }
        JobOpeningEvent::ApplicationReceived(received) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.job_applicants (job_opening_id, applicant_id, personal_data_sealed, stage,
                                                      applied_on, updated_at, last_position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (job_opening_id, applicant_id) DO NOTHING"
            ))
            .bind(Uuid::parse_str(&envelope.aggregate_id)?)
            .bind(Uuid::parse_str(&received.applicant_id)?)
            .bind(&received.personal_data)
            .bind(ApplicantStage::Applied.as_str())
            .bind(received.applied_on)
            .bind(envelope.occurred_at)
            .bind(envelope.global_position)
            .execute(tx)
            .await?;
            return Ok(());
        }
        JobOpeningEvent::ApplicantAdvanced(advanced) => {
            let stage = ApplicantStage::parse(&advanced.stage)
                .ok_or_else(|| format!("unknown applicant stage {:?}", advanced.stage))?;
            ApplicantChange::to(&advanced.applicant_id, stage)
        }
        JobOpeningEvent::ApplicantRejected(rejected) => ApplicantChange {
            rejection_reason: Some(&rejected.reason),
            ..ApplicantChange::to(&rejected.applicant_id, ApplicantStage::Rejected)
        },
        JobOpeningEvent::ApplicantHired(hired) => {
            change_opening(tx, schema, envelope, 1, None).await?;
            ApplicantChange {
                hired_on: Some(hired.hired_on),
                ..ApplicantChange::to(&hired.applicant_id, ApplicantStage::Hired)
            }
        }
        JobOpeningEvent::ApplicantPersonalDataErased(erased) => ApplicantChange {
            applicant_id: &erased.applicant_id,
            stage: None,
            rejection_reason: None,
            hired_on: None,
            erased_on: Some(erased.erased_on),
        },
        JobOpeningEvent::JobOpeningClosed(closed) => {
            let status = if closed.filled { OpeningStatus::Filled } else { OpeningStatus::Closed };
            return change_opening(tx, schema, envelope, 0, Some((status, &closed.reason))).await;
        }
    };
    sqlx::query(&format!(
        "UPDATE {schema}.job_applicants
            SET stage = coalesce($3, stage), rejection_reason = coalesce($4, rejection_reason),
                hired_on = coalesce($5, hired_on), erased_on = coalesce($6, erased_on),
                updated_at = $7, last_position = $8
          WHERE job_opening_id = $1 AND applicant_id = $2 AND last_position < $8"
    ))
    .bind(Uuid::parse_str(&envelope.aggregate_id)?)
    .bind(Uuid::parse_str(change.applicant_id)?)
    .bind(change.stage.map(ApplicantStage::as_str))
    .bind(change.rejection_reason)
    .bind(change.hired_on)
    .bind(change.erased_on)
    .bind(envelope.occurred_at)
    .bind(envelope.global_position)
    .execute(tx)
    .await?;
    Ok(())
}

/// Adds `hires` to the opening's row and sets its status and close reason, past its position.
async fn change_opening(
    tx: &mut PgConnection,
    schema: &str,
    envelope: &EventEnvelope,
    hires: i32,
    closed: Option<(OpeningStatus, &str)>,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "UPDATE {schema}.job_openings
            SET hired = hired + $2, status = coalesce($3, status), close_reason = coalesce($4, close_reason),
                updated_at = $5, last_position = $6
          WHERE job_opening_id = $1 AND last_position < $6"
    ))
    .bind(Uuid::parse_str(&envelope.aggregate_id)?)
    .bind(hires)
    .bind(closed.map(|(status, _)| status.as_str()))
    .bind(closed.map(|(_, reason)| reason))
    .bind(envelope.occurred_at)
    .bind(envelope.global_position)
    .execute(tx)
    .await?;
    Ok(())
}
