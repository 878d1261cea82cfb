//! `prism-audit export`, `import` and `republish` against the real stack: a tenant's events
//! archived and restored bit for bit into an empty tenant — which then verifies, answers the
//! same history and state, publishes nothing and appends after the restored positions — a
//! tenant with events or a tampered archive refused, and a position range published to Kafka
//! again exactly as the relay first published it.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use prism_aggregates::identity::permissions::Role;
use prism_aggregates::tenant::TenantId;
use prism_command_api::event_store::TENANT_SETS;
use prism_platform::avro::AvroCodec;
use prism_platform::contract::{topic_name, Catalogue};
use prism_platform::tenancy::TenantProvisioner;
use prism_tests::audit_cli::{json_answer, prism_audit};
use prism_tests::env::unique_suffix;
use prism_tests::ledger::entry;
use prism_tests::system::{eventually, new_tenant, System, SystemOptions};
use rdkafka::message::{Headers, Message};
use serde_json::{json, Value};

/// A fresh tenant with open books, three posted entries and the first one reversed: the
/// entries' ids.
async fn tenant_with_activity(system: &System) -> (String, Vec<String>) {
    let tenant = system.ledger_tenant().await;
    let mut ids = Vec::new();
    for amount in [1_250, 2_500, 3_750] {
        let posted = system.post(&tenant, "/v1/journal-entries", &entry("1000", "3000", amount)).await;
        assert_eq!(posted.status.as_u16(), 201, "{}", posted.body);
        ids.push(posted.body["entry_id"].as_str().unwrap().to_owned());
    }
    let reversal = json!({"reason": "posted twice", "date": "2026-11-26"});
    let reversed = system.post(&tenant, &format!("/v1/journal-entries/{}/reverse", ids[0]), &reversal).await;
    assert_eq!(reversed.status.as_u16(), 201, "{}", reversed.body);
    (tenant, ids)
}

/// A provisioned tenant (schema migrated, registered) without a single event — not even its
/// admin's, which `POST /v1/tenants` would record.
async fn empty_tenant(system: &System) -> String {
    let tenant = new_tenant();
    TenantProvisioner::new(system.pool.clone(), TENANT_SETS)
        .provision(&TenantId::parse(&tenant).unwrap(), &tenant)
        .await
        .unwrap();
    assert_eq!(system.count(&tenant, "events").await, 0);
    tenant
}

/// A file in the temp folder no other test uses.
fn archive_path() -> PathBuf {
    std::env::temp_dir().join(format!("prism-archive-{}.jsonl", unique_suffix()))
}

/// Exports `tenant` to `path`: the one-row summary.
async fn export(system: &System, tenant: &str, path: &Path) -> Value {
    let output = prism_audit(system, &["export", "--tenant", tenant, "--output", path.to_str().unwrap()]).await;
    json_answer(&output, 0)[0].clone()
}

async fn import(system: &System, tenant: &str, path: &Path) -> Output {
    prism_audit(system, &["import", "--tenant", tenant, "--input", path.to_str().unwrap()]).await
}

/// Every stored column of every event of `tenant` as text, in chain order (split on U+001F,
/// which JSON text never holds unescaped).
async fn stored_events(system: &System, tenant: &str) -> Vec<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT concat_ws(chr(31), global_position, chain_seq, event_id, aggregate_type, aggregate_id, sequence, event_type,
                event_version, payload::text, metadata::text, recorded_at, encode(chain_hash, 'hex'))
           FROM tenant_{tenant}.events ORDER BY chain_seq"
    ))
    .fetch_all(&system.pool)
    .await
    .unwrap();
    rows.into_iter().map(|(row,)| row.split('\u{1f}').map(str::to_owned).collect()).collect()
}

async fn position_of(system: &System, tenant: &str, entry_id: &str, event_type: &str) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT global_position FROM tenant_{tenant}.events WHERE aggregate_id = $1 AND event_type = $2"
    ))
    .bind(entry_id)
    .bind(event_type)
    .fetch_one(&system.pool)
    .await
    .unwrap()
}

/// A record as read from a topic: key, headers in order, value.
#[derive(Debug, Clone, PartialEq)]
struct Record {
    key: String,
    headers: Vec<(String, String)>,
    value: Vec<u8>,
}

impl Record {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// Every record of `topic`, read until it stays quiet for 4 s.
async fn records(system: &System, topic: &str) -> Vec<Record> {
    let consumer = system.topic_reader(topic);
    let mut records = Vec::new();
    while let Ok(Ok(message)) = tokio::time::timeout(Duration::from_secs(4), consumer.recv()).await {
        let headers = message.headers().map_or_else(Vec::new, |headers| {
            headers
                .iter()
                .map(|h| (h.key.to_owned(), String::from_utf8_lossy(h.value.unwrap_or_default()).into_owned()))
                .collect()
        });
        records.push(Record {
            key: String::from_utf8_lossy(message.key().unwrap_or_default()).into_owned(),
            headers,
            value: message.payload().unwrap_or_default().to_vec(),
        });
    }
    records
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exported_tenant_imports_bit_for_bit_into_an_empty_one_and_verifies() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let (original, ids) = tenant_with_activity(&system).await;
    let path = archive_path();
    let summary = export(&system, &original, &path).await;
    let events = system.count(&original, "events").await;
    assert_eq!(summary["events"].as_i64(), Some(events), "{summary}");
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), usize::try_from(events).unwrap());

    // Restored onto a tenant that does not exist yet: `--provision` creates it, without events.
    let restored = new_tenant();
    let provisioned =
        prism_audit(&system, &["import", "--provision", "--tenant", &restored, "--input", path.to_str().unwrap()])
            .await;
    let answer = json_answer(&provisioned, 0);
    assert_eq!((answer[0]["status"].as_str(), answer[0]["events"].as_i64()), (Some("imported"), Some(events)));
    std::fs::remove_file(&path).unwrap();

    assert_eq!(stored_events(&system, &restored).await, stored_events(&system, &original).await, "bit for bit");
    let verified = json_answer(&prism_audit(&system, &["verify", "--tenant", &restored]).await, 0);
    assert_eq!(verified[0]["status"], "intact", "{verified}");
    assert_eq!(summary["last_chain_hash"], stored_events(&system, &restored).await.last().unwrap()[11].as_str());
    for question in ["history", "state"] {
        let asked = |tenant: String| {
            let system = &system;
            let id = ids[0].clone();
            async move {
                json_answer(
                    &prism_audit(system, &[question, "--tenant", &tenant, "finance.journal_entry", &id]).await,
                    0,
                )
            }
        };
        assert_eq!(asked(restored.clone()).await, asked(original.clone()).await, "{question}");
    }

    // The restored tenant appends after the imported events, in position and in the chain.
    let last_position: i64 = sqlx::query_scalar(&format!("SELECT max(global_position) FROM tenant_{original}.events"))
        .fetch_one(&system.pool)
        .await
        .unwrap();
    let token = system.signed_token(&restored, &uuid::Uuid::now_v7().to_string(), &[Role::Admin]);
    let posted = system.post_as(&token, "/v1/journal-entries", &entry("1000", "3000", 99)).await;
    assert_eq!(posted.status.as_u16(), 201, "{}", posted.body);
    assert_eq!(posted.body["position"].as_i64(), Some(last_position + 1), "{}", posted.body);
    let verified = json_answer(&prism_audit(&system, &["verify", "--tenant", &restored]).await, 0);
    assert_eq!((verified[0]["status"].as_str(), verified[0]["events"].as_i64()), (Some("intact"), Some(events + 1)));

    // Only that new event reached Kafka from the restored tenant: the imported ones were not
    // published again.
    eventually(Duration::from_secs(30), "an empty outbox", || async {
        (system.outbox_depth(&restored).await == 0).then_some(())
    })
    .await;
    let published: Vec<Record> = records(&system, &system.journal_topic())
        .await
        .into_iter()
        .filter(|record| record.header("prism-tenant") == Some(restored.as_str()))
        .collect();
    let positions: Vec<_> = published.iter().map(|record| record.header("prism-global-position")).collect();
    assert_eq!(positions.len(), 1, "published from the restored tenant: {positions:?}");
    assert_eq!(published[0].header("prism-global-position"), Some((last_position + 1).to_string().as_str()));
}

#[tokio::test(flavor = "multi_thread")]
async fn import_refuses_a_tenant_with_events_and_an_archive_altered_or_cut() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let (original, _) = tenant_with_activity(&system).await;
    let path = archive_path();
    export(&system, &original, &path).await;
    let lines: Vec<String> = std::fs::read_to_string(&path).unwrap().lines().map(str::to_owned).collect();

    let refused = import(&system, &original, &path).await;
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("already has") && stderr.contains("empty event store"), "{stderr}");

    // One amount changed: the line of the first posted entry no longer chains.
    let posted = lines.iter().position(|line| line.contains("\"event_type\":\"JournalEntryPosted\"")).unwrap();
    let mut altered: Value = serde_json::from_str(&lines[posted]).unwrap();
    let payload = altered["payload"].as_str().unwrap().to_owned();
    assert!(payload.contains("\"debit_minor\": 1250"), "{payload}");
    altered["payload"] = json!(payload.replace("\"debit_minor\": 1250", "\"debit_minor\": 1205"));
    let mut tampered = lines.clone();
    tampered[posted] = altered.to_string();
    let target = empty_tenant(&system).await;
    for (archive, line, detail) in [
        (tampered, posted + 1, "altered"),
        ([&lines[..posted], &lines[posted + 1..]].concat(), posted + 1, "removed"),
        (lines[1..].to_vec(), 1, "does not start at the first event"),
    ] {
        std::fs::write(&path, archive.join("\n") + "\n").unwrap();
        let answer = json_answer(&import(&system, &target, &path).await, 1);
        assert_eq!((answer[0]["status"].as_str(), answer[0]["line"].as_u64()), (Some("rejected"), Some(line as u64)));
        assert!(answer[0]["detail"].as_str().unwrap().contains(detail), "{answer}");
        assert_eq!(system.count(&target, "events").await, 0, "nothing of a rejected archive stays");
    }

    // A part of the store, to stdout: positions 2 to 5, the summary on stderr.
    let part = prism_audit(&system, &["export", "--tenant", &original, "--from", "2", "--to", "5"]).await;
    assert_eq!(part.status.code(), Some(0), "{}", String::from_utf8_lossy(&part.stderr));
    let mut positions: Vec<i64> = String::from_utf8_lossy(&part.stdout)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["global_position"].as_i64().unwrap())
        .collect();
    positions.sort_unstable();
    assert_eq!(positions, [2, 3, 4, 5]);
    let summary: Value = serde_json::from_slice(&part.stderr).unwrap();
    assert_eq!((summary[0]["events"].as_i64(), summary[0]["last_position"].as_i64()), (Some(4), Some(5)));

    // The archive as exported still imports into the tenant the rejections left empty.
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let answer = json_answer(&import(&system, &target, &path).await, 0);
    assert_eq!(answer[0]["events"].as_u64(), Some(lines.len() as u64));
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn republish_sends_a_position_range_again_exactly_as_the_relay_did() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let (tenant, ids) = tenant_with_activity(&system).await;
    eventually(Duration::from_secs(30), "the relay to publish everything", || async {
        (system.outbox_depth(&tenant).await == 0).then_some(())
    })
    .await;
    let journal = system.journal_topic();
    let (first_entry, second_entry) = (
        position_of(&system, &tenant, &ids[0], "JournalEntryPosted").await,
        position_of(&system, &tenant, &ids[1], "JournalEntryPosted").await,
    );
    let republish = |args: Vec<String>| {
        let system = &system;
        let mut all: Vec<String> = ["republish", "--tenant", &tenant, "--kafka-brokers", &system.kafka_brokers]
            .into_iter()
            .chain(["--topic-prefix", &system.topic_prefix, "--schema-registry-url", &system.env.registry_url])
            .map(str::to_owned)
            .collect();
        all.extend(args);
        async move { prism_audit(system, &all.iter().map(String::as_str).collect::<Vec<_>>()).await }
    };

    // Everything before the first entry (the admin, the chart, the calendar), to the topic of
    // each event's type.
    let answer = json_answer(
        &republish(vec!["--from-position".into(), "1".into(), "--to-position".into(), (first_entry - 1).to_string()])
            .await,
        0,
    );
    let counts: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT aggregate_type, count(*) FROM tenant_{tenant}.events WHERE global_position < $1 GROUP BY 1"
    ))
    .bind(first_entry)
    .fetch_all(&system.pool)
    .await
    .unwrap();
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    for (aggregate_type, events) in counts {
        let suffix = Catalogue::topic_suffixes(&aggregate_type)[0];
        *expected.entry(topic_name(&system.topic_prefix, suffix)).or_default() += events;
    }
    assert!(expected.len() >= 3, "user, chart and calendar events: {expected:?}");
    let expected: Vec<Value> =
        expected.into_iter().map(|(topic, events)| json!({"topic": topic, "events": events})).collect();
    assert_eq!(answer, json!(expected));

    // From the very first event up to the second entry, journal entries only: the first two.
    let answer = json_answer(
        &republish(vec![
            "--from-position".into(),
            "1".into(),
            "--to-position".into(),
            second_entry.to_string(),
            "--topic".into(),
            journal.clone(),
        ])
        .await,
        0,
    );
    assert_eq!(answer, json!([{"topic": journal, "events": 2}]));
    let unknown = republish(vec!["--from-position".into(), "1".into(), "--topic".into(), "nowhere.v1".into()]).await;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no event type is published to topic nowhere.v1"));

    let mut by_event: HashMap<String, Vec<Record>> = HashMap::new();
    for record in records(&system, &journal).await {
        by_event.entry(record.header("prism-event-id").unwrap().to_owned()).or_default().push(record);
    }
    let codec = AvroCodec::new(&system.env.registry_url);
    for copies in by_event.values() {
        let position: i64 = copies[0].header("prism-global-position").unwrap().parse().unwrap();
        if position != first_entry && position != second_entry {
            assert_eq!(copies.len(), 1, "not republished: {copies:?}");
            continue;
        }
        assert_eq!(copies.len(), 2, "the relay's record and the republished one: {copies:?}");
        assert_eq!(copies[0], copies[1], "same key, headers and value bytes");
        let entry_id = if position == first_entry { &ids[0] } else { &ids[1] };
        assert_eq!(copies[1].key, *entry_id);
        let (record_name, body) = codec.decode(&copies[1].value).await.unwrap();
        assert_eq!(record_name.as_deref(), Some("prism.finance.JournalEntryPosted"));
        let stored: Value = sqlx::query_scalar(&format!(
            "SELECT payload::jsonb -> 'JournalEntryPosted' FROM tenant_{tenant}.events WHERE global_position = $1"
        ))
        .bind(position)
        .fetch_one(&system.pool)
        .await
        .unwrap();
        assert_eq!(body, stored, "the decoded value is the stored payload");
    }
    assert!(by_event.len() > 2, "the later journal events are on the topic too: {by_event:?}");
}
