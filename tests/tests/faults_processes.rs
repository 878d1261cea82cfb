//! Prism's own processes crashing and being stopped, on the real stack, each run as its binary:
//! the relay SIGKILLed mid-batch and two relays started at once lose nothing and publish
//! again at most the batch that was in flight (the at-least-once window); the Postgres
//! projector SIGKILLed again and again under a steady stream of commands ends equal to a
//! replay; and every process stopped with SIGTERM under load exits promptly with status 0,
//! having finished and committed what it was doing — the relay leaving nothing both published
//! and queued, each projector having applied exactly what it committed (also when SIGTERM
//! comes while its writes fail), the command API answering and storing its requests in flight
//! and not held by a client stalled mid-request.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use prism_process_managers::config::ProcessKind;
use prism_projections::config::ProjectorKind;
use prism_projections::runtime::followed_topics;
use prism_tests::ledger::{numbered_entry, post_entries, post_until, projected_balances, replayed_balances};
use prism_tests::processes::{
    projector_command, spawn, spawn_command_api, spawn_process_manager, spawn_projector_batching, spawn_query_api,
    spawn_relay, terminate, ServingProcess,
};
use prism_tests::reliability::{record, Observation};
use prism_tests::replay::{
    event_positions, followed_aggregate_types, kill, postgres_replay_differences, AppliedLog, APPLIED, LEDGER_TABLES,
};
use prism_tests::system::{eventually, System, SystemOptions};
use prism_tests::topic::{committed_offsets, copies_by_event, read_all};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Child;
use tokio_util::sync::CancellationToken;

/// Rows a relay process publishes per batch here: small, so that a kill lands mid-backlog, and
/// the most a crash can publish twice (one batch is in flight at a time).
const RELAY_BATCH_MAX_EVENTS: u32 = 25;

/// How long the topic must stay quiet before a reader takes it as read whole.
const TOPIC_QUIET: Duration = Duration::from_secs(4);

/// The text values `sql` selects, its `$1` bound to `tenant` when it has one.
async fn text_set(system: &System, sql: &str, tenant: &str) -> HashSet<String> {
    let mut query = sqlx::query_scalar(sql);
    if sql.contains("$1") {
        query = query.bind(tenant);
    }
    let values: Vec<String> = query.fetch_all(&system.pool).await.unwrap();
    values.into_iter().collect()
}

/// Event ids of `tenant`'s journal entries in its event store.
async fn journal_event_ids(system: &System, tenant: &str) -> HashSet<String> {
    let sql =
        format!("SELECT event_id::text FROM tenant_{tenant}.events WHERE aggregate_type = 'finance.journal_entry'");
    text_set(system, &sql, tenant).await
}

/// Event ids of `tenant` still waiting in the outbox.
async fn outbox_event_ids(system: &System, tenant: &str) -> HashSet<String> {
    text_set(system, "SELECT event_id::text FROM shared.outbox WHERE tenant = $1", tenant).await
}

/// Asserts that `tenant`'s read model holds each of its `entries` journal entries once, with
/// both lines, and balances equal to a replay of the event store.
async fn assert_each_entry_projected_once(system: &System, tenant: &str, entries: u64) {
    let entries = i64::try_from(entries).unwrap();
    assert_eq!(system.count(tenant, "journal_entries").await, entries, "each entry projected once");
    assert_eq!(system.count(tenant, "journal_lines").await, 2 * entries, "each line projected once");
    assert_eq!(projected_balances(&system.pool, tenant).await, replayed_balances(&system.pool, tenant).await);
}

/// Entries a relay test queues in the outbox before it starts a relay.
const BACKLOG_ENTRIES: u64 = 1_500;

/// Queues [`BACKLOG_ENTRIES`] entries of `tenant` in the outbox of `system` (which has no relay),
/// then starts a relay process and waits until it has published about half of them: the relay,
/// busy with the rest, and how many rows the outbox held.
async fn relay_half_way_through_a_backlog(system: &System, tenant: &str) -> (Child, i64) {
    post_entries(system, tenant, BACKLOG_ENTRIES).await;
    let backlog = system.outbox_depth(tenant).await;
    assert!(backlog > i64::try_from(BACKLOG_ENTRIES).unwrap(), "the outbox holds the backlog ({backlog} rows)");
    let relay = spawn_relay(system, RELAY_BATCH_MAX_EVENTS);
    let deadline = Instant::now() + Duration::from_secs(60);
    while system.outbox_depth(tenant).await > backlog / 2 {
        assert!(Instant::now() < deadline, "the relay never got half-way");
    }
    (relay, backlog)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_relay_killed_mid_batch_then_two_relays_at_once_lose_nothing_and_repeat_at_most_one_batch() {
    let system =
        System::start_without_relay(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None })
            .await;
    let tenant = system.ledger_tenant().await;
    let (mut relay, backlog) = relay_half_way_through_a_backlog(&system, &tenant).await;
    kill(&mut relay).await;
    let killed_at = Instant::now();
    let depth_at_kill = system.outbox_depth(&tenant).await;
    assert!(0 < depth_at_kill && depth_at_kill < backlog, "killed mid-backlog: {depth_at_kill} of {backlog} rows left");

    let _relays = [spawn_relay(&system, RELAY_BATCH_MAX_EVENTS), spawn_relay(&system, RELAY_BATCH_MAX_EVENTS)];
    eventually(Duration::from_secs(60), "the two relays to drain the outbox", || async {
        (system.outbox_depth(&tenant).await == 0).then_some(())
    })
    .await;
    system.await_postgres_caught_up(&tenant).await;
    let recovery = killed_at.elapsed();

    let records = read_all(&system, &[&system.journal_topic()], TOPIC_QUIET).await;
    let copies = copies_by_event(&records);
    let stored = journal_event_ids(&system, &tenant).await;
    let published: HashSet<String> = copies.keys().map(|id| (*id).to_owned()).collect();
    let lost = stored.difference(&published).count();
    let duplicated = records.len() - copies.len();
    assert_eq!(lost, 0, "every stored event reached the topic");
    assert_eq!(published, stored, "the topic holds this tenant's journal events only");
    assert!(copies.values().all(|&n| n <= 2), "no event was published more than twice");
    assert!(
        duplicated <= usize::try_from(RELAY_BATCH_MAX_EVENTS).unwrap(),
        "{duplicated} events published twice: more than the one batch in flight at the kill"
    );
    assert_each_entry_projected_once(&system, &tenant, BACKLOG_ENTRIES).await;

    record(
        "a_relay_killed_mid_batch_then_two_relays_at_once_lose_nothing_and_repeat_at_most_one_batch",
        &Observation {
            fault: "relay process SIGKILLed mid-batch, then two relays started at once",
            procedure: "1,500 entries queued in the outbox; the relay binary (batches of 25) killed once it \
                        had published part of it; two relays started together drain the rest",
            accepted: u64::try_from(stored.len()).unwrap(),
            lost: u64::try_from(lost).unwrap(),
            duplicated: 0,
            recovery: Some(recovery),
            notes: format!(
                "killed with {depth_at_kill} of {backlog} outbox rows left; {duplicated} events on the topic twice \
                 (at-least-once window: the batch in flight, at most {RELAY_BATCH_MAX_EVENTS}); the read model \
                 applied each once and equals a replay of the event store"
            ),
        },
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_projector_killed_mid_batch_again_and_again_under_load_ends_equal_to_a_replay() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let stop = CancellationToken::new();
    let kills = 15;
    let (posted, killed_with_events_pending) = tokio::join!(post_until(&system, &tenant, &stop), async {
        let mut killed_with_events_pending = 0;
        for _ in 0..kills {
            let before = system.count(&tenant, "journal_lines").await;
            let mut projector = spawn_projector_batching(&system, ProjectorKind::Postgres, 5);
            eventually(Duration::from_secs(30), "the projector to apply more lines", || async {
                (system.count(&tenant, "journal_lines").await > before).then_some(())
            })
            .await;
            // A random moment of the next 200 ms of applying.
            let pause = u64::try_from(uuid::Uuid::new_v4().as_u128() % 200).unwrap();
            tokio::time::sleep(Duration::from_millis(pause)).await;
            let lag_before_kill =
                system.journal_event_count(&tenant).await - system.count(&tenant, "journal_entries").await;
            kill(&mut projector).await;
            if lag_before_kill > 0 {
                killed_with_events_pending += 1;
            }
        }
        stop.cancel();
        killed_with_events_pending
    });
    let killed_at = Instant::now();

    let _projector = spawn_projector_batching(&system, ProjectorKind::Postgres, 5);
    system.await_postgres_caught_up(&tenant).await;
    let recovery = killed_at.elapsed();
    assert_each_entry_projected_once(&system, &tenant, posted).await;
    let followed = followed_aggregate_types(&system, ProjectorKind::Postgres).await;
    let positions = event_positions(&system.pool, &tenant, followed).await;
    let tables: Vec<_> = LEDGER_TABLES.iter().copied().chain([APPLIED]).collect();
    let found = postgres_replay_differences(&system, &tenant, &positions, &tables).await;
    assert!(found.is_empty(), "the read model differs from a replay:\n{}", found.join("\n"));

    record(
        "a_projector_killed_mid_batch_again_and_again_under_load_ends_equal_to_a_replay",
        &Observation {
            fault: "Postgres projector process SIGKILLed 15 times while applying",
            procedure: "entries posted two at a time throughout; the projector binary (batches of 5) restarted \
                        and killed at a random moment of its applying, 15 times; then the read model compared \
                        with a replay of the topics, table for table",
            accepted: posted,
            lost: 0,
            duplicated: 0,
            recovery: Some(recovery),
            notes: format!(
                "{killed_with_events_pending} of {kills} kills landed with events still to apply; every ledger table \
                 and projection_applied equal to the replay row for row"
            ),
        },
    );
}

/// Longest a process may take to exit after SIGTERM.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread")]
async fn the_relay_stopped_by_sigterm_mid_backlog_exits_at_once_leaving_nothing_both_published_and_queued() {
    let system = System::start_without_relay(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let (mut relay, _) = relay_half_way_through_a_backlog(&system, &tenant).await;
    let (status, took) = terminate(&mut relay, SHUTDOWN_TIMEOUT).await;
    assert!(status.success(), "the relay exits with status 0 on SIGTERM: {status}");
    let queued = outbox_event_ids(&system, &tenant).await;
    assert!(!queued.is_empty(), "stopped mid-backlog");

    let records = read_all(&system, &[&system.journal_topic()], TOPIC_QUIET).await;
    let copies = copies_by_event(&records);
    let published: HashSet<String> = copies.keys().map(|id| (*id).to_owned()).collect();
    let stored = journal_event_ids(&system, &tenant).await;
    let both: Vec<_> = published.intersection(&queued).collect();
    assert!(both.is_empty(), "{} events published but left in the outbox (to be published again)", both.len());
    assert_eq!(records.len(), published.len(), "no event published twice");
    let queued_journal: HashSet<String> = queued.intersection(&stored).cloned().collect();
    let lost = stored.len() - published.len() - queued_journal.len();
    assert_eq!(
        published.union(&queued_journal).cloned().collect::<HashSet<_>>(),
        stored,
        "every event published or queued"
    );

    record(
        "the_relay_stopped_by_sigterm_mid_backlog_exits_at_once_leaving_nothing_both_published_and_queued",
        &Observation {
            fault: "relay process stopped with SIGTERM mid-backlog",
            procedure: "1,500 entries queued in the outbox; the relay binary (batches of 25) sent SIGTERM once \
                        half of it was published; the topic and the outbox compared",
            accepted: u64::try_from(stored.len()).unwrap(),
            lost: u64::try_from(lost).unwrap(),
            duplicated: 0,
            recovery: None,
            notes: format!(
                "exited with status 0 {took:.1?} after SIGTERM; {} events published, {} still queued, none both \
                 (the batch in flight was acknowledged and deleted before exit)",
                published.len(),
                queued_journal.len()
            ),
        },
    );
}

/// The group a projector or process manager named `name` of `system` consumes in.
fn consumer_group(system: &System, name: &str) -> String {
    format!("{}-projector-{name}", system.topic_prefix)
}

/// The next offsets `shared.projector_offsets` holds for SQL projector `projector`.
async fn stored_checkpoint(system: &System, projector: &str) -> BTreeMap<(String, i32), i64> {
    let rows: Vec<(String, i32, i64)> =
        sqlx::query_as("SELECT topic, partition, next_offset FROM shared.projector_offsets WHERE projector = $1")
            .bind(projector)
            .fetch_all(&system.pool)
            .await
            .unwrap();
    rows.into_iter().map(|(topic, partition, next)| ((topic, partition), next)).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_projector_stopped_by_sigterm_under_load_exits_at_once_having_applied_exactly_what_it_committed() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let mongo = mongodb::Client::with_uri_str(&system.env.mongodb_url).await.unwrap();
    let kinds = [ProjectorKind::Postgres, ProjectorKind::Mongo, ProjectorKind::Timescale];
    let stop = CancellationToken::new();
    let (posted, stops) = tokio::join!(post_until(&system, &tenant, &stop), async {
        let mut stops = Vec::new();
        for kind in kinds {
            let log = AppliedLog::of(kind, &system.pool, &mongo);
            let followed = followed_aggregate_types(&system, kind).await;
            let mut projector = spawn_projector_batching(&system, kind, 20);
            eventually(Duration::from_secs(30), "the projector to apply", || async {
                let positions = event_positions(&system.pool, &tenant, followed).await;
                (log.count(&tenant, &positions).await > 0).then_some(())
            })
            .await;
            stops.push((kind, terminate(&mut projector, SHUTDOWN_TIMEOUT).await));
        }
        stop.cancel();
        stops
    });

    let mut followed_by = Vec::new();
    for kind in kinds {
        followed_by.push((kind, followed_topics(&system.topic_prefix, followed_aggregate_types(&system, kind).await)));
    }
    let every_topic: BTreeSet<&str> =
        followed_by.iter().flat_map(|(_, topics)| topics.iter().map(String::as_str)).collect();
    let records = read_all(&system, &every_topic.into_iter().collect::<Vec<_>>(), TOPIC_QUIET).await;
    let mut notes = Vec::new();
    for ((kind, (status, took)), (_, topics)) in stops.iter().zip(&followed_by) {
        assert!(status.success(), "{kind:?} exits with status 0 on SIGTERM: {status}");
        let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
        let committed = committed_offsets(&system, &consumer_group(&system, kind.name()), &topics);
        let acknowledged: Vec<i64> = records
            .iter()
            .filter(|r| {
                r.tenant == tenant
                    && committed.get(&(r.topic.clone(), r.partition)).is_some_and(|next| r.offset < *next)
            })
            .map(|r| r.global_position)
            .collect();
        let log = AppliedLog::of(*kind, &system.pool, &mongo);
        let all = event_positions(&system.pool, &tenant, followed_aggregate_types(&system, *kind).await).await;
        assert_eq!(log.count(&tenant, &acknowledged).await, acknowledged.len(), "{kind:?} applied all it committed");
        assert_eq!(log.count(&tenant, &all).await, acknowledged.len(), "{kind:?} applied nothing it did not commit");
        if *kind != ProjectorKind::Mongo {
            assert_eq!(
                stored_checkpoint(&system, kind.name()).await,
                committed,
                "{kind:?}: checkpoint = group offsets"
            );
        }
        notes.push(format!(
            "{} exited 0 in {took:.1?} with {} of {} events applied",
            kind.name(),
            acknowledged.len(),
            all.len()
        ));
    }
    let journal = system.journal_topic();
    let committed = committed_offsets(&system, &consumer_group(&system, "postgres"), &[&journal]);
    let entries_acknowledged = records
        .iter()
        .filter(|r| {
            r.topic == journal && committed.get(&(r.topic.clone(), r.partition)).is_some_and(|next| r.offset < *next)
        })
        .count();
    let entries = system.count(&tenant, "journal_entries").await;
    assert_eq!(entries, i64::try_from(entries_acknowledged).unwrap(), "the entries are those of the committed records");
    assert_eq!(system.count(&tenant, "journal_lines").await, 2 * entries, "no entry half-applied");

    record(
        "each_projector_stopped_by_sigterm_under_load_exits_at_once_having_applied_exactly_what_it_committed",
        &Observation {
            fault: "each projector process stopped with SIGTERM while applying",
            procedure: "entries posted two at a time throughout; the postgres, mongo and timescale projector \
                        binaries (batches of 20) each sent SIGTERM while applying; what each applied compared \
                        with its committed group offsets and (SQL) its stored checkpoint",
            accepted: posted,
            lost: 0,
            duplicated: 0,
            recovery: None,
            notes: notes.join("; "),
        },
    );
}

/// Clients that keep a request in flight each, one connection per request.
const CLIENTS: usize = 8;

/// How long the clients run before the server is sent SIGTERM.
const LOAD_BEFORE_SIGTERM: Duration = Duration::from_secs(2);

/// One request of [`until_refused`]: its answer's status and body, or `None` when none came.
struct Exchange {
    answer: Option<(u16, Value)>,
    answered_at: Instant,
}

/// Runs [`CLIENTS`] clients, each sending the requests `request` makes one after another on
/// fresh connections, until a request gets no answer (the server refuses connections once it
/// is stopping) or 30 s passed; meanwhile, after [`LOAD_BEFORE_SIGTERM`], sends `server`
/// SIGTERM. Every exchange, when SIGTERM was sent, and the exit status and time.
async fn until_refused(
    server: &mut ServingProcess,
    request: impl Fn(&reqwest::Client, usize) -> reqwest::RequestBuilder + Sync,
) -> (Vec<Exchange>, Instant, (ExitStatus, Duration)) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let client = |_| async {
        let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
        let mut exchanges = Vec::new();
        for number in 0.. {
            let answer = match request(&http, number).send().await {
                Ok(response) => Some((response.status().as_u16(), response.json().await.unwrap_or(Value::Null))),
                Err(_) => None,
            };
            let refused = answer.is_none();
            exchanges.push(Exchange { answer, answered_at: Instant::now() });
            if refused || Instant::now() > deadline {
                break;
            }
        }
        exchanges
    };
    let stopping = async {
        tokio::time::sleep(LOAD_BEFORE_SIGTERM).await;
        (Instant::now(), terminate(&mut server.child, SHUTDOWN_TIMEOUT).await)
    };
    let (exchanges, (signalled, exit)) = tokio::join!(futures::future::join_all((0..CLIENTS).map(client)), stopping);
    (exchanges.into_iter().flatten().collect(), signalled, exit)
}

/// A system, a tenant with open books, its admin's access token and a command API process.
async fn command_api_process_of_a_ledger_tenant() -> (System, String, String, ServingProcess) {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let token = system.token(&tenant).await;
    let api = spawn_command_api(&system).await;
    (system, tenant, token, api)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_command_api_stopped_by_sigterm_answers_the_requests_in_flight_and_stores_exactly_what_it_accepted() {
    let (system, tenant, token, mut api) = command_api_process_of_a_ledger_tenant().await;
    let url = format!("{}/v1/journal-entries", api.url);
    let (exchanges, signalled, (status, took)) = until_refused(&mut api, |http, number| {
        http.post(&url).bearer_auth(&token).json(&numbered_entry(u64::try_from(number).unwrap()))
    })
    .await;
    assert!(status.success(), "the command API exits with status 0 on SIGTERM: {status}");

    let answered: Vec<&(u16, Value)> = exchanges.iter().filter_map(|e| e.answer.as_ref()).collect();
    assert!(answered.iter().all(|(status, _)| *status == 201), "every answer is 201, also while stopping");
    let answered_after_sigterm = exchanges.iter().filter(|e| e.answer.is_some() && e.answered_at > signalled).count();
    assert!(answered_after_sigterm > 0, "requests in flight at SIGTERM were answered");
    let accepted: HashSet<String> =
        answered.iter().map(|(_, body)| body["entry_id"].as_str().unwrap().to_owned()).collect();
    let stored: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT aggregate_id FROM tenant_{tenant}.events WHERE aggregate_type = 'finance.journal_entry'"
    ))
    .fetch_all(&system.pool)
    .await
    .unwrap();
    let stored: HashSet<String> = stored.into_iter().collect();
    let lost = accepted.difference(&stored).count();
    assert_eq!(lost, 0, "every accepted entry is stored");
    assert_eq!(stored, accepted, "nothing stored that was not answered 201");

    record(
        "the_command_api_stopped_by_sigterm_answers_the_requests_in_flight_and_stores_exactly_what_it_accepted",
        &Observation {
            fault: "command API process stopped with SIGTERM under load",
            procedure: "8 clients post entries one after another on fresh connections; SIGTERM after 2 s; \
                        the answers compared with the event store",
            accepted: u64::try_from(accepted.len()).unwrap(),
            lost: u64::try_from(lost).unwrap(),
            duplicated: 0,
            recovery: None,
            notes: format!(
                "exited with status 0 {took:.1?} after SIGTERM; {answered_after_sigterm} requests in flight at \
                 SIGTERM answered 201 and stored; {} refused connections afterwards; the event store holds \
                 exactly the {} entries answered 201",
                exchanges.len() - answered.len(),
                accepted.len()
            ),
        },
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_query_api_stopped_by_sigterm_answers_the_requests_in_flight() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    post_entries(&system, &tenant, 200).await;
    system.await_postgres_caught_up(&tenant).await;
    let token = system.token(&tenant).await;
    let mut api = spawn_query_api(&system).await;
    let url = format!("{}/v1/journal-entries?limit=100", api.url);
    let (exchanges, signalled, (status, took)) =
        until_refused(&mut api, |http, _| http.get(&url).bearer_auth(&token)).await;
    assert!(status.success(), "the query API exits with status 0 on SIGTERM: {status}");
    let answered: Vec<&(u16, Value)> = exchanges.iter().filter_map(|e| e.answer.as_ref()).collect();
    assert!(answered.iter().all(|(status, _)| *status == 200), "every answer is 200, also while stopping");
    let answered_after_sigterm = exchanges.iter().filter(|e| e.answer.is_some() && e.answered_at > signalled).count();
    assert!(answered_after_sigterm > 0, "requests in flight at SIGTERM were answered");

    record(
        "the_query_api_stopped_by_sigterm_answers_the_requests_in_flight",
        &Observation {
            fault: "query API process stopped with SIGTERM under load",
            procedure: "8 clients list entries one after another on fresh connections; SIGTERM after 2 s",
            accepted: 0,
            lost: 0,
            duplicated: 0,
            recovery: None,
            notes: format!(
                "exited with status 0 {took:.1?} after SIGTERM; {} reads answered 200, {answered_after_sigterm} \
                 of them in flight at SIGTERM",
                answered.len()
            ),
        },
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_process_manager_stopped_by_sigterm_exits_at_once_with_status_0() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let stop = CancellationToken::new();
    let (posted, stops) = tokio::join!(post_until(&system, &tenant, &stop), async {
        let mut stops = Vec::new();
        for kind in ProcessKind::ALL {
            let mut process = spawn_process_manager(&system, kind).await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            stops.push((kind, terminate(&mut process.child, SHUTDOWN_TIMEOUT).await));
        }
        stop.cancel();
        stops
    });
    let mut notes = Vec::new();
    for (kind, (status, took)) in &stops {
        assert!(status.success(), "{} exits with status 0 on SIGTERM: {status}", kind.name());
        notes.push(format!("{} exited 0 in {took:.1?}", kind.name()));
    }

    record(
        "every_process_manager_stopped_by_sigterm_exits_at_once_with_status_0",
        &Observation {
            fault: "each process manager process stopped with SIGTERM",
            procedure: "entries posted throughout; each process-manager binary started, then sent SIGTERM",
            accepted: posted,
            lost: 0,
            duplicated: 0,
            recovery: None,
            notes: notes.join("; "),
        },
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_command_api_stopped_by_sigterm_while_a_client_stalls_mid_request_exits_within_the_grace() {
    let (_system, _, token, mut api) = command_api_process_of_a_ledger_tenant().await;
    let mut stalled = tokio::net::TcpStream::connect(api.url.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "POST /v1/journal-entries HTTP/1.1\r\nhost: prism\r\nauthorization: Bearer {token}\r\n\
         content-type: application/json\r\ncontent-length: 1000\r\n\r\n{{\"date\": \"2026-11-25\","
    );
    stalled.write_all(head.as_bytes()).await.unwrap();
    // The request is being read: its handler waits for the rest of the body, which never comes.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, took) = terminate(&mut api.child, SHUTDOWN_TIMEOUT).await;
    assert!(status.success(), "the command API exits with status 0 on SIGTERM: {status}");
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(1), stalled.read_to_end(&mut answer)).await;
    assert!(closed.is_ok(), "the stalled connection was closed");

    record(
        "the_command_api_stopped_by_sigterm_while_a_client_stalls_mid_request_exits_within_the_grace",
        &Observation {
            fault: "command API process stopped with SIGTERM while a client stalls mid-request",
            procedure: "a client sends a request's head and part of its body, then nothing; SIGTERM",
            accepted: 0,
            lost: 0,
            duplicated: 0,
            recovery: None,
            notes: format!(
                "exited with status 0 {took:.1?} after SIGTERM (the shutdown grace is {:?}), closing the stalled \
                 connection; before the fix it never exited",
                prism_platform::http::SHUTDOWN_GRACE
            ),
        },
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_projector_stopped_by_sigterm_while_its_store_refuses_writes_exits_at_once_and_skips_nothing() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let mut projector = spawn_projector_batching(&system, ProjectorKind::Postgres, 20);
    system.await_postgres_caught_up(&tenant).await;
    kill(&mut projector).await;

    let mut blocker = system.pool.begin().await.unwrap();
    let lock = format!("LOCK TABLE tenant_{tenant}.journal_lines IN ACCESS EXCLUSIVE MODE");
    sqlx::query(&lock).execute(&mut *blocker).await.unwrap();
    let entries = 60;
    post_entries(&system, &tenant, entries).await;
    eventually(Duration::from_secs(30), "the entries published", || async {
        (system.outbox_depth(&tenant).await == 0).then_some(())
    })
    .await;
    let mut command = projector_command(&system, ProjectorKind::Postgres, 20);
    // Writes waiting 200 ms for a lock fail (SQLSTATE 55P03), a failure the runtime retries.
    command.env("PRISM_DATABASE_URL", format!("{}?options[lock_timeout]=200ms", system.database_url));
    let mut projector = spawn(command, "prism-projector");
    // The projector takes a batch of the entries and retries its first record, every write refused.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (exit, ()) = tokio::join!(terminate(&mut projector, SHUTDOWN_TIMEOUT), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        blocker.commit().await.unwrap();
    });
    let (status, took) = exit;
    assert!(status.success(), "the projector exits with status 0 on SIGTERM: {status}");
    let applied_at_exit = system.count(&tenant, "journal_entries").await;

    let restarted_at = Instant::now();
    let _restarted = spawn_projector_batching(&system, ProjectorKind::Postgres, 20);
    system.await_postgres_caught_up(&tenant).await;
    let recovery = restarted_at.elapsed();
    assert_each_entry_projected_once(&system, &tenant, entries).await;

    record(
        "a_projector_stopped_by_sigterm_while_its_store_refuses_writes_exits_at_once_and_skips_nothing",
        &Observation {
            fault: "Postgres projector stopped with SIGTERM while its writes fail (lock timeouts), the store \
                    recovering right after",
            procedure: "the journal_lines table locked; 60 entries posted; the projector (batches of 20) \
                        started and sent SIGTERM while it retries, the lock released 300 ms later; the projector \
                        restarted",
            accepted: entries,
            lost: 0,
            duplicated: 0,
            recovery: Some(recovery),
            notes: format!(
                "exited with status 0 {took:.1?} after SIGTERM with {applied_at_exit} of {entries} entries applied; \
                 the restarted projector applied the rest, none skipped (before the fix, the records after the \
                 interrupted one were applied once the lock went, and it was skipped for good)"
            ),
        },
    );
}
