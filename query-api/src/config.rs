//! Configuration of the query API, read once at start from flags or `PRISM_*` variables.

use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser};
use prism_platform::config::{DatabaseArgs, HttpArgs};
use prism_platform::telemetry::TelemetryArgs;

/// Default address of the query API; it replaces the shared [`HttpArgs`] default
/// (`127.0.0.1:28080`, the command API's). `PRISM_HTTP_ADDR` is shared by both binaries, so
/// scripts that set it must set it per process (`127.0.0.1:28082` for this one).
pub const DEFAULT_HTTP_ADDR: &str = "127.0.0.1:28082";

/// The shared flag naming the listen address.
const HTTP_ADDR_FLAG: &str = "http-addr";

/// Query API settings. Read them with [`QueryApiConfig::load`], which applies this
/// binary's own listen-address default; plain `parse()` would keep the shared one.
#[derive(Debug, Clone, Parser)]
#[command(name = "prism-query-api", about = "Prism query REST API over the read models")]
pub struct QueryApiConfig {
    /// Database holding the tenant registry and the Postgres read models.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// HTTP listener settings; the address defaults to [`DEFAULT_HTTP_ADDR`].
    #[command(flatten)]
    pub http: HttpArgs,
    /// Database holding the time-series read models; the main database when absent.
    #[arg(long, env = "PRISM_TIMESERIES_DATABASE_URL")]
    pub timeseries_database_url: Option<String>,
    /// MongoDB (or FerretDB) URL of the document read models.
    #[arg(long, env = "PRISM_MONGODB_URL", default_value = "mongodb://127.0.0.1:27117/")]
    pub mongodb_url: String,
    /// Longest wait for a projector to reach `X-Prism-Min-Position`, in milliseconds.
    #[arg(long, env = "PRISM_MIN_POSITION_WAIT_MS", default_value_t = 5_000)]
    pub min_position_wait_ms: u64,
    /// Largest `limit` a list request may ask for.
    #[arg(long, env = "PRISM_PAGE_SIZE_MAX", default_value_t = 500)]
    pub page_size_max: u32,
    /// Most buckets one postings request may span (range divided by bucket width).
    #[arg(long, env = "PRISM_BUCKET_COUNT_MAX", default_value_t = 1_000)]
    pub bucket_count_max: u32,
    /// Most database time one saved-report run may take, in milliseconds; a report past it is
    /// cancelled and refused (422 `report-too-costly`).
    #[arg(long, env = "PRISM_REPORT_TIMEOUT_MS", default_value_t = 5_000)]
    pub report_timeout_ms: u64,
    /// Log filter and format, and where spans go.
    #[command(flatten)]
    pub telemetry: TelemetryArgs,
}

impl QueryApiConfig {
    /// Reads flags and `PRISM_*` variables, exiting with usage on error.
    #[must_use]
    pub fn load() -> Self {
        Self::load_from(std::env::args_os()).unwrap_or_else(|error| error.exit())
    }

    /// Reads `args` (first is the program name) and `PRISM_*` variables.
    ///
    /// # Errors
    /// When an argument is unknown or malformed.
    pub fn load_from<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        Self::from_arg_matches(&Self::cli().try_get_matches_from(args)?)
    }

    /// The command-line definition with this binary's defaults applied.
    #[must_use]
    pub fn cli() -> clap::Command {
        let command = Self::command();
        // Found by its flag, not its id: the id is the shared crate's business.
        let addr =
            command.get_arguments().find(|arg| arg.get_long() == Some(HTTP_ADDR_FLAG)).map(|arg| arg.get_id().clone());
        match addr {
            Some(id) => command.mut_arg(id, |arg| arg.default_value(DEFAULT_HTTP_ADDR)),
            None => command,
        }
    }

    /// The time-series database URL, falling back to the main database.
    #[must_use]
    pub fn timeseries_url(&self) -> &str {
        self.timeseries_database_url.as_deref().unwrap_or(&self.database.url)
    }

    /// The consistency-token wait bound.
    #[must_use]
    pub fn min_position_wait(&self) -> Duration {
        Duration::from_millis(self.min_position_wait_ms)
    }

    /// Most database time one saved-report run may take.
    #[must_use]
    pub fn report_timeout(&self) -> Duration {
        Duration::from_millis(self.report_timeout_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listen_address_defaults_to_the_query_api_port() {
        let command = QueryApiConfig::cli();
        let addr = command.get_arguments().find(|arg| arg.get_long() == Some(HTTP_ADDR_FLAG)).expect("--http-addr");
        assert_eq!(addr.get_default_values(), [DEFAULT_HTTP_ADDR]);
    }
}
