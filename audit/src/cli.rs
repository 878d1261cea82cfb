//! The command line: global options (database, output format) and one subcommand per question.

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

use crate::output::Format;

/// Inspect and verify Prism's event store.
#[derive(Debug, Parser)]
#[command(name = "prism-audit", version, about)]
pub struct Cli {
    /// Postgres URL of the event store.
    #[arg(long, env = "PRISM_DATABASE_URL", default_value = "postgres://prism:prism@127.0.0.1:25432/prism")]
    pub database_url: String,
    /// How answers are printed.
    #[arg(long, value_enum, default_value_t = Format::Table, global = true)]
    pub format: Format,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Every event of one aggregate, oldest first: version, position, when, which request, what.
    History {
        /// Tenant slug.
        #[arg(long, env = "PRISM_TENANT")]
        tenant: String,
        /// Aggregate type, e.g. `finance.journal_entry`, `supply.sales_order`.
        aggregate_type: String,
        /// Aggregate id (entry id, order id, SKU, `chart`…).
        id: String,
    },
    /// The aggregate rebuilt from its events, up to `--as-of` (all of them by default).
    State {
        /// Tenant slug.
        #[arg(long, env = "PRISM_TENANT")]
        tenant: String,
        /// Aggregate type, e.g. `finance.invoice`.
        aggregate_type: String,
        /// Aggregate id.
        id: String,
        /// A version (the aggregate's sequence number, e.g. `3`) or an RFC 3339 time
        /// (`2026-11-25T12:00:00Z`): only events up to it are applied.
        #[arg(long, value_parser = AsOf::parse)]
        as_of: Option<AsOf>,
    },
    /// Every event caused by one request (its correlation id), across aggregates, in order.
    Trace {
        /// Tenant slug.
        #[arg(long, env = "PRISM_TENANT")]
        tenant: String,
        /// The correlation id (`X-Correlation-ID` of the request, or its command id).
        correlation_id: String,
    },
    /// Recomputes every tenant's hash chain (or one tenant's) and reports the first broken
    /// link. Exits 1 when a chain is broken.
    Verify {
        /// Only this tenant.
        #[arg(long, env = "PRISM_TENANT")]
        tenant: Option<String>,
    },
}

/// How far `state` replays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    /// Up to and including this version (sequence number).
    Version(i64),
    /// Events recorded at or before this time.
    Time(DateTime<Utc>),
}

impl AsOf {
    /// A version number or an RFC 3339 time.
    ///
    /// # Errors
    /// When it is neither.
    pub fn parse(text: &str) -> Result<Self, String> {
        if let Ok(version) = text.parse::<i64>() {
            return if version >= 0 { Ok(Self::Version(version)) } else { Err("a version is 0 or more".to_owned()) };
        }
        DateTime::parse_from_rfc3339(text)
            .map(|time| Self::Time(time.with_timezone(&Utc)))
            .map_err(|_| format!("{text:?} is neither a version number nor an RFC 3339 time"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_of_is_a_version_or_a_time() {
        assert_eq!(AsOf::parse("3"), Ok(AsOf::Version(3)));
        let time = DateTime::parse_from_rfc3339("2026-11-25T12:00:00+01:00").unwrap().with_timezone(&Utc);
        assert_eq!(AsOf::parse("2026-11-25T12:00:00+01:00"), Ok(AsOf::Time(time)));
        assert!(AsOf::parse("-1").is_err());
        assert!(AsOf::parse("yesterday").is_err());
    }

    #[test]
    fn every_subcommand_has_help() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        for sub in ["history", "state", "trace", "verify"] {
            assert!(Cli::command().find_subcommand(sub).and_then(|c| c.get_about()).is_some(), "{sub}");
        }
    }
}
