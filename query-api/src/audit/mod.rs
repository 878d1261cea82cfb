//! The audit trail over HTTP, read-only: an aggregate's history ([`history`]), its state as of
//! a version or a time ([`state`]), and every event one request caused ([`trace`]) — the
//! answers of `prism-audit history`, `state` and `trace`, computed by the same code
//! (`prism_audit`) straight from the tenant's event store, never from a read model (so there
//! is no projector to wait for, and `X-Prism-Min-Position` is not read).
//!
//! Every route needs a user of the tenant whose roles grant `audit.read` (`auditor`, `admin`):
//! [`Auditor`]. The tenant is the token's, as on every read.

pub mod history;
pub mod page;
pub mod state;
pub mod trace;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::StatusCode;
use prism_aggregates::identity::permissions::Permission;
use prism_aggregates::tenant::TenantId;
use prism_audit::AuditError;
use prism_platform::auth::{caller_of, permitted};
use prism_platform::problem::{Problem, ProblemSchema};
use utoipa::IntoResponses;

use crate::tenants::{KnownTenant, KnownTenants};

/// What every audit route's path starts with.
pub const PATH_PREFIX: &str = "/v1/audit/";

/// The tenant of a caller allowed to read its audit trail. A user whose roles lack
/// `audit.read` is 403 `forbidden` naming the permission, the operator key 403, a tenant
/// not registered 404 `unknown-tenant`.
#[derive(Debug, Clone)]
pub struct Auditor(pub TenantId);

impl<S> FromRequestParts<S> for Auditor
where
    S: Send + Sync,
    KnownTenants: FromRef<S>,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        permitted(caller_of(&parts.extensions)?, Permission::AuditRead)?;
        let KnownTenant(tenant) = KnownTenant::from_request_parts(parts, state).await?;
        Ok(Self(tenant))
    }
}

/// The problem answering `error`: an unknown aggregate type is 404
/// `unknown-aggregate-type` naming the path's `aggregate_type` (a path segment that names
/// nothing, like an unknown id), an aggregate without events 404 `not-found`; anything else
/// (the database, an event that does not decode) 500.
#[must_use]
pub fn problem(error: AuditError) -> Problem {
    match error {
        AuditError::UnknownAggregateType(_) => {
            Problem::new(StatusCode::NOT_FOUND, "unknown-aggregate-type", "Unknown aggregate type")
                .with_detail(error.to_string())
                .with_field("aggregate_type")
        }
        AuditError::NoEvents(..) => Problem::not_found(error.to_string()),
        other => Problem::internal(&other),
    }
}

/// 403: the caller may not read the audit trail.
#[derive(IntoResponses)]
#[response(
    status = 403,
    content_type = "application/problem+json",
    description = "Forbidden (`forbidden`): the caller's roles lack `audit.read` (`permission` names it; the \
                   `auditor` and `admin` roles hold it), or the operator key, which names no tenant"
)]
pub struct NeedsAuditRead(pub ProblemSchema);

/// 404: the path names no aggregate with events.
#[derive(IntoResponses)]
#[response(
    status = 404,
    content_type = "application/problem+json",
    description = "Not found: an aggregate type Prism does not record (`unknown-aggregate-type`, `field` \
                   `aggregate_type`), no event of that aggregate (up to `as_of`) in the token's tenant \
                   (`not-found`), or the tenant is not provisioned (`unknown-tenant`)"
)]
pub struct NoSuchAggregate(pub ProblemSchema);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_path_names_is_not_found_and_a_store_failure_is_internal() {
        let status = |error| problem(error).status().as_u16();
        assert_eq!(status(AuditError::UnknownAggregateType("finance.ledger".to_owned())), 404);
        assert_eq!(status(AuditError::NoEvents("finance.invoice".to_owned(), "x".to_owned())), 404);
        assert_eq!(status(AuditError::Undecodable { position: 7, reason: "bad".to_owned() }), 500);
        assert_eq!(status(AuditError::Database(sqlx::Error::PoolTimedOut)), 500);
    }
}
