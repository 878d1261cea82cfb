//! Command append: `PostJournalEntry` at several client counts (1, 8 and 32 by default),
//! every command a new aggregate, on one in-process system that runs no projectors (the
//! relay runs, as in production). Each level is measured twice on the same tenant: through
//! the HTTP command API (`prism_command_append`) and then directly through the command
//! side's framework, in-process ([`crate::direct_append`], `prism_command_append_direct`), so
//! the difference is what HTTP costs. Each measurement gets a warm-up, then a fixed measured
//! duration; it reports accepted commands per second and latency percentiles from every
//! sample, and checks that exactly as many events were stored as commands were accepted.

use std::sync::Arc;
use std::time::{Duration, Instant};

use prism_tests::system::System;
use serde::Serialize;

use crate::direct_append::{self, DirectAppend};
use crate::load::{self, Load, LoadOutcome};
use crate::stats::{per_second, Latency};
use crate::{scratch, BoxError};

/// Measurement name of the levels through HTTP.
const THROUGH_HTTP: &str = "prism_command_append";

/// Measurement name of the levels directly through the framework.
const DIRECT: &str = "prism_command_append_direct";

/// Settings of the append measurement.
#[derive(Debug, Clone, clap::Args)]
pub struct AppendArgs {
    /// Concurrent client counts, one measured level each.
    #[arg(long, value_delimiter = ',', default_values_t = [1, 8, 32])]
    pub clients: Vec<usize>,
    /// Measured seconds per level.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=120))]
    pub seconds: u64,
    /// Warm-up seconds per level (same clients, not recorded).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(0..=30))]
    pub warmup_seconds: u64,
}

/// The JSON line of one level of one path.
#[derive(Debug, Serialize)]
pub struct AppendReport {
    /// `prism_command_append` (through HTTP) or `prism_command_append_direct` (without).
    pub measurement: &'static str,
    /// Concurrent clients: HTTP clients, each with its own keep-alive connection, or tasks
    /// executing commands directly.
    pub clients: usize,
    /// Wall time of the measured phase (the fixed duration plus the last answers).
    pub seconds: f64,
    /// Commands accepted (201, or `Ok` directly) in the measured phase.
    pub commands: usize,
    /// Accepted commands per second.
    pub commands_per_s: f64,
    /// Latency of every accepted command of the measured phase.
    pub latency: Latency,
    /// Commands accepted in the warm-up.
    pub warmup_commands: usize,
}

/// Runs every level, through HTTP and then directly, on one fresh system and removes it
/// afterwards.
///
/// # Errors
/// A refused command, a failed request, or a stored-event count that does not match.
pub async fn run(args: &AppendArgs) -> Result<Vec<AppendReport>, BoxError> {
    let system = scratch::start(vec![]).await;
    let result = measure(&system, args).await;
    scratch::remove(system).await;
    result
}

async fn measure(system: &System, args: &AppendArgs) -> Result<Vec<AppendReport>, BoxError> {
    let tenant = system.ledger_tenant().await;
    let max_clients = args.clients.iter().copied().max().unwrap_or(1);
    let client = crate::http_client(max_clients)?;
    let token = system.token(&tenant).await;
    load::post_single(&client, &system.command_url, &token).await?; // migrates and warms up
    let direct = Arc::new(DirectAppend::connect(system, &tenant, &token).await?);
    let mut stored = StoredCheck { system, tenant: &tenant, expected: 1 };
    let result = measure_levels(&client, &direct, &mut stored, args).await;
    direct.close().await;
    result
}

async fn measure_levels(
    client: &reqwest::Client,
    direct: &Arc<DirectAppend>,
    stored: &mut StoredCheck<'_>,
    args: &AppendArgs,
) -> Result<Vec<AppendReport>, BoxError> {
    let deadline = |seconds: u64| Instant::now() + Duration::from_secs(seconds);
    let mut reports = Vec::new();
    for &clients in &args.clients {
        let token = stored.system.token(stored.tenant).await; // renewed when close to expiring
        let load_for = |seconds: u64| Load {
            command_url: stored.system.command_url.clone(),
            token: token.clone(),
            count: usize::MAX,
            concurrency: clients,
            deadline: deadline(seconds),
        };
        let warmup = load::run(client, &load_for(args.warmup_seconds)).await?;
        let outcome = load::run(client, &load_for(args.seconds)).await?;
        reports.push(stored.report(THROUGH_HTTP, clients, &warmup, &outcome).await?);
        let warmup = direct_append::run(direct, clients, deadline(args.warmup_seconds)).await?;
        let outcome = direct_append::run(direct, clients, deadline(args.seconds)).await?;
        reports.push(stored.report(DIRECT, clients, &warmup, &outcome).await?);
    }
    Ok(reports)
}

/// The count of journal events the tenant must have: every command accepted so far.
struct StoredCheck<'a> {
    system: &'a System,
    tenant: &'a str,
    expected: usize,
}

impl StoredCheck<'_> {
    /// Counts the accepted commands of `warmup` and `outcome`, checks the stored events, and
    /// reports the level (also on stderr).
    async fn report(
        &mut self,
        measurement: &'static str,
        clients: usize,
        warmup: &LoadOutcome,
        outcome: &LoadOutcome,
    ) -> Result<AppendReport, BoxError> {
        self.expected += warmup.accepted() + outcome.accepted();
        let stored = self.system.journal_event_count(self.tenant).await;
        if stored != i64::try_from(self.expected)? {
            return Err(format!("{stored} events stored for {} accepted commands", self.expected).into());
        }
        let report = AppendReport {
            measurement,
            clients,
            seconds: outcome.elapsed.as_secs_f64(),
            commands: outcome.accepted(),
            commands_per_s: per_second(outcome.accepted(), outcome.elapsed),
            latency: Latency::of(&outcome.latencies),
            warmup_commands: warmup.accepted(),
        };
        eprintln!("[bench] {}", report.summary());
        Ok(report)
    }
}

impl AppendReport {
    /// One human-readable line.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "command append{}, {} clients: {:.0} commands/s ({} in {:.1} s), latency p50 {:.1} ms, p99 {:.1} ms, p99.9 {:.1} ms, max {:.1} ms",
            if self.measurement == DIRECT { " without HTTP" } else { "" },
            self.clients,
            self.commands_per_s,
            self.commands,
            self.seconds,
            self.latency.p50_ms,
            self.latency.p99_ms,
            self.latency.p999_ms,
            self.latency.max_ms,
        )
    }
}
