//! `republish`: stored events sent to Kafka again — to feed a new subscriber, or after a topic
//! was lost — through the relay's own [`Publisher`], so each goes to the topic its event type
//! maps to with the same key, envelope headers and Confluent Avro value the relay gave it.
//! Events are read from the event store (not the outbox) in global-position order, in batches;
//! each batch is acknowledged by Kafka before the next is sent, and the first refusal stops the
//! run, saying how far it got.

use std::collections::BTreeMap;

use indicatif::ProgressBar;
use prism_platform::config::{KafkaArgs, RegistryArgs};
use prism_platform::contract::{Catalogue, EVENTS};
use prism_platform::kafka;
use prism_platform::publishing::{OutboxRow, Publisher};
use serde_json::json;
use sqlx::PgPool;

use crate::output::Rows;
use crate::store::{events_as_outbox_rows, tenant_schema};
use crate::AuditError;

/// Columns of the answer: one row per topic published to.
pub const COLUMNS: &[&str] = &["topic", "events"];

/// Events handed to Kafka per batch (the relay's default).
const BATCH_MAX_EVENTS: i64 = 500;

/// Which events to publish again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection<'a> {
    /// The first global position.
    pub from_position: i64,
    /// The last global position; the last event when `None`.
    pub to_position: Option<i64>,
    /// Only the events published to this topic.
    pub topic: Option<&'a str>,
}

/// The filter on `$1`…`$3` selecting a [`Selection`]'s events.
const SELECTED: &str = "global_position >= $1 AND ($2::bigint IS NULL OR global_position <= $2)
                    AND ($3::text[] IS NULL OR event_type = ANY($3))";

/// Publishes the events of `tenant` that `selection` picks to the Kafka of `kafka`, encoded with
/// the registry of `registry`, advancing `progress` per event: how many went to each topic.
///
/// # Errors
/// An unknown tenant or topic, a database failure, or Kafka or the registry refusing.
pub async fn republish(
    pool: &PgPool,
    tenant: &str,
    selection: Selection<'_>,
    kafka: &KafkaArgs,
    registry: &RegistryArgs,
    progress: &ProgressBar,
) -> Result<Rows, AuditError> {
    let schema = tenant_schema(pool, tenant).await?;
    let publisher = Publisher::new(kafka, registry, Catalogue::load().map_err(refused)?).map_err(refused)?;
    let (event_types, topics) = routes(&publisher, selection.topic)?;
    kafka::ensure_topics(kafka, &topics).await.map_err(refused)?;
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {schema}.events WHERE {SELECTED}"))
        .bind(selection.from_position)
        .bind(selection.to_position)
        .bind(&event_types)
        .fetch_one(pool)
        .await?;
    progress.inc_length(u64::try_from(total).unwrap_or(0));
    let sql = format!(
        "SELECT {} FROM {schema}.events WHERE {SELECTED} ORDER BY global_position LIMIT $5",
        events_as_outbox_rows(4, false)
    );
    let mut published: BTreeMap<String, i64> = BTreeMap::new();
    let mut from_position = selection.from_position;
    loop {
        let rows: Vec<OutboxRow> = sqlx::query_as(&sql)
            .bind(from_position)
            .bind(selection.to_position)
            .bind(&event_types)
            .bind(tenant)
            .bind(BATCH_MAX_EVENTS)
            .fetch_all(pool)
            .await?;
        let Some(last) = rows.last().map(|row| row.global_position) else { break };
        let (acknowledged, failure) = publisher.send_all(&rows).await.settle().await;
        for row in &rows[..acknowledged.len()] {
            *published.entry(publisher.topic_of(&row.event_type).map_err(refused)?).or_default() += 1;
        }
        progress.inc(u64::try_from(acknowledged.len()).unwrap_or(0));
        if let Some(error) = failure {
            let sent: i64 = published.values().sum();
            return Err(AuditError::Publish(format!("{error} (after {sent} events were published)")));
        }
        from_position = last + 1;
    }
    progress.finish_and_clear();
    let mut answer = Rows::new(COLUMNS);
    for (topic, events) in published {
        answer.push(vec![json!(topic), json!(events)]);
    }
    Ok(answer)
}

/// The event types to publish (`None`: all) and the topics they go to; only those of `topic`
/// when given.
fn routes(publisher: &Publisher, topic: Option<&str>) -> Result<(Option<Vec<String>>, Vec<String>), AuditError> {
    let mut routes = Vec::with_capacity(EVENTS.len());
    for contract in EVENTS {
        routes.push((contract.event_type.to_owned(), publisher.topic_of(contract.event_type).map_err(refused)?));
    }
    let mut topics: Vec<String> = routes.iter().map(|(_, topic)| topic.clone()).collect();
    topics.sort_unstable();
    topics.dedup();
    let Some(wanted) = topic else { return Ok((None, topics)) };
    if !topics.iter().any(|known| known == wanted) {
        return Err(AuditError::UnknownTopic { topic: wanted.to_owned(), known: topics.join(", ") });
    }
    let event_types = routes.into_iter().filter(|(_, to)| to == wanted).map(|(event_type, _)| event_type).collect();
    Ok((Some(event_types), vec![wanted.to_owned()]))
}

/// Kafka, the registry or the contract refusing, as an answer.
fn refused(error: impl std::fmt::Display) -> AuditError {
    AuditError::Publish(error.to_string())
}
