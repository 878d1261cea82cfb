//! Contention: many clients on ONE aggregate at a time. A journal entry accepts exactly two
//! events (posted, then reversed), so the race is short and its outcome is known: in each
//! round, `clients` requests are sent at once against one aggregate and exactly one must
//! win (201) while the others must be refused with 409. Two races:
//!
//! * `reverse` — an entry is posted, then every client reverses it at the same moment;
//! * `duplicate_post` — every client posts an entry with the same new `entry_id`.
//!
//! Rounds repeat for a fixed duration. Reported: racing requests per second, the 409 rate,
//! the latency of the racing requests, and the rounds with a winner count other than one
//! (which fail the run: that would be a lost or doubled write).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::{Duration, Instant};

use prism_tests::ledger::entry;
use prism_tests::system::System;
use serde::Serialize;
use serde_json::{json, Value};

use crate::load;
use crate::stats::{per_second, Latency};
use crate::{scratch, BoxError};

/// Problem type of a write that lost the optimistic-concurrency race.
const VERSION_CONFLICT: &str = "urn:prism:problem:version-conflict";

/// Settings of the contention measurement.
#[derive(Debug, Clone, clap::Args)]
pub struct ContentionArgs {
    /// Clients racing on the one aggregate.
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
    /// Measured seconds per race.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=120))]
    pub seconds: u64,
}

/// Which race.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Race {
    /// Everyone reverses the same freshly posted entry.
    Reverse,
    /// Everyone posts the same new entry id.
    DuplicatePost,
}

/// The JSON line of one race.
#[derive(Debug, Serialize)]
pub struct ContentionReport {
    /// Always `prism_contention`.
    pub measurement: &'static str,
    /// The race.
    pub race: Race,
    /// Clients racing per round.
    pub clients: usize,
    /// Rounds run (one aggregate each).
    pub rounds: usize,
    /// Wall time of all rounds (including the setup post of each `reverse` round).
    pub seconds: f64,
    /// Racing requests answered.
    pub requests: usize,
    /// Racing requests answered per second of wall time.
    pub requests_per_s: f64,
    /// Racing requests answered 201.
    pub accepted: usize,
    /// Racing requests answered 409.
    pub conflicts: usize,
    /// `conflicts ÷ requests`.
    pub conflict_rate: f64,
    /// 409s of type `version-conflict`: the request passed the aggregate's rules on a stale
    /// state and lost the optimistic-concurrency check when appending. The other 409s were
    /// refused by the rules (already reversed, duplicate id) on the winner's state.
    pub version_conflicts: usize,
    /// Latency of every racing request.
    pub latency: Latency,
}

/// Runs both races on one fresh system and removes it afterwards.
///
/// # Errors
/// A status other than 201/409, or a round without exactly one winner.
pub async fn run(args: &ContentionArgs) -> Result<Vec<ContentionReport>, BoxError> {
    let system = scratch::start(vec![]).await;
    let result = async {
        let mut reports = Vec::new();
        for race in [Race::Reverse, Race::DuplicatePost] {
            let report = measure(&system, args, race).await?;
            eprintln!("[bench] {}", report.summary());
            reports.push(report);
        }
        Ok(reports)
    }
    .await;
    scratch::remove(system).await;
    result
}

async fn measure(system: &System, args: &ContentionArgs, race: Race) -> Result<ContentionReport, BoxError> {
    let clients = args.clients.max(2);
    let client = crate::http_client(clients)?;
    let tenant = system.ledger_tenant().await;
    let token = system.token(&tenant).await;
    load::post_single(&client, &system.command_url, &token).await?; // warms up
    let ids = RandomState::new();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let (mut rounds, mut accepted, mut conflicts, mut version_conflicts) = (0, 0, 0, 0);
    let mut latencies = Vec::new();
    while Instant::now() < deadline {
        let (url, body) = match race {
            Race::Reverse => {
                let (entry_id, _) = load::post_single(&client, &system.command_url, &token).await?;
                (format!("{}/v1/journal-entries/{entry_id}/reverse", system.command_url), json!({"reason": "race"}))
            }
            Race::DuplicatePost => {
                let mut body = entry("1000", "3000", 100);
                body["entry_id"] = Value::String(pseudo_uuid(ids.hash_one(rounds)));
                (format!("{}/v1/journal-entries", system.command_url), body)
            }
        };
        let body = serde_json::to_vec(&body)?;
        let racers: Vec<_> = (0..clients)
            .map(|_| tokio::spawn(send(client.clone(), url.clone(), token.clone(), body.clone())))
            .collect();
        let mut winners = 0;
        for joined in futures::future::join_all(racers).await {
            let (status, answer, latency) = joined.map_err(|e| format!("racer task failed: {e}"))??;
            latencies.push(latency);
            match status {
                201 => winners += 1,
                409 => {
                    conflicts += 1;
                    if answer["type"] == VERSION_CONFLICT {
                        version_conflicts += 1;
                    }
                }
                other => return Err(format!("{race:?} race: answer {other}: {answer}").into()),
            }
        }
        if winners != 1 {
            return Err(format!("{race:?} race round {rounds}: {winners} winners instead of exactly one").into());
        }
        accepted += winners;
        rounds += 1;
    }
    let elapsed = started.elapsed();
    let requests = latencies.len();
    Ok(ContentionReport {
        measurement: "prism_contention",
        race,
        clients,
        rounds,
        seconds: elapsed.as_secs_f64(),
        requests,
        requests_per_s: per_second(requests, elapsed),
        accepted,
        conflicts,
        conflict_rate: if requests == 0 { 0.0 } else { conflicts as f64 / requests as f64 },
        version_conflicts,
        latency: Latency::of(&latencies),
    })
}

/// One racing request: (status, JSON answer or `Null`, latency).
async fn send(
    client: reqwest::Client,
    url: String,
    token: String,
    body: Vec<u8>,
) -> Result<(u16, Value, Duration), BoxError> {
    let sent = Instant::now();
    let response =
        client.post(&url).header("content-type", "application/json").bearer_auth(&token).body(body).send().await?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await?;
    let latency = sent.elapsed();
    Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), latency))
}

/// A version-4-shaped UUID string from 64 random bits and the clock (unique per run and round).
fn pseudo_uuid(random: u64) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let bits = (u128::from(random) << 64) ^ nanos;
    let hex = format!("{bits:032x}");
    format!("{}-{}-4{}-8{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}

impl ContentionReport {
    /// One human-readable line.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "contention ({:?}, {} clients on one aggregate): {:.0} requests/s over {} rounds in {:.1} s, {} accepted, {} × 409 ({:.1}%; {} version conflicts), latency p50 {:.1} ms, p99 {:.1} ms",
            self.race,
            self.clients,
            self.requests_per_s,
            self.rounds,
            self.seconds,
            self.accepted,
            self.conflicts,
            self.conflict_rate * 100.0,
            self.version_conflicts,
            self.latency.p50_ms,
            self.latency.p99_ms,
        )
    }
}
