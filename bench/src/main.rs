//! `prism-bench`: benchmark programs for Prism. Each measurement starts its own in-process
//! Prism system on the local stack (fresh database and topic prefix, removed afterwards),
//! prints one JSON line per result on stdout and a human summary on stderr. `scripts/bench`
//! runs them beside their raw baselines (pgbench, Kafka's perf tools) and prints the ratios.
//!
//! ```sh
//! cargo run --release -p prism-bench -- write --entries 4000 --concurrency 16
//! cargo run --release -p prism-bench -- projection --entries 2000
//! cargo run --release -p prism-bench -- ratios --results results.jsonl
//! ```

mod load;
mod projection_rate;
mod ratios;
mod scratch;
mod stats;
mod write_rate;

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
    /// (a) Command write rate: concurrent clients posting journal entries, no projectors.
    Write(write_rate::WriteArgs),
    /// (b) End-to-end projection rate and visible-after-command latency (Postgres projector).
    Projection(projection_rate::ProjectionArgs),
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
        Measurement::Write(args) => {
            let report = write_rate::run(&args).await?;
            emit(&report, &[report.summary()])
        }
        Measurement::Projection(args) => {
            let reports = projection_rate::run(&args).await?;
            let summary = reports.summary();
            emit(&reports.latency, &summary[..1])?;
            emit(&reports.pipeline, &summary[1..2])?;
            match &reports.catch_up {
                Some(catch_up) => emit(catch_up, &summary[2..]),
                None => Ok(()),
            }
        }
        Measurement::Ratios(args) => {
            for ratio in ratios::run(&args)? {
                emit(&ratio, &[ratio.summary()])?;
            }
            Ok(())
        }
    }
}

/// Prints `report` as one JSON line on stdout and `summary` on stderr.
fn emit<T: Serialize>(report: &T, summary: &[String]) -> Result<(), BoxError> {
    println!("{}", serde_json::to_string(report)?);
    for line in summary {
        eprintln!("[bench] {line}");
    }
    Ok(())
}

/// An HTTP client keeping up to `connections` idle keep-alive connections per host.
fn http_client(connections: usize) -> Result<reqwest::Client, BoxError> {
    Ok(reqwest::Client::builder().pool_max_idle_per_host(connections.max(1)).timeout(REQUEST_TIMEOUT).build()?)
}
