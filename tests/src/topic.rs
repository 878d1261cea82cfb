//! Topics read whole, from their first records until they go quiet: each record's place
//! (topic, partition, offset) and the envelope headers that identify its event, to count what
//! was published, lost or published twice; and the offsets a consumer group committed.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{BorrowedMessage, Headers, Message};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

use crate::system::System;

/// One record of a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicRecord {
    /// Its topic.
    pub topic: String,
    /// Its partition.
    pub partition: i32,
    /// Its offset in the partition.
    pub offset: i64,
    /// The `prism-tenant` header.
    pub tenant: String,
    /// The `prism-event-id` header.
    pub event_id: String,
    /// The `prism-global-position` header.
    pub global_position: i64,
}

/// Every record of `topics` of `system`, in the order read, stopping once none arrived for
/// `quiet` (the first one may take a few seconds: the reader joins its group first).
///
/// # Panics
/// When a record lacks the event id or global position header.
pub async fn read_all(system: &System, topics: &[&str], quiet: Duration) -> Vec<TopicRecord> {
    let consumer = system.topics_reader(topics);
    let mut records = Vec::new();
    while let Ok(Ok(message)) = tokio::time::timeout(quiet, consumer.recv()).await {
        records.push(TopicRecord {
            topic: message.topic().to_owned(),
            partition: message.partition(),
            offset: message.offset(),
            tenant: header(&message, "prism-tenant"),
            event_id: header(&message, "prism-event-id"),
            global_position: header(&message, "prism-global-position").parse().expect("a numeric global position"),
        });
    }
    records
}

fn header(message: &BorrowedMessage<'_>, key: &str) -> String {
    let value = message.headers().and_then(|headers| headers.iter().find(|h| h.key == key)).and_then(|h| h.value);
    String::from_utf8_lossy(value.unwrap_or_else(|| panic!("a {key} header"))).into_owned()
}

/// How many times each event id occurs in `records`.
#[must_use]
pub fn copies_by_event(records: &[TopicRecord]) -> HashMap<&str, usize> {
    let mut copies: HashMap<&str, usize> = HashMap::new();
    for record in records {
        *copies.entry(record.event_id.as_str()).or_default() += 1;
    }
    copies
}

/// Where each partition of `topics` stands for consumer `group`: the committed next offset by
/// `(topic, partition)`, for the partitions the group has committed.
///
/// # Panics
/// When Kafka cannot be asked.
pub fn committed_offsets(system: &System, group: &str, topics: &[&str]) -> BTreeMap<(String, i32), i64> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &system.kafka_brokers)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .create()
        .expect("Kafka consumer");
    let mut partitions = TopicPartitionList::new();
    for topic in topics {
        for partition in 0..system.kafka().topic_partitions {
            partitions.add_partition(topic, partition);
        }
    }
    let committed = consumer.committed_offsets(partitions, Duration::from_secs(10)).expect("committed offsets");
    committed
        .elements()
        .iter()
        .filter_map(|element| match element.offset() {
            Offset::Offset(next) => Some(((element.topic().to_owned(), element.partition()), next)),
            _ => None,
        })
        .collect()
}
