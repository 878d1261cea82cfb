//! An event evolved without editing history: `ExchangeRateSet` gained `rate_e9` in version 2.
//! A version-1 payload, stored the way the previous release wrote it, is read through the
//! upcaster by every reader on the real stack — the command side folding the exchange rates
//! to post a USD entry, the relay publishing it (as version 2, with `rate_e9`), the Postgres
//! projector, and `prism-audit state` — while the version-1 Avro schema stays registered
//! under the subject beside version 2.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_projections::config::ProjectorKind;
use prism_tests::system::{System, SystemOptions};
use rdkafka::message::{Headers, Message};
use schema_registry_converter::async_impl::easy_avro::EasyAvroDecoder;
use schema_registry_converter::async_impl::schema_registry::SrSettings;
use serde_json::{json, Value};

/// The `ExchangeRateSet` schema as version 1 wrote it, kept for the record.
const V1_SCHEMA: &str = include_str!("../../schemas/avro/history/finance/ExchangeRateSet.v1.avsc");

/// Stores `ExchangeRateSet` version 1 (no `rate_e9`) as the exchange rates' event `sequence`,
/// as the release before version 2 did.
async fn store_version_1_rate(system: &System, tenant: &str, sequence: i64, rate: &str) {
    let payload = json!({"ExchangeRateSet": {"currency": "USD", "functional_currency": "EUR", "date": "2026-01-01", "rate": rate}});
    sqlx::query(&format!(
        "INSERT INTO tenant_{tenant}.events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('finance.exchange_rates', 'exchange-rates', $1, 'ExchangeRateSet', '1', $2, '{{}}')"
    ))
    .bind(sequence)
    .bind(payload)
    .execute(&system.pool)
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stored_version_1_event_is_read_in_its_current_shape_by_every_reader() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let topic = format!("{}.finance.exchange-rates.v1", system.topic_prefix);
    let subject = format!("{topic}-prism.finance.ExchangeRateSet");
    let registry = reqwest::Client::new();
    let registered = registry
        .post(format!("{}/subjects/{subject}/versions", system.env.registry_url))
        .header("content-type", "application/vnd.schemaregistry.v1+json")
        .json(&json!({"schema": V1_SCHEMA}))
        .send()
        .await
        .unwrap();
    assert!(registered.status().is_success(), "version 1 registered first: {}", registered.text().await.unwrap());

    let tenant = system.ledger_tenant().await;
    let functional = system.post(&tenant, "/v1/exchange-rates/functional-currency", &json!({"currency": "EUR"})).await;
    assert_eq!(functional.status, 201, "{}", functional.body);
    store_version_1_rate(&system, &tenant, 2, "0.9").await;

    // The command side folds the old event: 500.00 USD at 0.9 is 450.00 EUR.
    let usd_entry = json!({"date": "2026-01-15", "description": "Capital in USD", "lines": [
        {"account": "1000", "debit": 50_000, "currency": "USD"},
        {"account": "3000", "credit": 50_000, "currency": "USD"}]});
    let posted = system.post(&tenant, "/v1/journal-entries", &usd_entry).await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    let entry_id = posted.body["entry_id"].as_str().unwrap();
    let read = system.get(&tenant, &format!("/v1/journal-entries/{entry_id}"), posted.body["position"].as_i64()).await;
    assert_eq!(
        read.body["lines"][0]["functional"],
        json!({"currency": "EUR", "debit_minor": 45_000, "credit_minor": 0})
    );

    // The relay published it as version 2, with rate_e9, under the version-2 schema.
    let consumer = system.topic_reader(&topic);
    let decoder = EasyAvroDecoder::new(SrSettings::new(system.env.registry_url.clone()));
    let mut published = None;
    while let Ok(Ok(message)) = tokio::time::timeout(Duration::from_secs(20), consumer.recv()).await {
        let header = |name: &str| {
            message.headers().unwrap().iter().find(|h| h.key == name).and_then(|h| h.value).map(<[u8]>::to_vec)
        };
        if header("prism-event-type").as_deref() == Some(b"ExchangeRateSet") {
            let decoded = decoder.decode(message.payload()).await.unwrap();
            published = Some((header("prism-event-version"), prism_platform::avro::avro_to_json(&decoded.value)));
            break;
        }
    }
    let (version, body) = published.expect("the stored rate was published");
    assert_eq!(version.as_deref(), Some(b"2".as_slice()));
    assert_eq!(body["rate"], "0.9");
    assert_eq!(body["rate_e9"], 900_000_000);
    let versions: Vec<i64> = registry
        .get(format!("{}/subjects/{subject}/versions", system.env.registry_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(versions, [1, 2], "the old schema stays registered beside the new one");

    // The projector's read model has the rate; prism-audit folds the old event too.
    let rates = system.get(&tenant, "/v1/exchange-rates", posted.body["position"].as_i64()).await;
    assert_eq!(rates.body["items"][0]["rate"], "0.9", "{}", rates.body);
    let stored_rate_e9: i64 =
        sqlx::query_scalar(&format!("SELECT rate_e9 FROM tenant_{tenant}.exchange_rates WHERE currency = 'USD'"))
            .fetch_one(&system.pool)
            .await
            .unwrap();
    assert_eq!(stored_rate_e9, 900_000_000);
    let state = tokio::process::Command::new(system.env.bin_dir.join("prism-audit"))
        .args(["--format", "json", "state", "--tenant", &tenant, "finance.exchange_rates", "exchange-rates"])
        .env("PRISM_DATABASE_URL", &system.database_url)
        .output()
        .await
        .unwrap();
    assert_eq!(state.status.code(), Some(0), "{}", String::from_utf8_lossy(&state.stderr));
    let state: Value = serde_json::from_slice(&state.stdout).unwrap();
    assert!(state.to_string().contains("900000000"), "the folded state holds the rate: {state}");
}
