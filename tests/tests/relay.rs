//! The relay publishes each stored event exactly once while relays stand by: only the one
//! holding the advisory lock drains the outbox.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_tests::ledger::entry;
use prism_tests::reliability::{record, Observation};
use prism_tests::system::{eventually, System, SystemOptions};
use prism_tests::topic::{copies_by_event, read_all};

#[tokio::test(flavor = "multi_thread")]
async fn three_relays_on_one_outbox_publish_each_event_exactly_once() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    system.start_relay().await;
    system.start_relay().await;
    let tenant = system.ledger_tenant().await;
    let entries = 60;
    for i in 0..entries {
        assert_eq!(system.post(&tenant, "/v1/journal-entries", &entry("1000", "3000", 1 + i)).await.status, 201);
    }
    eventually(Duration::from_secs(30), "an empty outbox", || async {
        (system.outbox_depth(&tenant).await == 0).then_some(())
    })
    .await;

    let records = read_all(&system, &[&system.journal_topic()], Duration::from_secs(4)).await;
    let distinct = copies_by_event(&records).len();
    assert_eq!(distinct, usize::try_from(entries).unwrap(), "every event was published");
    assert_eq!(records.len(), distinct, "no event was published twice");

    record(
        "three_relays_on_one_outbox_publish_each_event_exactly_once",
        &Observation {
            fault: "three relays running on one outbox",
            procedure: "three in-process relays on one database while 60 entries are posted",
            accepted: u64::try_from(entries).unwrap(),
            lost: 0,
            duplicated: 0,
            recovery: None,
            notes: "only the relay holding the advisory lock published; each event on the topic once".to_owned(),
        },
    );
}
