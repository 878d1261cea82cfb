//! Configuration of the command API and of the relay, read once at start.

use clap::Parser;
use prism_platform::config::{DatabaseArgs, HttpArgs, KafkaArgs, RegistryArgs};
use prism_platform::db;
use prism_platform::health::Readiness;
use prism_platform::telemetry::TelemetryArgs;

use crate::identity::login_attempts::LoginLimitArgs;

/// Command API settings.
#[derive(Debug, Clone, Parser)]
#[command(name = "prism-command-api", about = "Prism command REST API")]
pub struct CommandApiConfig {
    /// Database settings.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// HTTP listener settings.
    #[command(flatten)]
    pub http: HttpArgs,
    /// Failed sign-ins allowed per account.
    #[command(flatten)]
    pub login_limit: LoginLimitArgs,
    /// MongoDB, where the saved report definitions are kept. Not a readiness check: only those
    /// commands need it.
    #[arg(long, env = "PRISM_MONGODB_URL", default_value = "mongodb://127.0.0.1:27117/")]
    pub mongodb_url: String,
    /// Log filter and format, and where spans go.
    #[command(flatten)]
    pub telemetry: TelemetryArgs,
}

/// Outbox relay settings.
#[derive(Debug, Clone, Parser)]
#[command(name = "prism-relay", about = "Publishes the transactional outbox to Kafka")]
pub struct RelayConfig {
    /// Database settings.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Kafka settings.
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// Schema registry settings.
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Most outbox rows published per batch.
    #[arg(long, env = "PRISM_RELAY_BATCH_MAX_EVENTS", default_value_t = 5_000)]
    pub batch_max_events: i64,
    /// Poll interval when no notification arrives, in milliseconds.
    #[arg(long, env = "PRISM_RELAY_POLL_INTERVAL_MS", default_value_t = 1_000)]
    pub poll_interval_ms: u64,
    /// Address of the relay's `/health` and `/metrics` endpoint; none when absent.
    #[arg(long = "http-addr", env = "PRISM_HTTP_ADDR")]
    pub http_addr: Option<String>,
    /// Pause after a failed batch before retrying, in milliseconds.
    #[arg(long, env = "PRISM_RELAY_RETRY_BACKOFF_MS", default_value_t = 1_000)]
    pub retry_backoff_ms: u64,
    /// Log filter and format, and where spans go.
    #[command(flatten)]
    pub telemetry: TelemetryArgs,
}

impl CommandApiConfig {
    /// What the command API needs to accept commands: its database, migrated. Not Kafka: events
    /// wait in the outbox while the broker is away.
    #[must_use]
    pub fn readiness(&self) -> Readiness {
        Readiness::new().postgres("postgres", &self.database.url, db::MAIN_DATABASE)
    }
}

impl RelayConfig {
    /// What the relay needs to publish: the database, migrated, the brokers and the registry.
    #[must_use]
    pub fn readiness(&self) -> Readiness {
        Readiness::new()
            .postgres("postgres", &self.database.url, db::MAIN_DATABASE)
            .kafka(&self.kafka)
            .registry(&self.registry)
    }
}
