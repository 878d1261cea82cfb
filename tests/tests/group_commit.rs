//! Group commit on the real stack: many commands of one tenant at once — most of them new
//! entries, some racing to post the same `entry_id` — are committed together where they
//! wait together, yet each gets its own answer: every new entry 201 with the version and
//! global position its event was stored at, exactly one winner per raced id and 409 for the
//! others, every accepted event stored once and chained, and the hash chain intact.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use prism_tests::audit_cli::{json_answer, prism_audit};
use prism_tests::ledger::entry;
use prism_tests::system::{System, SystemOptions};
use serde_json::json;
use uuid::Uuid;

/// New entries posted at once.
const NEW_ENTRIES: usize = 40;

/// Clients racing on each shared `entry_id`.
const RACERS: usize = 4;

/// Shared ids raced on.
const RACED_IDS: usize = 5;

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_commands_of_one_tenant_each_get_their_own_answer_and_the_chain_stays_whole() {
    let system = Arc::new(System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await);
    let tenant = system.ledger_tenant().await;
    let raced: Vec<Uuid> = (0..RACED_IDS).map(|_| Uuid::now_v7()).collect();
    let mut bodies: Vec<(Option<Uuid>, serde_json::Value)> =
        (0..NEW_ENTRIES).map(|n| (None, entry("1000", "3000", i64::try_from(n).unwrap() + 1))).collect();
    for id in &raced {
        for _ in 0..RACERS {
            let mut body = entry("1000", "3000", 7);
            body["entry_id"] = json!(id);
            bodies.push((Some(*id), body));
        }
    }
    let posts = bodies.into_iter().map(|(raced_id, body)| {
        let (system, tenant) = (system.clone(), tenant.clone());
        tokio::spawn(async move { (raced_id, system.post(&tenant, "/v1/journal-entries", &body).await) })
    });
    let answers = futures::future::join_all(posts).await;

    let mut answered: HashMap<String, (i64, i64)> = HashMap::new();
    let mut winners = HashSet::new();
    for answer in answers {
        let (raced_id, response) = answer.unwrap();
        match (raced_id, response.status.as_u16()) {
            (_, 201) => {
                let (version, position) = (&response.body["version"], &response.body["position"]);
                let landed = (version.as_i64().unwrap(), position.as_i64().unwrap());
                answered.insert(response.body["entry_id"].as_str().unwrap().to_owned(), landed);
                if let Some(id) = raced_id {
                    assert!(winners.insert(id), "two winners for {id}");
                }
            }
            (Some(_), 409) => {}
            (_, status) => panic!("unexpected {status}: {}", response.body),
        }
    }
    assert_eq!(winners.len(), RACED_IDS, "one winner per raced id");
    assert_eq!(answered.len(), NEW_ENTRIES + RACED_IDS, "each accepted command answered for its own entry");
    let stored: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT aggregate_id, sequence, global_position FROM tenant_{tenant}.events
          WHERE event_type = 'JournalEntryPosted'"
    ))
    .fetch_all(&system.pool)
    .await
    .unwrap();
    let stored: HashMap<String, (i64, i64)> =
        stored.into_iter().map(|(entry_id, version, position)| (entry_id, (version, position))).collect();
    assert_eq!(stored, answered, "every accepted event stored once, where its answer says");
    let verified = json_answer(&prism_audit(&system, &["verify", "--tenant", &tenant]).await, 0);
    assert_eq!(verified[0]["status"], "intact", "{verified}");
}
