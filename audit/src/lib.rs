//! `prism-audit`: the auditor's and operator's view of the event store. Every subcommand reads
//! one tenant's `events` table directly (a read model only to check it) and prints a table,
//! JSON or CSV:
//!
//! - [`history`] — every event of one aggregate: when, by which request, what it recorded;
//! - [`state`] — the aggregate rebuilt from its events up to a time or version;
//! - [`trace`] — every event one request caused, across aggregates;
//! - [`verify`] — the tamper-evident hash chain recomputed link by link, and the Postgres read
//!   models compared with a replay of the events ([`read_models`]);
//! - [`export`] and [`import`] — the event store archived as JSON Lines ([`archive`]) and
//!   restored bit for bit into an empty tenant, its chain checked line by line;
//! - [`republish`] — stored events sent to Kafka again, exactly as the relay sent them;
//! - [`dead_letters`] — a projector's dead letters listed from Kafka, and redriven to their
//!   source topic once the cause is fixed.

pub mod aggregates;
pub mod archive;
pub mod cli;
pub mod dead_letters;
pub mod deferred;
pub mod export;
pub mod history;
pub mod import;
pub mod output;
pub mod read_models;
pub mod rebuild;
pub mod replay;
pub mod republish;
pub mod state;
pub mod store;
pub mod trace;
pub mod verify;

/// Why a subcommand could not answer.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The database could not be read.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The tenant slug is malformed or no such tenant is provisioned.
    #[error("no tenant {0}")]
    UnknownTenant(String),
    /// The aggregate type is not one Prism records.
    #[error("unknown aggregate type {0} (known: {known})", known = aggregates::TYPES.join(", "))]
    UnknownAggregateType(String),
    /// The aggregate has no events (up to the point asked for).
    #[error("no events of {0} {1}")]
    NoEvents(String, String),
    /// A stored event does not decode as its aggregate's event.
    #[error("event at position {position} does not decode: {reason}")]
    Undecodable {
        /// Its global position.
        position: i64,
        /// The decoder's complaint.
        reason: String,
    },
    /// The answer could not be written.
    #[error("output: {0}")]
    Output(#[from] std::io::Error),
    /// An archive file could not be read or written.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// `import` only restores into an event store without events.
    #[error("tenant {tenant} already has {events} events: import restores only into an empty event store")]
    NotEmpty {
        /// The tenant slug.
        tenant: String,
        /// How many events it has.
        events: i64,
    },
    /// A line of an archive is not an archived event.
    #[error("line {line} of the archive: {reason}")]
    Archive {
        /// Its number, from 1.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// `--topic` names a topic no event type is published to.
    #[error("no event type is published to topic {topic} (known: {known})")]
    UnknownTopic {
        /// The topic asked for.
        topic: String,
        /// The topics events are published to.
        known: String,
    },
    /// Kafka or the schema registry refused an event.
    #[error("publishing: {0}")]
    Publish(String),
    /// A read model's writer refused a replayed event.
    #[error("replaying the read model: {0}")]
    Replay(String),
    /// Kafka could not be read or refused a record.
    #[error("kafka: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    /// Kafka sent nothing for too long while a topic was read to its end.
    #[error("kafka: timed out reading topic {0}")]
    KafkaTimeout(String),
    /// The consumer has never created its dead-letter topic (a misspelt name?).
    #[error("no dead-letter topic {0}")]
    NoDeadLetterTopic(String),
    /// `--partition`/`--offset` name no record of the dead-letter topic.
    #[error("no dead letter at {0}")]
    NoSuchDeadLetter(String),
    /// A dead letter without a readable `prism-dlq-source` header cannot be redriven.
    #[error("dead letter {0} does not say where it was read (prism-dlq-source header)")]
    NoSource(String),
}

impl AuditError {
    /// A failure to read or write `path`.
    pub fn file(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| Self::File { path: path.display().to_string(), source }
    }
}
