//! The result of running a report: named, typed columns and rows of cells, in the order the
//! definition sorted them. Every export ([`crate::export`]) and the JSON answer render this one
//! value, so they hold the same rows. Money is never a cell of its own kind: an amount is an
//! [`Cell::Integer`] of minor units in a column whose name ends in `_minor`, next to the row's
//! `currency` column.

use chrono::NaiveDate;
use serde::Serialize;

/// The kind of values a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Text.
    Text,
    /// A whole number (a count, a quantity, an amount in minor units).
    Integer,
    /// A calendar date.
    Date,
}

/// One column of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Column {
    /// The field it shows (a dimension or a measure of the report's source).
    pub name: String,
    /// What its cells hold.
    pub kind: ColumnKind,
}

/// One value of a row; `Null` where the read model has none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// No value.
    Null,
    /// A text value.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A date (`YYYY-MM-DD` in JSON).
    Date(NaiveDate),
}

impl Cell {
    /// The cell as text: empty for `Null`, `YYYY-MM-DD` for a date.
    #[must_use]
    pub fn to_text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Integer(value) => value.to_string(),
            Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
        }
    }
}

/// A report's rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportTable {
    /// The report's name (the title of a PDF, the sheet of a workbook).
    pub title: String,
    /// The columns: the dimensions, then the measures, as the definition lists them.
    pub columns: Vec<Column>,
    /// The rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Whether more rows matched than the row limit let through.
    pub truncated: bool,
}

/// A table the exporters' tests share: "Sales by region", with a text, an integer and a date
/// column, holding `rows`.
#[cfg(test)]
pub(crate) fn sales_by_region(rows: Vec<Vec<Cell>>) -> ReportTable {
    let column = |name: &str, kind| Column { name: name.to_owned(), kind };
    ReportTable {
        title: "Sales by region".to_owned(),
        columns: vec![
            column("region", ColumnKind::Text),
            column("total_minor", ColumnKind::Integer),
            column("day", ColumnKind::Date),
        ],
        rows,
        truncated: false,
    }
}
