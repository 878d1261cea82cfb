//! Mapping of command failures to problem+json, done once: a refused command is 422 naming
//! the field, 404 or 409 by its kind, or a retryable 503 when a dependency it needs is
//! unavailable; an optimistic-lock conflict is 409 with the aggregate's current version; a
//! database out of reach is a retryable 503 `database-unavailable`; anything else is a 500
//! that leaks nothing.

use axum::http::StatusCode;
use cqrs_es::AggregateError;
use prism_aggregates::refusal::{Refusal, RefusalKind};
use prism_platform::problem::Problem;

/// Builds the 409 problem for a write that lost a race or named a stale version.
#[must_use]
pub fn version_conflict(current_version: i64, detail: &str) -> Problem {
    Problem::new(StatusCode::CONFLICT, "version-conflict", "Version conflict")
        .with_detail(detail)
        .with_extension("current_version", current_version.into())
}

/// A domain refusal as a problem.
#[must_use]
pub fn refusal(error: &impl Refusal) -> Problem {
    let problem = match error.kind() {
        RefusalKind::Invalid => Problem::new(StatusCode::UNPROCESSABLE_ENTITY, error.code(), "Request breaks a rule"),
        RefusalKind::NotFound => Problem::new(StatusCode::NOT_FOUND, error.code(), "Not found"),
        RefusalKind::Conflict => Problem::new(StatusCode::CONFLICT, error.code(), "Conflicts with the current state"),
        RefusalKind::Unavailable => Problem::unavailable(error.code(), error.to_string()),
    }
    .with_detail(error.to_string());
    match error.field() {
        Some(field) => problem.with_field(field),
        None => problem,
    }
}

/// Any failure of a command other than a version conflict (which needs the current version,
/// see [`version_conflict`]).
#[must_use]
pub fn command_problem<E: Refusal>(error: AggregateError<E>) -> Problem {
    match error {
        AggregateError::UserError(refused) => refusal(&refused),
        AggregateError::DatabaseConnectionError(cause) | AggregateError::UnexpectedError(cause) => {
            Problem::from_failure(cause.as_ref())
        }
        other => Problem::internal(&other),
    }
}
