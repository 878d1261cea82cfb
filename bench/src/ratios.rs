//! Ratios of Prism's numbers to their raw baselines, from one run's results file: the JSON
//! lines that `scripts/bench` collected from pgbench, Kafka's perf tools and this program.
//! Measurements taken at several client counts are paired level by level (`clients`): the
//! command append through HTTP and without it, each to pgbench's raw inserts, and the one to
//! the other (what HTTP leaves of the framework's rate). Each ratio is printed as a JSON line
//! and as a sentence.

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
    /// Client count of both numbers, for measurements taken per level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clients: Option<u64>,
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

/// Which number is divided by which.
struct Pair {
    name: &'static str,
    prism: (&'static str, &'static str),
    baseline: (&'static str, &'static str),
    /// Pair the lines with equal `clients` (one ratio per level) instead of the last of each.
    per_level: bool,
}

const PAIRS: &[Pair] = &[
    Pair {
        name: "command append vs raw Postgres event+outbox inserts",
        prism: ("prism_command_append", "commands_per_s"),
        baseline: ("pgbench_event_outbox", "tps"),
        per_level: true,
    },
    Pair {
        name: "command append vs raw inserts with pg_notify",
        prism: ("prism_command_append", "commands_per_s"),
        baseline: ("pgbench_event_outbox_notify", "tps"),
        per_level: true,
    },
    Pair {
        name: "command append without HTTP vs raw Postgres event+outbox inserts",
        prism: ("prism_command_append_direct", "commands_per_s"),
        baseline: ("pgbench_event_outbox", "tps"),
        per_level: true,
    },
    Pair {
        name: "command append without HTTP vs raw inserts with pg_notify",
        prism: ("prism_command_append_direct", "commands_per_s"),
        baseline: ("pgbench_event_outbox_notify", "tps"),
        per_level: true,
    },
    Pair {
        name: "command append vs raw inserts taking turns on a hash-chain head",
        prism: ("prism_command_append", "commands_per_s"),
        baseline: ("pgbench_event_outbox_chain", "tps"),
        per_level: true,
    },
    Pair {
        name: "command append without HTTP vs raw inserts taking turns on a hash-chain head",
        prism: ("prism_command_append_direct", "commands_per_s"),
        baseline: ("pgbench_event_outbox_chain", "tps"),
        per_level: true,
    },
    Pair {
        name: "command append through HTTP vs without HTTP",
        prism: ("prism_command_append", "commands_per_s"),
        baseline: ("prism_command_append_direct", "commands_per_s"),
        per_level: true,
    },
    Pair {
        name: "relay from a backlog vs raw Kafka produce",
        prism: ("prism_relay_backlog", "events_per_s"),
        baseline: ("kafka_produce", "records_per_s"),
        per_level: false,
    },
    Pair {
        name: "end-to-end events vs raw Kafka produce",
        prism: ("prism_end_to_end", "events_per_s"),
        baseline: ("kafka_produce", "records_per_s"),
        per_level: false,
    },
    Pair {
        name: "end-to-end events vs raw Kafka consume",
        prism: ("prism_end_to_end", "events_per_s"),
        baseline: ("kafka_consume", "records_per_s"),
        per_level: false,
    },
    Pair {
        name: "Postgres projector catch-up vs raw Kafka consume",
        prism: ("prism_postgres_projector_catch_up", "events_per_s"),
        baseline: ("kafka_consume", "records_per_s"),
        per_level: false,
    },
    Pair {
        name: "MongoDB projector catch-up vs raw Kafka consume",
        prism: ("prism_mongo_projector_catch_up", "events_per_s"),
        baseline: ("kafka_consume", "records_per_s"),
        per_level: false,
    },
    Pair {
        name: "Timescale projector catch-up vs raw Kafka consume",
        prism: ("prism_timescale_projector_catch_up", "events_per_s"),
        baseline: ("kafka_consume", "records_per_s"),
        per_level: false,
    },
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
    let ratios = compute(&lines);
    for required in ["prism_command_append", "prism_end_to_end"] {
        if !ratios.iter().any(|r| r.prism.starts_with(required)) {
            return Err(format!("no ratio for {required}: a measurement or its baseline is missing").into());
        }
    }
    Ok(ratios)
}

fn compute(lines: &[Value]) -> Vec<Ratio> {
    // The last line of `measurement` (with `clients` equal to `level`, when given).
    let find = |measurement: &str, level: Option<u64>| {
        lines
            .iter()
            .rev()
            .find(|l| l["measurement"] == measurement && level.is_none_or(|c| l["clients"].as_u64() == Some(c)))
    };
    let mut ratios = Vec::new();
    for pair in PAIRS {
        let levels: Vec<Option<u64>> = if pair.per_level {
            let mut levels: Vec<u64> = lines
                .iter()
                .filter(|l| l["measurement"] == pair.prism.0)
                .filter_map(|l| l["clients"].as_u64())
                .collect();
            levels.sort_unstable();
            levels.dedup();
            levels.into_iter().map(Some).collect()
        } else {
            vec![None]
        };
        for level in levels {
            let prism_value = find(pair.prism.0, level).and_then(|l| l[pair.prism.1].as_f64());
            let baseline_value =
                find(pair.baseline.0, level).and_then(|l| l[pair.baseline.1].as_f64()).filter(|v| *v > 0.0);
            if let (Some(prism_value), Some(baseline_value)) = (prism_value, baseline_value) {
                ratios.push(Ratio {
                    measurement: "ratio",
                    name: pair.name,
                    clients: level,
                    prism: format!("{}.{}", pair.prism.0, pair.prism.1),
                    prism_value,
                    baseline: format!("{}.{}", pair.baseline.0, pair.baseline.1),
                    baseline_value,
                    ratio: prism_value / baseline_value,
                });
            }
        }
    }
    ratios
}

impl Ratio {
    /// One human-readable line.
    #[must_use]
    pub fn summary(&self) -> String {
        let level = self.clients.map(|c| format!(" at {c} clients")).unwrap_or_default();
        format!(
            "{}{level}: {:.0} / {:.0} = {:.4} ({:.2}%; the baseline is {:.1}x)",
            self.name,
            self.prism_value,
            self.baseline_value,
            self.ratio,
            self.ratio * 100.0,
            1.0 / self.ratio,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The results file of `lines`, parsed.
    fn parsed(lines: &[&str]) -> Vec<Value> {
        lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    #[test]
    fn levels_are_paired_by_client_count() {
        let lines = parsed(&[
            r#"{"measurement":"pgbench_event_outbox","clients":1,"tps":1000}"#,
            r#"{"measurement":"pgbench_event_outbox","clients":8,"tps":4000}"#,
            r#"{"measurement":"prism_command_append","clients":8,"commands_per_s":2000}"#,
            r#"{"measurement":"prism_command_append","clients":1,"commands_per_s":500}"#,
        ]);
        let ratios = compute(&lines);
        assert_eq!(ratios.len(), 2);
        assert_eq!(ratios[0].clients, Some(1));
        assert!((ratios[0].ratio - 0.5).abs() < 1e-9);
        assert_eq!(ratios[1].clients, Some(8));
        assert!((ratios[1].ratio - 0.5).abs() < 1e-9);
    }

    #[test]
    fn the_append_through_http_is_divided_by_the_direct_one_at_each_level() {
        let lines = parsed(&[
            r#"{"measurement":"pgbench_event_outbox","clients":8,"tps":4000}"#,
            r#"{"measurement":"prism_command_append","clients":8,"commands_per_s":1000}"#,
            r#"{"measurement":"prism_command_append_direct","clients":8,"commands_per_s":2000}"#,
            r#"{"measurement":"prism_command_append_direct","clients":1,"commands_per_s":400}"#,
        ]);
        let ratios = compute(&lines);
        let named = |name: &str| ratios.iter().filter(|r| r.name == name).collect::<Vec<_>>();
        let direct = named("command append without HTTP vs raw Postgres event+outbox inserts");
        assert_eq!(direct.len(), 1, "no pgbench line at 1 client");
        assert!((direct[0].ratio - 0.5).abs() < 1e-9);
        let http = named("command append through HTTP vs without HTTP");
        assert_eq!(http.len(), 1, "no HTTP line at 1 client");
        assert_eq!(http[0].clients, Some(8));
        assert!((http[0].ratio - 0.5).abs() < 1e-9);
    }
}
