//! `Idempotency-Key` on the real stack: a retried command runs once and gets the first answer
//! again (refusals included); the same key with another body is refused; keys are per tenant;
//! and retries racing the first request never run it twice.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_tests::ledger::entry;
use prism_tests::system::{Answer, System, SystemOptions};
use serde_json::json;

const ENTRY_EVENTS: &str = "events WHERE aggregate_type = 'finance.journal_entry'";

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![], kafka_brokers: None }
}

async fn post_keyed(system: &System, tenant: &str, path: &str, body: &serde_json::Value, key: &str) -> Answer {
    system.post_raw(tenant, path, serde_json::to_vec(body).unwrap(), &[("idempotency-key", key)]).await
}

fn replayed(answer: &Answer) -> bool {
    answer.headers.get("idempotent-replayed").is_some_and(|value| value == "true")
}

fn assert_problem(answer: &Answer, status: u16, code: &str, field: &str) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
    assert_eq!(answer.body["type"], format!("urn:prism:problem:{code}"), "{}", answer.body);
    assert_eq!(answer.body["field"], field, "{}", answer.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_command_runs_once_and_gets_its_first_answer_again() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    let posting = entry("1000", "3000", 1_250);

    let first = post_keyed(&system, t, "/v1/journal-entries", &posting, "post-1250").await;
    assert_eq!(first.status.as_u16(), 201, "{}", first.body);
    assert!(!replayed(&first));
    let retry = post_keyed(&system, t, "/v1/journal-entries", &posting, "post-1250").await;
    assert_eq!((retry.status, &retry.body), (first.status, &first.body), "the same entry id and position");
    assert_eq!(retry.headers.get("location"), first.headers.get("location"));
    assert!(replayed(&retry));
    assert_eq!(system.count(t, ENTRY_EVENTS).await, 1, "posted once");

    // Without a key, the same body is a second entry.
    assert_eq!(system.post(t, "/v1/journal-entries", &posting).await.status.as_u16(), 201);
    assert_eq!(system.count(t, ENTRY_EVENTS).await, 2);

    // A refusal is an answer too, and is replayed as it was.
    let unbalanced = json!({"date": "2026-11-25", "description": "one-sided",
                            "lines": [{"account": "1000", "debit": 5, "currency": "EUR"}]});
    let refused = post_keyed(&system, t, "/v1/journal-entries", &unbalanced, "one-sided").await;
    assert_eq!(refused.status.as_u16(), 422, "{}", refused.body);
    let refused_again = post_keyed(&system, t, "/v1/journal-entries", &unbalanced, "one-sided").await;
    assert_eq!((refused_again.status, &refused_again.body), (refused.status, &refused.body));
    assert!(replayed(&refused_again));
    assert_eq!(system.count(t, ENTRY_EVENTS).await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_reused_for_another_request_or_malformed_is_refused_and_keys_are_per_tenant() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let other = system.ledger_tenant().await;
    let posting = entry("1000", "3000", 700);
    assert_eq!(post_keyed(&system, &tenant, "/v1/journal-entries", &posting, "k-700").await.status.as_u16(), 201);

    let changed = entry("1000", "3000", 701);
    let reused = post_keyed(&system, &tenant, "/v1/journal-entries", &changed, "k-700").await;
    assert_problem(&reused, 422, "idempotency-key-reused", "Idempotency-Key");
    let other_path = post_keyed(&system, &tenant, "/v1/accounts", &posting, "k-700").await;
    assert_problem(&other_path, 422, "idempotency-key-reused", "Idempotency-Key");
    for bad in ["two words", &"k".repeat(256)] {
        let malformed = post_keyed(&system, &tenant, "/v1/journal-entries", &changed, bad).await;
        assert_problem(&malformed, 422, "invalid-idempotency-key", "Idempotency-Key");
    }
    assert_eq!(system.count(&tenant, ENTRY_EVENTS).await, 1, "nothing but the first entry");

    // Another tenant's identical key and body is its own command.
    let elsewhere = post_keyed(&system, &other, "/v1/journal-entries", &posting, "k-700").await;
    assert_eq!(elsewhere.status.as_u16(), 201, "{}", elsewhere.body);
    assert!(!replayed(&elsewhere));
    assert_eq!(system.count(&other, ENTRY_EVENTS).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn retries_racing_the_first_request_never_run_it_twice() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let posting = entry("1000", "3000", 99);
    let answers = futures::future::join_all(
        (0..12).map(|_| post_keyed(&system, &tenant, "/v1/journal-entries", &posting, "racing")),
    )
    .await;
    let created: Vec<&Answer> = answers.iter().filter(|a| a.status.as_u16() == 201).collect();
    assert!(!created.is_empty());
    assert!(created.iter().all(|a| a.body == created[0].body), "every 201 is the one entry");
    for answer in &answers {
        match answer.status.as_u16() {
            201 => {}
            409 => {
                assert_eq!(answer.body["type"], "urn:prism:problem:idempotency-key-in-progress");
                assert_eq!(answer.headers["retry-after"], "1");
            }
            other => panic!("unexpected {other}: {}", answer.body),
        }
    }
    assert_eq!(system.count(&tenant, ENTRY_EVENTS).await, 1, "posted once");
}
