//! A report's rows as a file: CSV (RFC 4180, [`prism_platform::csv`]), an XLSX workbook
//! ([`xlsx`]) or a PDF document ([`pdf`]). Each holds exactly the columns and rows of the
//! [`ReportTable`] — the JSON answer's — in the same order: numbers stay numbers (minor units),
//! dates stay dates, an absent value is an empty cell.

pub mod pdf;
pub mod xlsx;

use chrono::NaiveDate;
use prism_platform::csv::CsvWriter;

use crate::table::ReportTable;

/// A file format a report exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// An Office Open XML workbook with one sheet.
    Xlsx,
    /// A printable PDF table.
    Pdf,
}

impl ExportFormat {
    /// Every format, in the order the API lists them.
    pub const ALL: [ExportFormat; 3] = [ExportFormat::Csv, ExportFormat::Xlsx, ExportFormat::Pdf];

    /// Its name in the API and in schedules (`csv`, `xlsx`, `pdf`); also the file extension.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Pdf => "pdf",
        }
    }

    /// The format named `name`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|format| format.as_str() == name)
    }

    /// Its media type (`Content-Type` of a download or an attachment).
    #[must_use]
    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => prism_platform::csv::TEXT_CSV,
            ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ExportFormat::Pdf => "application/pdf",
        }
    }

    /// The file name of report `title` run on `day`: the title's letters and digits, lowercase,
    /// words joined by `-` (`report` when none is left), the day and the extension.
    #[must_use]
    pub fn file_name(self, title: &str, day: NaiveDate) -> String {
        let words: Vec<String> = title
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        let stem = if words.is_empty() { "report".to_owned() } else { words.join("-") };
        format!("{stem}-{day}.{}", self.as_str())
    }

    /// `table` as a file of this format.
    ///
    /// # Errors
    /// When the workbook writer fails (it writes in memory, so only on a defect).
    pub fn render(self, table: &ReportTable) -> Result<Vec<u8>, ExportError> {
        match self {
            ExportFormat::Csv => Ok(csv(table).into_bytes()),
            ExportFormat::Xlsx => xlsx::workbook(table),
            ExportFormat::Pdf => Ok(pdf::document(table)),
        }
    }
}

/// A file that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("the {format} export failed: {reason}")]
pub struct ExportError {
    /// The format being written.
    pub format: &'static str,
    /// What went wrong.
    pub reason: String,
}

/// `table` as CSV: the column names, then one record per row.
fn csv(table: &ReportTable) -> String {
    let header: Vec<&str> = table.columns.iter().map(|column| column.name.as_str()).collect();
    let mut csv = CsvWriter::new(&header);
    for row in &table.rows {
        let fields: Vec<String> = row.iter().map(crate::table::Cell::to_text).collect();
        csv.record(&fields.iter().map(String::as_str).collect::<Vec<_>>());
    }
    csv.finish()
}
