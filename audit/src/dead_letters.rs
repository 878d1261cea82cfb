//! `dead-letters`: the records a projector or process manager dead-lettered to
//! `<prefix>.dlq.<name>` ([`prism_projections::dead_letter`]), listed with why and where from,
//! and redriven — published again to the topic and partition they were read from, with their
//! original key, value and headers (those of the dead-letter path removed, `prism-redriven-from`
//! added), so the consumer applies them once the cause is fixed.
//!
//! A redrive is remembered in `<prefix>.dlq.<name>.redriven`: one record per dead letter, written
//! as soon as Kafka has acknowledged its copy, and a dead letter found there is not redriven
//! again — running a redrive twice publishes each dead letter once. Should a run stop between
//! the copy and its record, the next run publishes that copy again, which the consumers skip as
//! they skip any redelivered event.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use prism_platform::config::KafkaArgs;
use prism_platform::envelope::{header_names, readable_headers};
use prism_platform::kafka;
use prism_projections::dead_letter::{
    dead_letter_topic, redrive_log_topic, ATTEMPTS_HEADER, ERROR_HEADER, HEADER_PREFIX, REDRIVEN_FROM_HEADER,
    SOURCE_HEADER,
};
use prism_projections::projection::SourcePosition;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Header, Message, OwnedHeaders, OwnedMessage};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{Offset, TopicPartitionList};
use serde_json::{json, Value};

use crate::output::Rows;
use crate::AuditError;

/// Columns of `list`: one row per dead letter, in partition and offset order.
pub const LIST_COLUMNS: &[&str] = &[
    "topic",
    "partition",
    "offset",
    "dead_lettered_at",
    "source",
    "key",
    "event_type",
    "tenant",
    "attempts",
    "error",
    "redriven_to",
];

/// Columns of `redrive`: one row per dead letter selected.
pub const REDRIVE_COLUMNS: &[&str] = &["partition", "offset", "source", "status", "redriven_to"];

/// How long a metadata, watermark or produce request may take.
const KAFKA_TIMEOUT: Duration = Duration::from_secs(30);

/// Which dead letters to redrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// Every one not redriven yet, in partition and offset order.
    All,
    /// The one at this partition and offset of the dead-letter topic.
    One {
        /// Its partition.
        partition: i32,
        /// Its offset.
        offset: i64,
    },
}

/// Every dead letter of the consumer `name`, oldest first per partition, with where it was
/// redriven to if it was.
///
/// # Errors
/// When Kafka cannot be read or the consumer has no dead-letter topic.
pub async fn list(kafka: &KafkaArgs, name: &str) -> Result<Rows, AuditError> {
    let topic = dead_letter_topic(&kafka.topic_prefix, name);
    let dead_letters = read_topic(kafka, &topic).await?.ok_or_else(|| AuditError::NoDeadLetterTopic(topic.clone()))?;
    let redriven = redriven_so_far(kafka, name).await?;
    let mut answer = Rows::new(LIST_COLUMNS);
    for message in &dead_letters {
        let id = position(message).to_string();
        let attempts = header(message, ATTEMPTS_HEADER).and_then(|text| text.parse::<u32>().ok());
        answer.push(vec![
            json!(topic),
            json!(message.partition()),
            json!(message.offset()),
            json!(written_at(message)),
            json!(header(message, SOURCE_HEADER)),
            json!(message.key().map(|key| String::from_utf8_lossy(key).into_owned())),
            json!(header(message, header_names::EVENT_TYPE)),
            json!(header(message, header_names::TENANT)),
            json!(attempts),
            json!(header(message, ERROR_HEADER)),
            json!(redriven.get(&id)),
        ]);
    }
    Ok(answer)
}

/// Publishes the dead letters of the consumer `name` that `selection` picks to their source
/// topic and partition again, each at most once over all runs; one row per dead letter:
/// `redriven` (where the copy went) or `already redriven` (where it went before).
///
/// # Errors
/// When Kafka cannot be read or refuses a copy, there is no such dead letter, or one does not
/// say where it came from. What was redriven before the failure stays redriven and recorded.
pub async fn redrive(kafka: &KafkaArgs, name: &str, selection: Selection) -> Result<Rows, AuditError> {
    let topic = dead_letter_topic(&kafka.topic_prefix, name);
    let log = redrive_log_topic(&kafka.topic_prefix, name);
    let dead_letters = read_topic(kafka, &topic).await?.ok_or_else(|| AuditError::NoDeadLetterTopic(topic.clone()))?;
    let selected: Vec<&OwnedMessage> = match selection {
        Selection::All => dead_letters.iter().collect(),
        Selection::One { partition, offset } => {
            let one: Vec<&OwnedMessage> =
                dead_letters.iter().filter(|m| m.partition() == partition && m.offset() == offset).collect();
            if one.is_empty() {
                return Err(AuditError::NoSuchDeadLetter(format!("{topic}/{partition}/{offset}")));
            }
            one
        }
    };
    kafka::ensure_topics(kafka, std::slice::from_ref(&log)).await?;
    let redriven = redriven_so_far(kafka, name).await?;
    let producer = kafka::idempotent_producer(kafka)?;
    let mut answer = Rows::new(REDRIVE_COLUMNS);
    for message in selected {
        let id = position(message).to_string();
        let (status, copy) = match redriven.get(&id) {
            Some(copy) => ("already redriven", copy.clone()),
            None => {
                let copy = publish_copy(&producer, message, &id).await?;
                send(&producer, FutureRecord::to(&log).key(&id).payload(&copy)).await?;
                ("redriven", copy)
            }
        };
        answer.push(vec![
            json!(message.partition()),
            json!(message.offset()),
            json!(header(message, SOURCE_HEADER)),
            json!(status),
            json!(copy),
        ]);
    }
    Ok(answer)
}

/// Publishes the dead letter `message` (at `id`) to where it was read from, without the
/// dead-letter headers and with [`REDRIVEN_FROM_HEADER`]: where the copy went.
async fn publish_copy(producer: &FutureProducer, message: &OwnedMessage, id: &str) -> Result<String, AuditError> {
    let source = header(message, SOURCE_HEADER)
        .and_then(|text| SourcePosition::parse(&text))
        .ok_or_else(|| AuditError::NoSource(id.to_owned()))?;
    let mut headers = OwnedHeaders::new();
    if let Some(original) = message.headers() {
        for header in readable_headers(original.as_borrowed()) {
            if !header.key.starts_with(HEADER_PREFIX) && header.key != REDRIVEN_FROM_HEADER {
                headers = headers.insert(header);
            }
        }
    }
    headers = headers.insert(Header { key: REDRIVEN_FROM_HEADER, value: Some(id) });
    let mut record = FutureRecord::to(&source.topic).partition(source.partition).headers(headers);
    if let Some(key) = message.key() {
        record = record.key(key);
    }
    if let Some(payload) = message.payload() {
        record = record.payload(payload);
    }
    let (partition, offset) = send(producer, record).await?;
    Ok(SourcePosition { topic: source.topic, partition, offset }.to_string())
}

/// Sends `record` and waits until Kafka acknowledges it: its partition and offset.
async fn send<K, P>(producer: &FutureProducer, record: FutureRecord<'_, K, P>) -> Result<(i32, i64), AuditError>
where
    K: rdkafka::message::ToBytes + ?Sized,
    P: rdkafka::message::ToBytes + ?Sized,
{
    let delivered = producer.send(record, KAFKA_TIMEOUT).await.map_err(|(error, _)| error)?;
    Ok((delivered.partition, delivered.offset))
}

/// Dead letters of the consumer `name` redriven so far (`<topic>/<partition>/<offset>`) and
/// where each copy went.
async fn redriven_so_far(kafka: &KafkaArgs, name: &str) -> Result<HashMap<String, String>, AuditError> {
    let log = read_topic(kafka, &redrive_log_topic(&kafka.topic_prefix, name)).await?.unwrap_or_default();
    Ok(log
        .iter()
        .filter_map(|entry| {
            let id = String::from_utf8_lossy(entry.key()?).into_owned();
            Some((id, String::from_utf8_lossy(entry.payload()?).into_owned()))
        })
        .collect())
}

/// Every record `topic` holds now, in partition and offset order; `None` when there is no such
/// topic.
async fn read_topic(kafka: &KafkaArgs, topic: &str) -> Result<Option<Vec<OwnedMessage>>, AuditError> {
    let group = format!("{}-audit-dead-letters", kafka.topic_prefix);
    let consumer = kafka::manual_consumer(kafka, &group)?;
    let metadata = consumer.fetch_metadata(Some(topic), KAFKA_TIMEOUT)?;
    let Some(partitions) = metadata.topics().iter().find(|t| t.name() == topic).map(|t| t.partitions().len()) else {
        return Ok(None);
    };
    if partitions == 0 {
        return Ok(None);
    }
    let mut ends: BTreeMap<i32, i64> = BTreeMap::new();
    let mut assignment = TopicPartitionList::new();
    for partition in 0..i32::try_from(partitions).unwrap_or(i32::MAX) {
        let (low, high) = consumer.fetch_watermarks(topic, partition, KAFKA_TIMEOUT)?;
        if high > low {
            assignment.add_partition_offset(topic, partition, Offset::Offset(low))?;
            ends.insert(partition, high);
        }
    }
    let mut records = Vec::new();
    if ends.is_empty() {
        return Ok(Some(records));
    }
    consumer.assign(&assignment)?;
    while !ends.is_empty() {
        let message = receive(&consumer, topic).await?;
        let Some(end) = ends.get(&message.partition()).copied() else { continue };
        if message.offset() + 1 >= end {
            ends.remove(&message.partition());
        }
        if message.offset() < end {
            records.push(message);
        }
    }
    records.sort_by_key(|m| (m.partition(), m.offset()));
    Ok(Some(records))
}

/// The next record `consumer` reads from `topic`, waiting at most [`KAFKA_TIMEOUT`].
async fn receive(consumer: &StreamConsumer, topic: &str) -> Result<OwnedMessage, AuditError> {
    match tokio::time::timeout(KAFKA_TIMEOUT, consumer.recv()).await {
        Ok(received) => Ok(received?.detach()),
        Err(_) => Err(AuditError::KafkaTimeout(topic.to_owned())),
    }
}

/// Where `message` sits in its topic.
fn position(message: &OwnedMessage) -> SourcePosition {
    SourcePosition { topic: message.topic().to_owned(), partition: message.partition(), offset: message.offset() }
}

/// The value of header `name` of `message`, as text.
fn header(message: &OwnedMessage, name: &str) -> Option<String> {
    let headers = message.headers()?;
    let value = readable_headers(headers.as_borrowed()).into_iter().find(|header| header.key == name)?.value?;
    Some(String::from_utf8_lossy(value).into_owned())
}

/// When the dead letter was written (its Kafka timestamp), RFC 3339.
fn written_at(message: &OwnedMessage) -> Value {
    message
        .timestamp()
        .to_millis()
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map_or(Value::Null, |time| json!(time.to_rfc3339()))
}
