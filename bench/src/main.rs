//! `prism-bench`: benchmark programs for Prism. Each measurement starts its own in-process
//! Prism system on the local stack (fresh database and topic prefix, removed afterwards),
//! prints one JSON line per result on stdout and a human summary on stderr. `scripts/bench`
//! runs them beside their raw baselines (pgbench, Kafka's perf tools) and prints the ratios.
//!
//! ```sh
//! cargo run --release -p prism-bench -- append --clients 1,8,32 --seconds 5
//! cargo run --release -p prism-bench -- contention --clients 16 --seconds 5
//! cargo run --release -p prism-bench -- relay --events 20000
//! cargo run --release -p prism-bench -- projection --entries 2000
//! cargo run --release -p prism-bench -- offered-load --rates 500,2000 --seconds 5
//! cargo run --release -p prism-bench -- catch-up --entries 2000 --projectors mongo,timescale
//! cargo run --release -p prism-bench -- audit --events 1000000
//! cargo run --release -p prism-bench -- ratios --results results.jsonl
//! ```
//!
//! Every JSON line also carries `bench_peak_rss_mib`: the peak resident set of this process
//! (load generator and in-process system together) when the line was written.

mod append_rate;
mod audit_rate;
mod backlog;
mod catch_up;
mod contention;
mod direct_append;
mod ids;
mod load;
mod offered_load;
mod projection_rate;
mod ratios;
mod relay_rate;
mod scratch;
mod stats;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use serde::Serialize;

/// Error type of the benchmark: anything, with a message.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Bound on any single HTTP request of the benchmark.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Command line.
#[derive(Debug, Parser)]
#[command(name = "prism-bench", about = "Benchmark programs for Prism (JSON lines on stdout, summary on stderr)")]
struct Cli {
    #[command(subcommand)]
    measurement: Measurement,
}

#[derive(Debug, Subcommand)]
enum Measurement {
    /// Command append at 1, 8 and 32 clients, each a fixed duration, no projectors: through HTTP
    /// and directly through the framework, to show what HTTP costs.
    Append(append_rate::AppendArgs),
    /// Contention: many clients racing on one aggregate (reverse, duplicate post); 409 rate.
    Contention(contention::ContentionArgs),
    /// Relay throughput from a backlog committed in one transaction.
    Relay(relay_rate::RelayArgs),
    /// (b) End-to-end projection rate and visible-after-command latency (Postgres projector).
    Projection(projection_rate::ProjectionArgs),
    /// End-to-end latency at fixed offered loads (open loop; Postgres projector).
    OfferedLoad(offered_load::OfferedLoadArgs),
    /// Projector catch-up from a backlog in Kafka (MongoDB and Timescale by default).
    CatchUp(catch_up::CatchUpArgs),
    /// Audit tooling on a large event store: rebuild, verify the chain, verify read models.
    Audit(audit_rate::AuditArgs),
    /// Ratios of Prism's numbers to the baselines in a results file.
    Ratios(ratios::RatiosArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.measurement).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("[bench] FAILED: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(measurement: Measurement) -> Result<(), BoxError> {
    match measurement {
        Measurement::Append(args) => {
            for report in append_rate::run(&args).await? {
                emit(&report, &[])?;
            }
            Ok(())
        }
        Measurement::Contention(args) => {
            for report in contention::run(&args).await? {
                emit(&report, &[])?;
            }
            Ok(())
        }
        Measurement::Relay(args) => {
            let report = relay_rate::run(&args).await?;
            emit(&report, &[report.summary()])
        }
        Measurement::Projection(args) => {
            let reports = projection_rate::run(&args).await?;
            let summary = reports.summary();
            emit(&reports.latency, &summary[..1])?;
            emit(&reports.pipeline, &summary[1..])
        }
        Measurement::OfferedLoad(args) => {
            for report in offered_load::run(&args).await? {
                emit(&report, &[])?;
            }
            Ok(())
        }
        Measurement::CatchUp(args) => {
            for report in catch_up::run(&args).await? {
                emit(&report, &[])?;
            }
            Ok(())
        }
        Measurement::Audit(args) => {
            for report in audit_rate::run(&args).await? {
                let summary = report.summary();
                emit(&report, &[summary])?;
            }
            Ok(())
        }
        Measurement::Ratios(args) => {
            for ratio in ratios::run(&args)? {
                println!("{}", serde_json::to_string(&ratio)?);
                eprintln!("[bench] {}", ratio.summary());
            }
            Ok(())
        }
    }
}

/// Prints `report`, with the process's peak RSS added, as one JSON line on stdout and
/// `summary` on stderr.
fn emit<T: Serialize>(report: &T, summary: &[String]) -> Result<(), BoxError> {
    let mut line = serde_json::to_value(report)?;
    if let (Some(fields), Some(rss)) = (line.as_object_mut(), stats::peak_rss_mib()) {
        fields.insert("bench_peak_rss_mib".to_owned(), serde_json::json!((rss * 10.0).round() / 10.0));
    }
    println!("{line}");
    for line in summary {
        eprintln!("[bench] {line}");
    }
    Ok(())
}

/// An HTTP client keeping up to `connections` idle keep-alive connections per host.
fn http_client(connections: usize) -> Result<reqwest::Client, BoxError> {
    Ok(reqwest::Client::builder().pool_max_idle_per_host(connections.max(1)).timeout(REQUEST_TIMEOUT).build()?)
}
