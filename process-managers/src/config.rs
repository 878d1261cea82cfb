//! Configuration of a process-manager process, read once at start.

use clap::{Parser, ValueEnum};
use prism_platform::config::DatabaseArgs;
use prism_projections::config::ConsumerArgs;

/// Which process manager a process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProcessKind {
    /// Applies each processed payment's allocations to its invoices.
    PaymentAllocations,
}

impl ProcessKind {
    /// Stable name, used for the consumer group, metrics and the dead-letter topic.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::PaymentAllocations => "payment-allocations",
        }
    }
}

/// Process-manager settings.
#[derive(Debug, Clone, Parser)]
#[command(name = "prism-process-manager", about = "Reacts to Prism events by issuing commands")]
pub struct ProcessManagerConfig {
    /// The process manager to run.
    #[arg(long, env = "PRISM_PROCESS", value_enum, default_value = "payment-allocations")]
    pub process: ProcessKind,
    /// The database holding the event stores.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// How it consumes.
    #[command(flatten)]
    pub consumer: ConsumerArgs,
    /// Address of the process's `/health` and `/metrics` endpoint; none when absent.
    #[arg(long = "http-addr", env = "PRISM_HTTP_ADDR")]
    pub http_addr: Option<String>,
    /// Log filter.
    #[arg(long, env = "PRISM_LOG", default_value = "info")]
    pub log: String,
}
