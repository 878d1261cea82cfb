//! Employees' leave in the Postgres read model, in the tenant's schema (see migration
//! `0023_leave`): `leave_entitlements`, one row per employee, year and leave type with the days
//! entitled, and `leave_requests`, one row per request with its working days and status; the
//! view `leave_balances` derives entitled, pending, approved and remaining days from both. An
//! entitlement is upserted only by an event past the row's `last_position`; a request is
//! inserted once (a second insert does nothing) and its approval, rejection or cancellation
//! updates it only when the event is past the row's `last_position`, so applying an event twice
//! changes nothing.

use chrono::NaiveDate;
use prism_aggregates::hr::leave_account::LeaveAccountEvent;
use prism_platform::envelope::EventEnvelope;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::projection::ProjectionError;

/// Applies one leave account event with its `envelope`.
///
/// # Errors
/// When an id is not a UUID or the database refuses.
pub async fn apply_leave_account(
    tx: &mut PgConnection,
    schema: &str,
    event: &LeaveAccountEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let account_id = Uuid::parse_str(&envelope.aggregate_id)?;
    let (request_id, status, reason, decided_on): (&str, &str, Option<&str>, NaiveDate) = match event {
        LeaveAccountEvent::LeaveEntitlementSet(set) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.leave_entitlements (employee_id, year, leave_type, leave_account_id, days,
                                                          updated_at, last_position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (employee_id, year, leave_type) DO UPDATE
                    SET days = excluded.days, updated_at = excluded.updated_at, last_position = excluded.last_position
                  WHERE leave_entitlements.last_position < excluded.last_position"
            ))
            .bind(Uuid::parse_str(&set.employee_id)?)
            .bind(set.year)
            .bind(&set.leave_type)
            .bind(account_id)
            .bind(set.days)
            .bind(envelope.occurred_at)
            .bind(envelope.global_position)
            .execute(tx)
            .await?;
            return Ok(());
        }
        LeaveAccountEvent::LeaveRequested(requested) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.leave_requests (leave_account_id, request_id, employee_id, year, leave_type,
                                                      start_date, end_date, working_days, note, status, requested_at,
                                                      last_position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11)
                 ON CONFLICT (leave_account_id, request_id) DO NOTHING"
            ))
            .bind(account_id)
            .bind(Uuid::parse_str(&requested.request_id)?)
            .bind(Uuid::parse_str(&requested.employee_id)?)
            .bind(requested.year)
            .bind(&requested.leave_type)
            .bind(requested.start_date)
            .bind(requested.end_date)
            .bind(requested.working_days)
            .bind(&requested.note)
            .bind(envelope.occurred_at)
            .bind(envelope.global_position)
            .execute(tx)
            .await?;
            return Ok(());
        }
        LeaveAccountEvent::LeaveApproved(approved) => (&approved.request_id, "approved", None, approved.approved_on),
        LeaveAccountEvent::LeaveRejected(rejected) => {
            (&rejected.request_id, "rejected", Some(rejected.reason.as_str()), rejected.rejected_on)
        }
        LeaveAccountEvent::LeaveCancelled(cancelled) => {
            (&cancelled.request_id, "cancelled", None, cancelled.cancelled_on)
        }
    };
    sqlx::query(&format!(
        "UPDATE {schema}.leave_requests
            SET status = $3, reason = coalesce($4, reason), decided_on = $5, last_position = $6
          WHERE leave_account_id = $1 AND request_id = $2 AND last_position < $6"
    ))
    .bind(account_id)
    .bind(Uuid::parse_str(request_id)?)
    .bind(status)
    .bind(reason)
    .bind(decided_on)
    .bind(envelope.global_position)
    .execute(tx)
    .await?;
    Ok(())
}
