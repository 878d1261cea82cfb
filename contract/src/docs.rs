//! `docs/events.md`: the topic contract written out for people, generated from
//! [`EVENTS`] and their Avro schemas so that it cannot drift from what the relay publishes (a
//! test compares the file with [`markdown`]). Per topic: its key and event types; per event
//! type: its record name, registry subject, description and every field — nested records
//! flattened into dotted paths, `[]` marking an array's items — with its Avro type, default and
//! description; plus the headers every record carries and the compatibility rule.

use std::fmt::Write as _;

use prism_platform::contract::{topic_name, EventContract, EVENTS};
use prism_platform::envelope::header_names as header;
use serde_json::Value;

use crate::published;

/// The default topic prefix the names below carry (`PRISM_TOPIC_PREFIX`).
const PREFIX: &str = "prism";

/// Every header of a published record, with what it holds.
const HEADERS: &[(&str, &str)] = &[
    (header::EVENT_ID, "unique id of the event (UUID)"),
    (header::EVENT_TYPE, "the event type, e.g. `JournalEntryPosted`: the record's schema below"),
    (header::EVENT_VERSION, "version of the event type's payload"),
    (header::AGGREGATE_TYPE, "the aggregate type, e.g. `finance.journal_entry`"),
    (header::AGGREGATE_ID, "the aggregate's id, also the record key"),
    (header::SEQUENCE, "the event's number within its aggregate, from 1, without gaps"),
    (header::TENANT, "the tenant's slug"),
    (header::GLOBAL_POSITION, "the event's position in its tenant's event store"),
    (header::OCCURRED_AT, "when it was recorded, RFC 3339 UTC"),
    (header::CORRELATION_ID, "the request it belongs to, across sagas (optional)"),
    (header::CAUSATION_ID, "the command or event that caused it (optional)"),
    (header::USER_ID, "the user whose request caused it (optional)"),
    (header::TRACEPARENT, "W3C trace context (optional)"),
];

/// The whole document.
#[must_use]
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str(INTRODUCTION);
    out.push_str("\n| header | holds |\n|---|---|\n");
    for (name, holds) in HEADERS {
        let _ = writeln!(out, "| `{name}` | {holds} |");
    }
    let _ = write!(out, "{}", compatibility_section());
    out.push_str("\n## Topics\n\n| topic | key | event types |\n|---|---|---|\n");
    for topic in topics() {
        let names: Vec<String> =
            topic.events.iter().map(|e| format!("[`{0}`](#{1})", e.event_type, anchor(e.event_type))).collect();
        let _ = writeln!(out, "| `{}` | {} | {} |", topic.name, topic.key, names.join(", "));
    }
    for topic in topics() {
        let _ = write!(out, "\n## `{}`\n\nAggregate `{}`; key: {}.\n", topic.name, topic.aggregate_type, topic.key);
        for event in &topic.events {
            event_section(&mut out, &topic.name, event);
        }
    }
    out
}

const INTRODUCTION: &str = "# Prism events: the topic contract

Generated from [`schemas/avro/`](../schemas/avro/) by
`cargo run -q -p prism-contract -- docs > docs/events.md`; do not edit it by hand (a test fails
when it and the schemas differ).

Prism publishes every event of every aggregate to Kafka, one topic per aggregate type, named
`<prefix>.<module>.<aggregate>.v1` (the prefix is `PRISM_TOPIC_PREFIX`, `prism` by default, as
below). Each record is:

- **key**: the aggregate's id as UTF-8 text — so one aggregate's events are in one partition, in
  order;
- **value**: the event in Avro binary with the Confluent framing (byte `0`, the schema's 4-byte
  registry id, then the body), the schema registered under the subject
  `<topic>-<record full name>` (`TopicRecordNameStrategy`); any Confluent-compatible client's
  Avro deserializer reads it with the registry's URL;
- **headers**: below, the same on every topic.

Delivery is at least once: a record may arrive twice. Dedupe by `prism-aggregate-id` +
`prism-sequence` (or `prism-event-id`); within an aggregate, sequences arrive in order.
";

/// The compatibility rule, naming the published contract's file.
fn compatibility_section() -> String {
    format!(
        "
## Compatibility

A topic's name ends in its major version (`.v1`); within it, every event type's schema only
changes `{level}`-compatibly: a new schema reads every record an earlier one wrote (a new field
comes with a default; none is removed without one, none changes type). The registry refuses
anything else, and so does the build: [`{path}`](../{path}) keeps each event type's schema as
last published, and a test fails when a current schema cannot read what that one wrote, or a
published event type disappears. `cargo run -q -p prism-contract -- lock` records the current
schemas there once they pass. A change that cannot be made so is a new event type, or a new
topic (`.v2`).
",
        level = published::LEVEL,
        path = published::PATH,
    )
}

/// One topic's events, in contract order.
struct Topic {
    name: String,
    aggregate_type: &'static str,
    key: String,
    events: Vec<&'static EventContract>,
}

/// The topics, in contract order.
fn topics() -> Vec<Topic> {
    let mut topics: Vec<Topic> = Vec::new();
    for event in EVENTS {
        let name = topic_name(PREFIX, event.topic_suffix);
        match topics.iter_mut().find(|topic| topic.name == name) {
            Some(topic) => topic.events.push(event),
            None => topics.push(Topic {
                name,
                aggregate_type: event.aggregate_type,
                key: record_key(&schema_of(event)),
                events: vec![event],
            }),
        }
    }
    topics
}

fn schema_of(event: &EventContract) -> Value {
    serde_json::from_str(event.schema).expect("every contract schema is JSON")
}

/// What a schema's description says of the record key (`… Kafka key: entry_id. Topic: …` →
/// `entry_id`); empty when it says nothing.
fn record_key(schema: &Value) -> String {
    let doc = schema["doc"].as_str().unwrap_or_default();
    let said = doc.split("Kafka key: ").nth(1).unwrap_or_default();
    said.split(" Topic:").next().unwrap_or_default().trim().trim_end_matches('.').to_owned()
}

/// An event type's heading, subject, description and field table.
fn event_section(out: &mut String, topic: &str, event: &EventContract) {
    let schema = schema_of(event);
    let _ = write!(
        out,
        "\n### {}\n\nRecord `{}`, subject `{topic}-{}`.\n\n{}\n\n| field | type | default | description |\n|---|---|---|---|\n",
        event.event_type,
        event.record_name,
        event.record_name,
        schema["doc"].as_str().unwrap_or_default()
    );
    field_rows(out, "", &schema);
}

/// The rows of `record`'s fields, their paths under `prefix`.
fn field_rows(out: &mut String, prefix: &str, record: &Value) {
    for field in record["fields"].as_array().into_iter().flatten() {
        let path = format!("{prefix}{}", field["name"].as_str().unwrap_or_default());
        let default = field.get("default").map_or(String::new(), |value| format!("`{value}`"));
        let doc = field["doc"].as_str().unwrap_or_default().replace('|', "\\|");
        let _ = writeln!(out, "| `{path}` | {} | {default} | {doc} |", type_name(&field["type"]));
        if let Some((nested, suffix)) = nested_record(&field["type"]) {
            field_rows(out, &format!("{path}{suffix}."), nested);
        }
    }
}

/// The record a field's type holds, with the path suffix to its fields (`[]` for an array's
/// items): a record, a nullable record, or an array of records.
fn nested_record(avro_type: &Value) -> Option<(&Value, &'static str)> {
    match avro_type {
        Value::Object(object) if object.get("type") == Some(&Value::from("record")) => Some((avro_type, "")),
        Value::Object(object) if object.get("type") == Some(&Value::from("array")) => {
            nested_record(&avro_type["items"]).map(|(record, _)| (record, "[]"))
        }
        Value::Array(branches) => branches.iter().find_map(nested_record),
        _ => None,
    }
}

/// An Avro type as the table shows it: `string`, `long`, `date (int)`, `string or null`,
/// `array of PostedLine`, `record PostedLine`.
fn type_name(avro_type: &Value) -> String {
    match avro_type {
        Value::String(name) => name.clone(),
        Value::Array(branches) => branches.iter().map(type_name).collect::<Vec<_>>().join(" or "),
        Value::Object(object) => {
            let base = object.get("type").map(type_name).unwrap_or_default();
            if let Some(logical) = object.get("logicalType").and_then(Value::as_str) {
                return format!("{logical} ({base})");
            }
            match base.as_str() {
                "array" => format!("array of {}", type_name(&avro_type["items"])),
                "map" => format!("map of {}", type_name(&avro_type["values"])),
                "record" => format!("record {}", object.get("name").and_then(Value::as_str).unwrap_or_default()),
                "enum" => format!("enum {}", avro_type["symbols"]),
                _ => base,
            }
        }
        other => other.to_string(),
    }
}

/// The Markdown anchor of an event type's heading.
fn anchor(event_type: &str) -> String {
    event_type.to_lowercase()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn types_read_as_people_say_them() {
        assert_eq!(type_name(&json!("string")), "string");
        assert_eq!(type_name(&json!(["null", "string"])), "null or string");
        assert_eq!(type_name(&json!({"type": "int", "logicalType": "date"})), "date (int)");
        let lines = json!({"type": "array", "items": {"type": "record", "name": "PostedLine", "fields": []}});
        assert_eq!(type_name(&lines), "array of record PostedLine");
    }

    #[test]
    fn every_topic_names_its_key_and_every_event_type_is_documented_once() {
        let document = markdown();
        for topic in topics() {
            assert!(!topic.key.is_empty(), "{} names no key in its schemas' doc", topic.name);
        }
        for event in EVENTS {
            assert_eq!(document.matches(&format!("\n### {}\n", event.event_type)).count(), 1, "{}", event.event_type);
        }
        assert!(document.contains("| `lines[].account` | string |"), "nested fields are flattened");
    }
}
