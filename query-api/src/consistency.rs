//! The consistency token: a client that just wrote sends the write's global position as
//! `X-Prism-Min-Position`, and the query waits — polling every [`POLL_INTERVAL`], at most the
//! configured bound — until the projector feeding the endpoint has applied that position.
//! One wait loop serves every store; each endpoint supplies its "has applied" check.

use std::future::Future;
use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use mongodb::bson::doc;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde_json::json;
use sqlx::PgPool;
use tokio::time::Instant;

use crate::error::{absent_if_unprovisioned, ReadError};
use crate::stores::tenant_table;

/// Header carrying the global position the read must reflect.
pub const MIN_POSITION_HEADER: &str = "x-prism-min-position";

/// Pause between two "has applied" checks.
pub const POLL_INTERVAL: Duration = Duration::from_millis(5);

/// The request's consistency token, if it sent one: a positive global position. A header
/// that is not a positive integer is 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinPosition(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for MinPosition {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(MIN_POSITION_HEADER) else {
            return Ok(Self(None));
        };
        value
            .to_str()
            .ok()
            .and_then(|text| text.trim().parse::<i64>().ok())
            .filter(|position| *position > 0)
            .map(|position| Self(Some(position)))
            .ok_or_else(|| Problem::bad_request("X-Prism-Min-Position must be a positive integer"))
    }
}

impl MinPosition {
    /// Waits until `has_applied(position)` holds, if a position was requested.
    ///
    /// # Errors
    /// 504 `consistency-timeout` after `max_wait`; 500 when a check fails.
    pub async fn wait<F, Fut>(self, max_wait: Duration, has_applied: F) -> Result<(), Problem>
    where
        F: FnMut(i64) -> Fut,
        Fut: Future<Output = Result<bool, ReadError>>,
    {
        match self.0 {
            Some(position) => wait_until_applied(position, max_wait, has_applied).await,
            None => Ok(()),
        }
    }
}

/// Polls `has_applied(position)` every [`POLL_INTERVAL`] until it holds or `max_wait` passes.
///
/// # Errors
/// 504 `consistency-timeout` naming the position after `max_wait`; 500 when a check fails.
pub async fn wait_until_applied<F, Fut>(position: i64, max_wait: Duration, mut has_applied: F) -> Result<(), Problem>
where
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<bool, ReadError>>,
{
    let started = Instant::now();
    let deadline = started + max_wait;
    loop {
        if has_applied(position).await? {
            metrics::counter!("prism_query_consistency_waits_total", "outcome" => "reached").increment(1);
            metrics::histogram!("prism_query_consistency_wait_seconds").record(started.elapsed().as_secs_f64());
            return Ok(());
        }
        let now = Instant::now();
        if now >= deadline {
            metrics::counter!("prism_query_consistency_waits_total", "outcome" => "timeout").increment(1);
            return Err(consistency_timeout(position, max_wait));
        }
        tokio::time::sleep(POLL_INTERVAL.min(deadline - now)).await;
    }
}

/// The 504 problem for a position the projector did not reach in time.
#[must_use]
pub fn consistency_timeout(position: i64, max_wait: Duration) -> Problem {
    let waited_ms = u64::try_from(max_wait.as_millis()).unwrap_or(u64::MAX);
    Problem::new(StatusCode::GATEWAY_TIMEOUT, "consistency-timeout", "Read model not caught up")
        .with_detail(format!("the read model had not applied position {position} after {waited_ms} ms; retry later"))
        .with_extension("min_position", json!(position))
        .with_extension("waited_ms", json!(waited_ms))
}

/// Whether `projector` has recorded `position` in `tenant`'s `projection_applied` table in
/// the database behind `pool` (a table not provisioned yet counts as "not yet").
///
/// # Errors
/// When the database refuses.
pub async fn applied_in_postgres(
    pool: &PgPool,
    tenant: &TenantId,
    projector: &str,
    position: i64,
) -> Result<bool, ReadError> {
    let sql = format!(
        "SELECT 1 FROM {} WHERE projector = $1 AND global_position = $2",
        tenant_table(tenant, "projection_applied")
    );
    let found: Result<Option<i32>, _> =
        sqlx::query_scalar(&sql).bind(projector).bind(position).fetch_optional(pool).await;
    Ok(absent_if_unprovisioned(found, None)?.is_some())
}

/// Whether the MongoDB projector has recorded `position` in `database.projection_applied`.
///
/// # Errors
/// When MongoDB refuses or is unreachable.
pub async fn applied_in_mongo(database: &mongodb::Database, position: i64) -> Result<bool, ReadError> {
    let found = database
        .collection::<mongodb::bson::Document>("projection_applied")
        .find_one(doc! { "_id": position })
        .projection(doc! { "_id": 1 })
        .await?;
    Ok(found.is_some())
}
