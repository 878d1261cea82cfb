//! Telling a failure that will pass (the database, MongoDB or the schema registry briefly
//! unreachable) from one that will not (a record that cannot be decoded or applied). The
//! runtime retries the first kind until it succeeds or the process stops — a valid event is
//! never dead-lettered because a dependency blinked — and dead-letters the second kind after
//! bounded retries.

use mongodb::error::ErrorKind as MongoErrorKind;
use prism_platform::avro::AvroError;

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
        return matches!(
            error,
            sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
        );
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
}
