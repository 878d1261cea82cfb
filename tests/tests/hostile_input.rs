//! Hostile input on the real stack: bodies built to hurt a parser or a database — JSON nested
//! a hundred thousand deep, invalid UTF-8, a NUL character, arrays far past any limit,
//! SQL in identifiers, control characters and stray bytes in a header — each get a 4xx
//! problem+json naming what is at fault and store nothing; SQL in free text is stored as the
//! text it is and harms nothing.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_tests::ledger::entry;
use prism_tests::system::{System, SystemOptions};
use serde_json::{json, Value};

/// Each hostile body, what it is, the status it must get and the field its problem must name.
fn hostile_bodies() -> Vec<(&'static str, Vec<u8>, u16, Option<&'static str>)> {
    let body = |v: &Value| serde_json::to_vec(v).unwrap();
    let depth = 20_000;
    let mut deep = b"{\"date\": \"2026-11-25\", \"description\": ".to_vec();
    deep.extend(std::iter::repeat_n(b'[', depth));
    deep.extend(std::iter::repeat_n(b']', depth));
    deep.push(b'}');
    let mut invalid_utf8 = body(&entry("1000", "3000", 5));
    let at = invalid_utf8.windows(4).position(|w| w == b"move").unwrap();
    invalid_utf8.splice(at..at + 2, [0xff, 0xfe]);
    let mut nul = entry("1000", "3000", 5);
    nul["description"] = json!("before\u{0}after");
    let many_lines: Vec<Value> = (0..600).map(|_| json!({"account": "1000", "debit": 1, "currency": "EUR"})).collect();
    let mut too_many_lines = entry("1000", "3000", 5);
    too_many_lines["lines"] = json!(many_lines);
    let huge_numbers =
        format!("{{\"date\": \"2026-11-25\", \"description\": \"x\", \"lines\": [{}]}}", vec!["1"; 20_000].join(","));
    let mut sql_account = entry("1000", "3000", 5);
    sql_account["lines"][1]["account"] = json!("3000' OR '1'='1");
    let mut sql_id = entry("1000", "3000", 5);
    sql_id["entry_id"] = json!("'; DROP TABLE events; --");
    let mut sql_currency = entry("1000", "3000", 5);
    sql_currency["lines"][0]["currency"] = json!("EUR'--");
    let mut huge_amount = entry("1000", "3000", 5);
    huge_amount["lines"][0]["debit"] = json!(1e300);
    vec![
        ("JSON nested 20,000 deep as the description", deep, 422, Some("description")),
        ("invalid UTF-8 in a string", invalid_utf8, 400, None),
        ("a NUL character in the description", body(&nul), 422, Some("description")),
        ("600 lines (the limit is 500)", body(&too_many_lines), 422, Some("lines")),
        ("an array of 20,000 numbers as lines", huge_numbers.into_bytes(), 422, Some("lines[0]")),
        ("SQL in an account", body(&sql_account), 422, Some("lines[1].account")),
        ("SQL as the entry id", body(&sql_id), 422, Some("entry_id")),
        ("SQL in a currency", body(&sql_currency), 422, Some("lines[0].currency")),
        ("an amount of 1e300", body(&huge_amount), 422, Some("lines[0].debit")),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_bodies_and_headers_get_problems_and_store_nothing() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let before = system.journal_event_count(&tenant).await;

    for (what, body, status, field) in hostile_bodies() {
        let answer = system.post_raw(&tenant, "/v1/journal-entries", body, &[]).await;
        assert_eq!(answer.status.as_u16(), status, "{what}: {}", answer.body);
        assert_eq!(answer.headers["content-type"], "application/problem+json", "{what}");
        assert_eq!(answer.body["status"], status, "{what}");
        if let Some(field) = field {
            assert_eq!(answer.body["field"], field, "{what}: {}", answer.body);
        }
    }

    // Idempotency keys no well-behaved client sends: a control character, bytes past ASCII,
    // and far past the limit (with a valid body each time, so only the header is at fault).
    let valid = serde_json::to_vec(&entry("1000", "3000", 7)).unwrap();
    let long_key = "k".repeat(10_000);
    let keys: [(&str, &[u8]); 3] =
        [("a tab", b"a\tb"), ("bytes past ASCII", &[0x61, 0xff, 0x62]), ("10,000 characters", long_key.as_bytes())];
    for (what, key) in keys {
        let answer =
            system.post_with_header_bytes(&tenant, "/v1/journal-entries", valid.clone(), "idempotency-key", key).await;
        assert_eq!(answer.status, 422, "{what}: {}", answer.body);
        assert_eq!(answer.headers["content-type"], "application/problem+json", "{what}");
        assert_eq!(answer.body["field"], "Idempotency-Key", "{what}: {}", answer.body);
    }

    assert_eq!(system.journal_event_count(&tenant).await, before, "no hostile request stored anything");

    // SQL in free text is text: stored and read back as sent, and the event table is still there.
    let mut sql_text = entry("1000", "3000", 9);
    let description = "Robert'); DROP TABLE events; --";
    sql_text["description"] = json!(description);
    let accepted = system.post(&tenant, "/v1/journal-entries", &sql_text).await;
    assert_eq!(accepted.status, 201, "{}", accepted.body);
    assert_eq!(system.journal_event_count(&tenant).await, before + 1);
    let stored: String = sqlx::query_scalar(&format!(
        "SELECT payload -> 'JournalEntryPosted' ->> 'description' FROM tenant_{tenant}.events
          WHERE aggregate_id = $1"
    ))
    .bind(accepted.body["entry_id"].as_str().unwrap())
    .fetch_one(&system.pool)
    .await
    .unwrap();
    assert_eq!(stored, description);
}

/// Paths and queries schemathesis sent (scripts/api-schema-check): a NUL character reached
/// Postgres from a path or query parameter and was a 500, and a path that is not UTF-8, or a
/// user id that is not a UUID, was refused in plain text. Each is now a problem+json 4xx.
#[tokio::test(flavor = "multi_thread")]
async fn paths_and_queries_holding_nul_or_no_utf8_text_get_problems_not_server_errors() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;

    for path in [
        "/v1/users?organization_unit=a%00b",
        "/v1/invoices?counterparty_id=a%00b",
        "/v1/stock?sku=a%00b",
        "/v1/items/a%00b",
        "/v1/stock/a%00b/movements",
        "/v1/audit/traces/a%00b",
        "/v1/items/a%FFb",
        "/v1/journal-entries/a%FFb",
    ] {
        let answer = system.get(&tenant, path, None).await;
        answer.assert_problem(400, "malformed-request");
        assert_eq!(answer.headers["content-type"], "application/problem+json", "{path}");
    }
    for path in ["/v1/items/a%00b/discontinue", "/v1/items/a%FFb/reorder-policy", "/v1/users/a%FFb/reactivate"] {
        let answer = system.post(&tenant, path, &json!({})).await;
        answer.assert_problem(400, "malformed-request");
        assert_eq!(answer.headers["content-type"], "application/problem+json", "{path}");
    }
    for (action, body) in
        [("roles", json!({"roles": []})), ("deactivate", json!({"reason": "x"})), ("reactivate", json!({}))]
    {
        let answer = system.post(&tenant, &format!("/v1/users/not-a-uuid/{action}"), &body).await;
        answer.assert_problem(404, "not-found");
        assert_eq!(answer.headers["content-type"], "application/problem+json", "{action}");
    }
}
