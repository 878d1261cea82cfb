//! A minimal RFC 4180 CSV writer for the endpoints that also answer `text/csv`: a header
//! row, then one record per [`CsvWriter::record`], fields separated by commas and records
//! by CRLF. A field holding a comma, a double quote, CR or LF is enclosed in double quotes
//! with inner quotes doubled; every other field is written as is. An absent value (JSON
//! `null`) is an empty field. Fields are not altered otherwise — in particular a text field
//! starting with `=`, `+`, `-` or `@` is not defused for spreadsheets.

/// Media type of a CSV body.
pub const TEXT_CSV: &str = "text/csv; charset=utf-8";

/// A value that renders itself as CSV: a fixed header row and its data records.
pub trait ToCsv {
    /// Column names, in order; every record has exactly these fields.
    const HEADER: &'static [&'static str];

    /// Writes the data records (the header is written by [`ToCsv::to_csv`]).
    fn write_records(&self, csv: &mut CsvWriter);

    /// The whole document: header row, then the records.
    fn to_csv(&self) -> String {
        let mut csv = CsvWriter::new(Self::HEADER);
        self.write_records(&mut csv);
        csv.finish()
    }
}

/// Builds a CSV document in memory.
#[derive(Debug, Clone)]
pub struct CsvWriter {
    text: String,
}

impl CsvWriter {
    /// A document starting with the `header` row.
    #[must_use]
    pub fn new(header: &[&str]) -> Self {
        let mut writer = Self { text: String::new() };
        writer.record(header);
        writer
    }

    /// Appends one record.
    pub fn record(&mut self, fields: &[&str]) {
        for (index, field) in fields.iter().enumerate() {
            if index > 0 {
                self.text.push(',');
            }
            push_field(&mut self.text, field);
        }
        self.text.push_str("\r\n");
    }

    /// The document written so far.
    #[must_use]
    pub fn finish(self) -> String {
        self.text
    }
}

/// An optional value as a CSV field: its text, or empty when absent.
#[must_use]
pub fn optional<T: ToString>(value: Option<&T>) -> String {
    value.map_or_else(String::new, ToString::to_string)
}

/// Appends `field`, quoted when it holds a separator, a quote or a line break.
fn push_field(text: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        text.push('"');
        text.push_str(&field.replace('"', "\"\""));
        text.push('"');
    } else {
        text.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fields_are_written_as_is_and_records_end_in_crlf() {
        let mut csv = CsvWriter::new(&["code", "amount_minor"]);
        csv.record(&["1000", "-250"]);
        csv.record(&["", "0"]);
        assert_eq!(csv.finish(), "code,amount_minor\r\n1000,-250\r\n,0\r\n");
    }

    #[test]
    fn fields_with_commas_quotes_or_line_breaks_are_quoted_with_inner_quotes_doubled() {
        let mut csv = CsvWriter::new(&["name"]);
        csv.record(&["Fees, bank"]);
        csv.record(&["The \"main\" account"]);
        csv.record(&["two\nlines"]);
        csv.record(&["carriage\rreturn"]);
        assert_eq!(
            csv.finish(),
            "name\r\n\"Fees, bank\"\r\n\"The \"\"main\"\" account\"\r\n\"two\nlines\"\r\n\"carriage\rreturn\"\r\n"
        );
    }
}
