//! A record a projector cannot apply goes to its dead-letter topic with the error in the
//! headers, and the projector carries on with the records after it.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_projections::config::ProjectorKind;
use prism_tests::ledger::entry;
use prism_tests::system::{System, SystemOptions};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;

#[tokio::test(flavor = "multi_thread")]
async fn a_poison_record_is_dead_lettered_and_the_projector_goes_on() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
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
    let posted = system.post(&tenant, "/v1/journal-entries", &entry("1000", "3000", 42)).await;
    let path = format!("/v1/journal-entries/{}", posted.body["entry_id"].as_str().unwrap());
    let found = system.get(&tenant, &path, posted.body["position"].as_i64()).await;
    assert_eq!(found.status, 200, "the projector applied the event published after the poison record");

    let consumer = system.topic_reader(&format!("{}.dlq.postgres", system.topic_prefix));
    let message = tokio::time::timeout(Duration::from_secs(30), consumer.recv()).await.unwrap().unwrap();
    assert_eq!(message.payload(), Some(poison.as_slice()), "the dead letter carries the original bytes");
    assert_eq!(message.key(), Some(b"poison".as_slice()));
    let header = |name: &str| {
        message
            .headers()
            .and_then(|h| h.iter().find(|h| h.key == name))
            .and_then(|h| h.value)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    };
    assert_eq!(header("prism-dlq-projector").as_deref(), Some("postgres"));
    assert!(header("prism-dlq-error").is_some_and(|e| !e.is_empty()), "the error is in the headers");
    assert!(header("prism-dlq-source").unwrap().starts_with(&system.journal_topic()));
    assert_eq!(header("prism-event-type").as_deref(), Some("JournalEntryPosted"), "original headers are kept");
}
