//! Multi-currency end to end: with EUR as functional currency, a USD journal entry and a USD
//! invoice carry their EUR amounts on the topic (registered Avro) and in the read model; a line
//! without a rate is refused and writes nothing; the period-end revaluation posts the
//! unrealised gains, and the trial balance in the functional currency shows them, balanced,
//! while the USD trial balance does not move.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_projections::config::ProjectorKind;
use prism_tests::system::{eventually, Answer, System, SystemOptions};
use rdkafka::message::Message;
use schema_registry_converter::async_impl::easy_avro::EasyAvroDecoder;
use schema_registry_converter::async_impl::schema_registry::SrSettings;
use serde_json::{json, Value};

const JOURNAL_EVENTS: &str = "events WHERE aggregate_type = 'finance.journal_entry'";

fn usd_entry(date: &str, debit: &str, credit: &str, amount: i64, currency: &str) -> Value {
    json!({"date": date, "description": "Owner's capital paid into the USD account", "lines": [
        {"account": debit, "debit": amount, "currency": currency},
        {"account": credit, "credit": amount, "currency": currency}]})
}

/// `(account, debit balance, credit balance)` of every line of the one currency of the trial
/// balance as of `as_of` on `basis` in `currency`.
async fn trial_balance(system: &System, tenant: &str, query: &str, position: i64) -> Vec<(String, i64, i64)> {
    system.await_postgres_caught_up(tenant).await;
    let answer = system.get(tenant, &format!("/v1/reports/trial-balance?{query}"), Some(position)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let currencies = answer.body["currencies"].as_array().unwrap();
    assert_eq!(currencies.len(), 1, "{}", answer.body);
    assert_eq!(currencies[0]["balanced"], true, "{}", answer.body);
    currencies[0]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            let amount = |field: &str| line[field].as_i64().unwrap();
            (line["code"].as_str().unwrap().to_owned(), amount("debit_balance_minor"), amount("credit_balance_minor"))
        })
        .collect()
}

fn assert_created(answer: &Answer) {
    assert_eq!(answer.status, 201, "{}", answer.body);
}

/// The lines of the `JournalEntryPosted` of `entry_id` as decoded from the journal topic with
/// the registry's schema.
async fn lines_on_topic(system: &System, entry_id: &str) -> Value {
    let consumer = system.topic_reader(&system.journal_topic());
    let decoder = EasyAvroDecoder::new(SrSettings::new(system.env.registry_url.clone()));
    eventually(Duration::from_secs(30), "the entry on the topic", || async {
        while let Ok(Ok(message)) = tokio::time::timeout(Duration::from_secs(2), consumer.recv()).await {
            if message.key() == Some(entry_id.as_bytes()) {
                let decoded = decoder.decode(message.payload()).await.unwrap();
                return Some(prism_platform::avro::avro_to_json(&decoded.value)["lines"].clone());
            }
        }
        None
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn foreign_currency_is_carried_in_eur_and_revalued_at_period_end() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    assert_created(&system.post(&tenant, "/v1/exchange-rates/functional-currency", &json!({"currency": "EUR"})).await);
    let rates = json!({"rates": [{"currency": "USD", "date": "2026-01-01", "rate": "0.9"},
                                 {"currency": "USD", "date": "2026-03-31", "rate": "0.95"}]});
    assert_eq!(system.post(&tenant, "/v1/exchange-rates", &rates).await.status, 200);

    // A currency without a rate is refused naming the line, and records nothing.
    let no_rate =
        system.post(&tenant, "/v1/journal-entries", &usd_entry("2026-01-15", "1000", "3000", 100, "GBP")).await;
    assert_eq!(no_rate.status, 422, "{}", no_rate.body);
    assert_eq!(no_rate.body["type"], "urn:prism:problem:missing-exchange-rate");
    assert_eq!(no_rate.body["field"], "lines[0].currency");
    assert_eq!(system.count(&tenant, JOURNAL_EVENTS).await, 0);

    // 500.00 USD of capital at 0.90: 450.00 EUR on both lines, on the topic.
    let capital =
        system.post(&tenant, "/v1/journal-entries", &usd_entry("2026-01-15", "1000", "3000", 50_000, "USD")).await;
    assert_created(&capital);
    let lines = lines_on_topic(&system, capital.body["entry_id"].as_str().unwrap()).await;
    assert_eq!(lines[0]["functional"], json!({"currency": "EUR", "debit_minor": 45_000, "credit_minor": 0}));
    assert_eq!(lines[1]["functional"], json!({"currency": "EUR", "debit_minor": 0, "credit_minor": 45_000}));
    let capital_id = capital.body["entry_id"].as_str().unwrap();
    system.await_postgres_caught_up(&tenant).await;
    let read =
        system.get(&tenant, &format!("/v1/journal-entries/{capital_id}"), capital.body["position"].as_i64()).await;
    assert_eq!(read.body["lines"][0]["functional"], lines[0]["functional"], "{}", read.body);

    // A 1,000.00 USD invoice issued at 0.90: receivable and revenue at 900.00 EUR.
    let draft = json!({"kind": "customer_invoice", "counterparty_id": "c-us", "counterparty_name": "Acme Inc",
        "currency": "USD", "lines": [{"description": "Consulting", "quantity": "1", "unit_price": 100_000,
        "account": "4100"}]});
    let drafted = system.post(&tenant, "/v1/invoices", &draft).await;
    assert_created(&drafted);
    let invoice = drafted.body["invoice_id"].as_str().unwrap().to_owned();
    let issued =
        system.post(&tenant, &format!("/v1/invoices/{invoice}/issue"), &json!({"issue_date": "2026-02-10"})).await;
    assert_eq!(issued.status, 200, "{}", issued.body);

    let position = issued.body["position"].as_i64().unwrap();
    let usd = trial_balance(&system, &tenant, "as_of=2026-03-31&currency=USD", position).await;
    let usd_lines = [("1000", 50_000, 0), ("1100", 100_000, 0), ("3000", 0, 50_000), ("4100", 0, 100_000)];
    let expected_usd: Vec<(String, i64, i64)> = usd_lines.iter().map(|(a, d, c)| ((*a).to_owned(), *d, *c)).collect();
    assert_eq!(usd, expected_usd);
    let before = trial_balance(&system, &tenant, "as_of=2026-03-31&basis=functional", position).await;
    let eur_before = [("1000", 45_000, 0), ("1100", 90_000, 0), ("3000", 0, 45_000), ("4100", 0, 90_000)];
    assert_eq!(before, eur_before.iter().map(|(a, d, c)| ((*a).to_owned(), *d, *c)).collect::<Vec<_>>());

    // Revaluation at 0.95: the bank (+25.00) and the receivable (+50.00) gain 75.00 EUR.
    let revalued = system.post(&tenant, "/v1/revaluations", &json!({"date": "2026-03-31"})).await;
    assert_created(&revalued);
    assert!(revalued.body["entry_id"].is_string(), "{}", revalued.body);
    let position = revalued.body["position"].as_i64().unwrap();
    let after = trial_balance(&system, &tenant, "as_of=2026-03-31&basis=functional", position).await;
    let eur_after =
        [("1000", 47_500, 0), ("1100", 95_000, 0), ("3000", 0, 45_000), ("4100", 0, 90_000), ("4920", 0, 7_500)];
    assert_eq!(after, eur_after.iter().map(|(a, d, c)| ((*a).to_owned(), *d, *c)).collect::<Vec<_>>());
    let usd_after = trial_balance(&system, &tenant, "as_of=2026-03-31&currency=USD", position).await;
    assert_eq!(
        usd_after.into_iter().filter(|(_, d, c)| (*d, *c) != (0, 0)).collect::<Vec<_>>(),
        expected_usd,
        "revaluation moves no USD"
    );

    // The same date again is a conflict, and a bad basis is a 422 naming it.
    let again = system.post(&tenant, "/v1/revaluations", &json!({"date": "2026-03-31"})).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(again.body["field"], "date");
    let bad_basis = system.get(&tenant, "/v1/reports/trial-balance?as_of=2026-03-31&basis=local", None).await;
    assert_eq!(bad_basis.status, 422, "{}", bad_basis.body);
    assert_eq!(bad_basis.body["field"], "basis");
}
