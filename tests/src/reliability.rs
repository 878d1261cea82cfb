//! What a fault test observed, written down for `RELIABILITY.md`: each fault test ends by
//! recording one [`Observation`] (events accepted, lost, duplicated in read models, time to
//! recover) as a JSON line under `target/reliability/`, and `scripts/reliability-report`
//! turns the lines of a test run into the report's table.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::env::StackEnv;

/// One fault test's outcome, as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Observation {
    /// The fault injected, e.g. "Kafka broker stopped under load".
    pub fault: &'static str,
    /// What the test does, in a sentence.
    pub procedure: &'static str,
    /// Commands (or events) accepted while the test ran.
    pub accepted: u64,
    /// Accepted events missing from the topic or read model at the end (the promise: 0).
    pub lost: u64,
    /// Events applied twice to a read model (the promise: 0).
    pub duplicated: u64,
    /// From the fault's end to the system being caught up again, when that applies.
    #[serde(skip)]
    pub recovery: Option<Duration>,
    /// Anything else the test saw that a reader should know (may be empty).
    pub notes: String,
}

#[derive(Serialize)]
struct Line<'a> {
    test: &'a str,
    #[serde(flatten)]
    observation: &'a Observation,
    recovery_seconds: Option<f64>,
    recorded_at: String,
}

/// The folder the observations of a test run go to: `$PRISM_RELIABILITY_DIR`, or
/// `target/reliability` under the repository root.
#[must_use]
pub fn observations_dir() -> PathBuf {
    std::env::var("PRISM_RELIABILITY_DIR")
        .map_or_else(|_| StackEnv::from_env().repo_root.join("target/reliability"), PathBuf::from)
}

/// Appends `observation` of the test named `test` to `observations.jsonl`. A test records
/// only after its assertions pass, so the file lists what was proven.
///
/// # Panics
/// When the folder or the file cannot be written (a failed test, as it should be).
pub fn record(test: &str, observation: &Observation) {
    let dir = observations_dir();
    std::fs::create_dir_all(&dir).expect("create the reliability observations folder");
    let line = Line {
        test,
        observation,
        recovery_seconds: observation.recovery.map(|d| d.as_secs_f64()),
        recorded_at: chrono::Utc::now().to_rfc3339(),
    };
    let mut text = serde_json::to_string(&line).expect("an observation serializes");
    text.push('\n');
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("observations.jsonl"))
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .expect("append the observation");
}
