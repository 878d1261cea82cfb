//! Logging and metrics set-up: `tracing` to stderr filtered by `PRISM_LOG`, and a
//! process-wide Prometheus recorder rendered by the `/metrics` route.
//!
//! The recorder keeps each histogram's samples until they are folded into its summary, which
//! happens at a scrape or at an upkeep; a thread runs the upkeep every few seconds, so a process
//! nobody scrapes does not keep every sample it ever recorded.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::EnvFilter;

/// Dependencies whose info-level chatter (e.g. Postgres "already exists, skipping" notices)
/// is noise in Prism's logs.
const QUIET_DEPENDENCIES: &str = "sqlx::postgres::notice=warn";

static PROMETHEUS: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// How often pending histogram samples are folded into their summaries.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// Installs the tracing subscriber (filter from `log_filter`, e.g. `info,prism=debug`) and the
/// Prometheus recorder. Safe to call more than once; later calls do nothing.
pub fn init(log_filter: &str) {
    let directives = format!("{log_filter},{QUIET_DEPENDENCIES}");
    let filter = EnvFilter::try_new(directives).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(true).try_init();
    install_metrics_recorder();
}

/// Installs the process-wide Prometheus recorder once (tests building several apps share it),
/// with its upkeep thread.
pub fn install_metrics_recorder() {
    PROMETHEUS.get_or_init(|| {
        let handle = PrometheusBuilder::new().install_recorder().ok()?;
        let upkeep = handle.clone();
        let spawned = std::thread::Builder::new().name("metrics-upkeep".to_owned()).spawn(move || loop {
            std::thread::sleep(UPKEEP_INTERVAL);
            upkeep.run_upkeep();
        });
        if let Err(error) = spawned {
            tracing::warn!(%error, "no metrics upkeep thread: histogram samples are folded only when scraped");
        }
        Some(handle)
    });
}

/// The current metrics in Prometheus text format (empty when no recorder is installed).
#[must_use]
pub fn render_metrics() -> String {
    PROMETHEUS.get().and_then(Option::as_ref).map(PrometheusHandle::render).unwrap_or_default()
}
