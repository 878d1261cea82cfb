//! Test helper for the wire contract: the serde JSON of an event must have exactly the fields
//! of its Avro schema (`schemas/avro/`), with compatible types, so the Avro contract and the
//! Rust types cannot drift. An aggregate's tests embed each schema with `include_str!` and
//! call [`assert_event_matches_schema`] on sample events (ideally ones its `handle` records,
//! with the optional fields both set and absent).
//!
//! Checked for the event's record and every record nested in it:
//! - it is a `record` in a namespace `prism.<module>` with a non-blank `doc`, and each of its
//!   fields has a non-blank `doc`;
//! - the JSON object has exactly the record's field names as keys;
//! - each value fits its field's type:
//!
//! | Avro type                                    | serde JSON value                              |
//! |----------------------------------------------|-----------------------------------------------|
//! | `string`                                     | a string                                      |
//! | `int`                                        | an integer within `i32`                       |
//! | `long`                                       | an integer within `i64`                       |
//! | `boolean`                                    | `true` or `false`                             |
//! | `{"type": "int", "logicalType": "date"}`     | a `YYYY-MM-DD` string (chrono's `NaiveDate`)  |
//! | `{"type": "long", "logicalType": "timestamp-micros"}` | an RFC 3339 string (chrono's `DateTime<Utc>`) |
//! | `["null", T]`, the field's `default` `null`  | `null` or a value fitting `T`                 |
//! | `{"type": "array", "items": T}`              | a non-empty array of values fitting `T`       |
//! | `{"type": "record", ...}`                    | an object checked by these rules              |
//! | the name of a record the schema defines      | as that record                                |
//!
//! Arrays must be non-empty so that their items get checked: sample events need at least one
//! item. Any other Avro type panics as unexpected, so a schema using a type this checker
//! does not know fails loudly instead of passing unchecked; extend [`Contract::check_value`]
//! when a schema needs one.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate};
use cqrs_es::DomainEvent;
use serde::Serialize;
use serde_json::Value;

/// The prefix of every record's namespace: `prism.<module>` (`prism.finance`, `prism.supply`).
const NAMESPACE_PREFIX: &str = "prism.";

/// Asserts that `event` serialises as its schema `avsc` (the text of an `.avsc` file) says.
///
/// The schema must be the record named after [`DomainEvent::event_type`], and the event
/// must serialise externally tagged, `{"<event_type>": {...}}`; the payload is then checked
/// field by field as the [module](self) describes. Panics with the path of the first
/// mismatch, e.g. `JournalEntryPosted.lines[0].memo`.
pub(crate) fn assert_event_matches_schema<E: Serialize + DomainEvent>(avsc: &str, event: &E) {
    let schema = parse(avsc);
    let event_type = event.event_type();
    assert_eq!(schema["name"], event_type.as_str(), "the schema does not name the event type {event_type}");
    let json = serde_json::to_value(event).unwrap_or_else(|error| panic!("{event_type}: does not serialise: {error}"));
    let payload = json.get(&event_type).unwrap_or_else(|| {
        panic!("{event_type}: expected the externally tagged {{\"{event_type}\": ...}}, got {json}")
    });
    Contract::of(&schema).check_record(&schema, payload, &event_type);
}

/// The type of the top-level field `field` of the schema `avsc`, e.g. to look into the
/// record an array field holds: `field_type(avsc, "lines")["items"]`.
///
/// Panics when the schema has no such field.
pub(crate) fn field_type(avsc: &str, field: &str) -> Value {
    let schema = parse(avsc);
    let fields = schema["fields"].as_array().unwrap_or_else(|| panic!("the schema is not a record with fields"));
    let found = fields.iter().find(|candidate| candidate["name"] == field);
    found.unwrap_or_else(|| panic!("the schema has no field {field}"))["type"].clone()
}

/// The schema text as JSON.
fn parse(avsc: &str) -> Value {
    serde_json::from_str(avsc).unwrap_or_else(|error| panic!("the schema is not JSON: {error}"))
}

/// The checks of one schema, with the named records it defines (so a field may refer to a
/// record defined elsewhere in the schema by its name or full name).
struct Contract<'a> {
    /// Every record the schema defines, by name and by `namespace.name`.
    records: HashMap<String, &'a Value>,
}

impl<'a> Contract<'a> {
    /// The contract of `schema`, its named records collected.
    fn of(schema: &'a Value) -> Self {
        let mut contract = Self { records: HashMap::new() };
        contract.collect_records(schema);
        contract
    }

    /// Registers every record defined in `node` or below it.
    fn collect_records(&mut self, node: &'a Value) {
        match node {
            Value::Object(object) => {
                if let (Some("record"), Some(name)) =
                    (object.get("type").and_then(Value::as_str), object.get("name").and_then(Value::as_str))
                {
                    if let Some(namespace) = object.get("namespace").and_then(Value::as_str) {
                        self.records.insert(format!("{namespace}.{name}"), node);
                    }
                    self.records.insert(name.to_owned(), node);
                }
                object.values().for_each(|child| self.collect_records(child));
            }
            Value::Array(items) => items.iter().for_each(|child| self.collect_records(child)),
            _ => {}
        }
    }

    /// Checks the object `value` against the record schema `record`; `path` names it in messages.
    fn check_record(&self, record: &Value, value: &Value, path: &str) {
        assert_eq!(record["type"], "record", "{path}");
        let namespace = record["namespace"].as_str().unwrap_or_default();
        assert!(namespace.starts_with(NAMESPACE_PREFIX), "{path}: namespace {namespace:?} is not prism.<module>");
        assert_doc(record, path);
        let fields = record["fields"].as_array().unwrap_or_else(|| panic!("{path}: a record without fields"));
        let object = value.as_object().unwrap_or_else(|| panic!("{path}: expected a JSON object, got {value}"));
        let field_names: BTreeSet<&str> = fields.iter().filter_map(|field| field["name"].as_str()).collect();
        let json_keys: BTreeSet<&str> = object.keys().map(String::as_str).collect();
        assert_eq!(json_keys, field_names, "{path}: serde keys vs Avro fields");
        for field in fields {
            let name = field["name"].as_str().unwrap_or_default();
            let field_path = format!("{path}.{name}");
            assert_doc(field, &field_path);
            if field["type"].is_array() {
                assert_eq!(field.get("default"), Some(&Value::Null), "{field_path}: a nullable field defaults to null");
            }
            self.check_value(&field["type"], &object[name], &field_path);
        }
    }

    /// Checks `value` against the Avro type `ty`; `path` names it in messages.
    fn check_value(&self, ty: &Value, value: &Value, path: &str) {
        match ty {
            Value::String(name) => match name.as_str() {
                "string" => assert!(value.is_string(), "{path}: {value} is not a string"),
                "int" => {
                    assert!(value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()), "{path}: {value} is not an int");
                }
                "long" => assert!(value.is_i64(), "{path}: {value} is not a long"),
                "boolean" => assert!(value.is_boolean(), "{path}: {value} is not a boolean"),
                other => match self.records.get(other) {
                    Some(record) => self.check_record(record, value, path),
                    None => panic!("{path}: unexpected Avro type {other}"),
                },
            },
            Value::Array(branches) => match branches.as_slice() {
                [null, inner] if null == "null" => {
                    if !value.is_null() {
                        self.check_value(inner, value, path);
                    }
                }
                _ => panic!("{path}: unexpected Avro union {ty}, expected [\"null\", T]"),
            },
            Value::Object(node) => match node.get("type").and_then(Value::as_str) {
                Some("int") => {
                    assert_eq!(node.get("logicalType"), Some(&Value::from("date")), "{path}");
                    let text = value.as_str().unwrap_or_default();
                    assert!(text.parse::<NaiveDate>().is_ok(), "{path}: {value} is not a date");
                }
                Some("long") => {
                    assert_eq!(node.get("logicalType"), Some(&Value::from("timestamp-micros")), "{path}");
                    let text = value.as_str().unwrap_or_default();
                    assert!(DateTime::parse_from_rfc3339(text).is_ok(), "{path}: {value} is not an RFC 3339 time");
                }
                Some("array") => {
                    let items = value.as_array().unwrap_or_else(|| panic!("{path}: {value} is not an array"));
                    assert!(!items.is_empty(), "{path}: sample must have items");
                    for (i, item) in items.iter().enumerate() {
                        self.check_value(&node["items"], item, &format!("{path}[{i}]"));
                    }
                }
                Some("record") => self.check_record(ty, value, path),
                other => panic!("{path}: unexpected Avro type {other:?}"),
            },
            other => panic!("{path}: unexpected Avro type {other}"),
        }
    }
}

/// Asserts that the schema `node` (a record or a field) has a non-blank `doc`.
fn assert_doc(node: &Value, path: &str) {
    let doc = node["doc"].as_str().unwrap_or_default();
    assert!(!doc.trim().is_empty(), "{path}: missing doc");
}

#[cfg(test)]
mod tests {
    //! The checker itself: it accepts what fits and names the first mismatch.

    use serde::Deserialize;

    use super::*;

    /// A record exercising every supported type, a nested record and a reference to it.
    const SAMPLE_AVSC: &str = r#"{
        "type": "record", "name": "SampleHappened", "namespace": "prism.finance", "doc": "A sample.",
        "fields": [
            {"name": "text", "type": "string", "doc": "A string."},
            {"name": "small", "type": "int", "doc": "An int."},
            {"name": "big", "type": "long", "doc": "A long."},
            {"name": "flag", "type": "boolean", "doc": "A boolean."},
            {"name": "day", "type": {"type": "int", "logicalType": "date"}, "doc": "A date."},
            {"name": "note", "type": ["null", "string"], "default": null, "doc": "Nullable."},
            {"name": "items", "doc": "Nested records.", "type": {"type": "array", "items": {
                "type": "record", "name": "Item", "namespace": "prism.finance", "doc": "An item.",
                "fields": [{"name": "qty", "type": ["null", "long"], "default": null, "doc": "Nullable long."}]
            }}},
            {"name": "more", "type": {"type": "array", "items": "prism.finance.Item"}, "doc": "By full name."},
            {"name": "best", "type": ["null", "Item"], "default": null, "doc": "By name, nullable."}
        ]
    }"#;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Item {
        qty: Option<i64>,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct SampleHappened {
        text: String,
        small: i64,
        big: i64,
        flag: bool,
        day: NaiveDate,
        note: Option<String>,
        items: Vec<Item>,
        more: Vec<Item>,
        best: Option<Item>,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    enum SampleEvent {
        SampleHappened(SampleHappened),
    }

    impl DomainEvent for SampleEvent {
        fn event_type(&self) -> String {
            "SampleHappened".to_owned()
        }

        fn event_version(&self) -> String {
            "1".to_owned()
        }
    }

    fn sample() -> SampleHappened {
        SampleHappened {
            text: "t".to_owned(),
            small: 7,
            big: i64::MAX,
            flag: true,
            day: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
            note: Some("n".to_owned()),
            items: vec![Item { qty: Some(1) }, Item { qty: None }],
            more: vec![Item { qty: None }],
            best: Some(Item { qty: Some(2) }),
        }
    }

    fn check(sample: SampleHappened) {
        assert_event_matches_schema(SAMPLE_AVSC, &SampleEvent::SampleHappened(sample));
    }

    #[test]
    fn an_event_that_fits_its_schema_passes_with_optional_values_set_or_null() {
        check(sample());
        check(SampleHappened { note: None, best: None, ..sample() });
    }

    #[test]
    #[should_panic(expected = "SampleHappened.small: 2147483648 is not an int")]
    fn an_int_beyond_i32_fails() {
        check(SampleHappened { small: i64::from(i32::MAX) + 1, ..sample() });
    }

    #[test]
    #[should_panic(expected = "SampleHappened.items: sample must have items")]
    fn an_empty_array_fails_as_it_checks_nothing() {
        check(SampleHappened { items: Vec::new(), ..sample() });
    }

    #[test]
    #[should_panic(expected = "SampleHappened.items[0]: serde keys vs Avro fields")]
    fn a_nested_record_with_a_field_the_schema_lacks_fails() {
        let avsc = SAMPLE_AVSC.replace(r#"{"name": "qty""#, r#"{"name": "quantity""#);
        assert_event_matches_schema(&avsc, &SampleEvent::SampleHappened(sample()));
    }

    #[test]
    #[should_panic(expected = "SampleHappened.flag: missing doc")]
    fn a_field_without_doc_fails() {
        let avsc = SAMPLE_AVSC.replace(r#""doc": "A boolean.""#, r#""doc": " ""#);
        assert_event_matches_schema(&avsc, &SampleEvent::SampleHappened(sample()));
    }

    #[test]
    #[should_panic(expected = "SampleHappened.note: a nullable field defaults to null")]
    fn a_nullable_field_without_null_default_fails() {
        let avsc = SAMPLE_AVSC.replace(r#""default": null, "doc": "Nullable.""#, r#""doc": "Nullable.""#);
        assert_event_matches_schema(&avsc, &SampleEvent::SampleHappened(sample()));
    }

    #[test]
    #[should_panic(expected = "SampleHappened.text: unexpected Avro type bytes")]
    fn an_unknown_type_fails() {
        let avsc = SAMPLE_AVSC.replace(r#""type": "string", "doc": "A string.""#, r#""type": "bytes", "doc": "B.""#);
        assert_event_matches_schema(&avsc, &SampleEvent::SampleHappened(sample()));
    }

    #[test]
    fn field_type_returns_the_type_of_a_top_level_field() {
        assert_eq!(field_type(SAMPLE_AVSC, "items")["items"]["name"], "Item");
        assert_eq!(field_type(SAMPLE_AVSC, "note"), serde_json::json!(["null", "string"]));
    }
}
