//! Running one aggregate command for an HTTP request, the same way for every aggregate:
//! counted in `prism_commands_total{aggregate, outcome}`, a refusal turned into its problem,
//! a lost optimistic-lock race into 409 with the aggregate's current version, and `If-Match`
//! checked before anything is decided.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cqrs_es::{Aggregate, AggregateError};
use prism_aggregates::refusal::Refusal;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::Serialize;
use uuid::Uuid;

use crate::error::{command_problem, version_conflict};
use crate::event_store::{Committed, TenantEventStores};
use crate::request_context::RequestContext;

/// Header carrying the global position of the command's last event (consistency token).
pub const POSITION_HEADER: &str = "x-prism-position";

/// Executes `command` on aggregate `id` of `tenant`.
///
/// # Errors
/// The command's refusal, a version conflict, or an internal failure, as problems.
pub async fn execute<A>(
    stores: &TenantEventStores<A>,
    tenant: &TenantId,
    id: &str,
    command: A::Command,
    context: &RequestContext,
) -> Result<Committed, Problem>
where
    A: Aggregate + 'static,
    A::Error: Refusal,
{
    let outcome = stores.execute(tenant, id, command, context).await;
    settle(stores, tenant, id, outcome).await
}

/// [`execute`], tried again — up to `attempts` times in all — while other commands win the
/// race for the aggregate: for commands sent without `If-Match` and decided afresh against
/// the latest state each time, such as stock movements of one item from many orders at once.
///
/// # Errors
/// As [`execute`]; a version conflict only once every attempt lost the race.
pub async fn execute_contended<A>(
    stores: &TenantEventStores<A>,
    tenant: &TenantId,
    id: &str,
    command: &A::Command,
    context: &RequestContext,
    attempts: u32,
) -> Result<Committed, Problem>
where
    A: Aggregate + 'static,
    A::Command: Clone,
    A::Error: Refusal,
{
    let mut attempt = 1;
    loop {
        let outcome = stores.execute(tenant, id, command.clone(), context).await;
        if attempt < attempts && matches!(outcome, Err(AggregateError::AggregateConflict)) {
            metrics::counter!("prism_commands_total", "aggregate" => A::TYPE, "outcome" => "retried").increment(1);
            attempt += 1;
            continue;
        }
        return settle(stores, tenant, id, outcome).await;
    }
}

/// Counts an outcome and turns it into the answer.
async fn settle<A>(
    stores: &TenantEventStores<A>,
    tenant: &TenantId,
    id: &str,
    outcome: Result<Committed, AggregateError<A::Error>>,
) -> Result<Committed, Problem>
where
    A: Aggregate + 'static,
    A::Error: Refusal,
{
    let label = match &outcome {
        Ok(_) => "accepted",
        Err(AggregateError::AggregateConflict) => "conflict",
        Err(AggregateError::UserError(_)) => "refused",
        Err(_) => "failed",
    };
    metrics::counter!("prism_commands_total", "aggregate" => A::TYPE, "outcome" => label).increment(1);
    match outcome {
        Ok(committed) => Ok(committed),
        Err(AggregateError::AggregateConflict) => {
            let current = stores.version(tenant, id).await.map_err(|e| Problem::from_failure(&e))?;
            Err(version_conflict(current, "another command changed this aggregate at the same time; retry"))
        }
        Err(error) => Err(command_problem(error)),
    }
}

/// The id a path names, which must be a UUID: anything else names no `what` (404).
///
/// # Errors
/// A 404 problem when `id` is not a UUID.
pub fn path_uuid(what: &str, id: &str) -> Result<Uuid, Problem> {
    Uuid::parse_str(id).map_err(|_| Problem::not_found(format!("no {what} {id}")))
}

/// Refuses with 409 when `If-Match` names another version than aggregate `id`'s current one.
///
/// # Errors
/// A 400 for an unreadable `If-Match`, a 409 for a stale one.
pub async fn check_if_match<A>(
    stores: &TenantEventStores<A>,
    tenant: &TenantId,
    id: &str,
    headers: &HeaderMap,
) -> Result<(), Problem>
where
    A: Aggregate + 'static,
{
    let Some(value) = headers.get(header::IF_MATCH) else { return Ok(()) };
    let text = value.to_str().unwrap_or_default().trim().trim_matches('"');
    let expected: i64 = text
        .parse()
        .map_err(|_| Problem::bad_request("If-Match must carry the expected version number, e.g. \"1\""))?;
    let current = stores.version(tenant, id).await.map_err(|e| Problem::from_failure(&e))?;
    if current == expected {
        Ok(())
    } else {
        Err(version_conflict(current, &format!("If-Match names version {expected}; the aggregate is at {current}")))
    }
}

/// A 201 (or `status`) answer with `body`, `Location`, `ETag: "<version>"` and the position header.
#[must_use]
pub fn accepted(status: StatusCode, body: impl Serialize, location: &str, committed: Committed) -> Response {
    let mut response = (status, Json(body)).into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, location);
    }
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", committed.version)) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(POSITION_HEADER, HeaderValue::from(committed.position));
    response
}
