//! Faults of the services under Prism, on the real stack: Postgres restarted under command
//! load, and the schema registry unavailable while commands keep coming. Each test runs on a
//! private instance of the service it stops (never the shared stack's), asserts that nothing
//! accepted is lost, duplicated or half-written and that the system recovers without a
//! restart, and then records its observation for `RELIABILITY.md`.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use prism_platform::avro::AvroCodec;
use prism_projections::config::ProjectorKind;
use prism_tests::env::StackEnv;
use prism_tests::ledger::{entry, projected_balances, replayed_balances};
use prism_tests::private_postgres::PrivatePostgres;
use prism_tests::private_registry::PrivateRegistry;
use prism_tests::reliability::{record, Observation};
use prism_tests::system::{eventually, System, SystemOptions, RELAY_RETRY_BACKOFF_MS};
use rdkafka::message::{Headers, Message};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Clients posting journal entries at once while Postgres restarts.
const CLIENTS: usize = 6;

/// How long the clients post before Postgres is stopped.
const LOAD_BEFORE_RESTART: Duration = Duration::from_millis(1_500);

/// How long Postgres stays down.
const POSTGRES_DOWN: Duration = Duration::from_secs(2);

/// The longest a test waits for the system to catch up after its fault.
const CATCH_UP_TIMEOUT: Duration = Duration::from_secs(60);

/// A system on `env` running the Postgres projector.
async fn ledger_system(env: StackEnv) -> System {
    System::start_on(env, SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await
}

/// One command a load client sent, and its answer.
struct Sent {
    entry_id: String,
    status: u16,
    content_type: String,
    retry_after: Option<String>,
    body: Value,
}

/// Posts journal entries of client-chosen ids, one after the other, until `stop`: every
/// command sent, so that those refused can be looked for in the event store too.
async fn post_until(system: Arc<System>, tenant: String, stop: CancellationToken) -> Vec<Sent> {
    let mut sent = Vec::new();
    let mut amount = 1;
    while !stop.is_cancelled() {
        let entry_id = Uuid::new_v4().to_string();
        let mut body = entry("1000", "3000", amount);
        body["entry_id"] = json!(entry_id);
        let answer = system.post(&tenant, "/v1/journal-entries", &body).await;
        let header = |name: &str| answer.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        sent.push(Sent {
            entry_id,
            status: answer.status.as_u16(),
            content_type: header("content-type").unwrap_or_default(),
            retry_after: header("retry-after"),
            body: answer.body,
        });
        amount += 1;
    }
    sent
}

/// Number of events of each journal entry in `tenant`'s event store.
async fn stored_events_by_entry(system: &System, tenant: &str) -> BTreeMap<String, i64> {
    let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT aggregate_id, count(*) FROM tenant_{tenant}.events
          WHERE aggregate_type = 'finance.journal_entry' GROUP BY aggregate_id"
    ))
    .fetch_all(&system.pool)
    .await
    .unwrap();
    rows.into_iter().collect()
}

/// Waits until `tenant`'s outbox is empty and the Postgres projector has applied every event.
async fn await_caught_up(system: &System, tenant: &str) {
    eventually(CATCH_UP_TIMEOUT, "the outbox to drain", || async {
        (system.outbox_depth(tenant).await == 0).then_some(())
    })
    .await;
    system.await_postgres_caught_up(tenant).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn commands_in_flight_when_postgres_restarts_succeed_or_fail_retryably_and_the_system_recovers_alone() {
    let stack = StackEnv::from_env();
    let postgres = PrivatePostgres::start_new(&stack.repo_root).await;
    let system = Arc::new(ledger_system(StackEnv { database_url: postgres.url("postgres"), ..stack }).await);
    let tenant = system.ledger_tenant().await;

    let stop = CancellationToken::new();
    let clients: Vec<_> =
        (0..CLIENTS).map(|_| tokio::spawn(post_until(system.clone(), tenant.clone(), stop.clone()))).collect();
    tokio::time::sleep(LOAD_BEFORE_RESTART).await;
    postgres.stop().await;
    tokio::time::sleep(POSTGRES_DOWN).await;
    postgres.start().await;
    let back = Instant::now();
    stop.cancel();
    let mut sent = Vec::new();
    for client in clients {
        sent.extend(client.await.unwrap());
    }

    let mut accepted = BTreeSet::new();
    let mut refused = BTreeSet::new();
    let mut refusal_types = BTreeSet::new();
    for command in &sent {
        match command.status {
            201 => accepted.insert(command.entry_id.clone()),
            503 => {
                assert_eq!(command.content_type, "application/problem+json", "{}", command.body);
                assert_eq!(command.body["retryable"], true, "{}", command.body);
                assert_eq!(command.retry_after.as_deref(), Some("1"), "a 503 says when to retry: {}", command.body);
                refusal_types.insert(command.body["type"].as_str().unwrap_or_default().to_owned());
                refused.insert(command.entry_id.clone())
            }
            other => panic!("a command in flight answered {other}: {}", command.body),
        };
    }
    assert!(accepted.len() > CLIENTS, "the clients were under way before the restart ({} accepted)", accepted.len());

    let after_restart = entry("1000", "3000", 1);
    let posted = system.post(&tenant, "/v1/journal-entries", &after_restart).await;
    assert_eq!(posted.status, 201, "a new command succeeds once Postgres is back: {}", posted.body);
    accepted.insert(posted.body["entry_id"].as_str().unwrap().to_owned());
    await_caught_up(&system, &tenant).await;
    let recovery = back.elapsed();

    let stored = stored_events_by_entry(&system, &tenant).await;
    let stored_ids: BTreeSet<String> = stored.keys().cloned().collect();
    assert_eq!(stored_ids, accepted, "exactly the entries answered 201 are in the event store");
    assert!(stored.values().all(|&events| events == 1), "each stored entry has exactly its one event: {stored:?}");
    let entries = i64::try_from(accepted.len()).unwrap();
    let projected_entries = system.count(&tenant, "journal_entries").await;
    let projected_lines = system.count(&tenant, "journal_lines").await;
    assert_eq!(projected_entries, entries, "every accepted entry is in the read model");
    assert_eq!(projected_lines, 2 * entries, "no line applied twice");
    assert_eq!(projected_balances(&system.pool, &tenant).await, replayed_balances(&system.pool, &tenant).await);

    record(
        "commands_in_flight_when_postgres_restarts_succeed_or_fail_retryably_and_the_system_recovers_alone",
        &Observation {
            fault: "Postgres restarted under command load",
            procedure: "6 clients post journal entries to a system on a private Postgres, which is stopped \
                        (fast shutdown) for 2 s and started again; every answer is checked against the \
                        event store, then the read model against a replay",
            accepted: u64::try_from(accepted.len()).unwrap(),
            lost: 0,
            duplicated: 0,
            recovery: Some(recovery),
            notes: format!(
                "{} commands sent, {} answered 503 (retryable, Retry-After: 1; {refusal_types:?}) and stored \
                 nothing, none 500; the services reconnected without a restart",
                sent.len(),
                refused.len()
            ),
        },
    );
}

/// Stands in for the killed registry on its port: accepts each connection and closes it at
/// once, counting them, so that the test sees how often the relay tries again.
struct ClosingListener {
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl ClosingListener {
    async fn bind(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            }
        });
        Self { connections, task }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    async fn close(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// A record of the journal topic: its aggregate, sequence and event id.
struct Published {
    aggregate_id: String,
    sequence: i64,
    event_id: String,
}

/// Every record of `system`'s journal topic, each checked to decode with the schema it names
/// in `registry_url`'s registry as a journal-entry event.
async fn decoded_journal_topic(system: &System, registry_url: &str) -> Vec<Published> {
    let codec = AvroCodec::new(registry_url);
    let consumer = system.topic_reader(&system.journal_topic());
    let mut published = Vec::new();
    while let Ok(Ok(message)) = tokio::time::timeout(Duration::from_secs(5), consumer.recv()).await {
        let (record_name, _) = codec.decode(message.payload().unwrap()).await.expect("every record decodes");
        let record_name = record_name.unwrap_or_default();
        assert!(record_name.contains("JournalEntry"), "a journal-entry event: {record_name}");
        let header = |key: &str| {
            let value = message.headers().and_then(|h| h.iter().find(|h| h.key == key)).and_then(|h| h.value);
            String::from_utf8_lossy(value.unwrap()).into_owned()
        };
        published.push(Published {
            aggregate_id: String::from_utf8_lossy(message.key().unwrap()).into_owned(),
            sequence: header("prism-sequence").parse().unwrap(),
            event_id: header("prism-event-id"),
        });
    }
    published
}

/// The event types in `tenant`'s outbox, oldest first.
async fn outbox_event_types(system: &System, tenant: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT event_type FROM shared.outbox WHERE tenant = $1 ORDER BY outbox_id")
        .bind(tenant)
        .fetch_all(&system.pool)
        .await
        .unwrap()
}

/// Advisory locks held in `system`'s database: the leading relay's lock, the only one held
/// there outside a migration.
async fn advisory_locks_held(system: &System) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .fetch_one(&system.pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn events_accepted_while_the_schema_registry_is_down_are_published_decodable_and_in_order_once_it_is_back() {
    let stack = StackEnv::from_env();
    let mut registry = PrivateRegistry::new(&stack.bin_dir);
    let system = ledger_system(StackEnv { registry_url: registry.url(), ..stack }).await;
    registry.start(&system.database_url).await;
    let tenant = system.ledger_tenant().await;
    let post = |amount| {
        let body = entry("1000", "3000", amount);
        let system = &system;
        let tenant = &tenant;
        async move {
            let posted = system.post(tenant, "/v1/journal-entries", &body).await;
            assert_eq!(posted.status, 201, "{}", posted.body);
            posted.body["entry_id"].as_str().unwrap().to_owned()
        }
    };
    for amount in 1..=5 {
        post(amount).await;
    }
    await_caught_up(&system, &tenant).await;

    registry.kill().await;
    let stand_in = ClosingListener::bind(registry.port()).await;
    let mut during = Vec::new();
    for amount in 6..=14 {
        during.push(post(amount).await);
    }
    // A reversal is the first event of its type on the topic: its schema must be registered.
    // The first goes with an entry, so that the relay may find both in one batch.
    let reverse = |id: String| {
        let system = &system;
        let tenant = &tenant;
        async move {
            let reversal = json!({"reason": "registry outage drill"});
            let reversed = system.post(tenant, &format!("/v1/journal-entries/{id}/reverse"), &reversal).await;
            assert_eq!(reversed.status, 201, "commands are accepted while the registry is down: {}", reversed.body);
        }
    };
    tokio::join!(post(15), reverse(during[0].clone()));
    reverse(during[1].clone()).await;
    reverse(during[2].clone()).await;
    post(16).await;
    let observed = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let attempts = stand_in.connections();
    let window = observed.elapsed();
    let waiting = outbox_event_types(&system, &tenant).await;
    assert_eq!(waiting.first().map(String::as_str), Some("JournalEntryReversed"), "all before it went: {waiting:?}");
    assert_eq!(waiting.iter().filter(|t| *t == "JournalEntryReversed").count(), 3, "{waiting:?}");
    assert_eq!(waiting.last().map(String::as_str), Some("JournalEntryPosted"), "what came after waits: {waiting:?}");
    assert_eq!(advisory_locks_held(&system).await, 1, "the relay is alive and still leads");
    let paced_attempts_max = 3 * usize::try_from(window.as_millis() / u128::from(RELAY_RETRY_BACKOFF_MS)).unwrap();
    assert!(attempts >= 3, "the relay keeps trying the registry ({attempts} attempts in {window:?})");
    assert!(attempts <= paced_attempts_max, "the relay pauses between attempts ({attempts} attempts in {window:?})");
    stand_in.close().await;

    // Measured from the restart on: the relay may publish as soon as the registry answers.
    let restarted = Instant::now();
    registry.start(&system.database_url).await;
    await_caught_up(&system, &tenant).await;
    let recovery = restarted.elapsed();

    assert_eq!(system.count(&tenant, "journal_entries").await, 16 + 3, "every entry and reversal projected");
    assert_eq!(projected_balances(&system.pool, &tenant).await, replayed_balances(&system.pool, &tenant).await);
    let published = decoded_journal_topic(&system, &registry.url()).await;
    let stored = system.journal_event_count(&tenant).await;
    let distinct: BTreeSet<&str> = published.iter().map(|p| p.event_id.as_str()).collect();
    assert_eq!(i64::try_from(distinct.len()).unwrap(), stored, "every stored event was published");
    assert_eq!(distinct.len(), published.len(), "no event was published twice");
    let mut sequences: HashMap<&str, Vec<i64>> = HashMap::new();
    for record in &published {
        sequences.entry(&record.aggregate_id).or_default().push(record.sequence);
    }
    for (aggregate, seen) in sequences {
        let expected: Vec<i64> = (1..=i64::try_from(seen.len()).unwrap()).collect();
        assert_eq!(seen, expected, "{aggregate}: its events arrive in sequence order");
    }

    record(
        "events_accepted_while_the_schema_registry_is_down_are_published_decodable_and_in_order_once_it_is_back",
        &Observation {
            fault: "Schema registry unavailable",
            procedure: "a private registry is killed while journal entries and reversals (a schema not yet \
                        registered) are posted, then started again; the journal topic is read back, every \
                        record decoded, and the read model compared with a replay; recovery counts from the \
                        registry's restart, its own start-up included",
            accepted: 16 + 3,
            lost: 0,
            duplicated: 0,
            recovery: Some(recovery),
            notes: format!(
                "every command was accepted (201) while the registry was down; events of schemas the relay \
                 had registered kept flowing, the first of a new schema waited in the outbox with what came \
                 after it ({} rows); the relay tried the registry {attempts} times in {:.1} s",
                waiting.len(),
                window.as_secs_f64()
            ),
        },
    );
}
