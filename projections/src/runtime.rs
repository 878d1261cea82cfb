//! The projector runtime shared by every store: assign all partitions of the subscribed
//! topics (resuming where the store's checkpoint says), then for each record decode, apply
//! with bounded retries, dead-letter what still fails, and commit the group offset after
//! the write. Records of one partition are applied strictly in order.
//!
//! A failure a dependency causes (the database or the registry unreachable, see
//! [`crate::transient`]) is retried with backoff until it passes or the process stops; only a
//! record that fails on its own `apply_attempts_max` times in a row is poison, and goes to
//! `<prefix>.dlq.<name>` ([`crate::dead_letter`]) with its original key, value and headers plus
//! the error, the source position and the attempt count. Metrics:
//! `prism_projector_dead_letters_total{projector}` and `prism_projector_retries_total{projector}`.
//!
//! When spans are exported, each event is applied inside a `projector.apply` span continuing
//! the trace of its `traceparent` header (in a batch, every event's span covers the batch).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;

use prism_platform::avro::AvroCodec;
use prism_platform::consumer_lag::ConsumerLag;
use prism_platform::contract::{topic_name, Catalogue};
use prism_platform::envelope::readable_headers;
use prism_platform::kafka;
use prism_platform::telemetry::traces;
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::message::{BorrowedMessage, Header, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{Offset, TopicPartitionList};
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, Span};

use crate::config::ConsumerArgs;
use crate::dead_letter::{self, ATTEMPTS_HEADER, ERROR_HEADER, PROJECTOR_HEADER, SOURCE_HEADER};
use crate::decode::{decode, ProjectedEvent};
use crate::projection::{Projection, ProjectionError, SourcePosition};
use crate::transient::is_transient;

/// Longest pause between two attempts at one record.
const RETRY_PAUSE_MAX: Duration = Duration::from_secs(5);

/// What became of one record.
enum Outcome {
    /// Applied to the store.
    Applied,
    /// Failed on its own `attempts` times; goes to the dead-letter topic.
    Poison {
        /// The last attempt's error.
        error: ProjectionError,
        /// Attempts that failed because of the record (not because a dependency was down).
        attempts: u32,
    },
    /// Shutdown came first; the record stays unacknowledged and is redelivered.
    Interrupted,
}

/// A projector: one projection fed by one consumer.
pub struct ProjectorRuntime {
    name: &'static str,
    projection: Arc<dyn Projection>,
    consumer: StreamConsumer<ConsumerLag>,
    dead_letters: FutureProducer,
    dead_letter_topic: String,
    codec: AvroCodec,
    attempts_max: u32,
    batch_max_events: usize,
    backoff: Duration,
}

impl ProjectorRuntime {
    /// Creates the topics if needed and assigns every partition at its resume offset; `name`
    /// names the consumer in its group, dead-letter topic, metrics and logs.
    ///
    /// # Errors
    /// When Kafka or the store cannot be reached.
    pub async fn build(
        name: &'static str,
        config: &ConsumerArgs,
        projection: Arc<dyn Projection>,
    ) -> Result<Self, ProjectionError> {
        let topics = followed_topics(&config.kafka.topic_prefix, projection.aggregate_types());
        let dead_letter_topic = dead_letter::dead_letter_topic(&config.kafka.topic_prefix, name);
        let mut all_topics = topics.clone();
        all_topics.push(dead_letter_topic.clone());
        kafka::ensure_topics(&config.kafka, &all_topics).await?;
        let consumer = kafka::lag_reporting_consumer(&config.kafka, &config.group(name), name)?;
        let mut assignment = TopicPartitionList::new();
        for topic in &topics {
            let resume = projection.resume_offsets(topic).await?;
            for partition in 0..kafka::partition_count(&consumer, topic).await? {
                let offset = match resume.as_ref() {
                    Some(stored) => stored.get(&partition).map_or(Offset::Beginning, |o| Offset::Offset(*o)),
                    None => Offset::Stored,
                };
                assignment.add_partition_offset(topic, partition, offset)?;
            }
        }
        consumer.assign(&assignment)?;
        tracing::info!(projector = name, ?topics, "projector assigned");
        // Exported from the start, so a dashboard reads 0 rather than nothing.
        metrics::counter!("prism_projector_dead_letters_total", "projector" => name).increment(0);
        metrics::counter!("prism_projector_retries_total", "projector" => name).increment(0);
        Ok(Self {
            name,
            projection,
            consumer,
            dead_letters: kafka::idempotent_producer(&config.kafka)?,
            dead_letter_topic,
            codec: AvroCodec::new(&config.registry.url),
            attempts_max: config.apply_attempts_max.max(1),
            batch_max_events: config.batch_max_events.max(1),
            backoff: config.retry_backoff(),
        })
    }

    /// Consumes until `shutdown`, finishing the batch in hand.
    ///
    /// # Errors
    /// When the store refuses even to record a skipped record (nothing safe to do but stop).
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), ProjectionError> {
        loop {
            let received = tokio::select! {
                // Shutdown first: no batch is started once it came, so nothing is applied
                // after a record that shutdown left unapplied.
                biased;
                () = shutdown.cancelled() => return Ok(()),
                received = self.consumer.recv() => received,
            };
            match received {
                Ok(first) => {
                    let batch = self.fill_batch(first);
                    self.handle_batch(&batch, &shutdown).await?;
                }
                Err(error) => {
                    tracing::warn!(projector = self.name, %error, "consumer error");
                    tokio::time::sleep(self.backoff).await;
                }
            }
        }
    }

    /// `first` and the records already fetched behind it, at most `batch_max_events`.
    fn fill_batch<'a>(&'a self, first: BorrowedMessage<'a>) -> Vec<BorrowedMessage<'a>> {
        let mut batch = vec![first];
        while batch.len() < self.batch_max_events {
            match self.consumer.recv().now_or_never() {
                Some(Ok(message)) => batch.push(message),
                _ => break,
            }
        }
        batch
    }

    /// Applies a batch in one go when every record decodes and the store takes them all;
    /// otherwise record by record, with retries and dead letters.
    async fn handle_batch(
        &self,
        batch: &[BorrowedMessage<'_>],
        shutdown: &CancellationToken,
    ) -> Result<(), ProjectionError> {
        if batch.len() > 1 {
            let decoded = futures::future::try_join_all(batch.iter().map(|m| decode(&self.codec, m))).await;
            if let Ok(events) = decoded {
                // Each event's span covers the application of the batch it is applied in.
                let _spans: Vec<Span> = events.iter().map(|event| self.apply_span(event)).collect();
                match self.projection.apply_batch(&events).await {
                    Ok(()) => {
                        self.count_applied(&events);
                        self.commit_group_offsets(batch);
                        return Ok(());
                    }
                    Err(error) => {
                        tracing::warn!(%error, records = batch.len(), "batch failed; applying record by record");
                    }
                }
            }
        }
        for message in batch {
            // A record shutdown interrupts stays unapplied, so the records after it must too:
            // applying them would move the checkpoint past it, and skip it for good.
            if shutdown.is_cancelled() {
                break;
            }
            self.handle(message, shutdown).await?;
        }
        Ok(())
    }

    /// Commits, for each partition in `batch`, the offset after its last record.
    fn commit_group_offsets(&self, batch: &[BorrowedMessage<'_>]) {
        let mut next: BTreeMap<(&str, i32), i64> = BTreeMap::new();
        for message in batch {
            next.insert((message.topic(), message.partition()), message.offset() + 1);
        }
        let mut offsets = TopicPartitionList::new();
        for ((topic, partition), offset) in next {
            if let Err(error) = offsets.add_partition_offset(topic, partition, Offset::Offset(offset)) {
                tracing::warn!(%error, "cannot list offset for commit");
            }
        }
        if let Err(error) = self.consumer.commit(&offsets, CommitMode::Async) {
            tracing::warn!(%error, "group offset commit failed; the store checkpoint or sequence guard covers it");
        }
    }

    fn count_applied(&self, events: &[ProjectedEvent]) {
        metrics::counter!("prism_projector_applied_total", "projector" => self.name)
            .increment(u64::try_from(events.len()).unwrap_or(u64::MAX));
        if let Some(last) = events.last() {
            let lag = chrono::Utc::now().signed_duration_since(last.envelope.occurred_at);
            metrics::gauge!("prism_projector_lag_seconds", "projector" => self.name).set(lag.as_seconds_f64());
        }
    }

    /// The `projector.apply` span of `event`, in the trace its `traceparent` header names — a
    /// disabled span when spans are not exported.
    fn apply_span(&self, event: &ProjectedEvent) -> Span {
        let envelope = &event.envelope;
        traces::child_of(envelope.traceparent.as_deref(), || {
            tracing::info_span!(
                "projector.apply",
                projector = self.name,
                event_type = %envelope.event_type,
                tenant = %envelope.tenant,
                global_position = envelope.global_position,
            )
        })
    }

    #[tracing::instrument(skip_all, fields(projector = self.name, partition = message.partition(), offset = message.offset()))]
    async fn handle(&self, message: &BorrowedMessage<'_>, shutdown: &CancellationToken) -> Result<(), ProjectionError> {
        match self.apply_with_retries(message, shutdown).await {
            Outcome::Applied => {}
            Outcome::Interrupted => return Ok(()),
            Outcome::Poison { error, attempts } => {
                tracing::error!(%error, attempts, "dead-lettering a record that keeps failing");
                self.dead_letter(message, &error.to_string(), attempts).await?;
                metrics::counter!("prism_projector_dead_letters_total", "projector" => self.name).increment(1);
                if !self.skip_dead_lettered(message, shutdown).await? {
                    return Ok(());
                }
            }
        }
        if let Err(error) = self.consumer.commit_message(message, CommitMode::Async) {
            tracing::warn!(%error, "group offset commit failed; the store checkpoint or sequence guard covers it");
        }
        Ok(())
    }

    /// Decodes and applies `message`, pausing between attempts (doubling from the configured
    /// backoff up to [`RETRY_PAUSE_MAX`]). Transient failures are retried until they pass or
    /// `shutdown`; the record is poison once it has failed on its own `attempts_max` times.
    async fn apply_with_retries(&self, message: &BorrowedMessage<'_>, shutdown: &CancellationToken) -> Outcome {
        let mut pause = self.backoff;
        let mut failures = 0;
        loop {
            let error = match self.decode_and_apply(message).await {
                Ok(()) => return Outcome::Applied,
                Err(error) => error,
            };
            let transient = is_transient(error.as_ref());
            if !transient {
                failures += 1;
                if failures >= self.attempts_max {
                    return Outcome::Poison { error, attempts: failures };
                }
            }
            tracing::warn!(%error, failures, transient, "apply failed; retrying");
            metrics::counter!("prism_projector_retries_total", "projector" => self.name).increment(1);
            if !pause_unless_shut_down(&mut pause, shutdown).await {
                return Outcome::Interrupted;
            }
        }
    }

    /// Moves the store's checkpoint past the dead-lettered `message`, retrying while the store
    /// is unavailable: `false` when `shutdown` came first (the record is redelivered and
    /// dead-lettered again, so a dead letter is written at least once).
    ///
    /// # Errors
    /// When the store refuses for another reason.
    async fn skip_dead_lettered(
        &self,
        message: &BorrowedMessage<'_>,
        shutdown: &CancellationToken,
    ) -> Result<bool, ProjectionError> {
        let source = source_position(message);
        let mut pause = self.backoff;
        loop {
            match self.projection.skip(&source).await {
                Ok(()) => return Ok(true),
                Err(error) if is_transient(error.as_ref()) => {
                    tracing::warn!(%error, "cannot record the skip of a dead letter yet; retrying");
                }
                Err(error) => return Err(error),
            }
            if !pause_unless_shut_down(&mut pause, shutdown).await {
                return Ok(false);
            }
        }
    }

    async fn decode_and_apply(&self, message: &BorrowedMessage<'_>) -> Result<(), ProjectionError> {
        let event = decode(&self.codec, message).await?;
        self.projection.apply(&event).instrument(self.apply_span(&event)).await?;
        self.count_applied(std::slice::from_ref(&event));
        Ok(())
    }

    async fn dead_letter(
        &self,
        message: &BorrowedMessage<'_>,
        error: &str,
        attempts: u32,
    ) -> Result<(), ProjectionError> {
        let mut headers = OwnedHeaders::new();
        if let Some(original) = message.headers() {
            for header in readable_headers(original) {
                headers = headers.insert(header);
            }
        }
        let source = source_position(message).to_string();
        let attempts = attempts.to_string();
        headers = headers
            .insert(Header { key: ERROR_HEADER, value: Some(error) })
            .insert(Header { key: PROJECTOR_HEADER, value: Some(self.name) })
            .insert(Header { key: SOURCE_HEADER, value: Some(&source) })
            .insert(Header { key: ATTEMPTS_HEADER, value: Some(&attempts) });
        let mut record = FutureRecord::to(&self.dead_letter_topic).headers(headers);
        if let Some(key) = message.key() {
            record = record.key(key);
        }
        if let Some(payload) = message.payload() {
            record = record.payload(payload);
        }
        self.dead_letters
            .send(record, Duration::from_secs(30))
            .await
            .map(|_| ())
            .map_err(|(error, _)| Box::new(error) as ProjectionError)
    }
}

/// Sleeps `pause`, then doubles it up to [`RETRY_PAUSE_MAX`]: `false` when `shutdown` came first.
async fn pause_unless_shut_down(pause: &mut Duration, shutdown: &CancellationToken) -> bool {
    tokio::select! {
        () = shutdown.cancelled() => return false,
        () = tokio::time::sleep(*pause) => {}
    }
    *pause = (*pause * 2).min(RETRY_PAUSE_MAX);
    true
}

/// Where `message` was read.
fn source_position(message: &BorrowedMessage<'_>) -> SourcePosition {
    SourcePosition { topic: message.topic().to_owned(), partition: message.partition(), offset: message.offset() }
}

/// Topics under `prefix` that carry the events of `aggregate_types`.
#[must_use]
pub fn followed_topics(prefix: &str, aggregate_types: &[&str]) -> Vec<String> {
    aggregate_types
        .iter()
        .flat_map(|aggregate| Catalogue::topic_suffixes(aggregate))
        .map(|suffix| topic_name(prefix, suffix))
        .collect()
}
