//! End-to-end latency at a fixed offered load (issue 8, item 6), on a system running only the
//! Postgres projector. An **open-loop** generator: the n-th command of a phase is due at
//! `start + n / rate`, whatever happened to the earlier ones; a scheduler task sends every
//! command that is due (so a late wake-up sends a burst, never skips). Each command is one
//! task: `POST /v1/journal-entries`, then `GET /v1/journal-entries/{id}` carrying the answer's
//! position as `X-Prism-Min-Position`. Latencies are taken from the **scheduled** send time,
//! not the actual one, so a generator or a system falling behind shows as latency instead of
//! silently lowering the load (no coordinated omission).
//!
//! Per rate: a warm-up (sent at the same rate, not recorded), then the measured phase; after
//! the last send the phase waits for every command still in flight before the next rate.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use prism_projections::config::ProjectorKind;
use prism_tests::system::System;
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::stats::{per_second, Latency};
use crate::{load, scratch, BoxError};

/// Bound on the wait for the commands still in flight after the last send of a phase.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(60);

/// Settings of the fixed-load measurement.
#[derive(Debug, Clone, clap::Args)]
pub struct OfferedLoadArgs {
    /// Offered loads in commands per second, comma-separated, measured in this order.
    #[arg(long, value_delimiter = ',', default_value = "500,2000")]
    pub rates: Vec<u32>,
    /// Measured seconds per rate.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Warm-up seconds per rate (sent at the same rate, not recorded).
    #[arg(long, default_value_t = 1)]
    pub warmup_seconds: u64,
    /// Commands in flight at most (bounds connections); a due command waits for a slot, and
    /// that wait counts in its latency.
    #[arg(long, default_value_t = 4_096)]
    pub max_in_flight: usize,
}

/// JSON line: one offered load.
#[derive(Debug, Serialize)]
pub struct OfferedLoadReport {
    /// Always `prism_offered_load`.
    pub measurement: &'static str,
    /// Offered commands per second (the schedule).
    pub offered_per_s: u32,
    /// Measured seconds (warm-up excluded).
    pub seconds: u64,
    /// Commands scheduled in the measured phase.
    pub scheduled: usize,
    /// Of those, accepted with 201.
    pub accepted: usize,
    /// Of those, visible through the query API (GET answered 200).
    pub visible: usize,
    /// POSTs that failed (status other than 201, or transport error).
    pub post_errors: usize,
    /// GETs that failed (status other than 200, e.g. 504 consistency timeout, or transport).
    pub get_errors: usize,
    /// Accepted commands ÷ the measured phase's length: its schedule (`scheduled ÷ offered`),
    /// or longer when the last POST answered after the schedule ended.
    pub achieved_per_s: f64,
    /// Actual send behind the scheduled time (timer granularity, a busy generator, or the
    /// in-flight limit); already included in every latency below.
    pub send_delay: Latency,
    /// Scheduled send → POST answered (201).
    pub post: Latency,
    /// POST answered → GET with min-position answered: command accepted → visible.
    pub accepted_to_visible: Latency,
    /// Scheduled send → visible: the whole path as a client sees it.
    pub scheduled_to_visible: Latency,
    /// Most commands in flight at once.
    pub max_in_flight_seen: usize,
}

/// What one command did, times relative to its scheduled send.
#[derive(Debug, Default)]
struct Sample {
    send_delay: Duration,
    post: Option<Duration>,
    visible: Option<Duration>,
    post_error: bool,
    get_error: bool,
}

/// Runs every rate on one fresh system and removes it afterwards.
///
/// # Errors
/// When the system cannot be provisioned, or a phase does not drain in time.
pub async fn run(args: &OfferedLoadArgs) -> Result<Vec<OfferedLoadReport>, BoxError> {
    let system = scratch::start(vec![ProjectorKind::Postgres]).await;
    let result = phases(&system, args).await;
    scratch::remove(system).await;
    result
}

async fn phases(system: &System, args: &OfferedLoadArgs) -> Result<Vec<OfferedLoadReport>, BoxError> {
    let client = crate::http_client(args.max_in_flight.min(1_024))?;
    let tenant = system.ledger_tenant().await;
    // Provision the tenant, its schema and read model, and the registry before any clock runs.
    let token = system.token(&tenant).await;
    for _ in 0..10 {
        let (entry_id, position) = load::post_single(&client, &system.command_url, &token).await?;
        if load::get_visible(&client, &system.query_url, &token, &entry_id, position).await.is_err() {
            return Err("warm-up entry never became visible".into());
        }
    }
    let mut reports = Vec::new();
    for &rate in &args.rates {
        let token = system.token(&tenant).await; // renewed when close to expiring
        let report = phase(system, &client, &token, rate, args).await?;
        eprintln!("[bench] {}", report.summary());
        reports.push(report);
    }
    Ok(reports)
}

async fn phase(
    system: &System,
    client: &reqwest::Client,
    token: &str,
    rate: u32,
    args: &OfferedLoadArgs,
) -> Result<OfferedLoadReport, BoxError> {
    let rate = rate.max(1);
    let interval = Duration::from_secs(1) / rate;
    let warmup = usize::try_from(u64::from(rate) * args.warmup_seconds)?;
    let total = warmup + usize::try_from(u64::from(rate) * args.seconds)?;
    let slots = Arc::new(Semaphore::new(args.max_in_flight.max(1)));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let max_in_flight = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::with_capacity(total);
    let start = Instant::now() + Duration::from_millis(10);
    let mut n = 0usize;
    while n < total {
        let due = start + interval * u32::try_from(n)?;
        tokio::time::sleep_until(due.into()).await;
        // Everything due by now goes out, in schedule order.
        let now = Instant::now();
        while n < total && start + interval * u32::try_from(n)? <= now {
            let scheduled = start + interval * u32::try_from(n)?;
            let permit = Arc::clone(&slots).acquire_owned().await?;
            let command = Command {
                client: client.clone(),
                command_url: system.command_url.clone(),
                query_url: system.query_url.clone(),
                token: token.to_owned(),
                number: n,
                scheduled,
            };
            let (in_flight, max_in_flight) = (Arc::clone(&in_flight), Arc::clone(&max_in_flight));
            tasks.push(tokio::spawn(async move {
                let now = in_flight.fetch_add(1, Ordering::Relaxed) + 1;
                max_in_flight.fetch_max(now, Ordering::Relaxed);
                let sample = command.run().await;
                in_flight.fetch_sub(1, Ordering::Relaxed);
                drop(permit);
                sample
            }));
            n += 1;
        }
    }
    let joined = tokio::time::timeout(DRAIN_TIMEOUT, futures::future::join_all(tasks))
        .await
        .map_err(|_| format!("{rate}/s: commands still in flight {DRAIN_TIMEOUT:?} after the last send"))?;
    let samples: Vec<Sample> =
        joined.into_iter().skip(warmup).collect::<Result<_, _>>().map_err(|e| format!("command task failed: {e}"))?;
    Ok(report(rate, args.seconds, &samples, max_in_flight.load(Ordering::Relaxed)))
}

/// The report of a measured phase; `samples` in schedule order, the first at its start.
fn report(rate: u32, seconds: u64, samples: &[Sample], max_in_flight_seen: usize) -> OfferedLoadReport {
    let posts: Vec<Duration> = samples.iter().filter_map(|s| s.post).collect();
    let accepted_to_visible: Vec<Duration> = samples.iter().filter_map(|s| Some(s.visible? - s.post?)).collect();
    let scheduled_to_visible: Vec<Duration> = samples.iter().filter_map(|s| s.visible).collect();
    // The schedule's length, or the last POST answer after the first scheduled send if later.
    let schedule = Duration::from_secs_f64(samples.len() as f64 / f64::from(rate));
    let last_answer = samples
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let scheduled = Duration::from_secs(1) * u32::try_from(i).ok()? / rate;
            Some(scheduled + s.post?)
        })
        .max()
        .unwrap_or_default();
    let span = schedule.max(last_answer);
    OfferedLoadReport {
        measurement: "prism_offered_load",
        offered_per_s: rate,
        seconds,
        scheduled: samples.len(),
        accepted: posts.len(),
        visible: scheduled_to_visible.len(),
        post_errors: samples.iter().filter(|s| s.post_error).count(),
        get_errors: samples.iter().filter(|s| s.get_error).count(),
        achieved_per_s: per_second(posts.len(), span),
        send_delay: Latency::of(&samples.iter().map(|s| s.send_delay).collect::<Vec<_>>()),
        post: Latency::of(&posts),
        accepted_to_visible: Latency::of(&accepted_to_visible),
        scheduled_to_visible: Latency::of(&scheduled_to_visible),
        max_in_flight_seen,
    }
}

/// One scheduled command.
struct Command {
    client: reqwest::Client,
    command_url: String,
    query_url: String,
    /// Access token of the tenant's admin.
    token: String,
    number: usize,
    scheduled: Instant,
}

impl Command {
    async fn run(self) -> Sample {
        let mut sample = Sample { send_delay: self.scheduled.elapsed(), ..Sample::default() };
        let Ok((entry_id, position)) = self.post().await else {
            sample.post_error = true;
            return sample;
        };
        sample.post = Some(self.scheduled.elapsed());
        match load::get_visible(&self.client, &self.query_url, &self.token, &entry_id, position).await {
            Ok(()) => sample.visible = Some(self.scheduled.elapsed()),
            Err(_) => sample.get_error = true,
        }
        sample
    }

    async fn post(&self) -> Result<(String, i64), BoxError> {
        let amount = i64::try_from(self.number % 1_000_000).unwrap_or(0) + 1;
        load::post_entry(&self.client, &self.command_url, &self.token, amount).await
    }
}

impl OfferedLoadReport {
    /// One human-readable line.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "offered {}/s for {} s: achieved {:.0}/s ({} of {} accepted, {} visible, {} POST / {} GET errors, send delay p99 {:.1} ms, max {} in flight); POST p50/p99/p99.9 {:.1}/{:.1}/{:.1} ms; accepted→visible p50/p99/p99.9 {:.1}/{:.1}/{:.1} ms; scheduled→visible p99 {:.1} ms",
            self.offered_per_s,
            self.seconds,
            self.achieved_per_s,
            self.accepted,
            self.scheduled,
            self.visible,
            self.post_errors,
            self.get_errors,
            self.send_delay.p99_ms,
            self.max_in_flight_seen,
            self.post.p50_ms,
            self.post.p99_ms,
            self.post.p999_ms,
            self.accepted_to_visible.p50_ms,
            self.accepted_to_visible.p99_ms,
            self.accepted_to_visible.p999_ms,
            self.scheduled_to_visible.p99_ms,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(post_ms: u64, visible_ms: u64) -> Sample {
        Sample {
            send_delay: Duration::ZERO,
            post: Some(Duration::from_millis(post_ms)),
            visible: Some(Duration::from_millis(visible_ms)),
            post_error: false,
            get_error: false,
        }
    }

    #[test]
    fn keeping_up_achieves_the_offered_rate_and_visible_is_measured_from_the_answer() {
        let samples: Vec<Sample> = (0..100).map(|_| answered(2, 12)).collect();
        let report = report(100, 1, &samples, 3);
        assert!((report.achieved_per_s - 100.0).abs() < 1e-6);
        assert!((report.accepted_to_visible.p99_ms - 10.0).abs() < 1e-9);
        assert!((report.scheduled_to_visible.p50_ms - 12.0).abs() < 1e-9);
        assert_eq!((report.accepted, report.visible, report.post_errors), (100, 100, 0));
    }

    #[test]
    fn falling_behind_lowers_the_achieved_rate_and_failures_are_counted() {
        // 10 commands scheduled over 0.1 s, the last answered 0.9 s after its schedule.
        let mut samples: Vec<Sample> = (0..10).map(|i| answered(100 * i, 100 * i + 5)).collect();
        samples.push(Sample { post_error: true, ..Sample::default() });
        let report = report(100, 1, &samples, 10);
        // Last answer at 0.09 s + 0.9 s = 0.99 s after the first scheduled send.
        assert!((report.achieved_per_s - 10.0 / 0.99).abs() < 1e-6);
        assert_eq!((report.scheduled, report.accepted, report.post_errors), (11, 10, 1));
        assert!((report.accepted_to_visible.max_ms - 5.0).abs() < 1e-9);
    }
}
