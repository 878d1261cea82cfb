//! Sales and purchase orders end to end on the real stack, through the REST APIs: an order
//! placed and confirmed reads back as its MongoDB document and in the open-order list; the
//! order-fulfilment process allocates it from stock, it is picked and shipped; a purchase
//! order above the approval threshold waits for an approver other than its requester, is
//! received and billed at another price, and the document flags the difference. Bad input —
//! a zero quantity, shipping more than ordered, cancelling a shipped order, an item or location
//! the catalog does not have or no longer takes — is a problem naming the field or state, and
//! writes nothing.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_process_managers::config::ProcessKind;
use prism_projections::config::ProjectorKind;
use prism_tests::system::{eventually, Answer, System, SystemOptions};
use serde_json::{json, Value};

const SALES_ORDER_EVENTS: &str = "events WHERE aggregate_type = 'supply.sales_order'";
const PURCHASE_ORDER_EVENTS: &str = "events WHERE aggregate_type = 'supply.purchase_order'";

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres, ProjectorKind::Mongo], kafka_brokers: None }
}

fn assert_status(answer: &Answer, status: u16) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
}

fn assert_problem(answer: &Answer, status: u16, code: &str, field: Option<&str>) {
    assert_status(answer, status);
    assert_eq!(answer.body["type"], format!("urn:prism:problem:{code}"), "{}", answer.body);
    assert_eq!(answer.body["field"].as_str(), field, "{}", answer.body);
}

/// The accepted command's `(status, position)`.
fn accepted(answer: &Answer, status: u16) -> (String, Option<i64>) {
    assert_status(answer, status);
    (answer.body["status"].as_str().unwrap().to_owned(), answer.body["position"].as_i64())
}

/// The ids of a list answer's items.
fn order_ids(list: &Answer) -> Vec<&str> {
    assert_status(list, 200);
    list.body["items"].as_array().unwrap().iter().map(|order| order["order_id"].as_str().unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sales_order_is_placed_confirmed_allocated_picked_and_shipped() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    let warehouse = json!({"code": "WH1", "name": "Main warehouse", "kind": "warehouse"});
    assert_status(&system.post(t, "/v1/locations", &warehouse).await, 201);
    let item = json!({"sku": "WIDGET", "name": "Widget", "unit_of_measure": "each", "valuation_method": "fifo",
                      "currency": "EUR"});
    assert_status(&system.post(t, "/v1/items", &item).await, 201);
    let receipt = json!({"sku": "WIDGET", "location": "WH1", "quantity": "10", "unit_cost_minor": 100});
    assert_status(&system.post(t, "/v1/stock/receipts", &receipt).await, 201);

    let order = |quantity: &str| {
        json!({"customer_id": "C-1", "customer_name": "Contoso", "currency": "EUR", "ship_from": "WH1",
               "lines": [{"sku": "WIDGET", "quantity": quantity, "unit_price_minor": 250}]})
    };
    let zero = system.post(t, "/v1/sales-orders", &order("0")).await;
    assert_problem(&zero, 422, "invalid-quantity", Some("lines[0].quantity"));
    assert_eq!(system.count(t, SALES_ORDER_EVENTS).await, 0, "a refused order records nothing");

    let placed = system.post(t, "/v1/sales-orders", &order("4")).await;
    assert_eq!(accepted(&placed, 201).0, "placed");
    let id = placed.body["order_id"].as_str().unwrap().to_owned();
    assert_eq!(placed.headers["location"], format!("/v1/sales-orders/{id}").as_str());
    let (status, position) =
        accepted(&system.post(t, &format!("/v1/sales-orders/{id}/confirm"), &Value::Null).await, 200);
    assert_eq!(status, "confirmed");

    let document = system.get(t, &format!("/v1/sales-orders/{id}"), position).await;
    assert_status(&document, 200);
    assert_eq!(document.body["status"], "confirmed");
    assert_eq!(document.body["total_minor"], 1_000);
    assert_eq!(document.body["lines"][0]["quantity_milli"], 4_000);
    let history: Vec<&str> =
        document.body["status_history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(history, ["placed", "confirmed"]);
    let open = system.get(t, "/v1/sales-orders", position).await;
    assert_eq!(order_ids(&open), [id.as_str()]);
    assert_eq!(open.body["items"][0]["status"], "confirmed");

    // The order-fulfilment process reserves the stock and records the allocation.
    let _fulfilment = system.start_process(ProcessKind::OrderFulfilment).await;
    eventually(Duration::from_secs(30), "the order to be allocated", || async {
        let document = system.get(t, &format!("/v1/sales-orders/{id}"), None).await;
        (document.body["status"] == "allocated").then_some(())
    })
    .await;
    assert_eq!(accepted(&system.post(t, &format!("/v1/sales-orders/{id}/pick"), &Value::Null).await, 200).0, "picked");

    let shipment = |quantity: &str| json!({"ship_date": "2026-11-25", "lines": [{"line_no": 1, "quantity": quantity}]});
    let before = system.count(t, SALES_ORDER_EVENTS).await;
    let too_many = system.post(t, &format!("/v1/sales-orders/{id}/shipments"), &shipment("5")).await;
    assert_problem(&too_many, 422, "exceeds-open-quantity", Some("lines[0].quantity"));
    let shipped = system.post(t, &format!("/v1/sales-orders/{id}/shipments"), &shipment("4")).await;
    let (status, position) = accepted(&shipped, 200);
    assert_eq!(status, "shipped");
    let cancel = system.post(t, &format!("/v1/sales-orders/{id}/cancel"), &json!({"reason": "too late"})).await;
    assert_problem(&cancel, 409, "already-shipped", None);
    assert_eq!(system.count(t, SALES_ORDER_EVENTS).await, before + 1, "only the shipment was recorded");

    let document = system.get(t, &format!("/v1/sales-orders/{id}"), position).await;
    assert_eq!(document.body["lines"][0]["shipped_milli"], 4_000, "{}", document.body);
    assert_eq!(document.body["shipments"].as_array().map(Vec::len), Some(1));
    let shipped_list = system.get(t, "/v1/sales-orders?status=shipped", position).await;
    assert_eq!(order_ids(&shipped_list), [id.as_str()]);
    let unknown = system.post(t, "/v1/sales-orders/not-an-order/confirm", &Value::Null).await;
    assert_status(&unknown, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_purchase_order_above_the_threshold_is_approved_by_another_user_and_its_bill_matched() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    let settings =
        json!({"allow_negative_stock": false, "po_approval_threshold_minor": 10_000, "po_approval_currency": "EUR"});
    assert_status(&system.post(t, "/v1/supply-settings", &settings).await, 200);
    system.open_warehouse(t, "WH1").await;
    system.define_item(t, "BOLT", "fifo").await;
    system.define_item(t, "NUT", "moving_average").await;

    // The requester and the approver are the users calling: alice may order and approve, bob
    // only approve, carol only order.
    let alice = system.user(t, &["purchasing", "approver"]).await;
    let bob = system.user(t, &["approver"]).await;
    let carol = system.user(t, &["purchasing"]).await;
    let draft = json!({"vendor_id": "V-1", "vendor_name": "Fabrikam", "currency": "EUR",
                       "lines": [{"sku": "BOLT", "quantity": "100", "unit_price_minor": 150},
                                 {"sku": "NUT", "quantity": "50", "unit_price_minor": 40}]});
    let drafted = system.post_as(&alice.token, "/v1/purchase-orders", &draft).await;
    assert_eq!(accepted(&drafted, 201).0, "draft");
    let id = drafted.body["order_id"].as_str().unwrap().to_owned();
    let path = |action: &str| format!("/v1/purchase-orders/{id}/{action}");

    let (status, position) = accepted(&system.post_as(&alice.token, &path("submit"), &Value::Null).await, 200);
    assert_eq!(status, "submitted", "17,000 is above the threshold of 10,000");
    let open = system.get(t, "/v1/purchase-orders?status=submitted", position).await;
    assert_eq!(order_ids(&open), [id.as_str()]);

    let before = system.count(t, PURCHASE_ORDER_EVENTS).await;
    let own = system.post_as(&alice.token, &path("approve"), &Value::Null).await;
    assert_problem(&own, 422, "self-approval", Some("approved_by"));
    let unpermitted = system.post_as(&carol.token, &path("approve"), &Value::Null).await;
    assert_problem(&unpermitted, 403, "forbidden", None);
    assert_eq!(system.count(t, PURCHASE_ORDER_EVENTS).await, before, "a refused approval records nothing");
    assert_eq!(accepted(&system.post_as(&bob.token, &path("approve"), &Value::Null).await, 200).0, "approved");

    let receipt = json!({"receipt_date": "2026-11-25", "location": "WH1",
                         "lines": [{"line_no": 1, "quantity": "100"}, {"line_no": 2, "quantity": "50"}]});
    assert_eq!(accepted(&system.post(t, &path("receipts"), &receipt).await, 200).0, "received");
    let bill = json!({"invoice_id": uuid::Uuid::now_v7().to_string(),
                      "lines": [{"line_no": 1, "quantity": "100", "unit_price_minor": 155},
                                {"line_no": 2, "quantity": "50", "unit_price_minor": 40}]});
    let (status, position) = accepted(&system.post(t, &path("bills"), &bill).await, 200);
    assert_eq!(status, "billed");

    let document = system.get(t, &format!("/v1/purchase-orders/{id}"), position).await;
    assert_status(&document, 200);
    let body = &document.body;
    assert_eq!(
        (body["status"].as_str(), body["requested_by"].as_str(), body["approved_by"].as_str()),
        (Some("billed"), Some(alice.user_id.as_str()), Some(bob.user_id.as_str())),
        "{body}"
    );
    assert_eq!(body["approval"]["auto_approved"], false);
    assert_eq!(body["lines"][0]["received_milli"], 100_000);
    assert_eq!(body["receipts"].as_array().map(Vec::len), Some(1));
    let bill = &body["bills"][0];
    assert_eq!((bill["matched"].as_bool(), bill["bill_total_minor"].as_i64()), (Some(false), Some(17_500)));
    assert_eq!(bill["matches"][0]["mismatches"], json!(["price_differs"]));
    assert_eq!(bill["matches"][1]["mismatches"], json!([]));
    let list = system.get(t, "/v1/purchase-orders", position).await;
    assert_eq!(order_ids(&list), [id.as_str()]);
    assert_eq!(
        (list.body["items"][0]["matched"].as_bool(), list.body["items"][0]["billed_minor"].as_i64()),
        (Some(false), Some(17_500))
    );

    assert_eq!(accepted(&system.post(t, &path("close"), &Value::Null).await, 200).0, "closed");
    system.await_postgres_caught_up(t).await;
    let open = system.get(t, "/v1/purchase-orders", None).await;
    assert!(order_ids(&open).is_empty(), "a closed order is not open: {}", open.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn orders_naming_unknown_items_or_locations_are_refused_and_write_nothing() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    system.open_warehouse(t, "WH1").await;
    system.define_item(t, "WIDGET", "fifo").await;
    system.define_item(t, "OLD", "fifo").await;
    assert_status(&system.post(t, "/v1/items/OLD/discontinue", &json!({"reason": "end of line"})).await, 200);

    // A sales order: every line's item must be defined, the ship-from location exist.
    let sales_order = |order_id: &str, ship_from: &str, sku: &str| {
        json!({"order_id": order_id, "customer_id": "C-1", "customer_name": "Contoso", "currency": "EUR",
               "ship_from": ship_from, "lines": [{"sku": "WIDGET", "quantity": "1", "unit_price_minor": 250},
                                                 {"sku": sku, "quantity": "1", "unit_price_minor": 250}]})
    };
    let (unknown_item, unknown_location) = (uuid::Uuid::now_v7().to_string(), uuid::Uuid::now_v7().to_string());
    let refused = system.post(t, "/v1/sales-orders", &sales_order(&unknown_item, "WH1", "GHOST")).await;
    assert_problem(&refused, 422, "item-not-found", Some("lines[1].sku"));
    let refused = system.post(t, "/v1/sales-orders", &sales_order(&unknown_location, "WH9", "OLD")).await;
    assert_problem(&refused, 422, "location-not-found", Some("ship_from"));
    assert_eq!(system.count(t, SALES_ORDER_EVENTS).await, 0, "a refused order records nothing");

    // A purchase order: no discontinued item is ordered, goods arrive at an existing location.
    let draft = |skus: &[&str]| {
        let lines: Vec<Value> =
            skus.iter().map(|sku| json!({"sku": sku, "quantity": "10", "unit_price_minor": 100})).collect();
        json!({"vendor_id": "V-1", "vendor_name": "Fabrikam", "currency": "EUR", "lines": lines})
    };
    let refused = system.post(t, "/v1/purchase-orders", &draft(&["WIDGET", "OLD"])).await;
    assert_problem(&refused, 422, "item-discontinued", Some("lines[1].sku"));
    assert_eq!(system.count(t, PURCHASE_ORDER_EVENTS).await, 0, "a refused draft records nothing");
    let drafted = system.post(t, "/v1/purchase-orders", &draft(&["WIDGET"])).await;
    assert_eq!(accepted(&drafted, 201).0, "draft");
    let id = drafted.body["order_id"].as_str().unwrap().to_owned();
    let path = |action: &str| format!("/v1/purchase-orders/{id}/{action}");
    assert_eq!(accepted(&system.post(t, &path("submit"), &Value::Null).await, 200).0, "submitted");
    let approver = system.user_token(t, &["approver"]).await; // not the admin who requested it
    let (status, position) = accepted(&system.post_as(&approver, &path("approve"), &Value::Null).await, 200);
    assert_eq!(status, "approved");
    let before = system.count(t, PURCHASE_ORDER_EVENTS).await;
    let receipt = json!({"receipt_date": "2026-11-25", "location": "WH9", "lines": [{"line_no": 1, "quantity": "10"}]});
    assert_problem(&system.post(t, &path("receipts"), &receipt).await, 422, "location-not-found", Some("location"));
    assert_eq!(system.count(t, PURCHASE_ORDER_EVENTS).await, before, "a refused receipt records nothing");

    // Read after the last accepted write: the refused orders do not exist, the receipt is not there.
    for refused in [&unknown_item, &unknown_location] {
        assert_status(&system.get(t, &format!("/v1/sales-orders/{refused}"), position).await, 404);
    }
    let document = system.get(t, &format!("/v1/purchase-orders/{id}"), position).await;
    assert_status(&document, 200);
    assert_eq!(document.body["status"], "approved", "{}", document.body);
    assert_eq!(document.body["receipts"], json!([]));
    assert_eq!(document.body["lines"][0]["received_milli"], 0);
}
