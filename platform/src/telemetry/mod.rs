//! Logs, traces and metrics set-up. Logs: `tracing` to standard error filtered by `PRISM_LOG`, as text
//! or as JSON lines ([`logs`]). Traces: OpenTelemetry spans exported over OTLP/HTTP, only when
//! an OTLP endpoint is configured ([`traces`]). Metrics: a process-wide Prometheus recorder
//! rendered by the `/metrics` route.
//!
//! The recorder keeps each histogram's samples until they are folded into its buckets, which
//! happens at a scrape or at an upkeep; a thread runs the upkeep every few seconds, so a process
//! nobody scrapes does not keep every sample it ever recorded.

pub mod logs;
pub mod traces;

use std::future::Future;
use std::sync::{Once, OnceLock};
use std::time::Duration;

use clap::{Args, Parser};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

pub use logs::LogFormat;

/// Dependencies whose info-level chatter (e.g. Postgres "already exists, skipping" notices)
/// is noise in Prism's logs.
const QUIET_DEPENDENCIES: &str = "sqlx::postgres::notice=warn";

static PROMETHEUS: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// How often pending histogram samples are folded into their buckets.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// How logs are written and where spans go. The OpenTelemetry variables are the standard ones,
/// so a collector's usual set-up works unchanged.
#[derive(Debug, Clone, Default, Args)]
pub struct TelemetryArgs {
    /// Log filter (`info`, `info,prism=debug`, …).
    #[arg(long = "log", env = "PRISM_LOG", default_value = "info")]
    pub log: String,
    /// Log line format: `text` (human-readable) or `json` (one object a line).
    #[arg(long = "log-format", env = "PRISM_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// OTLP/HTTP collector base URL (`http://jaeger:4318`); spans go to `<it>/v1/traces`. No
    /// spans are recorded when neither this nor the traces endpoint is set.
    #[arg(long = "otlp-endpoint", env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,
    /// Full OTLP/HTTP URL for spans, taking precedence over the base URL.
    #[arg(long = "otlp-traces-endpoint", env = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")]
    pub otlp_traces_endpoint: Option<String>,
    /// Service name the spans carry; the binary's own name when absent.
    #[arg(long = "service-name", env = "OTEL_SERVICE_NAME")]
    pub service_name: Option<String>,
}

/// The settings alone, for a binary whose configuration does not carry them.
#[derive(Parser)]
struct TelemetryOnly {
    #[command(flatten)]
    telemetry: TelemetryArgs,
}

impl TelemetryArgs {
    /// Reads the settings from their environment variables alone, for a program whose own
    /// configuration does not carry them (the test harness); exits naming the variable when one
    /// is malformed.
    #[must_use]
    pub fn from_env() -> Self {
        TelemetryOnly::try_parse_from(["prism"]).unwrap_or_else(|error| error.exit()).telemetry
    }

    /// Where spans are exported, if anywhere.
    fn traces_endpoint(&self) -> Option<String> {
        let base = || self.otlp_endpoint.as_deref().filter(|url| !url.is_empty());
        match self.otlp_traces_endpoint.as_deref().filter(|url| !url.is_empty()) {
            Some(url) => Some(url.to_owned()),
            None => base().map(|url| format!("{}/v1/traces", url.trim_end_matches('/'))),
        }
    }
}

/// Installs the tracing subscriber — log lines filtered and formatted as `settings` say, and the OpenTelemetry layer when an endpoint is set, its spans named
/// as `service` unless `OTEL_SERVICE_NAME` says otherwise — and the Prometheus recorder. Safe to
/// call more than once; later calls do nothing. Call it inside the Tokio runtime: the span
/// exporter runs on it.
pub fn init(settings: &TelemetryArgs, service: &str) {
    // Once: the exporter must not be started for a subscriber that is then not installed.
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let directives = format!("{},{QUIET_DEPENDENCIES}", settings.log);
        let filter = EnvFilter::try_new(directives).unwrap_or_else(|_| EnvFilter::new("info"));
        let subscriber = tracing_subscriber::registry().with(logs::layer(settings.log_format, filter));
        // A subscriber set elsewhere (a test's own) stays; spans are then not exported.
        if !tracing::dispatcher::has_been_set() {
            let _ = subscriber.with(traces::layer(settings, service)).try_init();
        }
    });
    install_metrics_recorder();
}

/// Runs `process` to its end, then exports the spans still buffered and stops the exporter, so
/// a binary's last spans are not lost (nothing more when no spans are exported).
pub async fn flushed<T>(process: impl Future<Output = T>) -> T {
    let ended = process.await;
    traces::shutdown().await;
    ended
}

/// Buckets of every `*_seconds` histogram (request latency, consistency waits): exported as
/// Prometheus histograms, so quantiles aggregate across replicas.
const LATENCY_BUCKETS_SECONDS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Installs the process-wide Prometheus recorder once (tests building several apps share it),
/// with its upkeep thread.
pub fn install_metrics_recorder() {
    PROMETHEUS.get_or_init(|| {
        let handle = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), LATENCY_BUCKETS_SECONDS)
            .ok()?
            .install_recorder()
            .ok()?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_go_to_the_traces_endpoint_or_under_the_base_url_and_nowhere_without_either() {
        let base = |url: &str| TelemetryArgs { otlp_endpoint: Some(url.to_owned()), ..TelemetryArgs::default() };
        assert_eq!(TelemetryArgs::default().traces_endpoint(), None);
        assert_eq!(base("").traces_endpoint(), None);
        assert_eq!(base("http://jaeger:4318").traces_endpoint().as_deref(), Some("http://jaeger:4318/v1/traces"));
        assert_eq!(base("http://jaeger:4318/").traces_endpoint().as_deref(), Some("http://jaeger:4318/v1/traces"));
        let full =
            TelemetryArgs { otlp_traces_endpoint: Some("http://c:1/t".to_owned()), ..base("http://jaeger:4318") };
        assert_eq!(full.traces_endpoint().as_deref(), Some("http://c:1/t"));
    }
}
