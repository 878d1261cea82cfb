//! The employee directory and the payroll runs in the Postgres read model, in the tenant's schema (see migration
//! `0020_hr`): `employees`, one row per employee with its unit, salary, dates and status, and its
//! personal data exactly as the event carries it — sealed; the query API opens it with the
//! employee's key. `EmployeePersonalDataErased` drops the sealed text from the row (the key is
//! already gone, so it could not be opened anyway). A hire inserts the row (a second insert
//! does nothing); every later event updates it only when its global position is past the row's
//! `last_position`, so applying an event twice changes nothing. `payroll_runs` and
//! `payroll_run_lines` hold each run with its lines, inserted by the draft and updated by the
//! approval the same way.

use chrono::NaiveDate;
use prism_aggregates::hr::employee::EmployeeEvent;
use prism_aggregates::hr::payroll_run::PayrollRunEvent;
use prism_platform::envelope::EventEnvelope;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::projection::ProjectionError;

/// What one later employee event changes in its row; `None` leaves a column as it is.
#[derive(Default)]
struct EmployeeChange<'a> {
    org_unit_id: Option<&'a str>,
    salary_minor: Option<i64>,
    terminated_on: Option<NaiveDate>,
    erased_on: Option<NaiveDate>,
}

/// Applies one employee event with its `envelope`.
///
/// # Errors
/// When the employee id is not a UUID or the database refuses.
pub async fn apply_employee(
    tx: &mut PgConnection,
    schema: &str,
    event: &EmployeeEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let change = match event {
        EmployeeEvent::EmployeeHired(hired) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.employees (employee_id, personal_data, org_unit_id, user_id, salary_minor, currency,
                                                 hired_on, status, updated_at, last_position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9)
                 ON CONFLICT (employee_id) DO NOTHING"
            ))
            .bind(Uuid::parse_str(&hired.employee_id)?)
            .bind(&hired.personal_data)
            .bind(&hired.org_unit_id)
            .bind(&hired.user_id)
            .bind(hired.salary_minor)
            .bind(&hired.currency)
            .bind(hired.hired_on)
            .bind(envelope.occurred_at)
            .bind(envelope.global_position)
            .execute(tx)
            .await?;
            return Ok(());
        }
        EmployeeEvent::EmployeeTransferred(transferred) => {
            EmployeeChange { org_unit_id: Some(&transferred.org_unit_id), ..Default::default() }
        }
        EmployeeEvent::EmployeeSalaryChanged(changed) => {
            EmployeeChange { salary_minor: Some(changed.salary_minor), ..Default::default() }
        }
        EmployeeEvent::EmployeeTerminated(terminated) => {
            EmployeeChange { terminated_on: Some(terminated.terminated_on), ..Default::default() }
        }
        EmployeeEvent::EmployeePersonalDataErased(erased) => {
            EmployeeChange { erased_on: Some(erased.erased_on), ..Default::default() }
        }
    };
    sqlx::query(&format!(
        "UPDATE {schema}.employees
            SET org_unit_id = coalesce($2, org_unit_id), salary_minor = coalesce($3, salary_minor),
                terminated_on = coalesce($4, terminated_on),
                status = CASE WHEN coalesce($4, terminated_on) IS NULL THEN 'active' ELSE 'terminated' END,
                erased_on = coalesce($5, erased_on),
                personal_data_erased = personal_data_erased OR $5 IS NOT NULL,
                personal_data = CASE WHEN $5 IS NULL THEN personal_data END,
                updated_at = $6, last_position = $7
          WHERE employee_id = $1 AND last_position < $7"
    ))
    .bind(Uuid::parse_str(&envelope.aggregate_id)?)
    .bind(change.org_unit_id)
    .bind(change.salary_minor)
    .bind(change.terminated_on)
    .bind(change.erased_on)
    .bind(envelope.occurred_at)
    .bind(envelope.global_position)
    .execute(tx)
    .await?;
    Ok(())
}

/// Applies one payroll run event with its `envelope`.
///
/// # Errors
/// When an id is not a UUID or the database refuses.
pub async fn apply_payroll_run(
    tx: &mut PgConnection,
    schema: &str,
    event: &PayrollRunEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let run_id = Uuid::parse_str(&envelope.aggregate_id)?;
    match event {
        PayrollRunEvent::PayrollRunDrafted(drafted) => {
            let inserted = sqlx::query(&format!(
                "INSERT INTO {schema}.payroll_runs (payroll_run_id, period, pay_date, currency, total_minor, line_count,
                                                    status, drafted_at, last_position)
                 VALUES ($1, $2, $3, $4, $5, $6, 'drafted', $7, $8)
                 ON CONFLICT (payroll_run_id) DO NOTHING"
            ))
            .bind(run_id)
            .bind(&drafted.period)
            .bind(drafted.pay_date)
            .bind(&drafted.currency)
            .bind(drafted.total_minor)
            .bind(i32::try_from(drafted.lines.len()).unwrap_or(i32::MAX))
            .bind(envelope.occurred_at)
            .bind(envelope.global_position)
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 0 {
                return Ok(());
            }
            let employees =
                drafted.lines.iter().map(|line| Uuid::parse_str(&line.employee_id)).collect::<Result<Vec<_>, _>>()?;
            let gross: Vec<i64> = drafted.lines.iter().map(|line| line.gross_minor).collect();
            sqlx::query(&format!(
                "INSERT INTO {schema}.payroll_run_lines (payroll_run_id, employee_id, gross_minor)
                 SELECT $1, employee_id, gross_minor FROM UNNEST($2::uuid[], $3::bigint[]) AS l(employee_id, gross_minor)"
            ))
            .bind(run_id)
            .bind(employees)
            .bind(gross)
            .execute(tx)
            .await?;
        }
        PayrollRunEvent::PayrollRunApproved(approved) => {
            sqlx::query(&format!(
                "UPDATE {schema}.payroll_runs
                    SET status = 'approved', journal_entry_id = $2, approved_on = $3, last_position = $4
                  WHERE payroll_run_id = $1 AND last_position < $4"
            ))
            .bind(run_id)
            .bind(Uuid::parse_str(&approved.journal_entry_id)?)
            .bind(approved.approved_on)
            .bind(envelope.global_position)
            .execute(tx)
            .await?;
        }
    }
    Ok(())
}
