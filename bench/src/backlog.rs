//! A large backlog for the relay and the projectors, written straight into `shared.outbox`:
//! `events` copies of a journal entry the command API stored for the tenant, each with its own
//! event id, time-ordered aggregate id and `entry_id` ([`ids`]), and a global position after
//! every stored one — the rows the event-store trigger would have enqueued for as many
//! appends — committed in one transaction, then `prism_outbox` is notified as the trigger does.
//! Going around the event store keeps a million-event backlog to seconds: through the store,
//! every event would first pay its hash-chain link (about 200 µs each, see BENCHMARKS.md),
//! which is the append's cost, not the relay's or a projector's.

use std::time::{Duration, Instant};

use prism_tests::system::System;

use crate::{ids, BoxError};

/// Enqueues `events` copies of the first journal entry stored for `tenant` (there must be one)
/// in one transaction and wakes the relay: how long the insert and commit took.
///
/// # Errors
/// A database failure, or fewer rows written than asked.
pub async fn enqueue(system: &System, tenant: &str, events: u64) -> Result<Duration, BoxError> {
    let started = Instant::now();
    let mut transaction = system.pool.begin().await?;
    let sql = format!(
        "INSERT INTO shared.outbox (tenant, event_id, global_position, aggregate_type, aggregate_id, sequence,
                                    event_type, event_version, payload, metadata, recorded_at)
         SELECT $1, gen_random_uuid(), t.last + g.n, t.aggregate_type, e.id::text, t.sequence, t.event_type,
                t.event_version,
                json_build_object(t.event_type, (t.payload -> t.event_type)::jsonb || jsonb_build_object('entry_id', e.id)),
                t.metadata, clock_timestamp()
           FROM (SELECT *, (SELECT max(global_position) FROM tenant_{tenant}.events) AS last
                   FROM tenant_{tenant}.events WHERE aggregate_type = 'finance.journal_entry'
                  ORDER BY global_position LIMIT 1) t
          CROSS JOIN generate_series(1, $2::bigint) AS g (n)
          CROSS JOIN LATERAL (SELECT {} AS id) e",
        ids::time_ordered_uuid_sql("t.last + g.n")
    );
    let written = sqlx::query(&sql).bind(tenant).bind(i64::try_from(events)?).execute(&mut *transaction).await?;
    sqlx::query("SELECT pg_notify('prism_outbox', '')").execute(&mut *transaction).await?;
    transaction.commit().await?;
    if written.rows_affected() != events {
        return Err(format!("{} backlog events enqueued, {events} asked", written.rows_affected()).into());
    }
    Ok(started.elapsed())
}

/// Pause between two looks at the outbox.
const POLL: Duration = Duration::from_millis(10);

/// Waits until the relay has taken every outbox row of `tenant` (published and deleted).
/// Each look reads the oldest row of the tenant by the outbox's primary key, which costs little
/// however long the backlog, unlike a count that would compete with the relay it measures.
///
/// # Errors
/// A database failure, or rows still there at `deadline`.
pub async fn wait_until_relayed(system: &System, tenant: &str, deadline: Instant) -> Result<(), BoxError> {
    loop {
        let oldest: Option<i64> =
            sqlx::query_scalar("SELECT outbox_id FROM shared.outbox WHERE tenant = $1 ORDER BY outbox_id LIMIT 1")
                .bind(tenant)
                .fetch_optional(&system.pool)
                .await?;
        let Some(oldest) = oldest else { return Ok(()) };
        if Instant::now() > deadline {
            return Err(format!("the relay has not published outbox row {oldest} and those after it in time").into());
        }
        tokio::time::sleep(POLL).await;
    }
}
