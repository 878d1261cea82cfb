//! Ratios of Prism's numbers to their raw baselines, from one run's results file: the JSON
//! lines that `scripts/bench` collected from pgbench, Kafka's perf tools and this program.
//! Each ratio is printed as a JSON line and as a sentence.

use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use crate::BoxError;

/// Settings of the ratio report.
#[derive(Debug, Clone, clap::Args)]
pub struct RatiosArgs {
    /// File of JSON lines, one per measurement (`measurement` names it).
    #[arg(long)]
    pub results: PathBuf,
}

/// One ratio: a Prism number over its baseline.
#[derive(Debug, Serialize)]
pub struct Ratio {
    /// Always `ratio`.
    pub measurement: &'static str,
    /// What is compared.
    pub name: &'static str,
    /// The Prism number (`<measurement>.<field>`).
    pub prism: String,
    /// Its value.
    pub prism_value: f64,
    /// The baseline (`<measurement>.<field>`).
    pub baseline: String,
    /// Its value.
    pub baseline_value: f64,
    /// `prism_value ÷ baseline_value`.
    pub ratio: f64,
}

/// Which number is divided by which: (name, prism measurement, field, baseline measurement, field).
const PAIRS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "command writes vs raw Postgres event+outbox inserts",
        "prism_command_write",
        "commands_per_s",
        "pgbench_event_outbox",
        "tps",
    ),
    (
        "command writes vs raw inserts with pg_notify",
        "prism_command_write",
        "commands_per_s",
        "pgbench_event_outbox_notify",
        "tps",
    ),
    ("end-to-end events vs raw Kafka produce", "prism_end_to_end", "events_per_s", "kafka_produce", "records_per_s"),
    ("end-to-end events vs raw Kafka consume", "prism_end_to_end", "events_per_s", "kafka_consume", "records_per_s"),
    (
        "projector catch-up vs raw Kafka consume",
        "prism_projector_catch_up",
        "events_per_s",
        "kafka_consume",
        "records_per_s",
    ),
];

/// Reads `args.results` and computes every ratio whose two numbers are present.
///
/// # Errors
/// When the file cannot be read, a line is not JSON, or a required pair is missing.
pub fn run(args: &RatiosArgs) -> Result<Vec<Ratio>, BoxError> {
    let text =
        std::fs::read_to_string(&args.results).map_err(|e| format!("cannot read {}: {e}", args.results.display()))?;
    let lines: Vec<Value> =
        text.lines().filter(|l| !l.trim().is_empty()).map(serde_json::from_str).collect::<Result<_, _>>()?;
    let number = |measurement: &str, field: &str| {
        lines.iter().rev().find(|l| l["measurement"] == measurement).and_then(|l| l[field].as_f64())
    };
    let ratios: Vec<Ratio> = PAIRS
        .iter()
        .filter_map(|&(name, prism, prism_field, baseline, baseline_field)| {
            let prism_value = number(prism, prism_field)?;
            let baseline_value = number(baseline, baseline_field).filter(|v| *v > 0.0)?;
            Some(Ratio {
                measurement: "ratio",
                name,
                prism: format!("{prism}.{prism_field}"),
                prism_value,
                baseline: format!("{baseline}.{baseline_field}"),
                baseline_value,
                ratio: prism_value / baseline_value,
            })
        })
        .collect();
    for required in ["prism_command_write", "prism_end_to_end"] {
        if !ratios.iter().any(|r| r.prism.starts_with(required)) {
            return Err(format!("no ratio for {required}: a measurement or its baseline is missing").into());
        }
    }
    Ok(ratios)
}

impl Ratio {
    /// One human-readable line.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "{}: {:.0} / {:.0} = {:.4} ({:.2}%; the baseline is {:.1}x)",
            self.name,
            self.prism_value,
            self.baseline_value,
            self.ratio,
            self.ratio * 100.0,
            1.0 / self.ratio,
        )
    }
}
