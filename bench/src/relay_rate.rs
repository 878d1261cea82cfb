//! Relay throughput from a backlog: on a system with no projectors, a backlog of `events`
//! journal-entry events is committed in ONE transaction straight into the tenant's event
//! store (copies of an event the command API stored, each a new aggregate; the event-store
//! trigger enqueues the outbox rows and notifies the relay as on any append). The relay,
//! idle until that commit, is timed until `shared.outbox` holds none of them, and the
//! topic's offsets are checked to have grown by at least the backlog.

use std::time::{Duration, Instant};

use prism_tests::system::System;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::ClientConfig;
use serde::Serialize;

use crate::load;
use crate::stats::per_second;
use crate::{scratch, BoxError};

/// Pause between two looks at the outbox.
const POLL: Duration = Duration::from_millis(10);

/// Bound on a Kafka metadata call.
const KAFKA_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings of the relay measurement.
#[derive(Debug, Clone, clap::Args)]
pub struct RelayArgs {
    /// Events in the backlog.
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(1..=200_000))]
    pub events: u64,
    /// Bound, in seconds, on the drain; a relay that does not finish in time fails the run.
    #[arg(long, default_value_t = 120)]
    pub max_seconds: u64,
}

/// The JSON line of this measurement.
#[derive(Debug, Serialize)]
pub struct RelayReport {
    /// Always `prism_relay_backlog`.
    pub measurement: &'static str,
    /// Events in the backlog.
    pub events: u64,
    /// Time to insert and commit the backlog (not part of the rate).
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
    wait_until_empty(system, &tenant, Instant::now() + Duration::from_secs(args.max_seconds)).await?;
    let offsets_before = end_offsets(system)?;

    let inserting = Instant::now();
    let mut transaction = system.pool.begin().await?;
    let sql = format!(
        "INSERT INTO tenant_{tenant}.events
                (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT t.aggregate_type, g.id::text, t.sequence, t.event_type, t.event_version,
                json_build_object(t.event_type, (t.payload -> t.event_type)::jsonb || jsonb_build_object('entry_id', g.id)),
                t.metadata
           FROM (SELECT * FROM tenant_{tenant}.events WHERE aggregate_type = 'finance.journal_entry'
                  ORDER BY global_position LIMIT 1) t
          CROSS JOIN (SELECT gen_random_uuid() AS id FROM generate_series(1, $1)) g"
    );
    let inserted = sqlx::query(&sql).bind(i64::try_from(args.events)?).execute(&mut *transaction).await?;
    transaction.commit().await?;
    let committed = Instant::now();
    if inserted.rows_affected() != args.events {
        return Err(format!("{} backlog events inserted, {} asked", inserted.rows_affected(), args.events).into());
    }

    wait_until_empty(system, &tenant, committed + Duration::from_secs(args.max_seconds)).await?;
    let drained = committed.elapsed();
    let added = end_offsets(system)? - offsets_before;
    if added < i64::try_from(args.events)? {
        return Err(format!("outbox empty but only {added} records added to {}", system.journal_topic()).into());
    }
    Ok(RelayReport {
        measurement: "prism_relay_backlog",
        events: args.events,
        insert_seconds: (committed - inserting).as_secs_f64(),
        drain_seconds: drained.as_secs_f64(),
        events_per_s: per_second(usize::try_from(args.events)?, drained),
        topic_offsets_added: added,
    })
}

async fn wait_until_empty(system: &System, tenant: &str, deadline: Instant) -> Result<(), BoxError> {
    loop {
        let depth = system.outbox_depth(tenant).await;
        if depth == 0 {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("the relay left {depth} events in the outbox").into());
        }
        tokio::time::sleep(POLL).await;
    }
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
            "relay from a backlog: {:.0} events/s ({} events drained in {:.2} s after one commit; inserted in {:.2} s; topic +{})",
            self.events_per_s, self.events, self.drain_seconds, self.insert_seconds, self.topic_offsets_added,
        )
    }
}
