//! `prism-audit rebuild postgres` on the real stack: a tenant's Postgres read model rebuilt
//! from the event store while commands keep coming, resumed after it was left half done, and
//! swapped in — after which it equals a replay of every event the projector applied, the row
//! changed by hand before is repaired, the query API answers from it, the employees' personal
//! data still opens (the keys beside the events are not a read model), and the projector goes
//! on writing into it.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use prism_projections::config::ProjectorKind;
use prism_tests::audit_cli::{json_answer, prism_audit};
use prism_tests::ledger::entry;
use prism_tests::system::{System, SystemOptions};
use serde_json::{json, Value};

/// The balance of account 1000 in EUR, as the read model holds it.
async fn cash_debits(system: &System, tenant: &str) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT debit_total_minor FROM tenant_{tenant}.account_balances WHERE account = '1000' AND currency = 'EUR'"
    ))
    .fetch_one(&system.pool)
    .await
    .unwrap()
}

/// Every status `verify --read-models` gives `tenant`, by check.
async fn read_model_statuses(system: &System, tenant: &str) -> serde_json::Map<String, Value> {
    let report = json_answer(&prism_audit(system, &["verify", "--tenant", tenant, "--read-models"]).await, 0);
    report
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["check"].as_str().unwrap().to_owned(), row["status"].clone()))
        .collect()
}

/// The indexes and foreign keys of the (unquoted) `schema`, as `table index-or-key` names, sorted.
async fn indexes_and_keys(system: &System, schema: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT tablename || ' ' || indexname FROM pg_indexes WHERE schemaname = $1
         UNION ALL
         SELECT c.relname || ' ' || k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND k.contype = 'f'
         ORDER BY 1",
    )
    .bind(schema)
    .fetch_all(&system.pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rebuild_during_live_traffic_resumes_swaps_in_and_ends_equal_to_the_live_model() {
    let system = Arc::new(
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await,
    );
    let tenant = system.ledger_tenant().await;
    // An employee, whose personal data only its key beside the events opens: not a read model.
    let hire = json!({"name": "Ada", "email": "ada@example.com", "birth_date": "1990-01-01", "address": "1 Main St",
                      "org_unit_id": "finance", "salary_minor": 1_000, "currency": "EUR", "hired_on": "2026-01-01"});
    let hired = system.post(&tenant, "/v1/employees", &hire).await;
    assert_eq!(hired.status, 201, "{}", hired.body);
    let employee_id = hired.body["employee_id"].as_str().unwrap().to_owned();
    for amount in 1..=20 {
        assert_eq!(system.post(&tenant, "/v1/journal-entries", &entry("1000", "3000", amount)).await.status, 201);
    }
    system.await_postgres_caught_up(&tenant).await;
    // Someone changes a balance by hand: the rebuild will put it right.
    let honest = cash_debits(&system, &tenant).await;
    sqlx::query(&format!("UPDATE tenant_{tenant}.account_balances SET debit_total_minor = 1 WHERE account = '1000'"))
        .execute(&system.pool)
        .await
        .unwrap();

    // Half a rebuild: replayed, not swapped; the live model is untouched.
    let prepared =
        json_answer(&prism_audit(&system, &["rebuild", "postgres", "--tenant", &tenant, "--no-swap"]).await, 0);
    assert_eq!(prepared[0]["status"], "prepared", "{prepared}");
    assert_eq!(prepared[0]["resumed_after"], 0);
    let first_replay = prepared[0]["replayed"].as_i64().unwrap();
    assert!(first_replay >= 22, "the chart, the year and the 20 entries at least: {prepared}");
    assert_eq!(cash_debits(&system, &tenant).await, 1, "still the live model");

    // Commands keep coming while the rebuild resumes and swaps.
    let (stop, posted) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicI64::new(20)));
    let traffic = {
        let (system, tenant, stop, posted) = (system.clone(), tenant.clone(), stop.clone(), posted.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                assert_eq!(system.post(&tenant, "/v1/journal-entries", &entry("1000", "3000", 100)).await.status, 201);
                posted.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let swapped = json_answer(&prism_audit(&system, &["rebuild", "postgres", "--tenant", &tenant]).await, 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    traffic.await.unwrap();
    assert_eq!(swapped[0]["status"], "swapped", "{swapped}");
    assert!(swapped[0]["resumed_after"].as_i64().unwrap() > 0, "it resumed where the first run stopped: {swapped}");

    // The projector went on writing into the swapped-in model; it equals a replay.
    system.await_postgres_caught_up(&tenant).await;
    let posted = posted.load(Ordering::Relaxed);
    let entries: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM tenant_{tenant}.journal_entries"))
        .fetch_one(&system.pool)
        .await
        .unwrap();
    assert_eq!(entries, posted, "every entry posted before, during and after the swap");
    let expected_debits = honest + (posted - 20) * 100;
    assert_eq!(cash_debits(&system, &tenant).await, expected_debits, "the hand-made change is gone");
    let statuses = read_model_statuses(&system, &tenant).await;
    assert!(statuses.values().all(|s| s == "matches" || s == "intact"), "{statuses:?}");
    assert_eq!(statuses["read-model:account_balances"], "matches");
    let balance = system.get(&tenant, "/v1/accounts/1000/balance", None).await;
    assert_eq!(balance.status, 200, "the query API reads the swapped-in model: {}", balance.body);
    let employee = system.get(&tenant, &format!("/v1/employees/{employee_id}"), None).await;
    assert_eq!(employee.body["personal_data_status"], "readable", "the keys stay: {}", employee.body);
    let leftovers: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_namespace WHERE nspname IN ($1, $2)")
        .bind(format!("rebuild_{tenant}"))
        .bind(format!("retired_{tenant}"))
        .fetch_one(&system.pool)
        .await
        .unwrap();
    assert_eq!(leftovers, 0, "the helper schemas are gone");
    // The replay wrote without secondary indexes and foreign keys; they are all back.
    let fresh = system.ledger_tenant().await;
    let swapped_in = indexes_and_keys(&system, &format!("tenant_{tenant}")).await;
    assert!(swapped_in.contains(&"journal_lines journal_lines_entry_id_fkey".to_owned()), "{swapped_in:?}");
    assert!(swapped_in.contains(&"journal_lines journal_lines_by_account".to_owned()), "{swapped_in:?}");
    assert_eq!(swapped_in, indexes_and_keys(&system, &format!("tenant_{fresh}")).await, "as a new tenant has");
}
