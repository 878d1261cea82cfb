//! The query API's audit routes on the real stack: an auditor reads a journal entry's history
//! (who posted it, in which request), its state as of its first version and now, and the
//! trace of a request that the order-fulfilment saga carried from a placed sales order into the
//! stock it reserved. A user without `audit.read`, the operator and another tenant learn nothing;
//! a bad `as_of`, an unknown aggregate type or id are problems naming what is wrong.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_platform::auth::{Caller, Tokens};
use prism_process_managers::config::ProcessKind;
use prism_tests::ledger::posted_and_reversed;
use prism_tests::system::{eventually, Answer, System, SystemOptions};
use serde_json::{json, Value};

const POSTED_IN: &str = "audit-api-post-1";
const PLACED_IN: &str = "audit-api-place-1";
const WAIT: Duration = Duration::from_secs(60);

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![], kafka_brokers: None }
}

fn ok(answer: &Answer) -> &Value {
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.body);
    &answer.body
}

fn history_path(aggregate_type: &str, id: &str) -> String {
    format!("/v1/audit/aggregates/{aggregate_type}/{id}/history")
}

fn state_path(id: &str, as_of: Option<&str>) -> String {
    let query = as_of.map(|as_of| format!("?as_of={as_of}")).unwrap_or_default();
    format!("/v1/audit/aggregates/finance.journal_entry/{id}/state{query}")
}

/// The user id an access token names.
fn user_id_of(system: &System, token: &str) -> String {
    match Tokens::new(&system.auth).caller(token).unwrap() {
        Caller::User(identity) => identity.user_id,
        Caller::Operator => panic!("a user's token"),
    }
}

/// `(event_type, aggregate_type)` of each event of a page.
fn events_of(page: &Value) -> Vec<(String, String)> {
    let pair =
        |e: &Value| (e["event_type"].as_str().unwrap().to_owned(), e["aggregate_type"].as_str().unwrap().to_owned());
    page["items"].as_array().unwrap().iter().map(pair).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_auditor_reads_who_changed_an_entry_and_what_it_was_before_and_others_read_nothing() {
    let system = System::start_with(options()).await;
    let (tenant, elsewhere) = (system.ledger_tenant().await, system.ledger_tenant().await);
    let entry_id = posted_and_reversed(&system, &tenant, POSTED_IN).await;
    let admin = user_id_of(&system, &system.token(&tenant).await);
    let auditor = system.user(&tenant, &["auditor"]).await.token;

    let history = system.get_as(&auditor, &history_path("finance.journal_entry", &entry_id), None).await;
    let history = ok(&history).clone();
    let items = history["items"].as_array().unwrap();
    let facts: Vec<(i64, &str, &str, &str)> = items
        .iter()
        .map(|e| {
            let text = |field: &str| e[field].as_str().unwrap();
            (e["version"].as_i64().unwrap(), text("event_type"), text("event_version"), text("user_id"))
        })
        .collect();
    assert_eq!(
        facts,
        [(1, "JournalEntryPosted", "1", admin.as_str()), (2, "JournalEntryReversed", "1", admin.as_str())],
        "{history}"
    );
    assert_eq!(items[0]["correlation_id"], POSTED_IN);
    assert_ne!(items[1]["correlation_id"], POSTED_IN, "the reversal was another request");
    assert!(items[0]["position"].as_i64().unwrap() < items[1]["position"].as_i64().unwrap());
    assert!(items[0]["causation_id"].is_string(), "the command it came from: {history}");
    assert_eq!(items[0]["changes"]["entry_id"], entry_id.as_str());
    assert_eq!(items[1]["changes"]["reason"], "posted twice");
    assert_eq!(history["next_cursor"], Value::Null, "one page holds both");

    // A page at a time: the cursor is the last version read.
    let first = format!("{}?limit=1", history_path("finance.journal_entry", &entry_id));
    let first = ok(&system.get_as(&auditor, &first, None).await).clone();
    assert_eq!((first["items"][0]["version"].as_i64(), first["next_cursor"].as_str()), (Some(1), Some("1")));
    let rest = format!("{}?limit=1&cursor=1", history_path("finance.journal_entry", &entry_id));
    let rest = ok(&system.get_as(&auditor, &rest, None).await).clone();
    assert_eq!((rest["items"][0]["version"].as_i64(), &rest["next_cursor"]), (Some(2), &Value::Null));

    let then = ok(&system.get_as(&auditor, &state_path(&entry_id, Some("1")), None).await).clone();
    let now = ok(&system.get_as(&auditor, &state_path(&entry_id, None), None).await).clone();
    assert_eq!((then["version"].as_i64(), now["version"].as_i64()), (Some(1), Some(2)));
    assert_eq!((&then["state"]["status"], &now["state"]["status"]), (&json!("Posted"), &json!("Reversed")));
    assert!(then["state"]["reversal_entry_id"].is_null() && now["state"]["reversal_entry_id"].is_string(), "{now}");
    let at_first_event = items[0]["recorded_at"].as_str().unwrap();
    let by_time = system.get_as(&auditor, &state_path(&entry_id, Some(at_first_event)), None).await;
    assert_eq!(ok(&by_time)["state"], then["state"], "as of the first event's time is version 1");

    for bad in ["yesterday", "-1", "2026-11-26"] {
        let refused = system.get_as(&auditor, &state_path(&entry_id, Some(bad)), None).await;
        refused.assert_problem(422, "invalid-field");
        assert_eq!(refused.body["field"], "as_of", "{bad}: {}", refused.body);
    }
    system.get_as(&auditor, &state_path(&entry_id, Some("0")), None).await.assert_problem(404, "not-found");
    let unknown_type = system.get_as(&auditor, &history_path("finance.ledger", &entry_id), None).await;
    unknown_type.assert_problem(404, "unknown-aggregate-type");
    assert_eq!(unknown_type.body["field"], "aggregate_type");
    let unknown_id = history_path("finance.journal_entry", "0190f3a2-7c4e-7b1d-9a6e-3f2b1c0d4e5f");
    system.get_as(&auditor, &unknown_id, None).await.assert_problem(404, "not-found");

    let trace = ok(&system.get_as(&auditor, &format!("/v1/audit/traces/{POSTED_IN}"), None).await).clone();
    assert_eq!(events_of(&trace), [("JournalEntryPosted".to_owned(), "finance.journal_entry".to_owned())]);

    // Without `audit.read`, with the operator key, or from another tenant: nothing.
    let accountant = system.user(&tenant, &["accountant"]).await.token;
    let operator = system.auth.operator_key.clone();
    for path in [history_path("finance.journal_entry", &entry_id), state_path(&entry_id, None)] {
        let refused = system.get_as(&accountant, &path, None).await;
        refused.assert_problem(403, "forbidden");
        assert_eq!(refused.body["permission"], "audit.read", "{}", refused.body);
        system.get_as(&operator, &path, None).await.assert_problem(403, "forbidden");
        assert_eq!(system.get(&tenant, &path, None).await.status.as_u16(), 200, "the admin holds audit.read");
    }
    let their_auditor = system.user(&elsewhere, &["auditor"]).await.token;
    let theirs = system.get_as(&their_auditor, &history_path("finance.journal_entry", &entry_id), None).await;
    theirs.assert_problem(404, "not-found");
    let their_trace = system.get_as(&their_auditor, &format!("/v1/audit/traces/{POSTED_IN}"), None).await;
    assert_eq!(ok(&their_trace)["items"], json!([]), "another tenant's request is not theirs to trace");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_trace_follows_a_placed_order_into_the_stock_the_saga_reserved_for_it() {
    let system = System::start_with(options()).await;
    let _saga = system.start_process(ProcessKind::OrderFulfilment).await;
    let tenant = system.ledger_tenant().await;
    system.open_warehouse(&tenant, "WH1").await;
    system.define_item(&tenant, "WIDGET", "fifo").await;
    let receipt = json!({"sku": "WIDGET", "location": "WH1", "quantity": "10", "unit_cost_minor": 100});
    assert_eq!(system.post(&tenant, "/v1/stock/receipts", &receipt).await.status.as_u16(), 201);
    let order = json!({"customer_id": "C-1", "customer_name": "Acme Ltd", "currency": "EUR", "ship_from": "WH1",
                       "lines": [{"sku": "WIDGET", "quantity": "3", "unit_price_minor": 250}]});
    let body = serde_json::to_vec(&order).unwrap();
    let placed = system.post_raw(&tenant, "/v1/sales-orders", body, &[("x-correlation-id", PLACED_IN)]).await;
    assert_eq!(placed.status.as_u16(), 201, "{}", placed.body);
    let order_id = placed.body["order_id"].as_str().unwrap().to_owned();
    let auditor = system.user(&tenant, &["auditor"]).await.token;

    let path = format!("/v1/audit/traces/{PLACED_IN}");
    let trace = eventually(WAIT, "the saga's reservation in the trace", || async {
        let trace = ok(&system.get_as(&auditor, &path, None).await).clone();
        events_of(&trace).iter().any(|(_, aggregate)| aggregate == "supply.stock").then_some(trace)
    })
    .await;
    let items = trace["items"].as_array().unwrap();
    assert_eq!(events_of(&trace)[0], ("OrderPlaced".to_owned(), "supply.sales_order".to_owned()), "{trace}");
    assert_eq!(items[0]["aggregate_id"], order_id.as_str());
    let reserved = items.iter().find(|e| e["aggregate_type"] == "supply.stock").unwrap();
    assert_eq!(reserved["aggregate_id"], "WIDGET", "{trace}");
    assert_eq!(reserved["user_id"], items[0]["user_id"], "the saga acted for the user who placed the order");
    assert!(reserved["changes"].to_string().contains(&order_id), "reserved for the order: {reserved}");
    let positions: Vec<i64> = items.iter().map(|e| e["position"].as_i64().unwrap()).collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "in the tenant's order: {positions:?}");
}
