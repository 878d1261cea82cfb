//! Telling a failure that will pass (the database, MongoDB or the schema registry briefly
//! unreachable, or a Postgres deadlock or lock timeout) from one that will not (a record that
//! cannot be decoded, or that the read model refuses, e.g. a constraint it violates). The
//! runtime retries the first kind until it succeeds or the process stops — a valid event is
//! never dead-lettered because a dependency blinked — and dead-letters the second kind after
//! bounded retries.

use mongodb::error::ErrorKind as MongoErrorKind;
use prism_platform::avro::AvroError;
use prism_platform::db::connection_failed;

use crate::decode::DecodeError;

/// A failure its source knows will pass (a dependency briefly unavailable), for projections
/// whose errors are not of a type the runtime recognises.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Transient(pub String);

/// Whether retrying `error` later can succeed without anyone changing anything.
#[must_use]
pub fn is_transient(error: &(dyn std::error::Error + 'static)) -> bool {
    if error.downcast_ref::<Transient>().is_some() {
        return true;
    }
    if let Some(error) = error.downcast_ref::<sqlx::Error>() {
        return connection_failed(error) || refused_for_now(error);
    }
    if let Some(error) = error.downcast_ref::<mongodb::error::Error>() {
        return matches!(
            error.kind.as_ref(),
            MongoErrorKind::Io(_)
                | MongoErrorKind::ServerSelection { .. }
                | MongoErrorKind::ConnectionPoolCleared { .. }
        );
    }
    if let Some(DecodeError::Avro(AvroError::Codec(error))) = error.downcast_ref::<DecodeError>() {
        return error.retriable;
    }
    false
}

/// Whether Postgres refused the statement of `error` because of other work, not because of the
/// statement (see [`is_contention_sqlstate`]).
fn refused_for_now(error: &sqlx::Error) -> bool {
    let sqlx::Error::Database(refusal) = error else { return false };
    refusal.code().is_some_and(|code| is_contention_sqlstate(&code))
}

/// Whether the Postgres SQLSTATE `code` is one that other work causes and retrying clears: a
/// serialization failure or deadlock (40001, 40P01), a lock wait timing out (55P03), too little
/// room or too many connections (class 53). A lost connection or a server shutting down is
/// [`connection_failed`]'s.
fn is_contention_sqlstate(code: &str) -> bool {
    code.starts_with("53") || matches!(code, "40001" | "40P01" | "55P03")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_database_is_transient_and_a_broken_record_is_not() {
        let unreachable: Box<dyn std::error::Error + Send + Sync> = Box::new(sqlx::Error::PoolTimedOut);
        assert!(is_transient(unreachable.as_ref()));
        let constraint: Box<dyn std::error::Error + Send + Sync> = Box::new(sqlx::Error::RowNotFound);
        assert!(!is_transient(constraint.as_ref()));
        let empty: Box<dyn std::error::Error + Send + Sync> = Box::new(DecodeError::Empty);
        assert!(!is_transient(empty.as_ref()));
        let declared: Box<dyn std::error::Error + Send + Sync> = Box::new(Transient("database down".to_owned()));
        assert!(is_transient(declared.as_ref()));
    }

    #[test]
    fn a_deadlock_or_lock_timeout_is_transient_and_a_violated_constraint_is_not() {
        for code in ["53300", "40P01", "40001", "55P03"] {
            assert!(is_contention_sqlstate(code), "{code}");
        }
        for code in ["23505", "23514", "42P01", "22001", "57014"] {
            assert!(!is_contention_sqlstate(code), "{code}");
        }
    }
}
