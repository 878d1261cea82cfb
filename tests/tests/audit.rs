//! `prism-audit` against the real event store: an aggregate's history and its state as of an
//! earlier version, the events of one request, and the hash chain — intact after real
//! commands, broken where one stored byte was changed or an event removed.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::process::Output;

use prism_tests::ledger::entry;
use prism_tests::system::{System, SystemOptions};
use serde_json::{json, Value};

const CORRELATION: &str = "audit-test-request-1";

async fn audit(system: &System, args: &[&str]) -> Output {
    tokio::process::Command::new(system.env.bin_dir.join("prism-audit"))
        .args(["--format", "json"])
        .args(args)
        .env("PRISM_DATABASE_URL", &system.database_url)
        .output()
        .await
        .expect("prism-audit binary runs (build it with `cargo build --bins`)")
}

fn answer(output: &Output, code: i32) -> Value {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("JSON on stdout ({e}); stderr: {stderr}"))
}

/// Posts an entry as request [`CORRELATION`] and reverses it: its id.
async fn posted_and_reversed(system: &System, tenant: &str) -> String {
    let body = serde_json::to_vec(&entry("1000", "3000", 1_250)).unwrap();
    let posted = system.post_raw(tenant, "/v1/journal-entries", body, &[("x-correlation-id", CORRELATION)]).await;
    assert_eq!(posted.status.as_u16(), 201, "{}", posted.body);
    let entry_id = posted.body["entry_id"].as_str().unwrap().to_owned();
    let reversal = json!({"reason": "posted twice", "date": "2026-11-26"});
    let reversed = system.post(tenant, &format!("/v1/journal-entries/{entry_id}/reverse"), &reversal).await;
    assert_eq!(reversed.status.as_u16(), 201, "{}", reversed.body);
    entry_id
}

/// Rewrites the stored events of `tenant` with `sql` (`{events}` is the table), going around
/// the trigger that refuses changes, as someone with the database owner's rights could.
async fn tamper(system: &System, tenant: &str, sql: &str) {
    let events = format!("tenant_{tenant}.events");
    let mut tx = system.pool.begin().await.unwrap();
    for statement in [
        format!("ALTER TABLE {events} DISABLE TRIGGER events_are_immutable"),
        sql.replace("{events}", &events),
        format!("ALTER TABLE {events} ENABLE TRIGGER events_are_immutable"),
    ] {
        sqlx::query(&statement).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// `prism-audit state` of journal entry `entry_id`, as of `as_of` when given.
async fn entry_state(system: &System, tenant: &str, entry_id: &str, as_of: Option<&str>) -> Output {
    let mut args = vec!["state", "--tenant", tenant, "finance.journal_entry", entry_id];
    if let Some(as_of) = as_of {
        args.extend(["--as-of", as_of]);
    }
    audit(system, &args).await
}

async fn chain_seq_of(system: &System, tenant: &str, event_type: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT chain_seq FROM tenant_{tenant}.events WHERE event_type = $1"))
        .bind(event_type)
        .fetch_one(&system.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn history_state_as_of_and_trace_answer_from_the_event_store() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let entry_id = posted_and_reversed(&system, &tenant).await;

    let history =
        answer(&audit(&system, &["history", "--tenant", &tenant, "finance.journal_entry", &entry_id]).await, 0);
    let types: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["event_type"].as_str().unwrap()).collect();
    assert_eq!(types, ["JournalEntryPosted", "JournalEntryReversed"]);
    assert_eq!(history[0]["correlation_id"], CORRELATION);
    assert!(history[0]["user_id"].as_str().is_some_and(|id| !id.is_empty()), "who posted it: {history}");
    assert_eq!(history[0]["changes"]["entry_id"], entry_id.as_str());
    assert_eq!(history[1]["changes"]["reason"], "posted twice");

    let then = answer(&entry_state(&system, &tenant, &entry_id, Some("1")).await, 0);
    let now = answer(&entry_state(&system, &tenant, &entry_id, None).await, 0);
    assert_eq!((then[0]["version"].as_i64(), now[0]["version"].as_i64()), (Some(1), Some(2)));
    assert_ne!(then[0]["state"], now[0]["state"], "the reversal changed the entry");
    let at_first_event = history[0]["recorded_at"].as_str().unwrap().to_owned();
    let by_time = entry_state(&system, &tenant, &entry_id, Some(&at_first_event)).await;
    assert_eq!(answer(&by_time, 0)[0]["state"], then[0]["state"], "as of the first event's time is version 1");

    let traced = answer(&audit(&system, &["trace", "--tenant", &tenant, CORRELATION]).await, 0);
    let traced: Vec<(&str, &str)> = traced
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["aggregate_id"].as_str().unwrap(), e["event_type"].as_str().unwrap()))
        .collect();
    assert_eq!(traced, [(entry_id.as_str(), "JournalEntryPosted")], "the reversal was another request");

    let unknown = audit(&system, &["state", "--tenant", &tenant, "finance.ledger", &entry_id]).await;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown aggregate type finance.ledger"));
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_finds_one_changed_byte_and_a_removed_event() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let (altered, removed, untouched) =
        (system.ledger_tenant().await, system.ledger_tenant().await, system.ledger_tenant().await);
    for tenant in [&altered, &removed, &untouched] {
        posted_and_reversed(&system, tenant).await;
        let report = answer(&audit(&system, &["verify", "--tenant", tenant]).await, 0);
        assert_eq!(report[0]["status"], "intact", "{report}");
    }

    let posted_at = chain_seq_of(&system, &altered, "JournalEntryPosted").await;
    tamper(
        &system,
        &altered,
        "UPDATE {events} SET payload = replace(payload::text, '1250', '1205')::json \
                               WHERE event_type = 'JournalEntryPosted'",
    )
    .await;
    let report = answer(&audit(&system, &["verify", "--tenant", &altered]).await, 1);
    assert_eq!(
        (report[0]["status"].as_str(), report[0]["broken_at_chain_seq"].as_i64()),
        (Some("broken"), Some(posted_at))
    );
    assert!(report[0]["detail"].as_str().unwrap().contains("altered"), "{report}");

    let reversed_at = chain_seq_of(&system, &removed, "JournalEntryReversed").await;
    tamper(&system, &removed, "DELETE FROM {events} WHERE event_type = 'JournalEntryReversed'").await;
    let report = answer(&audit(&system, &["verify", "--tenant", &removed]).await, 1);
    assert_eq!(report[0]["broken_at_chain_seq"].as_i64(), Some(reversed_at), "{report}");
    assert!(report[0]["detail"].as_str().unwrap().contains("removed"), "{report}");

    // Every tenant at once: the untouched one is intact, the run as a whole fails.
    let all = answer(&audit(&system, &["verify"]).await, 1);
    let status: Vec<(&str, &str)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["tenant"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert!(status.contains(&(untouched.as_str(), "intact")), "{all}");
    assert!(status.contains(&(altered.as_str(), "broken")), "{all}");
}
