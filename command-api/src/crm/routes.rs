//! What the CRM (and HR) routes share: an aggregate addressed by the UUID in its path, one
//! command run on it (`If-Match` checked first), and an answer built from the aggregate after the
//! command with its version and position, with `Location`, `ETag` and `X-Prism-Position`.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use cqrs_es::Aggregate;
use prism_aggregates::refusal::Refusal;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::Serialize;
use uuid::Uuid;

use crate::dispatch::{accepted, check_if_match, execute};
use crate::event_store::{Committed, TenantEventStores};
use crate::request_context::RequestContext;

/// One command on one CRM aggregate, and where it is read.
pub struct Target<'a, A: Aggregate> {
    /// The aggregate's event stores.
    pub stores: &'a Arc<TenantEventStores<A>>,
    /// The caller's tenant.
    pub tenant: &'a TenantId,
    /// The aggregate id.
    pub id: Uuid,
    /// Where aggregates of this kind are read, e.g. `/v1/opportunities`.
    pub location: &'static str,
}

/// Runs `command` on `target` and answers `status` with the body `answer` builds from the
/// aggregate after it and the commit.
///
/// # Errors
/// A stale `If-Match`, the command's refusal, or a failure to read the aggregate back.
pub async fn run<A, B>(
    target: Target<'_, A>,
    headers: &HeaderMap,
    command: A::Command,
    context: &RequestContext,
    status: StatusCode,
    answer: impl FnOnce(&A, &Committed) -> B,
) -> Result<Response, Problem>
where
    A: Aggregate + 'static,
    A::Error: Refusal,
    B: Serialize,
{
    let id = target.id.to_string();
    check_if_match(target.stores, target.tenant, &id, headers).await?;
    let committed = execute(target.stores, target.tenant, &id, command, context).await?;
    tracing::info!(position = committed.position, aggregate = A::TYPE, id = %id, "aggregate changed");
    let aggregate = target.stores.load(target.tenant, &id).await.map_err(|e| Problem::internal(&e))?;
    let body = answer(&aggregate, &committed);
    Ok(accepted(status, body, &format!("{}/{id}", target.location), committed))
}
