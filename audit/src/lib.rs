//! `prism-audit`: the auditor's and operator's view of the event store. Every subcommand reads
//! one tenant's `events` table directly (never a read model) and prints a table, JSON or CSV:
//!
//! - [`history`] — every event of one aggregate: when, by which request, what it recorded;
//! - [`state`] — the aggregate rebuilt from its events up to a time or version;
//! - [`trace`] — every event one request caused, across aggregates;
//! - [`verify`] — the tamper-evident hash chain recomputed link by link.

pub mod aggregates;
pub mod cli;
pub mod history;
pub mod output;
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
}
