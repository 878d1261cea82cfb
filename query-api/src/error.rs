//! The query layer's one error enum: what can go wrong reading a read model. Every variant
//! is a server-side failure, so all map to the generic 500 problem (cause logged, not sent);
//! "not found" and bad input are answered by the handlers before they get here.

use prism_platform::problem::Problem;

/// SQLSTATE of `undefined_table`.
const UNDEFINED_TABLE: &str = "42P01";
/// SQLSTATE of `invalid_schema_name`.
const INVALID_SCHEMA_NAME: &str = "3F000";

/// A failure reading one of the read-model stores.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Postgres (main or time-series database) refused or was unreachable.
    #[error("postgres: {0}")]
    Postgres(#[from] sqlx::Error),
    /// MongoDB refused or was unreachable.
    #[error("mongodb: {0}")]
    Mongo(#[from] mongodb::error::Error),
    /// Integer arithmetic on stored amounts overflowed.
    #[error("arithmetic overflow computing {0}")]
    Overflow(&'static str),
}

impl From<ReadError> for Problem {
    fn from(error: ReadError) -> Self {
        Problem::internal(&error)
    }
}

/// Turns "the tenant's read-model table does not exist (yet)" into `absent`: a registered
/// tenant whose schema is still being migrated, or whose time-series schema lives in a
/// separate database not provisioned yet, reads as empty rather than failing.
///
/// # Errors
/// Any other database error.
pub fn absent_if_unprovisioned<T>(result: Result<T, sqlx::Error>, absent: T) -> Result<T, ReadError> {
    match result {
        Err(sqlx::Error::Database(error))
            if matches!(error.code().as_deref(), Some(UNDEFINED_TABLE | INVALID_SCHEMA_NAME)) =>
        {
            tracing::warn!(error = %error, "read model not provisioned; answering as empty");
            Ok(absent)
        }
        other => other.map_err(ReadError::from),
    }
}
