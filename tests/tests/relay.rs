//! The relay publishes each stored event exactly once while relays stand by: only the one
//! holding the advisory lock drains the outbox.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::collections::HashSet;
use std::time::Duration;

use prism_tests::ledger::entry;
use prism_tests::system::{eventually, System, SystemOptions};
use rdkafka::message::{Headers, Message};

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

    let consumer = system.topic_reader(&system.journal_topic());
    let mut event_ids = Vec::new();
    while let Ok(Ok(message)) = tokio::time::timeout(Duration::from_secs(4), consumer.recv()).await {
        let id = message.headers().and_then(|h| h.iter().find(|h| h.key == "prism-event-id")).and_then(|h| h.value);
        event_ids.push(String::from_utf8_lossy(id.unwrap()).into_owned());
    }
    let distinct: HashSet<_> = event_ids.iter().collect();
    assert_eq!(distinct.len(), usize::try_from(entries).unwrap(), "every event was published");
    assert_eq!(event_ids.len(), distinct.len(), "no event was published twice");
}
