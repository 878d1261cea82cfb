//! Runs a [`CheckedReport`] against the tenant's read models in Postgres, with bounded cost:
//! one read-only statement, at most the report's row limit (one row more is read to tell that
//! the answer is truncated) and at most [`Limits::timeout`] of database time — a report past it
//! is cancelled by the server and refused as too costly, not left running.
//!
//! The statement is `SELECT <dimensions>, <measures> FROM <source> WHERE <filters> GROUP BY
//! <dimensions> ORDER BY <sort> LIMIT n`: every expression comes from the catalogue and every
//! filter value is a bound parameter.

use std::time::Duration;

use prism_platform::db::quote_ident;
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Postgres, QueryBuilder, Row};

use crate::catalogue::Field;
use crate::definition::{CheckedFilter, CheckedReport, Direction, FilterOp, FilterValues};
use crate::table::{Cell, Column, ColumnKind, ReportTable};

/// SQLSTATE of a statement cancelled by `statement_timeout`.
const QUERY_CANCELED: &str = "57014";

/// How much one report run may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Database time per run.
    pub timeout: Duration,
}

/// Why a report did not run.
#[derive(Debug, thiserror::Error)]
pub enum ExecuteError {
    /// It needed more database time than [`Limits::timeout`].
    #[error("the report needed more than {0:?} of database time; narrow it with filters")]
    TooCostly(Duration),
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

/// Runs `report` over the read models in `schema` (the tenant's, unquoted).
///
/// # Errors
/// [`ExecuteError::TooCostly`] past the time limit; [`ExecuteError::Database`] otherwise.
pub async fn run(
    pool: &PgPool,
    schema: &str,
    report: &CheckedReport,
    limits: Limits,
) -> Result<ReportTable, ExecuteError> {
    let mut statement = statement(schema, report);
    let mut transaction = pool.begin().await?;
    sqlx::query("SET TRANSACTION READ ONLY").execute(&mut *transaction).await?;
    let timeout_ms = limits.timeout.as_millis().max(1);
    sqlx::query(&format!("SET LOCAL statement_timeout = {timeout_ms}")).execute(&mut *transaction).await?;
    let rows = statement.build().fetch_all(&mut *transaction).await.map_err(|error| {
        if error.as_database_error().and_then(sqlx::error::DatabaseError::code).as_deref() == Some(QUERY_CANCELED) {
            ExecuteError::TooCostly(limits.timeout)
        } else {
            ExecuteError::Database(error)
        }
    })?;
    transaction.rollback().await?;
    let fields: Vec<&Field> = report.dimensions.iter().chain(&report.measures).copied().collect();
    let limit = usize::try_from(report.row_limit).unwrap_or(usize::MAX);
    let truncated = rows.len() > limit;
    let rows = rows.iter().take(limit).map(|row| cells(row, &fields)).collect::<Result<_, _>>()?;
    let columns = fields.iter().map(|field| Column { name: field.name.to_owned(), kind: field.kind }).collect();
    Ok(ReportTable { title: report.name.clone(), columns, rows, truncated })
}

/// The report's statement over `schema`.
fn statement<'a>(schema: &str, report: &'a CheckedReport) -> QueryBuilder<'a, Postgres> {
    let mut sql = QueryBuilder::new("SELECT ");
    let columns = report.dimensions.iter().chain(&report.measures);
    for (index, field) in columns.enumerate() {
        if index > 0 {
            sql.push(", ");
        }
        sql.push(field.sql).push(" AS ").push(quote_ident(field.name));
    }
    sql.push(" FROM ").push(report.source.from.replace("{schema}", &quote_ident(schema)));
    for (index, filter) in report.filters.iter().enumerate() {
        sql.push(if index == 0 { " WHERE " } else { " AND " });
        push_filter(&mut sql, filter);
    }
    // Without measures, grouping by the dimensions lists each distinct combination once.
    if !report.dimensions.is_empty() {
        let ordinals: Vec<String> = (1..=report.dimensions.len()).map(|ordinal| ordinal.to_string()).collect();
        sql.push(" GROUP BY ").push(ordinals.join(", "));
    }
    for (index, (field, direction)) in report.sort.iter().enumerate() {
        sql.push(if index == 0 { " ORDER BY " } else { ", " });
        sql.push(quote_ident(field.name)).push(match direction {
            Direction::Asc => " ASC NULLS LAST",
            Direction::Desc => " DESC NULLS LAST",
        });
    }
    sql.push(" LIMIT ").push_bind(i64::from(report.row_limit) + 1);
    sql
}

/// `<expression> <op> $n`, or `= ANY($n)` for a list.
fn push_filter<'a>(sql: &mut QueryBuilder<'a, Postgres>, filter: &'a CheckedFilter) {
    sql.push("(").push(filter.field.sql).push(") ").push(filter.op.sql());
    let list = filter.op == FilterOp::In;
    sql.push(if list { "(" } else { " " });
    match (&filter.values, list) {
        (FilterValues::Text(values), true) => sql.push_bind(values.clone()),
        (FilterValues::Dates(values), true) => sql.push_bind(values.clone()),
        (FilterValues::Text(values), false) => sql.push_bind(values.first().cloned()),
        (FilterValues::Dates(values), false) => sql.push_bind(values.first().copied()),
    };
    if list {
        sql.push(")");
    }
}

/// One row's cells, typed as its columns.
fn cells(row: &PgRow, fields: &[&Field]) -> Result<Vec<Cell>, sqlx::Error> {
    fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            Ok(match field.kind {
                ColumnKind::Text => row.try_get::<Option<String>, _>(index)?.map_or(Cell::Null, Cell::Text),
                ColumnKind::Integer => row.try_get::<Option<i64>, _>(index)?.map_or(Cell::Null, Cell::Integer),
                ColumnKind::Date => row.try_get::<Option<chrono::NaiveDate>, _>(index)?.map_or(Cell::Null, Cell::Date),
            })
        })
        .collect()
}
