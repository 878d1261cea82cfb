//! Configuration of a projector process, read once at start.

use std::time::Duration;

use clap::{Args, Parser, ValueEnum};
use prism_platform::config::{DatabaseArgs, KafkaArgs, RegistryArgs};
use prism_platform::db;
use prism_platform::health::Readiness;
use prism_platform::telemetry::TelemetryArgs;

/// Which read-model store a projector process feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProjectorKind {
    /// Journal entries, lines and account balances in Postgres.
    Postgres,
    /// Journal-entry documents with status history in MongoDB.
    Mongo,
    /// Postings time series in TimescaleDB (plain Postgres locally).
    Timescale,
}

impl ProjectorKind {
    /// Stable name, used for the consumer group, checkpoints, metrics and the DLQ topic.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Postgres => "postgres",
            Self::Mongo => "mongo",
            Self::Timescale => "timescale",
        }
    }
}

/// Projector settings.
#[derive(Debug, Clone, Parser)]
#[command(name = "prism-projector", about = "Builds one Prism read model from Kafka")]
pub struct ProjectorConfig {
    /// The projector to run.
    #[arg(long, env = "PRISM_PROJECTOR", value_enum)]
    pub projector: ProjectorKind,
    /// Main database (Postgres read models).
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Time-series database; defaults to the main database.
    #[arg(long, env = "PRISM_TIMESERIES_DATABASE_URL")]
    pub timeseries_database_url: Option<String>,
    /// MongoDB (or FerretDB) URL.
    #[arg(long, env = "PRISM_MONGODB_URL", default_value = "mongodb://127.0.0.1:27117/")]
    pub mongodb_url: String,
    /// How it consumes.
    #[command(flatten)]
    pub consumer: ConsumerArgs,
    /// Address of the projector's `/health` and `/metrics` endpoint; none when absent.
    #[arg(long = "http-addr", env = "PRISM_HTTP_ADDR")]
    pub http_addr: Option<String>,
    /// Log filter and format, and where spans go.
    #[command(flatten)]
    pub telemetry: TelemetryArgs,
}

impl ProjectorConfig {
    /// What this projector needs to work: the brokers, the registry and its store, migrated.
    ///
    /// # Errors
    /// When the MongoDB URL does not parse.
    pub async fn readiness(&self) -> Result<Readiness, mongodb::error::Error> {
        let consuming = self.consumer.readiness();
        Ok(match self.projector {
            ProjectorKind::Postgres => consuming.postgres("postgres", &self.database.url, db::MAIN_DATABASE),
            ProjectorKind::Timescale => {
                let url = self.timeseries_database_url.as_deref().unwrap_or(&self.database.url);
                consuming.postgres("timescale", url, db::TIMESERIES_DATABASE)
            }
            ProjectorKind::Mongo => consuming.mongodb(mongodb::Client::with_uri_str(&self.mongodb_url).await?),
        })
    }
}

/// How a Kafka-fed process (projector or process manager) consumes: where from, in which
/// group, and how hard it tries before dead-lettering a record.
#[derive(Debug, Clone, Args)]
pub struct ConsumerArgs {
    /// Kafka settings.
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// Schema registry settings.
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Consumer group; defaults to `<topic prefix>-projector-<name>`.
    #[arg(long, env = "PRISM_CONSUMER_GROUP")]
    pub consumer_group: Option<String>,
    /// Attempts to apply one event before it goes to the dead-letter topic.
    #[arg(long, env = "PRISM_PROJECTOR_APPLY_ATTEMPTS_MAX", default_value_t = 5)]
    pub apply_attempts_max: u32,
    /// Most records applied together (one transaction in the Postgres stores).
    #[arg(long, env = "PRISM_PROJECTOR_BATCH_MAX_EVENTS", default_value_t = 2_000)]
    pub batch_max_events: usize,
    /// First retry pause, doubled per attempt, in milliseconds.
    #[arg(long, env = "PRISM_PROJECTOR_RETRY_BACKOFF_MS", default_value_t = 100)]
    pub retry_backoff_ms: u64,
}

impl ConsumerArgs {
    /// What consuming needs: the brokers and the schema registry.
    #[must_use]
    pub fn readiness(&self) -> Readiness {
        Readiness::new().kafka(&self.kafka).registry(&self.registry)
    }

    /// The consumer group of the consumer named `name`.
    #[must_use]
    pub fn group(&self, name: &str) -> String {
        self.consumer_group.clone().unwrap_or_else(|| format!("{}-projector-{name}", self.kafka.topic_prefix))
    }

    /// The first retry pause.
    #[must_use]
    pub fn retry_backoff(&self) -> Duration {
        Duration::from_millis(self.retry_backoff_ms)
    }
}
