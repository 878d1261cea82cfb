//! One sample record of every event type of the contract, published the way the relay
//! publishes: the same [`Publisher`] (Avro through the registry, subject
//! `<topic>-<record name>`, the envelope as headers, the aggregate id as key), to the topics
//! of a prefix of its own. A subscriber's check reads them back to prove it decodes every event
//! type Prism publishes (`tests/external/test_example_subscriber.py`). Each sample's value fits
//! its schema: every field filled (a union with its first non-null branch), an array with one
//! item, dates and moments fixed.

use apache_avro::Schema;
use chrono::{TimeZone, Utc};
use prism_aggregates::upcasting::current_version;
use prism_platform::config::{KafkaArgs, RegistryArgs};
use prism_platform::contract::{topic_name, Catalogue, EVENTS};
use prism_platform::kafka::ensure_topics;
use prism_platform::publishing::{OutboxRow, Publisher};
use serde_json::{json, Map, Value};
use uuid::Uuid;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The tenant the samples belong to.
pub const TENANT: &str = "contract_samples";

/// Publishes one sample of every event type to the topics of `kafka`'s prefix and waits for
/// the broker's acknowledgements; how many were published.
///
/// # Errors
/// When a topic cannot be created, a schema not registered or a record not acknowledged.
pub async fn publish(kafka: &KafkaArgs, registry: &RegistryArgs) -> Result<usize, BoxError> {
    let topics: Vec<String> = EVENTS.iter().map(|event| topic_name(&kafka.topic_prefix, event.topic_suffix)).collect();
    ensure_topics(kafka, &topics).await?;
    let publisher = Publisher::new(kafka, registry, Catalogue::load()?)?;
    let rows = rows()?;
    let (acknowledged, failure) = publisher.send_all(&rows).await.settle().await;
    match failure {
        Some(error) => Err(error),
        None => Ok(acknowledged.len()),
    }
}

/// The outbox rows of the samples, one per event type, in contract order.
fn rows() -> Result<Vec<OutboxRow>, BoxError> {
    (1..)
        .zip(EVENTS)
        .map(|(position, event)| {
            Ok(OutboxRow {
                outbox_id: position,
                tenant: TENANT.to_owned(),
                event_id: Uuid::new_v4(),
                global_position: position,
                aggregate_type: event.aggregate_type.to_owned(),
                aggregate_id: format!("sample-{}", event.event_type),
                sequence: 1,
                event_type: event.event_type.to_owned(),
                event_version: current_version(event.event_type).to_owned(),
                payload: sample(&Schema::parse_str(event.schema)?)?,
                metadata: json!({}),
                recorded_at: Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).single().ok_or("a valid moment")?,
            })
        })
        .collect()
}

/// A JSON value that fits `schema`, as the relay's encoder reads event payloads.
///
/// # Errors
/// For a schema kind no event uses (bytes, fixed, decimals, named references…).
pub fn sample(schema: &Schema) -> Result<Value, BoxError> {
    Ok(match schema {
        Schema::Null => Value::Null,
        Schema::Boolean => json!(true),
        Schema::Int | Schema::Long => json!(7),
        Schema::Float | Schema::Double => json!(1.5),
        Schema::String => json!("sample"),
        Schema::Date => json!("2026-11-27"),
        Schema::TimestampMicros => json!("2026-11-27T08:00:00Z"),
        Schema::Enum(enumeration) => json!(enumeration.symbols.first().ok_or("an enum without symbols")?),
        Schema::Array(array) => json!([sample(&array.items)?]),
        Schema::Map(map) => json!({ "key": sample(&map.types)? }),
        Schema::Union(union) => {
            let branch = union.variants().iter().find(|branch| **branch != Schema::Null);
            sample(branch.unwrap_or(&Schema::Null))?
        }
        Schema::Record(record) => {
            let mut fields = Map::new();
            for field in &record.fields {
                fields.insert(field.name.clone(), sample(&field.schema)?);
            }
            Value::Object(fields)
        }
        other => return Err(format!("no sample for schema {other:?}").into()),
    })
}

#[cfg(test)]
mod tests {
    use prism_platform::avro::write_json;

    use super::*;

    #[test]
    fn every_event_types_sample_fits_its_schema() {
        for event in EVENTS {
            let schema = Schema::parse_str(event.schema).unwrap();
            let mut encoded = Vec::new();
            write_json(&sample(&schema).unwrap(), &schema, &mut encoded).unwrap();
            assert!(!encoded.is_empty(), "{}", event.event_type);
        }
        assert_eq!(rows().unwrap().len(), EVENTS.len());
    }
}
