//! Kafka clients configured the Prism way: an idempotent producer (`acks=all`) for the
//! relay and the dead-letter path, consumers that never auto-commit, and topic creation
//! at start so a projector can be assigned partitions before the first event exists.

use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{Consumer, ConsumerContext, StreamConsumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::FutureProducer;

use crate::config::KafkaArgs;
use crate::consumer_lag::{ConsumerLag, STATISTICS_INTERVAL_MS};

/// How long a produced message may wait for the broker before it fails and is retried
/// from the outbox.
pub const MESSAGE_TIMEOUT_MS: u64 = 120_000;

/// An idempotent producer: `enable.idempotence=true`, `acks=all`, ordered per partition.
///
/// # Errors
/// When the client cannot be created.
pub fn idempotent_producer(args: &KafkaArgs) -> Result<FutureProducer, KafkaError> {
    ClientConfig::new()
        .set("bootstrap.servers", &args.brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "5")
        .set("compression.type", "none")
        .set("message.timeout.ms", MESSAGE_TIMEOUT_MS.to_string())
        .create()
}

/// A consumer in `group` that never commits by itself and starts from the earliest offset
/// when it has no checkpoint.
///
/// # Errors
/// When the client cannot be created.
pub fn manual_consumer(args: &KafkaArgs, group: &str) -> Result<StreamConsumer, KafkaError> {
    manual_consumer_config(args, group).create()
}

/// A [`manual_consumer`] of projector `projector` that reports its lag per partition (see
/// [`crate::consumer_lag`]).
///
/// # Errors
/// When the client cannot be created.
pub fn lag_reporting_consumer(
    args: &KafkaArgs,
    group: &str,
    projector: &'static str,
) -> Result<StreamConsumer<ConsumerLag>, KafkaError> {
    manual_consumer_config(args, group)
        .set("statistics.interval.ms", STATISTICS_INTERVAL_MS.to_string())
        .create_with_context(ConsumerLag::new(projector))
}

/// The settings of a consumer in `group` that commits only when told to.
fn manual_consumer_config(args: &KafkaArgs, group: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", &args.brokers)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("enable.partition.eof", "false");
    config
}

/// Attempts to create topics before giving up; concurrent creators can make one fail.
const TOPIC_CREATION_ATTEMPTS_MAX: u32 = 5;

/// Creates `topics` with the configured partition count; existing topics are left alone.
///
/// # Errors
/// When the broker keeps refusing for another reason than "already exists".
pub async fn ensure_topics(args: &KafkaArgs, topics: &[String]) -> Result<(), KafkaError> {
    let admin: AdminClient<DefaultClientContext> =
        ClientConfig::new().set("bootstrap.servers", &args.brokers).create()?;
    let distinct: std::collections::BTreeSet<&String> = topics.iter().collect();
    let new_topics: Vec<NewTopic<'_>> =
        distinct.into_iter().map(|t| NewTopic::new(t, args.topic_partitions, TopicReplication::Fixed(1))).collect();
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    let mut attempt = 1;
    loop {
        let refused: Vec<_> = admin
            .create_topics(&new_topics, &options)
            .await?
            .into_iter()
            .filter_map(|result| match result {
                Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => None,
                Err(refusal) => Some(refusal),
            })
            .collect();
        match refused.first() {
            None => return Ok(()),
            Some((topic, code)) if attempt >= TOPIC_CREATION_ATTEMPTS_MAX => {
                tracing::error!(topic, ?code, "topic creation failed");
                return Err(KafkaError::AdminOp(*code));
            }
            Some((topic, code)) => tracing::debug!(topic, ?code, attempt, "topic creation refused; retrying"),
        }
        attempt += 1;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Attempts to read a topic's partitions while a topic just created is not in the metadata yet.
const METADATA_ATTEMPTS_MAX: u32 = 40;

/// Number of partitions of `topic`, read from the broker's metadata; a topic created a moment
/// ago may take a while to appear there, so an unknown topic is asked for again (every 250 ms,
/// up to [`METADATA_ATTEMPTS_MAX`] times).
///
/// # Errors
/// When the metadata cannot be fetched or the topic does not exist.
pub async fn partition_count<C: ConsumerContext>(consumer: &impl Consumer<C>, topic: &str) -> Result<i32, KafkaError> {
    let unknown = || KafkaError::MetadataFetch(RDKafkaErrorCode::UnknownTopicOrPartition);
    let mut attempt = 1;
    loop {
        let count = match consumer.fetch_metadata(Some(topic), Duration::from_secs(10)) {
            Ok(metadata) => metadata.topics().iter().find(|t| t.name() == topic).map_or(0, |t| t.partitions().len()),
            Err(KafkaError::MetadataFetch(RDKafkaErrorCode::UnknownTopicOrPartition)) => 0,
            Err(other) => return Err(other),
        };
        match i32::try_from(count) {
            Ok(n) if n > 0 => return Ok(n),
            _ if attempt >= METADATA_ATTEMPTS_MAX => return Err(unknown()),
            _ => tracing::debug!(topic, attempt, "topic not in the metadata yet; asking again"),
        }
        attempt += 1;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
