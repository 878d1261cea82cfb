//! A record a projector cannot apply — bytes that do not decode, or an event the read model
//! refuses — is retried with backoff a bounded number of times, then goes to its dead-letter
//! topic with the error in the headers, is counted on the projector's `/metrics`, and the
//! projector carries on with the records after it. `prism-audit dead-letters list` shows it and
//! `prism-audit dead-letters redrive`, once the cause is fixed, publishes it to its source topic
//! again, where the projector applies it — once, however often the redrive is run.
//!
//! The read model refusing an event is staged honestly: a check constraint on the tenant's
//! `journal_entries` that one entry's description violates, as a read-model change the
//! projector's code does not satisfy would; fixing the cause is dropping it.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::{Duration, Instant};

use prism_projections::config::ProjectorKind;
use prism_projections::dead_letter::{dead_letter_topic, REDRIVEN_FROM_HEADER};
use prism_projections::projection::SourcePosition;
use prism_tests::audit_cli::{json_answer, prism_audit};
use prism_tests::ledger::entry;
use prism_tests::processes::prism_command;
use prism_tests::raw_kafka::{self, RawRecord};
use prism_tests::reliability::{record, Observation};
use prism_tests::system::{eventually, System, SystemOptions};
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders, OwnedMessage};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use serde_json::{json, Value};

/// The description the read model refuses while the staged constraint is on.
const REFUSED_DESCRIPTION: &str = "refused by the read model";

/// Attempts the projector process makes before dead-lettering (`PRISM_PROJECTOR_APPLY_ATTEMPTS_MAX`).
const PROCESS_ATTEMPTS: u32 = 3;

/// Its first retry pause (`PRISM_PROJECTOR_RETRY_BACKOFF_MS`); the second is twice as long.
const PROCESS_BACKOFF_MS: i64 = 300;

/// Entries posted in the same breath as the refused one, so some share its batch.
const NEIGHBOURS: i64 = 5;

fn system_with_postgres_projector_in_process() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

/// The value of header `name` of `message`, as text.
fn header(message: &impl Message, name: &str) -> Option<String> {
    let value = message.headers()?.iter().find(|h| h.key == name)?.value?;
    Some(String::from_utf8_lossy(value).into_owned())
}

/// Every record of `topic` from its start, read until none arrives for 4 s — by a consumer in
/// no group, and drained before it is dropped: librdkafka can hang destroying a consumer that
/// still holds fetched records or is rebalancing.
async fn all_records(system: &System, topic: &str) -> Vec<OwnedMessage> {
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", &system.kafka_brokers)
        .set("group.id", format!("{}-dead-letter-test", system.topic_prefix))
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let mut assignment = TopicPartitionList::new();
    for partition in 0..system.kafka().topic_partitions {
        assignment.add_partition_offset(topic, partition, Offset::Beginning).unwrap();
    }
    consumer.assign(&assignment).unwrap();
    let mut records = Vec::new();
    while let Ok(Ok(message)) = tokio::time::timeout(Duration::from_secs(4), consumer.recv()).await {
        records.push(message.detach());
    }
    records
}

/// The record at `position`.
async fn record_at(system: &System, position: &SourcePosition) -> OwnedMessage {
    let records = all_records(system, &position.topic).await;
    records.into_iter().find(|m| m.partition() == position.partition && m.offset() == position.offset).unwrap()
}

/// The one record of the `postgres` projector's dead-letter topic.
async fn the_dead_letter(system: &System) -> OwnedMessage {
    let mut records = all_records(system, &dead_letter_topic(&system.topic_prefix, "postgres")).await;
    assert_eq!(records.len(), 1, "one dead letter");
    records.remove(0)
}

/// Stages a read model that refuses entries described [`REFUSED_DESCRIPTION`].
async fn refuse_entries_so_described(system: &System, tenant: &str) {
    sqlx::query(&format!(
        "ALTER TABLE tenant_{tenant}.journal_entries ADD CONSTRAINT staged_refusal
           CHECK (description <> '{REFUSED_DESCRIPTION}')"
    ))
    .execute(&system.pool)
    .await
    .unwrap();
}

/// Fixes the cause: the read model takes such entries again.
async fn accept_entries_so_described(system: &System, tenant: &str) {
    sqlx::query(&format!("ALTER TABLE tenant_{tenant}.journal_entries DROP CONSTRAINT staged_refusal"))
        .execute(&system.pool)
        .await
        .unwrap();
}

/// Posts an entry of `amount` to `1000`/`3000` described [`REFUSED_DESCRIPTION`], then
/// [`NEIGHBOURS`] ordinary entries of 1 each: the refused entry's id.
async fn post_refused_entry_among_neighbours(system: &System, tenant: &str, amount: i64) -> String {
    let mut refused = entry("1000", "3000", amount);
    refused["description"] = json!(REFUSED_DESCRIPTION);
    let posted = system.post(tenant, "/v1/journal-entries", &refused).await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    for _ in 0..NEIGHBOURS {
        assert_eq!(system.post(tenant, "/v1/journal-entries", &entry("1000", "3000", 1)).await.status, 201);
    }
    posted.body["entry_id"].as_str().unwrap().to_owned()
}

/// Posts one more entry and reads it back through the query API, which waits until the
/// projector has applied it: the projector is still going.
async fn assert_projector_goes_on(system: &System, tenant: &str) {
    let posted = system.post(tenant, "/v1/journal-entries", &entry("1000", "3000", 1)).await;
    let path = format!("/v1/journal-entries/{}", posted.body["entry_id"].as_str().unwrap());
    let found = system.get(tenant, &path, posted.body["position"].as_i64()).await;
    assert_eq!(found.status, 200, "the projector applied an event published after the dead letter");
}

/// Rows of entry `entry_id` in the read model: (entries, lines).
async fn entry_rows(system: &System, tenant: &str, entry_id: &str) -> (i64, i64) {
    let entries = system.count(tenant, &format!("journal_entries WHERE entry_id = '{entry_id}'")).await;
    let lines = system.count(tenant, &format!("journal_lines WHERE entry_id = '{entry_id}'")).await;
    (entries, lines)
}

/// Runs `prism-audit --format json dead-letters <args> --kafka-brokers … --topic-prefix …` on
/// `system` and reads its answer (exit 0).
async fn dead_letters(system: &System, args: &[&str]) -> Value {
    let mut all = vec!["dead-letters"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--kafka-brokers", &system.kafka_brokers, "--topic-prefix", &system.topic_prefix]);
    json_answer(&prism_audit(system, &all).await, 0)
}

/// The value of counter `name` of the `postgres` projector in the Prometheus text `metrics`.
fn counter(metrics: &str, name: &str) -> Option<u64> {
    let prefix = format!("{name}{{projector=\"postgres\"}} ");
    metrics.lines().find_map(|line| line.strip_prefix(&prefix)?.trim().parse().ok())
}

/// The projector process's metrics at `url`, when it answers.
async fn metrics(url: &str) -> Option<String> {
    reqwest::get(url).await.ok()?.text().await.ok()
}

/// `Some` once the metrics at `url` count `expected` dead letters.
async fn dead_letters_counted(url: &str, expected: u64) -> Option<()> {
    let counted = counter(&metrics(url).await?, "prism_projector_dead_letters_total")?;
    (counted == expected).then_some(())
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poison_record_is_dead_lettered_and_the_projector_goes_on() {
    let system = System::start_with(system_with_postgres_projector_in_process()).await;
    let producer: FutureProducer =
        ClientConfig::new().set("bootstrap.servers", &system.kafka_brokers).create().unwrap();
    let poison = b"not confluent avro".to_vec();
    let headers = OwnedHeaders::new().insert(Header { key: "prism-event-type", value: Some("JournalEntryPosted") });
    producer
        .send(
            FutureRecord::to(&system.journal_topic()).key("poison").payload(&poison).headers(headers),
            Duration::from_secs(10),
        )
        .await
        .unwrap();

    let tenant = system.ledger_tenant().await;
    assert_projector_goes_on(&system, &tenant).await;

    let message = the_dead_letter(&system).await;
    assert_eq!(message.payload(), Some(poison.as_slice()), "the dead letter carries the original bytes");
    assert_eq!(message.key(), Some(b"poison".as_slice()));
    assert_eq!(header(&message, "prism-dlq-projector").as_deref(), Some("postgres"));
    assert!(header(&message, "prism-dlq-error").is_some_and(|e| !e.is_empty()), "the error is in the headers");
    assert!(header(&message, "prism-dlq-source").unwrap().starts_with(&system.journal_topic()));
    let attempts = system.consumer_args().apply_attempts_max.to_string();
    assert_eq!(header(&message, "prism-dlq-attempts"), Some(attempts), "tried as often as configured");
    assert_eq!(
        header(&message, "prism-event-type").as_deref(),
        Some("JournalEntryPosted"),
        "original headers are kept"
    );

    record(
        "a_poison_record_is_dead_lettered_and_the_projector_goes_on",
        &Observation {
            fault: "undecodable record on a projector's topic",
            procedure: "bytes that are not Confluent Avro published to the journal topic ahead of a real entry",
            accepted: 1,
            lost: 0,
            duplicated: 0,
            recovery: None,
            notes: "dead-lettered with its original key, bytes and headers after the configured attempts; \
                    the entry published after it was applied"
                .to_owned(),
        },
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_record_with_a_header_name_that_is_not_utf8_is_dead_lettered_with_its_readable_headers() {
    let system = System::start_with(system_with_postgres_projector_in_process()).await;
    let topic = system.journal_topic();
    let partitions = system.kafka().topic_partitions;
    // rdkafka panics reading such a name: unguarded, the projector would stop here for good.
    let unreadable = RawRecord {
        key: Some(b"unreadable-header".to_vec()),
        value: b"not confluent avro".to_vec(),
        headers: vec![
            (b"prism-event-type".to_vec(), b"JournalEntryPosted".to_vec()),
            (b"caf\xe9".to_vec(), b"a Latin-1 header name".to_vec()),
        ],
    };
    // Ahead of an entry on every partition, wherever the next entry lands.
    for partition in 0..partitions {
        let offset = raw_kafka::produce(&system.kafka_brokers, &topic, partition, &unreadable);
        assert!(offset >= 0, "the broker stored the record");
    }

    let tenant = system.ledger_tenant().await;
    assert_projector_goes_on(&system, &tenant).await;

    let dead_letters = all_records(&system, &dead_letter_topic(&system.topic_prefix, "postgres")).await;
    assert_eq!(dead_letters.len(), usize::try_from(partitions).unwrap(), "each such record is dead-lettered");
    for message in &dead_letters {
        assert_eq!(message.payload(), Some(unreadable.value.as_slice()), "the dead letter carries the original bytes");
        assert_eq!(
            header(message, "prism-event-type").as_deref(),
            Some("JournalEntryPosted"),
            "the readable headers are kept"
        );
        assert!(header(message, "prism-dlq-error").is_some_and(|e| !e.is_empty()), "the error is in the headers");
    }

    record(
        "a_record_with_a_header_name_that_is_not_utf8_is_dead_lettered_with_its_readable_headers",
        &Observation {
            fault: "record whose header name is not UTF-8 on a projector's topic",
            procedure: "a raw Produce request puts such a record ahead of a real entry on every partition",
            accepted: 1,
            lost: 0,
            duplicated: 0,
            recovery: None,
            notes: "dead-lettered with its bytes and readable headers; the entry published after it was applied"
                .to_owned(),
        },
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_event_the_read_model_refuses_is_retried_with_backoff_dead_lettered_and_counted_while_the_rest_applies() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let port = free_port();
    let mut command = prism_command(&system, "prism-projector");
    command
        .args(["--projector", "postgres", "--http-addr", &format!("127.0.0.1:{port}")])
        .env("PRISM_PROJECTOR_APPLY_ATTEMPTS_MAX", PROCESS_ATTEMPTS.to_string())
        .env("PRISM_PROJECTOR_RETRY_BACKOFF_MS", PROCESS_BACKOFF_MS.to_string());
    let _projector = command.spawn().expect("prism-projector runs (build it with `cargo build --bins`)");
    let url = format!("http://127.0.0.1:{port}/metrics");
    eventually(Duration::from_secs(30), "the projector to count 0 dead letters", || dead_letters_counted(&url, 0))
        .await;

    let tenant = system.ledger_tenant().await;
    system.await_postgres_caught_up(&tenant).await;
    refuse_entries_so_described(&system, &tenant).await;
    let refused = post_refused_entry_among_neighbours(&system, &tenant, 4_200).await;
    eventually(Duration::from_secs(30), "the projector to count 1 dead letter", || dead_letters_counted(&url, 1)).await;
    assert_projector_goes_on(&system, &tenant).await;

    let retries = counter(&metrics(&url).await.unwrap(), "prism_projector_retries_total");
    assert_eq!(retries, Some(u64::from(PROCESS_ATTEMPTS - 1)), "retried between its attempts, nothing else");
    let dead_letter = the_dead_letter(&system).await;
    assert_eq!(dead_letter.key(), Some(refused.as_bytes()));
    assert_eq!(header(&dead_letter, "prism-dlq-attempts"), Some(PROCESS_ATTEMPTS.to_string()));
    let error = header(&dead_letter, "prism-dlq-error").unwrap();
    assert!(error.contains("staged_refusal"), "the read model's refusal is the error: {error}");
    let source = SourcePosition::parse(&header(&dead_letter, "prism-dlq-source").unwrap()).unwrap();
    let original = record_at(&system, &source).await;
    assert_eq!(original.payload(), dead_letter.payload(), "the dead letter is the event as published");
    let waited_ms = dead_letter.timestamp().to_millis().unwrap() - original.timestamp().to_millis().unwrap();
    assert!(waited_ms >= 3 * PROCESS_BACKOFF_MS, "paused 300 then 600 ms between attempts, waited {waited_ms} ms");

    assert_eq!(entry_rows(&system, &tenant, &refused).await, (0, 0), "nothing of the refused entry is applied");
    let posted = system.journal_event_count(&tenant).await;
    eventually(Duration::from_secs(30), "every other entry, its neighbours too, to be applied", || async {
        (system.count(&tenant, "journal_entries").await == posted - 1).then_some(())
    })
    .await;
    assert_eq!(system.count(&tenant, "journal_lines").await, 2 * (posted - 1), "each applied once");

    record(
        "an_event_the_read_model_refuses_is_retried_with_backoff_dead_lettered_and_counted_while_the_rest_applies",
        &Observation {
            fault: "event the read model refuses (constraint violation) in a projector process",
            procedure: "a check constraint on journal_entries refuses one entry posted among others; the \
                        prism-projector process retries, dead-letters it and is read on /metrics",
            accepted: u64::try_from(posted).unwrap(),
            lost: 0,
            duplicated: 0,
            recovery: None,
            notes: format!(
                "{PROCESS_ATTEMPTS} attempts {waited_ms} ms apart in all (backoff {PROCESS_BACKOFF_MS} ms, doubling); \
                 prism_projector_dead_letters_total 1, prism_projector_retries_total {}; the refused event is \
                 in the dead-letter topic, every other one applied",
                PROCESS_ATTEMPTS - 1
            ),
        },
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_letter_is_listed_and_once_its_cause_is_fixed_redriven_to_apply_exactly_once() {
    let system = System::start_with(system_with_postgres_projector_in_process()).await;
    let tenant = system.ledger_tenant().await;
    system.await_postgres_caught_up(&tenant).await;
    refuse_entries_so_described(&system, &tenant).await;
    let refused = post_refused_entry_among_neighbours(&system, &tenant, 4_200).await;
    let dead_letter_topic = dead_letter_topic(&system.topic_prefix, "postgres");

    let listed = eventually(Duration::from_secs(30), "the dead letter to be listed", || async {
        let listed = dead_letters(&system, &["list", "postgres"]).await;
        (listed.as_array().is_some_and(|rows| !rows.is_empty())).then_some(listed)
    })
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    let row = &listed[0];
    assert_eq!(row["topic"], json!(dead_letter_topic));
    assert_eq!(row["key"], json!(refused));
    assert_eq!(row["event_type"], "JournalEntryPosted");
    assert_eq!(row["tenant"], json!(tenant));
    assert_eq!(row["attempts"], json!(system.consumer_args().apply_attempts_max));
    assert!(row["error"].as_str().unwrap().contains("staged_refusal"), "{row}");
    assert!(row["source"].as_str().unwrap().starts_with(&format!("{}/", system.journal_topic())), "{row}");
    assert!(row["dead_lettered_at"].as_str().is_some_and(|at| chrono::DateTime::parse_from_rfc3339(at).is_ok()));
    assert_eq!(row["redriven_to"], Value::Null);
    let (partition, offset) = (row["partition"].to_string(), row["offset"].to_string());
    assert_eq!(entry_rows(&system, &tenant, &refused).await, (0, 0));

    accept_entries_so_described(&system, &tenant).await;
    let redrive_started = Instant::now();
    let redriven =
        dead_letters(&system, &["redrive", "postgres", "--partition", &partition, "--offset", &offset]).await;
    assert_eq!(redriven.as_array().unwrap().len(), 1, "{redriven}");
    assert_eq!(redriven[0]["status"], "redriven");
    let copy = redriven[0]["redriven_to"].as_str().unwrap().to_owned();
    assert!(copy.starts_with(&format!("{}/", system.journal_topic())), "{redriven}");
    let refused_path = format!("/v1/journal-entries/{refused}");
    eventually(Duration::from_secs(30), "the redriven entry to be applied", || async {
        (entry_rows(&system, &tenant, &refused).await == (1, 2)).then_some(())
    })
    .await;
    let recovery = redrive_started.elapsed();
    assert_eq!(system.get(&tenant, &refused_path, None).await.status, 200, "the query API serves it");

    for again in [
        &["redrive", "postgres", "--all"][..],
        &["redrive", "postgres", "--partition", &partition, "--offset", &offset],
    ] {
        let answer = dead_letters(&system, again).await;
        assert_eq!(
            answer,
            json!([{"partition": row["partition"], "offset": row["offset"], "source": row["source"],
            "status": "already redriven", "redriven_to": copy}]),
            "{again:?}"
        );
    }
    let relisted = dead_letters(&system, &["list", "postgres"]).await;
    assert_eq!(relisted[0]["redriven_to"], json!(copy), "list shows where it went");

    let dead_letter_id = format!("{dead_letter_topic}/{partition}/{offset}");
    let mut copies = Vec::new();
    for message in all_records(&system, &system.journal_topic()).await {
        if header(&message, REDRIVEN_FROM_HEADER).as_deref() == Some(dead_letter_id.as_str()) {
            assert!(header(&message, "prism-dlq-error").is_none(), "the dead-letter headers are left behind");
            copies.push(format!("{}/{}/{}", message.topic(), message.partition(), message.offset()));
        }
    }
    assert_eq!(copies, vec![copy], "published to the journal topic once over three redrives");
    assert_projector_goes_on(&system, &tenant).await;
    assert_eq!(entry_rows(&system, &tenant, &refused).await, (1, 2), "applied once");
    let total = 4_200 + NEIGHBOURS + 1;
    let balances = system.trial_balance(&tenant).await;
    assert_eq!(balances, [("1000".to_owned(), total), ("3000".to_owned(), -total)].into(), "every entry counted once");

    record(
        "a_dead_letter_is_listed_and_once_its_cause_is_fixed_redriven_to_apply_exactly_once",
        &Observation {
            fault: "dead-lettered event redriven after its cause is fixed",
            procedure: "an entry the read model refuses is dead-lettered; prism-audit dead-letters list shows it; \
                        the constraint is dropped; redrive by offset, then redrive --all and by offset again",
            accepted: u64::try_from(system.journal_event_count(&tenant).await).unwrap(),
            lost: 0,
            duplicated: 0,
            recovery: Some(recovery),
            notes: "the redriven copy was applied; the second and third redrive answered `already redriven` \
                    and published nothing; balances count the entry once"
                .to_owned(),
        },
    );
}
