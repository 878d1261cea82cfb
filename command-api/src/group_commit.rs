//! Group commit: the appends of one tenant's concurrent commands, committed together.
//!
//! Every event is hash-chained to its tenant's previous one in the write transaction, so a
//! tenant's transactions take turns on the chain head from their insert to their commit —
//! its disk flush included. One transaction per command would cap a tenant at one flush per
//! command, however many clients it has. Instead, each tenant's appends (of one aggregate
//! type: one committer per [`crate::event_store::TenantEventStores`] and tenant) go to one
//! committer task ([`Committer`]), which takes every append waiting when it is free (at most
//! [`MAX_APPENDS`]) and writes them with one `INSERT`, its own transaction: one turn on the
//! chain and one flush for all of them. Each command still gets its own answer: when the
//! shared statement fails (one append lost the optimistic-concurrency race on its aggregate's
//! sequence, or anything else), nothing of it is kept and every append of the batch is
//! retried alone, so one conflict costs no other command its success. A command is answered
//! only once its events are committed.
//!
//! [`GroupCommitRepository`] is the cqrs-es repository that routes appends to the tenant's
//! committer and reads as `postgres-es` does.

use cqrs_es::persist::{PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot};
use cqrs_es::Aggregate;
use postgres_es::PostgresEventRepository;
use serde_json::Value;
use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};

/// Most appends committed in one transaction.
pub const MAX_APPENDS: usize = 64;

/// Appends waiting for a committer before senders wait for room.
const QUEUE: usize = 1_024;

/// One command's events, and where its outcome goes.
struct Append {
    events: Vec<SerializedEvent>,
    outcome: oneshot::Sender<Result<(), PersistenceError>>,
}

/// The committer of one tenant's event table: a task that commits the appends sent to it,
/// those waiting together. Cheap to clone; the task ends when the last clone is dropped.
#[derive(Clone)]
pub struct Committer {
    appends: mpsc::Sender<Append>,
}

impl Committer {
    /// Starts the committer of `events_table` (schema-qualified and quoted) over `pool`.
    #[must_use]
    pub fn start(pool: PgPool, events_table: String) -> Self {
        let (appends, queue) = mpsc::channel(QUEUE);
        tokio::spawn(commit_as_they_come(pool, events_table, queue));
        Self { appends }
    }

    /// Commits `events` (one command's), with other commands' waiting appends or alone.
    async fn append(&self, events: &[SerializedEvent]) -> Result<(), PersistenceError> {
        let (outcome, answer) = oneshot::channel();
        let stopped = || PersistenceError::UnknownError("the tenant's event committer stopped".into());
        self.appends.send(Append { events: events.to_vec(), outcome }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// The committer task: each turn takes the oldest waiting append and every other one already
/// waiting, up to [`MAX_APPENDS`], and commits them.
async fn commit_as_they_come(pool: PgPool, events_table: String, mut queue: mpsc::Receiver<Append>) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_APPENDS {
            match queue.try_recv() {
                Ok(append) => batch.push(append),
                Err(_) => break,
            }
        }
        commit(&pool, &events_table, batch).await;
    }
}

/// Commits `batch` in one transaction; when that fails, each append alone, so each gets its
/// own outcome (a conflict for the one that lost its aggregate's race).
async fn commit(pool: &PgPool, events_table: &str, batch: Vec<Append>) {
    if batch.len() > 1 {
        let all: Vec<&SerializedEvent> = batch.iter().flat_map(|append| &append.events).collect();
        if insert(pool, events_table, &all).await.is_ok() {
            for append in batch {
                // A command that gave up waiting is no longer there to tell.
                let _ = append.outcome.send(Ok(()));
            }
            return;
        }
    }
    for append in batch {
        let events: Vec<&SerializedEvent> = append.events.iter().collect();
        let outcome = insert(pool, events_table, &events).await.map_err(persistence_error);
        let _ = append.outcome.send(outcome);
    }
}

/// Inserts `events` in their order with one statement, which is its own transaction: one
/// round trip, all or nothing.
async fn insert(pool: &PgPool, events_table: &str, events: &[&SerializedEvent]) -> Result<(), sqlx::Error> {
    let sequences = events
        .iter()
        .map(|e| i64::try_from(e.sequence))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(&format!(
        "INSERT INTO {events_table}
             (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata
           FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[])
                WITH ORDINALITY AS e (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, n)
          ORDER BY n"
    ))
    .bind(events.iter().map(|e| e.aggregate_type.as_str()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.aggregate_id.as_str()).collect::<Vec<_>>())
    .bind(sequences)
    .bind(events.iter().map(|e| e.event_type.as_str()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.event_version.as_str()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| &e.payload).collect::<Vec<&Value>>())
    .bind(events.iter().map(|e| &e.metadata).collect::<Vec<&Value>>())
    .execute(pool)
    .await?;
    Ok(())
}

/// `error` as `postgres-es` reports it: a unique violation (the aggregate's next sequence taken
/// by another command) is the optimistic-concurrency conflict; a broken connection is a
/// connection error.
fn persistence_error(error: sqlx::Error) -> PersistenceError {
    match &error {
        sqlx::Error::Database(database) if database.code().as_deref() == Some("23505") => {
            PersistenceError::OptimisticLockError
        }
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) => PersistenceError::ConnectionError(Box::new(error)),
        _ => PersistenceError::UnknownError(Box::new(error)),
    }
}

/// The event repository of one tenant: reads as `postgres-es` reads; appends through the
/// tenant's [`Committer`]. Snapshots are not kept (Prism's stores take none).
pub struct GroupCommitRepository {
    reads: PostgresEventRepository,
    committer: Committer,
}

impl GroupCommitRepository {
    /// Reads through `reads`, appends through `committer`.
    #[must_use]
    pub fn new(reads: PostgresEventRepository, committer: Committer) -> Self {
        Self { reads, committer }
    }
}

impl PersistedEventRepository for GroupCommitRepository {
    async fn get_events<A: Aggregate>(&self, aggregate_id: &str) -> Result<Vec<SerializedEvent>, PersistenceError> {
        self.reads.get_events::<A>(aggregate_id).await
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        self.reads.get_last_events::<A>(aggregate_id, last_sequence).await
    }

    async fn get_snapshot<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        self.reads.get_snapshot::<A>(aggregate_id).await
    }

    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        if snapshot_update.is_some() {
            return Err(PersistenceError::UnknownError("this event store keeps no snapshots".into()));
        }
        self.committer.append(events).await
    }

    async fn stream_events<A: Aggregate>(&self, aggregate_id: &str) -> Result<ReplayStream, PersistenceError> {
        self.reads.stream_events::<A>(aggregate_id).await
    }

    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        self.reads.stream_all_events::<A>().await
    }
}
