//! Telling a failure that will pass (the database, MongoDB or the schema registry briefly
//! unreachable) from one that will not (a record that cannot be decoded or applied). The
//! runtime retries the first kind until it succeeds or the process stops — a valid event is
//! never dead-lettered because a dependency blinked — and dead-letters the second kind after
//! bounded retries.

use mongodb::error::ErrorKind as MongoErrorKind;
use prism_platform::avro::AvroError;

use crate::decode::DecodeError;

/// Whether retrying `error` later can succeed without anyone changing anything.
#[must_use]
pub fn is_transient(error: &(dyn std::error::Error + 'static)) -> bool {
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
    }
}
