//! The write path end to end: REST command → event store + outbox → relay → Kafka topic
//! as Confluent Avro with envelope headers; and bad input refused with problem+json while
//! leaving no event, outbox row or message behind.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_tests::ledger::entry;
use prism_tests::system::{eventually, System, SystemOptions, BODY_LIMIT_BYTES};
use rdkafka::message::{Headers, Message};
use schema_registry_converter::async_impl::easy_avro::EasyAvroDecoder;
use schema_registry_converter::async_impl::schema_registry::SrSettings;
use serde_json::{json, Value};

/// Every message on `topic` within `wait`, as (key, value, headers).
async fn read_topic(system: &System, wait: Duration) -> Vec<(String, Vec<u8>, Vec<(String, String)>)> {
    let consumer = system.topic_reader(&system.journal_topic());
    let mut messages = Vec::new();
    while let Ok(Ok(message)) = tokio::time::timeout(wait, consumer.recv()).await {
        let headers = message
            .headers()
            .map(|h| {
                h.iter()
                    .map(|h| (h.key.to_owned(), String::from_utf8_lossy(h.value.unwrap_or_default()).into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let key = String::from_utf8_lossy(message.key().unwrap_or_default()).into_owned();
        messages.push((key, message.payload().unwrap_or_default().to_vec(), headers));
    }
    messages
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_posted_entry_reaches_the_topic_as_registered_avro_with_envelope_headers() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let posted = system.post(&tenant, "/v1/journal-entries", &entry("1000", "3000", 12_500)).await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    let entry_id = posted.body["entry_id"].as_str().unwrap().to_owned();
    assert_eq!(posted.body["version"], 1);
    assert!(posted.body["position"].as_i64().unwrap() >= 1);

    let messages = eventually(Duration::from_secs(30), "the event on the topic", || async {
        let messages = read_topic(&system, Duration::from_secs(2)).await;
        (!messages.is_empty()).then_some(messages)
    })
    .await;
    assert_eq!(messages.len(), 1);
    let (key, value, headers) = &messages[0];
    assert_eq!(key, &entry_id, "the message key is the aggregate id");

    assert_eq!(value[0], 0, "Confluent magic byte");
    let schema_id = u32::from_be_bytes(value[1..5].try_into().unwrap());
    let registered: Value = reqwest::get(format!("{}/schemas/ids/{schema_id}", system.env.registry_url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let schema: Value = serde_json::from_str(registered["schema"].as_str().unwrap()).unwrap();
    assert_eq!(schema["name"], "JournalEntryPosted");
    let subjects: Vec<String> =
        reqwest::get(format!("{}/subjects", system.env.registry_url)).await.unwrap().json().await.unwrap();
    let subject = format!("{}-prism.finance.JournalEntryPosted", system.journal_topic());
    assert!(subjects.contains(&subject), "TopicRecordNameStrategy subject {subject} registered");

    let decoded =
        EasyAvroDecoder::new(SrSettings::new(system.env.registry_url.clone())).decode(Some(value)).await.unwrap();
    let body = prism_platform::avro::avro_to_json(&decoded.value);
    assert_eq!(body["entry_id"], entry_id.as_str());
    assert_eq!(body["tenant"], tenant.as_str());
    assert_eq!(body["entry_date"], "2026-11-25");
    assert_eq!(body["lines"][0]["debit_minor"], 12_500);
    assert_eq!(body["lines"][1]["credit_minor"], 12_500);
    assert_eq!(body["lines"][1]["currency"], "EUR");

    for name in [
        "prism-event-id",
        "prism-event-type",
        "prism-event-version",
        "prism-aggregate-id",
        "prism-sequence",
        "prism-tenant",
        "prism-global-position",
        "prism-occurred-at",
        "prism-correlation-id",
        "prism-causation-id",
        "traceparent",
    ] {
        assert!(header(headers, name).is_some(), "header {name} present");
    }
    assert_eq!(header(headers, "prism-event-type"), Some("JournalEntryPosted"));
    assert_eq!(header(headers, "prism-aggregate-id"), Some(entry_id.as_str()));
    assert_eq!(header(headers, "prism-sequence"), Some("1"));
    assert_eq!(header(headers, "prism-tenant"), Some(tenant.as_str()));
    assert_eq!(header(headers, "prism-global-position"), Some(posted.body["position"].to_string().as_str()));
    assert!(header(headers, "traceparent").unwrap().starts_with("00-"));
    eventually(Duration::from_secs(10), "an empty outbox", || async {
        (system.outbox_depth(&tenant).await == 0).then_some(())
    })
    .await;
}

/// Each bad request, the field its problem must name (if any), and the status.
fn bad_requests() -> Vec<(&'static str, Vec<u8>, u16, Option<&'static str>)> {
    let body = |v: Value| serde_json::to_vec(&v).unwrap();
    let one_line = json!({"date": "2026-11-25", "description": "x", "lines": [{"account": "1000", "debit": 5, "currency": "EUR"}]});
    let unbalanced = json!({"date": "2026-11-25", "description": "x", "lines": [
        {"account": "1000", "debit": 5, "currency": "EUR"}, {"account": "3000", "credit": 4, "currency": "EUR"}]});
    let zero = json!({"date": "2026-11-25", "description": "x", "lines": [
        {"account": "1000", "debit": 0, "currency": "EUR"}, {"account": "3000", "credit": 0, "currency": "EUR"}]});
    let negative = json!({"date": "2026-11-25", "description": "x", "lines": [
        {"account": "1000", "debit": 5, "currency": "EUR"}, {"account": "3000", "credit": -5, "currency": "EUR"}]});
    let bad_currency = json!({"date": "2026-11-25", "description": "x", "lines": [
        {"account": "1000", "debit": 5, "currency": "EUR"}, {"account": "3000", "credit": 5, "currency": "eur"}]});
    let wrong_type = json!({"date": "2026-11-25", "description": "x", "lines": [
        {"account": "1000", "debit": "5", "currency": "EUR"}, {"account": "3000", "credit": 5, "currency": "EUR"}]});
    let unknown_account = json!({"date": "2026-11-25", "description": "x", "lines": [
        {"account": "1000", "debit": 5, "currency": "EUR"}, {"account": "9999", "credit": 5, "currency": "EUR"}]});
    let header_account = json!({"date": "2026-11-25", "description": "x", "lines": [
        {"account": "11", "debit": 5, "currency": "EUR"}, {"account": "3000", "credit": 5, "currency": "EUR"}]});
    let outside_fiscal_years = json!({"date": "2025-12-31", "description": "x", "lines": [
        {"account": "1000", "debit": 5, "currency": "EUR"}, {"account": "3000", "credit": 5, "currency": "EUR"}]});
    let oversized = vec![b' '; BODY_LIMIT_BYTES + 1];
    vec![
        ("malformed JSON", b"{\"date\": ".to_vec(), 400, None),
        ("a single line", body(one_line), 422, Some("lines")),
        ("an unbalanced entry", body(unbalanced), 422, Some("lines")),
        ("zero amounts", body(zero), 422, Some("lines[0].debit")),
        ("a negative amount", body(negative), 422, Some("lines[1].credit")),
        ("a bad currency", body(bad_currency), 422, Some("lines[1].currency")),
        ("an amount of the wrong type", body(wrong_type), 422, Some("lines[0].debit")),
        ("an account not in the chart", body(unknown_account), 422, Some("lines[1].account")),
        ("a header account", body(header_account), 422, Some("lines[0].account")),
        ("a date in no fiscal year", body(outside_fiscal_years), 422, Some("date")),
        ("a body over the size limit", oversized, 413, None),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_get_problem_details_and_leave_no_event_outbox_row_or_message() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let accepted = system.post(&tenant, "/v1/journal-entries", &entry("1000", "3000", 10)).await;
    assert_eq!(accepted.status, 201);
    let entry_id = accepted.body["entry_id"].as_str().unwrap().to_owned();

    for (what, body, status, field) in bad_requests() {
        let answer = system.post_raw(&tenant, "/v1/journal-entries", body, &[]).await;
        assert_eq!(answer.status.as_u16(), status, "{what}: {}", answer.body);
        assert_eq!(answer.headers["content-type"], "application/problem+json", "{what}");
        assert_eq!(answer.body["status"], status, "{what}");
        assert!(answer.body["type"].as_str().unwrap().starts_with("urn:prism:problem:"), "{what}");
        if let Some(field) = field {
            assert_eq!(answer.body["field"], field, "{what}: {}", answer.body);
        }
    }

    // Without an access token, with a garbage one, or naming the tenant in the retired
    // X-Tenant-ID header instead: 401, and nothing is stored.
    let valid_body = serde_json::to_vec(&entry("1000", "3000", 1)).unwrap();
    let unauthenticated = [
        ("no token", None, vec![], "unauthenticated"),
        ("only the X-Tenant-ID header", None, vec![("x-tenant-id", tenant.as_str())], "unauthenticated"),
        ("a garbage token", Some("garbage"), vec![], "invalid-token"),
    ];
    for (what, bearer, extra, problem) in unauthenticated {
        let answer = system.send_post(bearer, "/v1/journal-entries", valid_body.clone(), &extra).await;
        assert_eq!(answer.status, 401, "{what}: {}", answer.body);
        assert_eq!(answer.headers["content-type"], "application/problem+json", "{what}");
        assert_eq!(answer.body["type"], format!("urn:prism:problem:{problem}"), "{what}: {}", answer.body);
    }

    let mut duplicate = entry("1000", "3000", 10);
    duplicate["entry_id"] = json!(entry_id);
    let again = system.post(&tenant, "/v1/journal-entries", &duplicate).await;
    assert_eq!(again.status, 409, "{}", again.body);

    let unknown = system
        .post(&tenant, &format!("/v1/journal-entries/{}/reverse", uuid::Uuid::new_v4()), &json!({"reason": "x"}))
        .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);

    let stale = system
        .post_raw(
            &tenant,
            &format!("/v1/journal-entries/{entry_id}/reverse"),
            br#"{"reason":"typo"}"#.to_vec(),
            &[("if-match", "\"7\"")],
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert_eq!(stale.body["current_version"], 1);

    assert_eq!(system.journal_event_count(&tenant).await, 1, "only the accepted entry was stored");
    eventually(Duration::from_secs(10), "an empty outbox", || async {
        (system.outbox_depth(&tenant).await == 0).then_some(())
    })
    .await;
    let messages = read_topic(&system, Duration::from_secs(3)).await;
    assert_eq!(messages.len(), 1, "only the accepted entry was published");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_reversals_of_one_entry_let_exactly_one_win() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let posted = system.post(&tenant, "/v1/journal-entries", &entry("1000", "3000", 10)).await;
    let path = format!("/v1/journal-entries/{}/reverse", posted.body["entry_id"].as_str().unwrap());
    let reason = json!({"reason": "duplicate"});
    let attempts = (0..8).map(|_| system.post(&tenant, &path, &reason));
    let answers = futures::future::join_all(attempts).await;
    let won = answers.iter().filter(|a| a.status == 201).count();
    let conflicts = answers.iter().filter(|a| a.status == 409).count();
    assert_eq!(won, 1, "exactly one reversal is accepted");
    assert_eq!(conflicts, 7, "the others conflict: {:?}", answers.iter().map(|a| a.status).collect::<Vec<_>>());
    assert_eq!(system.journal_event_count(&tenant).await, 2);
}
