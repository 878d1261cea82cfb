//! Projector catch-up from a backlog for any projector kind (MongoDB and Timescale by
//! default): on a system with no projector, one entry is posted, `entries` copies of it are
//! enqueued in the outbox ([`backlog`]) and the relay puts them all in Kafka; then each
//! projector is started in turn (each has its own consumer
//! group, so each reads the whole topic) and timed until its group's committed offsets reach
//! the topic's end offsets. The runtime commits a batch's offsets (asynchronously) only after
//! the store took the batch, so "committed = end" means every event was applied. Where the
//! store is Postgres the count of `projection_applied` rows is checked afterwards as well.

use std::time::{Duration, Instant};

use prism_projections::config::ProjectorKind;
use prism_tests::system::System;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use serde::Serialize;

use crate::stats::per_second;
use crate::{backlog, load, scratch, BoxError};

/// Pause between two looks at the committed offsets.
const POLL: Duration = Duration::from_millis(20);

/// Bound on one Kafka metadata or offset call.
const KAFKA_TIMEOUT: Duration = Duration::from_secs(10);

/// Partitions of Prism's topics in the test harness.
const PARTITIONS: i32 = 3;

/// Settings of the catch-up measurement.
#[derive(Debug, Clone, clap::Args)]
pub struct CatchUpArgs {
    /// Entries in the backlog (one event each).
    #[arg(long, default_value_t = 1_000_000)]
    pub entries: usize,
    /// Projectors to time, in this order: postgres, mongo, timescale.
    #[arg(long, value_delimiter = ',', default_value = "mongo,timescale")]
    pub projectors: Vec<String>,
    /// Bound, in seconds, on relaying the backlog and on each projector's catch-up.
    #[arg(long, default_value_t = 300)]
    pub max_seconds: u64,
}

/// JSON line: one projector working off the backlog.
#[derive(Debug, Serialize)]
pub struct ProjectorCatchUpReport {
    /// `prism_<projector>_projector_catch_up`.
    pub measurement: String,
    /// Projector kind.
    pub projector: &'static str,
    /// Events in the backlog.
    pub entries: usize,
    /// Start of the projector (build: connections, topics, assignment) until it runs.
    pub start_seconds: f64,
    /// Projector running until its committed offsets reach the end of the topic.
    pub apply_seconds: f64,
    /// Entries ÷ `apply_seconds` (includes the tenant's provisioning and the first fetch).
    pub events_per_s: f64,
    /// From the first committed progress to the end: the projector's steady rate.
    pub steady_events_per_s: f64,
}

/// Posts the backlog once and times each projector on it; removes the system afterwards.
///
/// # Errors
/// An unknown projector name, a refused command, or a phase that overruns `max_seconds`.
pub async fn run(args: &CatchUpArgs) -> Result<Vec<ProjectorCatchUpReport>, BoxError> {
    let kinds = args.projectors.iter().map(|name| kind(name)).collect::<Result<Vec<_>, _>>()?;
    let system = scratch::start(vec![]).await;
    let result = measure(&system, args, &kinds).await;
    scratch::remove(system).await;
    result
}

fn kind(name: &str) -> Result<ProjectorKind, BoxError> {
    match name {
        "postgres" => Ok(ProjectorKind::Postgres),
        "mongo" => Ok(ProjectorKind::Mongo),
        "timescale" => Ok(ProjectorKind::Timescale),
        other => Err(format!("unknown projector {other:?} (postgres, mongo, timescale)").into()),
    }
}

async fn measure(
    system: &System,
    args: &CatchUpArgs,
    kinds: &[ProjectorKind],
) -> Result<Vec<ProjectorCatchUpReport>, BoxError> {
    let client = crate::http_client(1)?;
    let tenant = system.ledger_tenant().await;
    let limit = Duration::from_secs(args.max_seconds);
    load::post_single(&client, &system.command_url, &system.token(&tenant).await).await?;
    backlog::enqueue(system, &tenant, u64::try_from(args.entries)?).await?;
    backlog::wait_until_relayed(system, &tenant, Instant::now() + limit).await?;
    let topic = system.journal_topic();
    let end = end_offsets(&system.kafka_brokers, &topic)?;
    let records: i64 = end.iter().sum();
    if records < i64::try_from(args.entries)? {
        return Err(format!("topic {topic} holds {records} records, fewer than the {} entries", args.entries).into());
    }
    let mut reports = Vec::new();
    for &kind in kinds {
        let report = one(system, &tenant, &topic, kind, &end, args.entries, limit).await?;
        eprintln!("[bench] {}", report.summary());
        reports.push(report);
    }
    Ok(reports)
}

async fn one(
    system: &System,
    tenant: &str,
    topic: &str,
    kind: ProjectorKind,
    end: &[i64],
    entries: usize,
    limit: Duration,
) -> Result<ProjectorCatchUpReport, BoxError> {
    let group = system.consumer_args().group(kind.name());
    let watcher = group_reader(&system.kafka_brokers, &group)?;
    let total: i64 = end.iter().sum();
    let starting = Instant::now();
    system.start_projector(kind).await;
    let running = Instant::now();
    let deadline = running + limit;
    let mut first_progress: Option<(i64, Duration)> = None;
    loop {
        let done = committed(&watcher, topic)?;
        let applied: i64 = done.iter().sum();
        if first_progress.is_none() && applied > 0 {
            first_progress = Some((applied, running.elapsed()));
        }
        if done.iter().zip(end).all(|(committed, end)| committed >= end) {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("{}: {applied} of {total} records committed after {limit:?}", kind.name()).into());
        }
        tokio::time::sleep(POLL).await;
    }
    let applied = running.elapsed();
    if kind != ProjectorKind::Mongo {
        let name = kind.name();
        let sql = format!("SELECT count(*) FROM tenant_{tenant}.projection_applied WHERE projector = $1");
        let rows: i64 = sqlx::query_scalar(&sql).bind(name).fetch_one(&system.pool).await?;
        if rows < i64::try_from(entries)? {
            return Err(format!("{name}: offsets at the end but only {rows} of {entries} positions applied").into());
        }
    }
    let (first_count, first_seen) = first_progress.unwrap_or((0, Duration::ZERO));
    let steady = usize::try_from(total - first_count).unwrap_or(0);
    Ok(ProjectorCatchUpReport {
        measurement: format!("prism_{}_projector_catch_up", kind.name()),
        projector: kind.name(),
        entries,
        start_seconds: (running - starting).as_secs_f64(),
        apply_seconds: applied.as_secs_f64(),
        events_per_s: per_second(entries, applied),
        steady_events_per_s: per_second(steady, applied.saturating_sub(first_seen)),
    })
}

/// High watermarks of the topic's partitions.
fn end_offsets(brokers: &str, topic: &str) -> Result<Vec<i64>, BoxError> {
    let consumer: BaseConsumer = ClientConfig::new().set("bootstrap.servers", brokers).create()?;
    (0..PARTITIONS).map(|p| Ok(consumer.fetch_watermarks(topic, p, KAFKA_TIMEOUT)?.1)).collect()
}

/// A consumer that never joins `group`, only reads its committed offsets.
fn group_reader(brokers: &str, group: &str) -> Result<BaseConsumer, BoxError> {
    Ok(ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .create()?)
}

/// Committed offsets of the reader's group per partition (0 where none yet).
fn committed(reader: &BaseConsumer, topic: &str) -> Result<Vec<i64>, BoxError> {
    let mut list = TopicPartitionList::new();
    for partition in 0..PARTITIONS {
        list.add_partition(topic, partition);
    }
    let committed = reader.committed_offsets(list, KAFKA_TIMEOUT)?;
    Ok((0..PARTITIONS)
        .map(|p| match committed.find_partition(topic, p).map(|e| e.offset()) {
            Some(Offset::Offset(offset)) => offset,
            _ => 0,
        })
        .collect())
}

impl ProjectorCatchUpReport {
    /// One human-readable line.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "{} projector catch-up: {:.0} events/s ({} events from Kafka in {:.2} s; {:.0} events/s after the first commit; start {:.0} ms)",
            self.projector,
            self.events_per_s,
            self.entries,
            self.apply_seconds,
            self.steady_events_per_s,
            self.start_seconds * 1_000.0,
        )
    }
}
