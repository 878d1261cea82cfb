//! Test support the projector tests share: a tenant of their own, the real Postgres with the
//! shared schema migrated, and domain events wrapped as a projector receives them from Kafka.

#![allow(dead_code, missing_docs)] // each test file uses some of the helpers

use chrono::Utc;
use prism_platform::envelope::EventEnvelope;
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use sqlx::PgPool;
use uuid::Uuid;

/// The environment variable `name`, or `default` when it is not set.
pub fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// A fresh tenant id, `<prefix>_` and 12 random hex digits, so that each test has schemas of
/// its own and the prefix tells which test file made them.
pub fn tenant(prefix: &str) -> String {
    format!("{prefix}_{}", &Uuid::new_v4().simple().to_string()[..12])
}

/// A pool on `PRISM_DATABASE_URL` (default: the local stack's Postgres), the shared schema
/// migrated.
pub async fn pool() -> PgPool {
    let url = env("PRISM_DATABASE_URL", "postgres://prism:prism@127.0.0.1:25432/prism");
    let pool = prism_platform::db::connect_url(&url, 4).await.unwrap();
    prism_platform::db::migrate(&pool, "shared", prism_platform::db::SHARED).await.unwrap();
    pool
}

/// The envelope of event number `sequence` (also its global position) of `tenant`'s
/// aggregate `aggregate_type` `aggregate_id`: of type `event_type`, version 1, occurring now,
/// without correlation, causation or trace.
pub fn envelope(
    tenant: &str,
    aggregate_type: &str,
    aggregate_id: &str,
    event_type: String,
    sequence: i64,
) -> EventEnvelope {
    EventEnvelope {
        event_id: Uuid::new_v4(),
        event_type,
        event_version: "1".to_owned(),
        aggregate_type: aggregate_type.to_owned(),
        aggregate_id: aggregate_id.to_owned(),
        sequence,
        tenant: tenant.to_owned(),
        global_position: sequence,
        occurred_at: Utc::now(),
        correlation_id: None,
        causation_id: None,
        traceparent: None,
        user_id: None,
    }
}

/// `event` with `envelope` as a projector receives it: from partition 0 of `topic`, at
/// `offset`.
pub fn projected(envelope: EventEnvelope, event: DomainEvent, topic: String, offset: i64) -> ProjectedEvent {
    ProjectedEvent { envelope, event, topic, partition: 0, offset }
}

/// `events` of `aggregate_type` `id` as the projector receives them, numbered from 1, at
/// global positions from `first_position` + 1.
pub fn delivered(
    tenant: &str,
    aggregate_type: &str,
    id: &str,
    first_position: i64,
    events: Vec<(String, DomainEvent)>,
) -> Vec<ProjectedEvent> {
    events
        .into_iter()
        .zip(1..)
        .map(|((event_type, event), sequence)| {
            let mut envelope = envelope(tenant, aggregate_type, id, event_type, sequence);
            envelope.global_position = first_position + sequence;
            projected(envelope, event, format!("{aggregate_type}-{tenant}"), first_position + sequence)
        })
        .collect()
}
