//! Measurement (a), the command write rate: `concurrency` clients post balanced two-line
//! journal entries to the command API of an in-process system that runs no projectors
//! (the relay runs, as it does in production). Reports accepted commands per second and
//! the latency percentiles of the accepted commands, then checks that exactly as many
//! events were stored as commands accepted.

use std::time::{Duration, Instant};

use prism_tests::system::{new_tenant, System};
use serde::Serialize;

use crate::load::{self, Load, LoadOutcome};
use crate::stats::{per_second, Latency};
use crate::{scratch, BoxError};

/// Settings of the write-rate measurement.
#[derive(Debug, Clone, clap::Args)]
pub struct WriteArgs {
    /// Entries posted in the measured phase.
    #[arg(long, default_value_t = 4_000)]
    pub entries: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Entries posted before measuring (provisions the tenant, opens connections).
    #[arg(long, default_value_t = 200)]
    pub warmup: usize,
    /// No request starts after this many seconds; the result then says `capped: true`.
    #[arg(long, default_value_t = 30)]
    pub max_seconds: u64,
}

/// The JSON line of this measurement.
#[derive(Debug, Serialize)]
pub struct WriteReport {
    /// Always `prism_command_write`.
    pub measurement: &'static str,
    /// Entries the run was asked to post.
    pub entries_requested: usize,
    /// Entries accepted (201) in the measured phase.
    pub entries_accepted: usize,
    /// Concurrent clients.
    pub concurrency: usize,
    /// Wall time of the measured phase.
    pub seconds: f64,
    /// Accepted commands per second.
    pub commands_per_s: f64,
    /// Latency of accepted commands.
    pub latency: Latency,
    /// Whether the time cap ended the run before `entries_requested`.
    pub capped: bool,
    /// Average size of a stored event's JSON payload and metadata, in bytes.
    pub event_bytes_avg: f64,
}

/// Runs the measurement on a fresh system and removes it afterwards.
///
/// # Errors
/// A refused command, a failed request, or a stored-event count that does not match.
pub async fn run(args: &WriteArgs) -> Result<WriteReport, BoxError> {
    let system = scratch::start(vec![]).await;
    let result = measure(&system, args).await;
    scratch::remove(system).await;
    result
}

async fn measure(system: &System, args: &WriteArgs) -> Result<WriteReport, BoxError> {
    let client = crate::http_client(args.concurrency)?;
    let tenant = new_tenant();
    let load_of = |count: usize, seconds: u64| Load {
        command_url: system.command_url.clone(),
        tenant: tenant.clone(),
        count,
        concurrency: args.concurrency,
        deadline: Instant::now() + Duration::from_secs(seconds),
    };
    load::run(&client, &load_of(args.warmup, args.max_seconds)).await?;
    let outcome = load::run(&client, &load_of(args.entries, args.max_seconds)).await?;
    let stored = system.count(&tenant, "events").await;
    let expected = i64::try_from(args.warmup + outcome.accepted())?;
    if stored != expected {
        return Err(format!("{stored} events stored for {expected} accepted commands").into());
    }
    Ok(report(args, &outcome, event_bytes_avg(system, &tenant).await?))
}

fn report(args: &WriteArgs, outcome: &LoadOutcome, event_bytes_avg: f64) -> WriteReport {
    WriteReport {
        measurement: "prism_command_write",
        entries_requested: args.entries,
        entries_accepted: outcome.accepted(),
        concurrency: args.concurrency,
        seconds: outcome.elapsed.as_secs_f64(),
        commands_per_s: per_second(outcome.accepted(), outcome.elapsed),
        latency: Latency::of(&outcome.latencies),
        capped: outcome.accepted() < args.entries,
        event_bytes_avg,
    }
}

/// Average stored size of an event's payload plus metadata in `tenant`'s event store.
async fn event_bytes_avg(system: &System, tenant: &str) -> Result<f64, BoxError> {
    let sql = format!(
        "SELECT COALESCE(avg(octet_length(payload::text) + octet_length(metadata::text)), 0)::float8
           FROM tenant_{tenant}.events"
    );
    Ok(sqlx::query_scalar(&sql).fetch_one(&system.pool).await?)
}

impl WriteReport {
    /// One human-readable line.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "command write: {:.0} commands/s ({} of {} accepted, {} clients, {:.1} s{}), latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
            self.commands_per_s,
            self.entries_accepted,
            self.entries_requested,
            self.concurrency,
            self.seconds,
            if self.capped { ", CAPPED by --max-seconds" } else { "" },
            self.latency.p50_ms,
            self.latency.p95_ms,
            self.latency.p99_ms,
        )
    }
}
