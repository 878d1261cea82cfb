//! Measurement (b), the end-to-end projection rate, on a system running only the Postgres
//! projector. Three parts, each on a fresh tenant:
//!
//! * **visible latency** — under no load, sequential round trips of one command followed by
//!   the query API's `GET` carrying the command's position as `X-Prism-Min-Position`; and the
//!   same with the read model polled directly every 2 ms (no 25 ms query-API poll quantum);
//! * **pipeline** — `concurrency` clients post `entries` entries while the bench polls the
//!   outbox and the read model; events per second = entries ÷ (last entry visible − first
//!   post), with the time the relay emptied the outbox beside it;
//! * **projector catch-up** (optional, a second system) — the entries are posted and relayed
//!   to Kafka with no projector running, then the projector is started and timed until the
//!   read model holds them all: the projector's own rate, free of the command side.

use std::time::{Duration, Instant};

use prism_projections::config::ProjectorKind;
use prism_tests::system::System;
use serde::Serialize;

use crate::load::{self, Load};
use crate::stats::{per_second, Latency};
use crate::{scratch, BoxError};

/// Pause between two looks at the outbox and the read model while measuring rates.
const RATE_POLL: Duration = Duration::from_millis(20);

/// Pause between two looks at the read model in the direct latency probe.
const PROBE_POLL: Duration = Duration::from_millis(2);

/// Bound on one probe's wait for its entry.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Round trips done before any latency is recorded (tenant schema, registry, connections).
const WARMUP_ROUND_TRIPS: usize = 10;

/// Settings of the end-to-end measurement.
#[derive(Debug, Clone, clap::Args)]
pub struct ProjectionArgs {
    /// Entries posted in the pipeline (and catch-up) phase.
    #[arg(long, default_value_t = 2_000)]
    pub entries: usize,
    /// Concurrent clients in the pipeline phase.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Sequential round trips in each latency probe.
    #[arg(long, default_value_t = 50)]
    pub latency_samples: usize,
    /// Bound, in seconds, on each phase; a phase that does not finish in time fails the run.
    #[arg(long, default_value_t = 30)]
    pub max_seconds: u64,
}

/// JSON line: how soon a single command is visible under no load.
#[derive(Debug, Serialize)]
pub struct VisibleLatencyReport {
    /// Always `prism_visible_latency`.
    pub measurement: &'static str,
    /// POST, then GET with `X-Prism-Min-Position`: the whole round trip.
    pub query_api_round_trip: Latency,
    /// The GET part of that round trip (visible-after-command through the query API).
    pub query_api_visible_after_command: Latency,
    /// Visible-after-command with the read model polled directly every 2 ms.
    pub read_model_visible_after_command: Latency,
}

/// JSON line: events per second through command API, relay, Kafka and projector.
#[derive(Debug, Serialize)]
pub struct PipelineReport {
    /// Always `prism_end_to_end`.
    pub measurement: &'static str,
    /// Entries posted (one event each).
    pub entries: usize,
    /// Concurrent clients.
    pub concurrency: usize,
    /// First post to last answer.
    pub posting_seconds: f64,
    /// Accepted commands per second while posting (projector and relay running).
    pub commands_per_s: f64,
    /// First post to the outbox of the tenant being empty after the last post.
    pub relayed_seconds: f64,
    /// First post to the last entry visible in the read model.
    pub visible_seconds: f64,
    /// Entries ÷ `visible_seconds`: the end-to-end rate.
    pub events_per_s: f64,
    /// Last answer to last entry visible: the backlog left behind the command side.
    pub drain_after_last_command_seconds: f64,
}

/// Everything measurement (b) reports.
#[derive(Debug)]
pub struct ProjectionReports {
    /// Latency under no load.
    pub latency: VisibleLatencyReport,
    /// Live pipeline rate.
    pub pipeline: PipelineReport,
}

/// Runs the measurement on fresh systems and removes them afterwards.
///
/// # Errors
/// A refused command, a failed request, or a phase that overruns `max_seconds`.
pub async fn run(args: &ProjectionArgs) -> Result<ProjectionReports, BoxError> {
    let system = scratch::start(vec![ProjectorKind::Postgres]).await;
    let live = live_phases(&system, args).await;
    scratch::remove(system).await;
    let (latency, pipeline) = live?;
    Ok(ProjectionReports { latency, pipeline })
}

async fn live_phases(
    system: &System,
    args: &ProjectionArgs,
) -> Result<(VisibleLatencyReport, PipelineReport), BoxError> {
    let client = crate::http_client(args.concurrency)?;
    let tenant = system.ledger_tenant().await;
    for _ in 0..WARMUP_ROUND_TRIPS {
        query_api_round_trip(system, &client, &tenant).await?;
    }
    let latency = visible_latency(system, &client, &tenant, args.latency_samples).await?;
    let pipeline = pipeline(system, &client, args).await?;
    Ok((latency, pipeline))
}

async fn visible_latency(
    system: &System,
    client: &reqwest::Client,
    tenant: &str,
    samples: usize,
) -> Result<VisibleLatencyReport, BoxError> {
    let mut round_trips = Vec::with_capacity(samples);
    let mut query_waits = Vec::with_capacity(samples);
    for _ in 0..samples {
        let (round_trip, wait) = query_api_round_trip(system, client, tenant).await?;
        round_trips.push(round_trip);
        query_waits.push(wait);
    }
    let mut direct_waits = Vec::with_capacity(samples);
    for _ in 0..samples {
        direct_waits.push(read_model_wait(system, client, tenant).await?);
    }
    Ok(VisibleLatencyReport {
        measurement: "prism_visible_latency",
        query_api_round_trip: Latency::of(&round_trips),
        query_api_visible_after_command: Latency::of(&query_waits),
        read_model_visible_after_command: Latency::of(&direct_waits),
    })
}

/// POST one entry, then GET it with its position as consistency token: (round trip, GET).
async fn query_api_round_trip(
    system: &System,
    client: &reqwest::Client,
    tenant: &str,
) -> Result<(Duration, Duration), BoxError> {
    let token = system.token(tenant).await;
    let started = Instant::now();
    let (entry_id, position) = load::post_single(client, &system.command_url, &token).await?;
    let accepted = Instant::now();
    load::get_visible(client, &system.query_url, &token, &entry_id, position).await?;
    let visible = Instant::now();
    Ok((visible - started, visible - accepted))
}

/// POST one entry, then poll the read model directly until it holds it: the wait.
async fn read_model_wait(system: &System, client: &reqwest::Client, tenant: &str) -> Result<Duration, BoxError> {
    let token = system.token(tenant).await;
    let (entry_id, _) = load::post_single(client, &system.command_url, &token).await?;
    let accepted = Instant::now();
    let sql = format!("SELECT EXISTS (SELECT 1 FROM tenant_{tenant}.journal_entries WHERE entry_id = $1::uuid)");
    loop {
        if sqlx::query_scalar::<_, bool>(&sql).bind(&entry_id).fetch_one(&system.pool).await? {
            return Ok(accepted.elapsed());
        }
        if accepted.elapsed() > PROBE_TIMEOUT {
            return Err(format!("entry {entry_id} not in the read model after {PROBE_TIMEOUT:?}").into());
        }
        tokio::time::sleep(PROBE_POLL).await;
    }
}

async fn pipeline(
    system: &System,
    client: &reqwest::Client,
    args: &ProjectionArgs,
) -> Result<PipelineReport, BoxError> {
    let tenant = system.ledger_tenant().await;
    let token = system.token(&tenant).await;
    load::post_single(client, &system.command_url, &token).await?; // warms up
    wait_for_rows(system, &tenant, 1, Instant::now() + Duration::from_secs(args.max_seconds)).await?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.max_seconds);
    let load = Load {
        command_url: system.command_url.clone(),
        token,
        count: args.entries,
        concurrency: args.concurrency,
        deadline,
    };
    let outcome = load::run(client, &load).await?;
    if outcome.accepted() < args.entries {
        return Err(format!(
            "only {} of {} entries posted in {} s",
            outcome.accepted(),
            args.entries,
            args.max_seconds
        )
        .into());
    }
    let expected = i64::try_from(args.entries + 1)?;
    let drain_deadline = Instant::now() + Duration::from_secs(args.max_seconds);
    let mut relayed = None;
    loop {
        if relayed.is_none() && system.outbox_depth(&tenant).await == 0 {
            relayed = Some(started.elapsed());
        }
        if relayed.is_some() && system.count(&tenant, "journal_entries").await >= expected {
            break;
        }
        if Instant::now() > drain_deadline {
            return Err(stalled(system, &tenant, expected).await);
        }
        tokio::time::sleep(RATE_POLL).await;
    }
    let visible = started.elapsed();
    Ok(PipelineReport {
        measurement: "prism_end_to_end",
        entries: args.entries,
        concurrency: args.concurrency,
        posting_seconds: outcome.elapsed.as_secs_f64(),
        commands_per_s: per_second(outcome.accepted(), outcome.elapsed),
        relayed_seconds: relayed.unwrap_or(visible).as_secs_f64(),
        visible_seconds: visible.as_secs_f64(),
        events_per_s: per_second(args.entries, visible),
        drain_after_last_command_seconds: visible.saturating_sub(outcome.elapsed).as_secs_f64(),
    })
}

/// Polls until `tenant`'s read model holds at least `expected` entries; returns the count
/// seen then and how long the wait took. An error after `deadline`.
async fn wait_for_rows(
    system: &System,
    tenant: &str,
    expected: i64,
    deadline: Instant,
) -> Result<(i64, Duration), BoxError> {
    let started = Instant::now();
    loop {
        let count = system.count(tenant, "journal_entries").await;
        if count >= expected {
            return Ok((count, started.elapsed()));
        }
        if Instant::now() > deadline {
            return Err(stalled(system, tenant, expected).await);
        }
        tokio::time::sleep(RATE_POLL).await;
    }
}

async fn stalled(system: &System, tenant: &str, expected: i64) -> BoxError {
    let visible = system.count(tenant, "journal_entries").await;
    let waiting = system.outbox_depth(tenant).await;
    format!("stalled: {visible} of {expected} entries visible, {waiting} still in the outbox").into()
}

impl ProjectionReports {
    /// Human-readable lines.
    #[must_use]
    pub fn summary(&self) -> Vec<String> {
        let l = &self.latency;
        let p = &self.pipeline;
        let lines = vec![
            format!(
                "visible after command (no load, {} samples): query API p50 {:.1} ms p95 {:.1} ms (round trip p50 {:.1} ms); read model polled every 2 ms p50 {:.1} ms p95 {:.1} ms",
                l.query_api_visible_after_command.samples,
                l.query_api_visible_after_command.p50_ms,
                l.query_api_visible_after_command.p95_ms,
                l.query_api_round_trip.p50_ms,
                l.read_model_visible_after_command.p50_ms,
                l.read_model_visible_after_command.p95_ms,
            ),
            format!(
                "end to end: {:.0} events/s ({} entries, {} clients: posted in {:.2} s at {:.0} commands/s, relayed by {:.2} s, visible by {:.2} s, {:.0} ms after the last command)",
                p.events_per_s,
                p.entries,
                p.concurrency,
                p.posting_seconds,
                p.commands_per_s,
                p.relayed_seconds,
                p.visible_seconds,
                p.drain_after_last_command_seconds * 1_000.0,
            ),
        ];
        lines
    }
}
