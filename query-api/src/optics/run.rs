//! `GET /v1/report-definitions/{id}/run`: executes a saved report against the read models
//! ([`prism_optics::execute`], bounded by its row limit and `PRISM_REPORT_TIMEOUT_MS` of
//! database time) and answers its rows as JSON ([`ReportRun`]) or as a file — CSV, XLSX or PDF,
//! chosen by `?format=` or else by `Accept` (`text/csv`, the XLSX media type,
//! `application/pdf`; JSON unless one of them weighs more). A file comes as an attachment named
//! after the report and the day, and says `X-Prism-Report-Truncated: true` when the row limit
//! cut it. Every format holds the same rows in the same order. With `X-Prism-Min-Position`, it
//! waits for the Postgres read models to reach that event first.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use prism_optics::execute::{self, ExecuteError};
use prism_optics::export::ExportFormat;
use prism_optics::table::{Cell, Column, ReportTable};
use prism_platform::problem::Problem;
use prism_platform::tenancy::schema_of;
use serde::{Deserialize, Serialize};

use super::saved_report;
use crate::consistency::MinPosition;
use crate::negotiate::{accept_of, weight};
use crate::params::QueryParams;
use crate::state::AppState;
use crate::tenants::KnownTenant;

/// Header set on a file cut at the row limit.
const TRUNCATED_HEADER: &str = "x-prism-report-truncated";

/// Query parameters of a run; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RunParams {
    /// `json`, `csv`, `xlsx` or `pdf`; overrides `Accept`.
    pub format: Option<String>,
}

/// A report's rows as JSON.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportRun {
    /// The report.
    pub report_id: String,
    /// Its name.
    pub name: String,
    /// The revision of its definition that ran.
    pub revision: i64,
    /// When it ran.
    pub generated_at: DateTime<Utc>,
    /// The columns: dimensions, then measures.
    pub columns: Vec<Column>,
    /// The rows: one value per column (a string, a whole number, a `YYYY-MM-DD` date or `null`).
    #[schema(value_type = Vec<Vec<Object>>)]
    pub rows: Vec<Vec<Cell>>,
    /// How many rows there are.
    pub row_count: usize,
    /// Whether more rows matched than the row limit let through.
    pub truncated: bool,
}

/// `GET /v1/report-definitions/{id}/run`.
#[utoipa::path(get, path = "/v1/report-definitions/{id}/run",
    params(("id" = uuid::Uuid, Path, description = "The report"), RunParams),
    responses((status = 200, description = "The report's rows, as JSON or as the file asked for", content(
        (ReportRun = "application/json"),
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (Vec<u8> = "application/pdf")))))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, report_id = %id))]
pub async fn run(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    headers: HeaderMap,
    Path(id): Path<String>,
    QueryParams(params): QueryParams<RunParams>,
) -> Result<Response, Problem> {
    let format = requested_format(params.format.as_deref(), &headers)?;
    let report = saved_report(&state, &tenant, &id).await?;
    let checked = report.definition.check().map_err(|invalid| {
        // A definition saved before the catalogue changed.
        Problem::unprocessable("report-definition-outdated", &format!("definition.{}", invalid.field), invalid.detail)
    })?;
    state.await_postgres(&tenant, token).await?;
    let limits = execute::Limits { timeout: state.limits.report_timeout };
    let table = execute::run(&state.stores.postgres, &schema_of(&tenant), &checked, limits).await.map_err(refusal)?;
    let generated_at = Utc::now();
    match format {
        None => Ok(Json(ReportRun {
            report_id: report.report_id,
            name: table.title,
            revision: report.revision,
            generated_at,
            columns: table.columns,
            row_count: table.rows.len(),
            rows: table.rows,
            truncated: table.truncated,
        })
        .into_response()),
        Some(format) => file(&table, format, generated_at),
    }
}

/// `table` as an attachment of `format`.
fn file(table: &ReportTable, format: ExportFormat, generated_at: DateTime<Utc>) -> Result<Response, Problem> {
    let bytes = format.render(table).map_err(|error| Problem::internal(&error))?;
    let disposition = format!("attachment; filename=\"{}\"", format.file_name(&table.title, generated_at.date_naive()));
    let mut response =
        ([(header::CONTENT_TYPE, format.media_type().to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes)
            .into_response();
    if table.truncated {
        response.headers_mut().insert(TRUNCATED_HEADER, HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The file format asked for, `None` for JSON: `format` when given, else the heaviest of the
/// formats in `Accept` when it outweighs JSON.
fn requested_format(format: Option<&str>, headers: &HeaderMap) -> Result<Option<ExportFormat>, Problem> {
    match format {
        Some("json") => return Ok(None),
        Some(name) => {
            return ExportFormat::parse(name)
                .map(Some)
                .ok_or_else(|| Problem::unprocessable("invalid-parameter", "format", "json, csv, xlsx or pdf"));
        }
        None => {}
    }
    let accept = accept_of(headers);
    let weigh = |media_type: &str| {
        let (kind, subtype) =
            media_type.split(';').next().and_then(|essence| essence.split_once('/')).unwrap_or_default();
        weight(&accept, kind, subtype)
    };
    let json = weigh("application/json");
    Ok(ExportFormat::ALL
        .into_iter()
        .map(|format| (weigh(format.media_type()), format))
        .filter(|(weight, _)| *weight > json)
        .max_by_key(|(weight, _)| *weight)
        .map(|(_, format)| format))
}

/// A run that failed: 422 when it needed too much database time, 500 otherwise.
fn refusal(error: ExecuteError) -> Problem {
    match error {
        ExecuteError::TooCostly(_) => {
            Problem::unprocessable("report-too-costly", "definition.filters", error.to_string())
        }
        ExecuteError::Database(error) => Problem::from_failure(&error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(accept: &str) -> Option<ExportFormat> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(accept).expect("a header"));
        requested_format(None, &headers).expect("a format")
    }

    #[test]
    fn the_parameter_wins_and_accept_picks_a_file_only_over_json() {
        assert_eq!(accepting("*/*"), None);
        assert_eq!(accepting("application/pdf"), Some(ExportFormat::Pdf));
        assert_eq!(accepting("text/csv, application/json;q=0.5"), Some(ExportFormat::Csv));
        assert_eq!(accepting("application/json, text/csv"), None);
        assert_eq!(
            accepting("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Some(ExportFormat::Xlsx)
        );
        let headers = HeaderMap::new();
        assert_eq!(requested_format(Some("xlsx"), &headers).expect("xlsx"), Some(ExportFormat::Xlsx));
        assert_eq!(requested_format(Some("json"), &headers).expect("json"), None);
        let refused = requested_format(Some("docx"), &headers).expect_err("refused");
        assert_eq!(refused.status(), axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    }
}
