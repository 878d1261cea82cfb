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
//! only once its events are committed, and learns where they landed from the same statement
//! ([`Landed`], through [`noting_landing`]), without reading them back.
//!
//! [`GroupCommitRepository`] is the cqrs-es repository that routes appends to the tenant's
//! committer, reads snapshots ([`crate::snapshots`]) and reads events as `postgres-es` does,
//! except the history of an aggregate whose id the server has just minted
//! ([`NewAggregateId`]), which it knows to be empty.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;

use cqrs_es::persist::{PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot};
use cqrs_es::Aggregate;
use postgres_es::PostgresEventRepository;
use serde_json::Value;
use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::snapshots::Snapshots;

/// Most appends committed in one transaction.
pub const MAX_APPENDS: usize = 64;

/// Appends waiting for a committer before senders wait for room.
const QUEUE: usize = 1_024;

/// Where one append's last event landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Landed {
    /// The aggregate's sequence of the append's last event (its new version).
    pub sequence: i64,
    /// The tenant-wide global position of the append's last event.
    pub position: i64,
    /// How many events the append stored.
    pub events: i64,
}

tokio::task_local! {
    /// Where the last append made by the current task landed, inside [`noting_landing`].
    static LAST_LANDED: Cell<Option<Landed>>;
}

/// Runs `work` (a command's execution) and returns its output with where the last append it
/// made through a [`GroupCommitRepository`] landed: `None` when it appended nothing.
pub async fn noting_landing<F: Future>(work: F) -> (F::Output, Option<Landed>) {
    LAST_LANDED
        .scope(Cell::new(None), async {
            let output = work.await;
            (output, LAST_LANDED.with(Cell::get))
        })
        .await
}

tokio::task_local! {
    /// Inside [`NewAggregateId::run`] for an id the server minted, that id until the task's
    /// first append to it: until then it has no history.
    static MINTED: RefCell<Option<String>>;
}

/// The id of the aggregate a creating command addresses: the one its request names, or one
/// minted here (a new version-7 UUID). A minted id can have no events, so its history is not
/// read (one round trip fewer) until the command's events are appended: the command is
/// decided on the new aggregate's state, and an append that still met events would fail on the
/// aggregate's first sequence like any lost race.
#[derive(Debug, Clone, Copy)]
pub struct NewAggregateId {
    id: Uuid,
    minted: bool,
}

impl NewAggregateId {
    /// `requested`, or a newly minted id when the request named none.
    #[must_use]
    pub fn named_or_minted(requested: Option<Uuid>) -> Self {
        match requested {
            Some(id) => Self { id, minted: false },
            None => Self { id: Uuid::now_v7(), minted: true },
        }
    }

    /// The id.
    #[must_use]
    pub fn uuid(self) -> Uuid {
        self.id
    }

    /// Runs `work`, the command's execution on this aggregate.
    pub async fn run<F: Future>(self, work: F) -> F::Output {
        if self.minted {
            MINTED.scope(RefCell::new(Some(self.id.to_string())), work).await
        } else {
            work.await
        }
    }
}

/// Whether `aggregate_id` is the id minted for the current task's creating command, still
/// without events.
fn is_minted(aggregate_id: &str) -> bool {
    MINTED.try_with(|minted| minted.borrow().as_deref() == Some(aggregate_id)).unwrap_or(false)
}

/// One command's events, and where its outcome goes.
struct Append {
    events: Vec<SerializedEvent>,
    outcome: oneshot::Sender<Result<Landed, PersistenceError>>,
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

    /// Commits `events` (one command's, at least one), with other commands' waiting appends
    /// or alone.
    async fn append(&self, events: &[SerializedEvent]) -> Result<Landed, PersistenceError> {
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
        if let Ok(positions) = insert(pool, events_table, &all).await {
            for append in batch {
                let landed = landing(&append.events, &positions);
                // A command that gave up waiting is no longer there to tell.
                let _ = append.outcome.send(landed);
            }
            return;
        }
    }
    for append in batch {
        let events: Vec<&SerializedEvent> = append.events.iter().collect();
        let outcome = match insert(pool, events_table, &events).await {
            Ok(positions) => landing(&append.events, &positions),
            Err(error) => Err(persistence_error(error)),
        };
        let _ = append.outcome.send(outcome);
    }
}

/// Global positions of inserted events, by aggregate type, aggregate id and sequence.
type Positions = HashMap<(String, String, i64), i64>;

/// Where `events` (one append's, inserted) landed, looked up in `positions`.
fn landing(events: &[SerializedEvent], positions: &Positions) -> Result<Landed, PersistenceError> {
    let not_returned = || PersistenceError::UnknownError("the insert did not return an appended event".into());
    let last = events.last().ok_or_else(not_returned)?;
    let sequence = i64::try_from(last.sequence).map_err(|e| PersistenceError::UnknownError(Box::new(e)))?;
    let key = (last.aggregate_type.clone(), last.aggregate_id.clone(), sequence);
    let position = *positions.get(&key).ok_or_else(not_returned)?;
    let events = i64::try_from(events.len()).map_err(|e| PersistenceError::UnknownError(Box::new(e)))?;
    Ok(Landed { sequence, position, events })
}

/// Inserts `events` in their order with one statement, which is its own transaction: one
/// round trip, all or nothing. Returns where each landed.
async fn insert(pool: &PgPool, events_table: &str, events: &[&SerializedEvent]) -> Result<Positions, sqlx::Error> {
    let sequences = events
        .iter()
        .map(|e| i64::try_from(e.sequence))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let inserted: Vec<(String, String, i64, i64)> = sqlx::query_as(&format!(
        "INSERT INTO {events_table}
             (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata
           FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[])
                WITH ORDINALITY AS e (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, n)
          ORDER BY n
         RETURNING aggregate_type, aggregate_id, sequence, global_position"
    ))
    .bind(events.iter().map(|e| e.aggregate_type.as_str()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.aggregate_id.as_str()).collect::<Vec<_>>())
    .bind(sequences)
    .bind(events.iter().map(|e| e.event_type.as_str()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.event_version.as_str()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| &e.payload).collect::<Vec<&Value>>())
    .bind(events.iter().map(|e| &e.metadata).collect::<Vec<&Value>>())
    .fetch_all(pool)
    .await?;
    Ok(inserted.into_iter().map(|(kind, id, sequence, position)| ((kind, id, sequence), position)).collect())
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

/// The event repository of one tenant: reads events as `postgres-es` reads them and snapshots
/// from `snapshots`; appends through the tenant's [`Committer`].
pub struct GroupCommitRepository {
    reads: PostgresEventRepository,
    committer: Committer,
    snapshots: Snapshots,
}

impl GroupCommitRepository {
    /// Reads through `reads`, appends through `committer`, snapshots in `snapshots`.
    #[must_use]
    pub fn new(reads: PostgresEventRepository, committer: Committer, snapshots: Snapshots) -> Self {
        Self { reads, committer, snapshots }
    }
}

impl PersistedEventRepository for GroupCommitRepository {
    async fn get_events<A: Aggregate>(&self, aggregate_id: &str) -> Result<Vec<SerializedEvent>, PersistenceError> {
        if is_minted(aggregate_id) {
            return Ok(Vec::new());
        }
        self.reads.get_events::<A>(aggregate_id).await
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        if is_minted(aggregate_id) {
            return Ok(Vec::new());
        }
        self.reads.get_last_events::<A>(aggregate_id, last_sequence).await
    }

    async fn get_snapshot<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        if is_minted(aggregate_id) {
            return Ok(None);
        }
        self.snapshots.latest(A::TYPE, aggregate_id).await
    }

    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        if snapshot_update.is_some() {
            // cqrs-es 0.5 computes it by applying the command's events to a state its event sink
            // already applied them to; `TenantEventStores` keeps snapshots itself.
            return Err(PersistenceError::UnknownError("snapshots are not taken through cqrs-es".into()));
        }
        if events.is_empty() {
            return Ok(());
        }
        let landed = self.committer.append(events).await?;
        // Outside `noting_landing` nobody asked where the events landed.
        let _ = LAST_LANDED.try_with(|last| last.set(Some(landed)));
        // Outside `NewAggregateId::run` nothing was minted; inside, the aggregate now has events.
        let _ = MINTED.try_with(|minted| minted.borrow_mut().take_if(|id| *id == events[0].aggregate_id));
        Ok(())
    }

    async fn stream_events<A: Aggregate>(&self, aggregate_id: &str) -> Result<ReplayStream, PersistenceError> {
        self.reads.stream_events::<A>(aggregate_id).await
    }

    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        self.reads.stream_all_events::<A>().await
    }
}
