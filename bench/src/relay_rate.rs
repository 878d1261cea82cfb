//! Relay throughput from a backlog: on a system with no projectors, a backlog of `events`
//! journal-entry events (a million by default) is committed in ONE transaction straight into
//! the outbox ([`backlog`]). The relay, idle until that commit, is timed until
//! `shared.outbox` holds none of them, and the topic's offsets are checked to have grown by at
//! least the backlog.

use std::time::{Duration, Instant};

use prism_tests::system::System;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::ClientConfig;
use serde::Serialize;

use crate::stats::per_second;
use crate::{backlog, load, scratch, BoxError};

/// Bound on a Kafka metadata call.
const KAFKA_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings of the relay measurement.
#[derive(Debug, Clone, clap::Args)]
pub struct RelayArgs {
    /// Events in the backlog.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub events: u64,
    /// Bound, in seconds, on the drain; a relay that does not finish in time fails the run.
    #[arg(long, default_value_t = 300)]
    pub max_seconds: u64,
}

/// The JSON line of this measurement.
#[derive(Debug, Serialize)]
pub struct RelayReport {
    /// Always `prism_relay_backlog`.
    pub measurement: &'static str,
    /// Events in the backlog.
    pub events: u64,
    /// Time to write and commit the backlog into the outbox (not part of the rate).
    pub insert_seconds: f64,
    /// Commit of the backlog until the outbox held none of it.
    pub drain_seconds: f64,
    /// `events ÷ drain_seconds`: outbox → Kafka (acknowledged, rows deleted).
    pub events_per_s: f64,
    /// Growth of the topic's end offsets (all partitions) over the drain.
    pub topic_offsets_added: i64,
}

/// Runs the measurement on a fresh system and removes it afterwards.
///
/// # Errors
/// A failed insert, a drain that overruns `max_seconds`, or fewer records in Kafka than events.
pub async fn run(args: &RelayArgs) -> Result<RelayReport, BoxError> {
    let system = scratch::start(vec![]).await;
    let result = measure(&system, args).await;
    scratch::remove(system).await;
    result
}

async fn measure(system: &System, args: &RelayArgs) -> Result<RelayReport, BoxError> {
    let client = crate::http_client(1)?;
    let tenant = system.ledger_tenant().await;
    let token = system.token(&tenant).await;
    load::post_single(&client, &system.command_url, &token).await?; // creates the topic
    backlog::wait_until_relayed(system, &tenant, Instant::now() + Duration::from_secs(args.max_seconds)).await?;
    let offsets_before = end_offsets(system)?;

    let insert_seconds = backlog::enqueue(system, &tenant, args.events).await?.as_secs_f64();
    let committed = Instant::now();
    backlog::wait_until_relayed(system, &tenant, committed + Duration::from_secs(args.max_seconds)).await?;
    let drained = committed.elapsed();
    let added = end_offsets(system)? - offsets_before;
    if added < i64::try_from(args.events)? {
        return Err(format!("outbox empty but only {added} records added to {}", system.journal_topic()).into());
    }
    Ok(RelayReport {
        measurement: "prism_relay_backlog",
        events: args.events,
        insert_seconds,
        drain_seconds: drained.as_secs_f64(),
        events_per_s: per_second(usize::try_from(args.events)?, drained),
        topic_offsets_added: added,
    })
}

/// Sum of the high watermarks of the journal-entry topic's partitions.
fn end_offsets(system: &System) -> Result<i64, BoxError> {
    let consumer: BaseConsumer = ClientConfig::new().set("bootstrap.servers", &system.kafka_brokers).create()?;
    let topic = system.journal_topic();
    let metadata = consumer.fetch_metadata(Some(&topic), KAFKA_TIMEOUT)?;
    let partitions = metadata.topics().first().map_or(0, |t| t.partitions().len());
    let mut total = 0;
    for partition in 0..i32::try_from(partitions)? {
        total += consumer.fetch_watermarks(&topic, partition, KAFKA_TIMEOUT)?.1;
    }
    Ok(total)
}

impl RelayReport {
    /// One human-readable line.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "relay from a backlog: {:.0} events/s ({} events drained in {:.2} s after one commit; enqueued in {:.2} s; topic +{})",
            self.events_per_s, self.events, self.drain_seconds, self.insert_seconds, self.topic_offsets_added,
        )
    }
}
