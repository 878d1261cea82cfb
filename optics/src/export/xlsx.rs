//! A report's rows as an XLSX workbook, written in memory with `rust_xlsxwriter`: one worksheet
//! named after the report, the column names in bold in row 1 (frozen, with an autofilter over the
//! rows), then one row per table row. Integers are numbers, dates are real Excel dates shown as
//! `yyyy-mm-dd`, text is text and an absent value is an unwritten cell, so a spreadsheet (or a
//! reader such as openpyxl) gets back the types of the JSON answer.
//!
//! Excel holds every number as an IEEE 754 double, exact only up to 2^53: an integer beyond that
//! is written as its decimal text instead of a rounded number.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ColNum, ExcelDateTime, Format, RowNum, Workbook, Worksheet, XlsxError};

use super::ExportError;
use crate::table::{Cell, ReportTable};

/// The sheet's name when the title leaves nothing usable.
const FALLBACK_SHEET_NAME: &str = "Report";
/// Excel's limit on a sheet name, in UTF-16 code units.
const SHEET_NAME_MAX_LEN: usize = 31;
/// Characters Excel forbids in a sheet name.
const SHEET_NAME_FORBIDDEN: [char; 7] = ['[', ']', ':', '*', '?', '/', '\\'];
/// Excel's limit on a cell's text, in UTF-16 code units.
const CELL_TEXT_MAX_LEN: usize = 32_767;
/// The largest magnitude up to which every integer is exact as an `f64` (2^53).
const MAX_EXACT_INTEGER: i64 = 1 << 53;
/// How a date cell shows.
const DATE_NUMBER_FORMAT: &str = "yyyy-mm-dd";
/// How an integer cell shows: all its digits, never in scientific notation.
const INTEGER_NUMBER_FORMAT: &str = "0";
/// The narrowest a column is, in characters of the default font.
const MIN_COLUMN_WIDTH: usize = 8;
/// The widest a column is made, in characters of the default font.
const MAX_COLUMN_WIDTH: usize = 60;
/// Room added to a column's longest value (the header's autofilter button, the bold font).
const COLUMN_WIDTH_PADDING: usize = 3;

/// `table` as an XLSX workbook with one sheet.
///
/// # Errors
/// When the table exceeds a worksheet's limits (1,048,576 rows, 16,384 columns) or the writer
/// fails otherwise (it writes in memory, so only on a defect).
pub fn workbook(table: &ReportTable) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    fill_sheet(workbook.add_worksheet(), table).map_err(|error| failure(&error))?;
    workbook.save_to_buffer().map_err(|error| failure(&error))
}

/// The writer's error as an export error.
fn failure(error: &XlsxError) -> ExportError {
    ExportError { format: "xlsx", reason: error.to_string() }
}

/// The formats the cells use.
struct Formats {
    header: Format,
    integer: Format,
    date: Format,
}

impl Formats {
    /// Bold for the header, `0` for integers, `yyyy-mm-dd` for dates.
    fn new() -> Self {
        Formats {
            header: Format::new().set_bold(),
            integer: Format::new().set_num_format(INTEGER_NUMBER_FORMAT),
            date: Format::new().set_num_format(DATE_NUMBER_FORMAT),
        }
    }
}

/// Writes `table` into `sheet`: its name, the header, the rows, the panes, filter and widths.
fn fill_sheet(sheet: &mut Worksheet, table: &ReportTable) -> Result<(), XlsxError> {
    let formats = Formats::new();
    sheet.set_name(sheet_name(&table.title))?;
    for (index, column) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, column_number(index)?, limit_text(&column.name), &formats.header)?;
    }
    for (index, row) in table.rows.iter().enumerate() {
        let row_number = sheet_row(index)?;
        for (column, cell) in row.iter().enumerate() {
            write_cell(sheet, row_number, column_number(column)?, cell, &formats)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_row = table.rows.len().checked_sub(1);
    if let (Some(last_row), Some(last_column)) = (last_row, table.columns.len().checked_sub(1)) {
        sheet.autofilter(0, 0, sheet_row(last_row)?, column_number(last_column)?)?;
    }
    set_column_widths(sheet, table)
}

/// Writes one cell; a `Null` leaves the cell empty.
fn write_cell(
    sheet: &mut Worksheet,
    row: RowNum,
    column: ColNum,
    cell: &Cell,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Null => {}
        Cell::Text(text) => {
            sheet.write_string(row, column, limit_text(text))?;
        }
        Cell::Integer(value) => match exact_number(*value) {
            Some(number) => {
                sheet.write_number_with_format(row, column, number, &formats.integer)?;
            }
            None => {
                sheet.write_string(row, column, value.to_string())?;
            }
        },
        Cell::Date(date) => match excel_date(*date) {
            Some(date) => {
                sheet.write_datetime_with_format(row, column, date, &formats.date)?;
            }
            None => {
                sheet.write_string(row, column, cell.to_text())?;
            }
        },
    }
    Ok(())
}

/// `value` as an `f64` when the double holds it exactly (|value| <= 2^53).
fn exact_number(value: i64) -> Option<f64> {
    if value.unsigned_abs() > MAX_EXACT_INTEGER.unsigned_abs() {
        return None;
    }
    #[allow(clippy::cast_precision_loss, reason = "within ±2^53 (checked above) an i64 is exact as an f64")]
    let number = value as f64;
    Some(number)
}

/// `date` as an Excel date, when it lies in Excel's range (1900-01-01 to 9999-12-31).
fn excel_date(date: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(date.year()).ok()?;
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

/// The worksheet row of the table's row `index` (row 0 is the header).
fn sheet_row(index: usize) -> Result<RowNum, XlsxError> {
    index.checked_add(1).and_then(|row| RowNum::try_from(row).ok()).ok_or(XlsxError::RowColumnLimitError)
}

/// The worksheet column of the table's column `index`.
fn column_number(index: usize) -> Result<ColNum, XlsxError> {
    ColNum::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

/// `title` as a valid sheet name: Excel's forbidden characters become `_`, leading and trailing
/// apostrophes and spaces go, and it is cut to 31 UTF-16 units; [`FALLBACK_SHEET_NAME`] when nothing
/// is left or the name is Excel's reserved `History`.
fn sheet_name(title: &str) -> String {
    let replaced: String =
        title.chars().map(|ch| if SHEET_NAME_FORBIDDEN.contains(&ch) || ch.is_control() { '_' } else { ch }).collect();
    let trimmed = replaced.trim_matches(|ch: char| ch == '\'' || ch.is_whitespace());
    let name =
        truncate_utf16(trimmed, SHEET_NAME_MAX_LEN).trim_end_matches(|ch: char| ch == '\'' || ch.is_whitespace());
    if name.is_empty() || name.eq_ignore_ascii_case("history") {
        FALLBACK_SHEET_NAME.to_owned()
    } else {
        name.to_owned()
    }
}

/// `text` cut to the length a cell holds.
fn limit_text(text: &str) -> &str {
    truncate_utf16(text, CELL_TEXT_MAX_LEN)
}

/// The longest prefix of `text` of at most `max_len` UTF-16 code units (Excel's measure).
fn truncate_utf16(text: &str, max_len: usize) -> &str {
    let mut units = 0;
    for (offset, ch) in text.char_indices() {
        units += ch.len_utf16();
        if units > max_len {
            return &text[..offset];
        }
    }
    text
}

/// Sets each column's width from its longest value (header included), within
/// [`MIN_COLUMN_WIDTH`]..=[`MAX_COLUMN_WIDTH`] characters.
fn set_column_widths(sheet: &mut Worksheet, table: &ReportTable) -> Result<(), XlsxError> {
    for (index, column) in table.columns.iter().enumerate() {
        let longest = table
            .rows
            .iter()
            .filter_map(|row| row.get(index))
            .map(|cell| cell.to_text().chars().count())
            .chain([column.name.chars().count()])
            .max()
            .unwrap_or(0);
        let width = (longest + COLUMN_WIDTH_PADDING).clamp(MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH);
        let width = u16::try_from(width).map_or(f64::from(u16::MAX), f64::from);
        sheet.set_column_width(column_number(index)?, width)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{sales_by_region, Column, ColumnKind};

    fn sample() -> ReportTable {
        sales_by_region(vec![
            vec![
                Cell::Text("North".to_owned()),
                Cell::Integer(12_345),
                Cell::Date(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()),
            ],
            // A value Excel cannot hold exactly and a date before its calendar: both as text.
            vec![Cell::Null, Cell::Integer(i64::MAX), Cell::Date(NaiveDate::from_ymd_opt(1800, 1, 1).unwrap())],
        ])
    }

    #[test]
    fn a_workbook_is_a_zip_archive() {
        let bytes = workbook(&sample()).unwrap();
        assert_eq!(&bytes[..2], b"PK");
        assert!(bytes.windows(b"xl/worksheets/sheet1.xml".len()).any(|w| w == b"xl/worksheets/sheet1.xml"));
    }

    #[test]
    fn an_empty_table_still_gives_a_workbook() {
        let table = ReportTable { title: String::new(), columns: Vec::new(), rows: Vec::new(), truncated: false };
        let bytes = workbook(&table).unwrap();
        assert_eq!(&bytes[..4], b"PK\x03\x04");
    }

    #[test]
    fn a_table_with_columns_but_no_rows_gives_a_workbook() {
        let mut table = sample();
        table.rows.clear();
        assert_eq!(&workbook(&table).unwrap()[..2], b"PK");
    }

    #[test]
    fn a_table_beyond_a_worksheets_limits_is_an_xlsx_error() {
        let mut table = sample();
        table.columns =
            (0..=16_384).map(|index| Column { name: format!("c{index}"), kind: ColumnKind::Text }).collect();
        let error = workbook(&table).unwrap_err();
        assert_eq!(error.format, "xlsx");
        assert!(!error.reason.is_empty());
    }

    #[test]
    fn sheet_names_follow_excels_rules() {
        assert_eq!(sheet_name("Sales by region"), "Sales by region");
        assert_eq!(sheet_name("Q1 [draft]: a/b\\c*?"), "Q1 _draft__ a_b_c__");
        assert_eq!(sheet_name("'quoted'"), "quoted");
        assert_eq!(sheet_name(""), "Report");
        assert_eq!(sheet_name("   "), "Report");
        assert_eq!(sheet_name("History"), "Report");
        let long = "A very long report title that goes on and on";
        assert_eq!(sheet_name(long), "A very long report title that g");
        assert_eq!(sheet_name(long).len(), 31);
        // 31 UTF-16 units: 15 characters outside the BMP take 30 of them.
        assert_eq!(sheet_name(&"😀".repeat(20)).chars().count(), 15);
        // Every name the rules give is one the writer accepts.
        for title in ["[]", "x'", "a: b", long] {
            assert!(Workbook::new().add_worksheet().set_name(sheet_name(title)).is_ok(), "{title}");
        }
    }

    #[test]
    fn integers_are_numbers_up_to_two_to_the_53() {
        assert_eq!(exact_number(42), Some(42.0));
        assert_eq!(exact_number(-(1 << 53)), Some(-9_007_199_254_740_992.0));
        assert_eq!(exact_number((1 << 53) + 1), None);
        assert_eq!(exact_number(i64::MIN), None);
    }

    #[test]
    fn dates_outside_excels_range_are_not_excel_dates() {
        assert!(excel_date(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()).is_some());
        assert!(excel_date(NaiveDate::from_ymd_opt(1800, 1, 1).unwrap()).is_none());
        assert!(excel_date(NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap()).is_none());
    }

    #[test]
    fn text_is_cut_to_what_a_cell_holds() {
        assert_eq!(truncate_utf16("abc", 2), "ab");
        assert_eq!(truncate_utf16("é😀x", 3), "é😀");
        assert_eq!(truncate_utf16("é😀x", 2), "é");
        let long = "x".repeat(CELL_TEXT_MAX_LEN + 10);
        assert_eq!(limit_text(&long).len(), CELL_TEXT_MAX_LEN);
        let mut table = sample();
        table.rows[0][0] = Cell::Text(long);
        assert!(workbook(&table).is_ok());
    }
}
