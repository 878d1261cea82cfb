//! `prism-audit` against the real event store: an aggregate's history and its state as of an
//! earlier version or time (what the read model showed then), the events of one request, and
//! the hash chain — intact after real commands, broken where one stored byte was changed or an
//! event removed — and the Postgres read models, equal to a replay of the events until a row is
//! changed by hand.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::process::Output;

use prism_projections::config::ProjectorKind;
use prism_tests::audit_cli::{json_answer as answer, prism_audit as audit};
use prism_tests::system::{System, SystemOptions};

const CORRELATION: &str = "audit-test-request-1";

/// Posts an entry as request [`CORRELATION`] and reverses it: its id.
async fn posted_and_reversed(system: &System, tenant: &str) -> String {
    prism_tests::ledger::posted_and_reversed(system, tenant, CORRELATION).await
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

#[tokio::test(flavor = "multi_thread")]
async fn verify_read_models_matches_a_replay_until_a_row_is_changed_by_hand() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    posted_and_reversed(&system, &tenant).await;
    system.await_postgres_caught_up(&tenant).await;

    let report = answer(&audit(&system, &["verify", "--tenant", &tenant, "--read-models"]).await, 0);
    let checks: Vec<(&str, &str)> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["check"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(checks[0], ("hash-chain", "intact"), "{report}");
    for table in ["accounts", "journal_entries", "journal_lines", "account_balances", "users", "projection_applied"] {
        assert!(checks.contains(&(format!("read-model:{table}").as_str(), "matches")), "{table}: {report}");
    }
    assert!(checks.iter().all(|(_, status)| *status != "differs"), "{report}");
    let balances = report.as_array().unwrap().iter().find(|r| r["check"] == "read-model:account_balances").unwrap();
    assert!(balances["events"].as_i64().unwrap() >= 3, "the chart, the year, the entry and its reversal: {balances}");

    sqlx::query(&format!(
        "UPDATE tenant_{tenant}.account_balances SET debit_total_minor = debit_total_minor + 1 WHERE account = '1000'"
    ))
    .execute(&system.pool)
    .await
    .unwrap();
    let report = answer(&audit(&system, &["verify", "--tenant", &tenant, "--read-models"]).await, 1);
    let balances = report.as_array().unwrap().iter().find(|r| r["check"] == "read-model:account_balances").unwrap();
    assert_eq!(balances["status"], "differs", "{report}");
    assert!(balances["detail"].as_str().unwrap().contains(r#"["1000","EUR"]"#), "{balances}");
    let others = report.as_array().unwrap().iter().filter(|r| r["check"] != "read-model:account_balances");
    assert!(others.into_iter().all(|r| r["status"] != "differs"), "only the changed table differs: {report}");
    let replays: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_namespace WHERE nspname LIKE $1")
        .bind(format!("replay_{tenant}_%"))
        .fetch_one(&system.pool)
        .await
        .unwrap();
    assert_eq!(replays, 0, "the scratch schemas are dropped");
}

#[tokio::test(flavor = "multi_thread")]
async fn state_as_of_a_time_is_what_the_read_model_showed_at_that_time() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let posted = system.post(&tenant, "/v1/journal-entries", &prism_tests::ledger::entry("1000", "3000", 4_321)).await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    let entry_id = posted.body["entry_id"].as_str().unwrap().to_owned();
    let path = format!("/v1/journal-entries/{entry_id}");
    let shown = system.get(&tenant, &path, posted.body["position"].as_i64()).await.body;
    let seen_at = chrono::Utc::now().to_rfc3339();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let reversal = serde_json::json!({"reason": "wrong amount"});
    let reversed = system.post(&tenant, &format!("/v1/journal-entries/{entry_id}/reverse"), &reversal).await;
    assert_eq!(reversed.status, 201, "{}", reversed.body);
    let now_shown = system.get(&tenant, &path, reversed.body["position"].as_i64()).await.body;
    assert_eq!((shown["status"].as_str(), now_shown["status"].as_str()), (Some("posted"), Some("reversed")));

    let then = answer(&entry_state(&system, &tenant, &entry_id, Some(&seen_at)).await, 0);
    let state = &then[0]["state"];
    assert_eq!(state["status"].as_str().map(str::to_lowercase), shown["status"].as_str().map(str::to_owned));
    assert_eq!(state["entry_date"], shown["entry_date"]);
    let fields = ["line_no", "account", "currency", "debit_minor", "credit_minor", "memo", "functional"];
    let lines = |lines: &serde_json::Value| -> Vec<Vec<serde_json::Value>> {
        let lines = lines.as_array().unwrap();
        lines.iter().map(|line| fields.iter().map(|f| line[*f].clone()).collect()).collect()
    };
    assert_eq!(lines(&state["lines"]), lines(&shown["lines"]), "the lines the read model showed then");
}
