//! Configuration of the command API and of the relay, read once at start.

use clap::Parser;
use prism_platform::config::{DatabaseArgs, HttpArgs, KafkaArgs, RegistryArgs};

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
    /// Log filter (`info`, `prism=debug`, …).
    #[arg(long, env = "PRISM_LOG", default_value = "info")]
    pub log: String,
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
    /// Log filter.
    #[arg(long, env = "PRISM_LOG", default_value = "info")]
    pub log: String,
}
