//! `GET /v1/fiscal-years`: the fiscal calendar from `fiscal_years` and `fiscal_periods`
//! (the `postgres` projector's read model) — every year by start date, each with its periods
//! by number — read in one query.
//!
//! JSON: `{"items": [FiscalYearView…]}`. CSV (`Accept: text/csv`): one record per period,
//! columns `year,year_start_date,year_end_date,period,number,start_date,end_date,status,status_reason`;
//! a year without periods is one record with the period columns empty, an absent
//! `status_reason` is empty.

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};
use uuid::Uuid;

use crate::consistency::MinPosition;
use crate::csv::{CsvWriter, ToCsv};
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::negotiate::Format;
use crate::params::QueryParams;
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// The fiscal-year list takes no query parameters; any is refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiscalYearParams {}

/// The fiscal calendar.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FiscalCalendarView {
    /// Years by start date.
    pub items: Vec<FiscalYearView>,
}

/// One fiscal year.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FiscalYearView {
    /// Year label (`2026`, `FY2026-27`).
    pub year: String,
    /// First day of the year.
    pub start_date: NaiveDate,
    /// Last day of the year (inclusive).
    pub end_date: NaiveDate,
    /// Whether the year was closed (its result moved to retained earnings).
    pub closed: bool,
    /// The closing journal entry, once closed with something to close.
    pub closing_entry_id: Option<Uuid>,
    /// Periods by number.
    pub periods: Vec<FiscalPeriodView>,
}

/// One period of a fiscal year.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FiscalPeriodView {
    /// Period label (`2026-03`).
    pub period: String,
    /// 1-based number within the year.
    pub number: i32,
    /// First day of the period.
    pub start_date: NaiveDate,
    /// Last day of the period (inclusive).
    pub end_date: NaiveDate,
    /// `open`, `closed` or `locked`.
    pub status: String,
    /// Why the period last changed status, when a reason was given.
    pub status_reason: Option<String>,
}

/// `GET /v1/fiscal-years`.
#[utoipa::path(get, path = "/v1/fiscal-years", params(crate::openapi::Csv),
    responses((status = 200, description = "The fiscal years with their periods, by start date", body = FiscalCalendarView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(FiscalYearParams {}): QueryParams<FiscalYearParams>,
) -> Result<Response, Problem> {
    state.await_postgres(&tenant, token).await?;
    let items = read_calendar(&state.stores.postgres, &tenant).await?;
    Ok(format.respond(&FiscalCalendarView { items }))
}

async fn read_calendar(pool: &PgPool, tenant: &TenantId) -> Result<Vec<FiscalYearView>, ReadError> {
    let sql = format!(
        "SELECT y.year, y.start_date AS year_start_date, y.end_date AS year_end_date, y.closed, y.closing_entry_id, \
                p.period, p.number, p.start_date, p.end_date, p.status, p.status_reason \
         FROM {years} y LEFT JOIN {periods} p ON p.year = y.year \
         ORDER BY y.start_date, y.year COLLATE \"C\", p.number",
        years = tenant_table(tenant, "fiscal_years"),
        periods = tenant_table(tenant, "fiscal_periods"),
    );
    let rows = sqlx::query(&sql).fetch_all(pool).await;
    let mut years: Vec<FiscalYearView> = Vec::new();
    for row in absent_if_unprovisioned(rows, Vec::new())? {
        let year: String = row.try_get("year")?;
        if years.last().is_none_or(|last| last.year != year) {
            years.push(FiscalYearView {
                year,
                start_date: row.try_get("year_start_date")?,
                end_date: row.try_get("year_end_date")?,
                closed: row.try_get("closed")?,
                closing_entry_id: row.try_get("closing_entry_id")?,
                periods: Vec::new(),
            });
        }
        if let (Some(period), Some(last)) = (period(&row)?, years.last_mut()) {
            last.periods.push(period);
        }
    }
    Ok(years)
}

/// The period columns of a joined row; `None` for a year without periods.
fn period(row: &PgRow) -> Result<Option<FiscalPeriodView>, sqlx::Error> {
    let Some(period) = row.try_get::<Option<String>, _>("period")? else {
        return Ok(None);
    };
    Ok(Some(FiscalPeriodView {
        period,
        number: row.try_get("number")?,
        start_date: row.try_get("start_date")?,
        end_date: row.try_get("end_date")?,
        status: row.try_get("status")?,
        status_reason: row.try_get("status_reason")?,
    }))
}

impl ToCsv for FiscalCalendarView {
    const HEADER: &'static [&'static str] = &[
        "year",
        "year_start_date",
        "year_end_date",
        "period",
        "number",
        "start_date",
        "end_date",
        "status",
        "status_reason",
    ];

    fn write_records(&self, csv: &mut CsvWriter) {
        for year in &self.items {
            let (year_start, year_end) = (year.start_date.to_string(), year.end_date.to_string());
            if year.periods.is_empty() {
                csv.record(&[&year.year, &year_start, &year_end, "", "", "", "", "", ""]);
            }
            for period in &year.periods {
                csv.record(&[
                    &year.year,
                    &year_start,
                    &year_end,
                    &period.period,
                    &period.number.to_string(),
                    &period.start_date.to_string(),
                    &period.end_date.to_string(),
                    &period.status,
                    period.status_reason.as_deref().unwrap_or_default(),
                ]);
            }
        }
    }
}
