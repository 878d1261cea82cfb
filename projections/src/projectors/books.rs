//! The books in the Postgres ledger read model: one row per account of the chart and per
//! fiscal year and period of the calendar, in the tenant's schema. Every event is an upsert
//! or a keyed update, so applying one twice changes nothing; the checkpoint in the same
//! transaction (see [`super::checkpoint::SqlProjection`]) keeps them exactly-once anyway.

use prism_aggregates::finance::calendar::{CalendarEvent, FiscalYearClosed, FiscalYearOpened};
use prism_aggregates::finance::chart::{AccountOpened, ChartEvent};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::projection::ProjectionError;

/// Applies one chart-of-accounts event recorded at global `position`.
///
/// # Errors
/// When the database refuses.
pub async fn apply_chart(
    tx: &mut PgConnection,
    schema: &str,
    event: &ChartEvent,
    position: i64,
) -> Result<(), ProjectionError> {
    match event {
        ChartEvent::AccountOpened(opened) => insert_account(tx, schema, opened, position).await,
        ChartEvent::AccountRenamed(renamed) => {
            update_account(tx, schema, &renamed.code, "name = $3", Some(&renamed.name), position).await
        }
        ChartEvent::AccountArchived(archived) => {
            update_account(tx, schema, &archived.code, "status = 'archived'", None, position).await
        }
        ChartEvent::AccountReactivated(reactivated) => {
            update_account(tx, schema, &reactivated.code, "status = 'active'", None, position).await
        }
    }
}

async fn insert_account(
    tx: &mut PgConnection,
    schema: &str,
    opened: &AccountOpened,
    position: i64,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "INSERT INTO {schema}.accounts
             (code, name, account_type, normal_balance, parent, header, currency, cash, status, last_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9)
         ON CONFLICT (code) DO NOTHING"
    ))
    .bind(&opened.code)
    .bind(&opened.name)
    .bind(&opened.account_type)
    .bind(&opened.normal_balance)
    .bind(&opened.parent)
    .bind(opened.header)
    .bind(&opened.currency)
    .bind(opened.cash)
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}

/// Sets `assignment` on account `code` unless a later event already did (`$3` is `value`).
async fn update_account(
    tx: &mut PgConnection,
    schema: &str,
    code: &str,
    assignment: &str,
    value: Option<&str>,
    position: i64,
) -> Result<(), ProjectionError> {
    let sql = format!(
        "UPDATE {schema}.accounts SET {assignment}, last_position = $2
          WHERE code = $1 AND last_position < $2"
    );
    let mut query = sqlx::query(&sql).bind(code).bind(position);
    if let Some(value) = value {
        query = query.bind(value);
    }
    query.execute(tx).await?;
    Ok(())
}

/// Applies one fiscal-calendar event recorded at global `position`.
///
/// # Errors
/// When the database refuses.
pub async fn apply_calendar(
    tx: &mut PgConnection,
    schema: &str,
    event: &CalendarEvent,
    position: i64,
) -> Result<(), ProjectionError> {
    let (period, status, reason) = match event {
        CalendarEvent::FiscalYearOpened(opened) => return insert_year(tx, schema, opened, position).await,
        CalendarEvent::FiscalPeriodClosed(closed) => (&closed.period, "closed", None),
        CalendarEvent::FiscalPeriodReopened(reopened) => (&reopened.period, "open", Some(&reopened.reason)),
        CalendarEvent::FiscalPeriodLocked(locked) => (&locked.period, "locked", None),
        CalendarEvent::FiscalYearClosed(closed) => return close_year(tx, schema, closed, position).await,
        // Its entry is all it changes: the ledger takes it (see `ledger_posting`).
        CalendarEvent::ForeignCurrencyRevalued(_) => return Ok(()),
    };
    sqlx::query(&format!(
        "UPDATE {schema}.fiscal_periods SET status = $2, status_reason = $3, last_position = $4
          WHERE period = $1 AND last_position < $4"
    ))
    .bind(period)
    .bind(status)
    .bind(reason)
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}

async fn close_year(
    tx: &mut PgConnection,
    schema: &str,
    closed: &FiscalYearClosed,
    position: i64,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "UPDATE {schema}.fiscal_years SET closed = true, closing_entry_id = $2, last_position = $3
          WHERE year = $1 AND last_position < $3"
    ))
    .bind(&closed.year)
    .bind(Uuid::parse_str(&closed.entry_id)?)
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}

async fn insert_year(
    tx: &mut PgConnection,
    schema: &str,
    opened: &FiscalYearOpened,
    position: i64,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "INSERT INTO {schema}.fiscal_years (year, start_date, end_date, last_position) VALUES ($1, $2, $3, $4)
         ON CONFLICT (year) DO NOTHING"
    ))
    .bind(&opened.year)
    .bind(opened.start_date)
    .bind(opened.end_date)
    .bind(position)
    .execute(&mut *tx)
    .await?;
    let periods = &opened.periods;
    sqlx::query(&format!(
        "INSERT INTO {schema}.fiscal_periods (period, year, number, start_date, end_date, status, last_position)
         SELECT period, $1, number, start_date, end_date, 'open', $6
           FROM UNNEST($2::text[], $3::int4[], $4::date[], $5::date[]) AS p (period, number, start_date, end_date)
         ON CONFLICT (period) DO NOTHING"
    ))
    .bind(&opened.year)
    .bind(periods.iter().map(|p| p.period.clone()).collect::<Vec<_>>())
    .bind(periods.iter().map(|p| p.number).collect::<Vec<_>>())
    .bind(periods.iter().map(|p| p.start_date).collect::<Vec<_>>())
    .bind(periods.iter().map(|p| p.end_date).collect::<Vec<_>>())
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}
