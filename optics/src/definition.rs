//! A saved report's definition — the body of `POST /v1/report-definitions` and of its revisions,
//! and the `definition` of the stored document — and its check against the catalogue: the
//! source exists, every dimension, measure, filter and sort key names a field of it in the right
//! role, a filter's value has its field's type, an amount is only shown per currency, and the
//! sizes stay within bounds. A definition that passes becomes a [`CheckedReport`], the only
//! thing [`crate::execute`] runs. A failure names the field at fault (`measures[1]`,
//! `filters[0].value`) for the problem answer.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalogue::{self, Field, Source, CURRENCY};
use crate::schedule::Schedule;
use crate::table::ColumnKind;

/// Most rows a report may return.
pub const MAX_ROW_LIMIT: u32 = 10_000;
/// Rows a report returns when its definition sets no limit.
pub const DEFAULT_ROW_LIMIT: u32 = 1_000;
/// Longest report name.
const MAX_NAME_CHARS: usize = 200;
/// Most dimensions, measures, filters or sort keys of one report.
const MAX_FIELDS: usize = 20;
/// Most values of one `in` filter.
const MAX_IN_VALUES: usize = 100;

/// What a report shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportDefinition {
    /// Its name, shown as the title of the exports; 1–200 characters.
    pub name: String,
    /// The read model it reads: `journal_lines`, `invoices`, `sales_orders`,
    /// `purchase_orders` or `stock_levels` (`GET /v1/report-sources` lists their fields).
    pub source: String,
    /// The dimensions rows are grouped by, in column order; at most 20, distinct.
    #[serde(default)]
    pub dimensions: Vec<String>,
    /// The measures computed per group, in column order after the dimensions; at most 20,
    /// distinct. An amount needs the `currency` dimension.
    #[serde(default)]
    pub measures: Vec<String>,
    /// Conditions on dimensions a row must meet to count; all must hold. At most 20.
    #[serde(default)]
    pub filters: Vec<Filter>,
    /// The order of the rows: columns of the report; the remaining dimensions follow, ascending.
    #[serde(default)]
    pub sort: Vec<SortKey>,
    /// Most rows returned, 1–10,000 (1,000 when absent); the answer says when more matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_limit: Option<u32>,
    /// When to email the report, if ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
}

/// A condition on one dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// The dimension compared.
    pub field: String,
    /// How it is compared.
    pub op: FilterOp,
    /// What it is compared with: a string (a date as `YYYY-MM-DD`), or for `in` an array of
    /// 1–100 of them.
    #[schema(value_type = Object)]
    pub value: Value,
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Less than.
    Lt,
    /// Less than or equal.
    Lte,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Gte,
    /// One of a list.
    In,
}

impl FilterOp {
    /// The SQL operator (`= ANY` for `in`).
    #[must_use]
    pub fn sql(self) -> &'static str {
        match self {
            FilterOp::Eq => "=",
            FilterOp::Ne => "<>",
            FilterOp::Lt => "<",
            FilterOp::Lte => "<=",
            FilterOp::Gt => ">",
            FilterOp::Gte => ">=",
            FilterOp::In => "= ANY",
        }
    }
}

/// One sort key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SortKey {
    /// A column of the report.
    pub field: String,
    /// `asc` (default) or `desc`.
    #[serde(default)]
    pub direction: Direction,
}

/// A sort direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// The values a filter compares with, typed as its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterValues {
    /// Text values.
    Text(Vec<String>),
    /// Dates.
    Dates(Vec<NaiveDate>),
}

/// A filter that passed the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFilter {
    /// The dimension.
    pub field: &'static Field,
    /// The comparison.
    pub op: FilterOp,
    /// One value, or the list of `in`.
    pub values: FilterValues,
}

/// A definition that passed the check, ready to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedReport {
    /// The report's name.
    pub name: String,
    /// Its source.
    pub source: &'static Source,
    /// The dimensions, in column order.
    pub dimensions: Vec<&'static Field>,
    /// The measures, in column order after the dimensions.
    pub measures: Vec<&'static Field>,
    /// All conditions.
    pub filters: Vec<CheckedFilter>,
    /// The sort keys, then the remaining dimensions ascending.
    pub sort: Vec<(&'static Field, Direction)>,
    /// Most rows returned.
    pub row_limit: u32,
}

/// Why a definition was refused: the field at fault and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The field, as a path into the body (`measures[1]`, `filters[0].value`).
    pub field: String,
    /// What is wrong.
    pub detail: String,
}

impl Invalid {
    /// `field` is wrong as `detail` says.
    #[must_use]
    pub fn new(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { field: field.into(), detail: detail.into() }
    }
}

impl ReportDefinition {
    /// The definition checked against the catalogue.
    ///
    /// # Errors
    /// The first field at fault.
    pub fn check(&self) -> Result<CheckedReport, Invalid> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(Invalid::new("name", format!("1 to {MAX_NAME_CHARS} characters, not blank")));
        }
        let source = catalogue::source(&self.source).ok_or_else(|| {
            let known: Vec<&str> = catalogue::SOURCES.iter().map(|source| source.name).collect();
            Invalid::new("source", format!("one of {}", known.join(", ")))
        })?;
        let dimensions = fields_of(source, "dimensions", &self.dimensions, false)?;
        let measures = fields_of(source, "measures", &self.measures, true)?;
        if dimensions.is_empty() && measures.is_empty() {
            return Err(Invalid::new("measures", "a report shows at least one dimension or measure"));
        }
        if let Some(index) = measures.iter().position(|measure| measure.is_money()) {
            if !self.dimensions.iter().any(|dimension| dimension == CURRENCY) {
                return Err(Invalid::new(
                    format!("measures[{index}]"),
                    "an amount is only meaningful per currency: add `currency` to the dimensions",
                ));
            }
        }
        let filters = self.checked_filters(source)?;
        let sort = self.checked_sort(&dimensions, &measures)?;
        let row_limit = match self.row_limit {
            None => DEFAULT_ROW_LIMIT,
            Some(limit @ 1..=MAX_ROW_LIMIT) => limit,
            Some(_) => return Err(Invalid::new("row_limit", format!("1 to {MAX_ROW_LIMIT}"))),
        };
        if let Some(schedule) = &self.schedule {
            schedule.check().map_err(|invalid| Invalid::new(format!("schedule.{}", invalid.field), invalid.detail))?;
        }
        Ok(CheckedReport { name: name.to_owned(), source, dimensions, measures, filters, sort, row_limit })
    }

    fn checked_filters(&self, source: &Source) -> Result<Vec<CheckedFilter>, Invalid> {
        if self.filters.len() > MAX_FIELDS {
            return Err(Invalid::new("filters", format!("at most {MAX_FIELDS}")));
        }
        self.filters
            .iter()
            .enumerate()
            .map(|(index, filter)| {
                let field = source
                    .field(&filter.field)
                    .filter(|field| !field.is_measure())
                    .ok_or_else(|| unknown(source, &format!("filters[{index}].field"), false))?;
                let values = filter_values(field.kind, filter.op, &filter.value)
                    .map_err(|detail| Invalid::new(format!("filters[{index}].value"), detail))?;
                Ok(CheckedFilter { field, op: filter.op, values })
            })
            .collect()
    }

    fn checked_sort(
        &self,
        dimensions: &[&'static Field],
        measures: &[&'static Field],
    ) -> Result<Vec<(&'static Field, Direction)>, Invalid> {
        if self.sort.len() > MAX_FIELDS {
            return Err(Invalid::new("sort", format!("at most {MAX_FIELDS}")));
        }
        let columns: Vec<&'static Field> = dimensions.iter().chain(measures).copied().collect();
        let mut sort = Vec::new();
        for (index, key) in self.sort.iter().enumerate() {
            let field = columns
                .iter()
                .find(|field| field.name == key.field)
                .ok_or_else(|| Invalid::new(format!("sort[{index}].field"), "a dimension or measure of this report"))?;
            if sort.iter().any(|(sorted, _): &(&Field, Direction)| sorted.name == field.name) {
                return Err(Invalid::new(format!("sort[{index}].field"), "already sorted by"));
            }
            sort.push((*field, key.direction));
        }
        for dimension in dimensions {
            if !sort.iter().any(|(sorted, _)| sorted.name == dimension.name) {
                sort.push((dimension, Direction::Asc));
            }
        }
        Ok(sort)
    }
}

/// The fields named in `names` (the list at `list`), each a measure when `measures` is true
/// or a dimension otherwise, distinct and at most [`MAX_FIELDS`].
fn fields_of(source: &Source, list: &str, names: &[String], measures: bool) -> Result<Vec<&'static Field>, Invalid> {
    if names.len() > MAX_FIELDS {
        return Err(Invalid::new(list, format!("at most {MAX_FIELDS}")));
    }
    let mut seen = BTreeSet::new();
    names
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let at = format!("{list}[{index}]");
            let field = source
                .field(name)
                .filter(|field| field.is_measure() == measures)
                .ok_or_else(|| unknown(source, &at, measures))?;
            if !seen.insert(name.as_str()) {
                return Err(Invalid::new(at, "listed twice"));
            }
            Ok(field)
        })
        .collect()
}

/// "Not a dimension (measure) of the source", listing those it has.
fn unknown(source: &Source, at: &str, measures: bool) -> Invalid {
    let role = if measures { "measure" } else { "dimension" };
    let names: Vec<&str> = source.names(measures).collect();
    Invalid::new(at, format!("not a {role} of {}; it has {}", source.name, names.join(", ")))
}

/// The value(s) of a filter on a field of `kind`: one for a comparison, 1–100 for `in`.
fn filter_values(kind: ColumnKind, op: FilterOp, value: &Value) -> Result<FilterValues, String> {
    let items: Vec<&Value> = match (op, value) {
        (FilterOp::In, Value::Array(items)) if (1..=MAX_IN_VALUES).contains(&items.len()) => items.iter().collect(),
        (FilterOp::In, _) => return Err(format!("an array of 1 to {MAX_IN_VALUES} values")),
        (_, value) => vec![value],
    };
    match kind {
        ColumnKind::Date => items
            .into_iter()
            .map(|item| {
                item.as_str()
                    .and_then(|text| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
                    .ok_or_else(|| "a date, YYYY-MM-DD".to_owned())
            })
            .collect::<Result<_, _>>()
            .map(FilterValues::Dates),
        ColumnKind::Text | ColumnKind::Integer => items
            .into_iter()
            .map(|item| item.as_str().map(str::to_owned).ok_or_else(|| "a string".to_owned()))
            .collect::<Result<_, _>>()
            .map(FilterValues::Text),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn definition(body: serde_json::Value) -> ReportDefinition {
        serde_json::from_value(body).expect("a definition")
    }

    fn refusal(body: serde_json::Value) -> (String, String) {
        let invalid = definition(body).check().expect_err("refused");
        (invalid.field, invalid.detail)
    }

    #[test]
    fn a_valid_definition_resolves_its_fields_and_sorts_the_remaining_dimensions_last() {
        let checked = definition(json!({
            "name": " Sales by customer ", "source": "invoices",
            "dimensions": ["counterparty_name", "currency"], "measures": ["gross_total_minor", "invoice_count"],
            "filters": [{"field": "kind", "op": "eq", "value": "customer_invoice"},
                        {"field": "issue_date", "op": "gte", "value": "2026-01-01"},
                        {"field": "status", "op": "in", "value": ["issued", "paid"]}],
            "sort": [{"field": "gross_total_minor", "direction": "desc"}],
        }))
        .check()
        .expect("valid");
        assert_eq!(checked.name, "Sales by customer");
        assert_eq!(checked.row_limit, DEFAULT_ROW_LIMIT);
        let sort: Vec<(&str, Direction)> =
            checked.sort.iter().map(|(field, direction)| (field.name, *direction)).collect();
        assert_eq!(
            sort,
            [
                ("gross_total_minor", Direction::Desc),
                ("counterparty_name", Direction::Asc),
                ("currency", Direction::Asc)
            ]
        );
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date");
        assert_eq!(checked.filters[1].values, FilterValues::Dates(vec![date]));
        assert_eq!(checked.filters[2].values, FilterValues::Text(vec!["issued".into(), "paid".into()]));
    }

    #[test]
    fn each_fault_names_its_field() {
        let base = json!({"name": "R", "source": "invoices", "dimensions": ["currency"], "measures": ["open_minor"]});
        let with = |key: &str, value: serde_json::Value| {
            let mut body = base.clone();
            body[key] = value;
            body
        };
        let cases = [
            (with("name", json!("  ")), "name"),
            (with("source", json!("payroll")), "source"),
            (with("dimensions", json!(["currency", "open_minor"])), "dimensions[1]"),
            (with("dimensions", json!(["currency", "currency"])), "dimensions[1]"),
            (with("measures", json!(["open_minor", "kind"])), "measures[1]"),
            (with("dimensions", json!(["status"])), "measures[0]"),
            (with("filters", json!([{"field": "open_minor", "op": "eq", "value": "1"}])), "filters[0].field"),
            (with("filters", json!([{"field": "due_date", "op": "lt", "value": "soon"}])), "filters[0].value"),
            (with("filters", json!([{"field": "status", "op": "in", "value": []}])), "filters[0].value"),
            (with("filters", json!([{"field": "status", "op": "eq", "value": 3}])), "filters[0].value"),
            (with("sort", json!([{"field": "kind"}])), "sort[0].field"),
            (with("row_limit", json!(10_001)), "row_limit"),
            (json!({"name": "R", "source": "invoices"}), "measures"),
        ];
        for (body, field) in cases {
            assert_eq!(refusal(body).0, field);
        }
    }

    #[test]
    fn unknown_keys_are_refused_when_read() {
        let body = json!({"name": "R", "source": "invoices", "measures": ["invoice_count"], "limit": 5});
        assert!(serde_json::from_value::<ReportDefinition>(body).is_err());
    }
}
