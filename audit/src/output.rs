//! Printing an answer as an aligned text table, a JSON array of objects, or RFC 4180 CSV.

use std::io::Write;

use serde_json::{Map, Value};

/// How an answer is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    /// One JSON array of objects, one per row.
    Json,
    /// A header row, then one line per row.
    Csv,
}

/// An answer: named columns and rows of JSON values.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    columns: &'static [&'static str],
    rows: Vec<Vec<Value>>,
}

impl Rows {
    /// No rows yet, these columns.
    #[must_use]
    pub fn new(columns: &'static [&'static str]) -> Self {
        Self { columns, rows: Vec::new() }
    }

    /// Adds a row: one value per column, in column order.
    pub fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.columns.len(), "one value per column");
        self.rows.push(row);
    }

    /// The value of `column` in row `row`, if there is such a row and column.
    #[must_use]
    pub fn value(&self, row: usize, column: &str) -> Option<&Value> {
        let index = self.columns.iter().position(|c| *c == column)?;
        self.rows.get(row).and_then(|values| values.get(index))
    }

    /// Writes the rows to `out` as `format` says.
    ///
    /// # Errors
    /// When `out` cannot be written.
    pub fn write(&self, format: Format, out: &mut impl Write) -> std::io::Result<()> {
        match format {
            Format::Table => self.write_table(out),
            Format::Json => self.write_json(out),
            Format::Csv => self.write_csv(out),
        }
    }

    fn write_table(&self, out: &mut impl Write) -> std::io::Result<()> {
        let cells: Vec<Vec<String>> = self.rows.iter().map(|row| row.iter().map(cell).collect()).collect();
        let widths: Vec<usize> = (0..self.columns.len())
            .map(|i| cells.iter().map(|row| row[i].chars().count()).chain([self.columns[i].len()]).max().unwrap_or(0))
            .collect();
        let line = |values: Vec<&str>| {
            let padded: Vec<String> = values.iter().zip(&widths).map(|(v, w)| format!("{v:<w$}")).collect();
            padded.join("  ").trim_end().to_owned()
        };
        writeln!(out, "{}", line(self.columns.to_vec()))?;
        for row in &cells {
            writeln!(out, "{}", line(row.iter().map(String::as_str).collect()))?;
        }
        Ok(())
    }

    fn write_json(&self, out: &mut impl Write) -> std::io::Result<()> {
        let objects: Vec<Value> = self
            .rows
            .iter()
            .map(|row| {
                let object: Map<String, Value> =
                    self.columns.iter().map(|c| (*c).to_owned()).zip(row.iter().cloned()).collect();
                Value::Object(object)
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &objects)?;
        writeln!(out)
    }

    fn write_csv(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(out, "{}", self.columns.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","))?;
        for row in &self.rows {
            writeln!(out, "{}", row.iter().map(|v| csv_field(&cell(v))).collect::<Vec<_>>().join(","))?;
        }
        Ok(())
    }
}

/// A value as one cell: strings as they are, null as empty, anything else as compact JSON.
fn cell(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn sample() -> Rows {
        let mut rows = Rows::new(&["version", "event_type", "payload"]);
        rows.push(vec![json!(1), json!("OrderPlaced"), json!({"lines": [1, 2]})]);
        rows.push(vec![json!(12), json!("OrderCancelled"), json!("changed, \"mind\"")]);
        rows
    }

    fn written(format: Format) -> String {
        let mut out = Vec::new();
        sample().write(format, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_table_aligns_its_columns() {
        assert_eq!(
            written(Format::Table),
            "version  event_type      payload\n\
             1        OrderPlaced     {\"lines\":[1,2]}\n\
             12       OrderCancelled  changed, \"mind\"\n"
        );
    }

    #[test]
    fn json_is_an_array_of_objects_keeping_value_types() {
        let parsed: Value = serde_json::from_str(&written(Format::Json)).unwrap();
        assert_eq!(parsed[0], json!({"version": 1, "event_type": "OrderPlaced", "payload": {"lines": [1, 2]}}));
        assert_eq!(parsed[1]["version"], 12);
    }

    #[test]
    fn csv_quotes_fields_with_commas_and_quotes() {
        assert_eq!(
            written(Format::Csv),
            "version,event_type,payload\n1,OrderPlaced,\"{\"\"lines\"\":[1,2]}\"\n12,OrderCancelled,\"changed, \"\"mind\"\"\"\n"
        );
    }
}
