//! Customers (Lens) end to end on the real stack, through the REST APIs: a customer registered
//! with a contact, an address and a credit limit, given custom fields, reads back from the
//! Postgres list and search, as its MongoDB document and as its customer 360 with an order, an
//! invoice and the open balance. A sales order that would take the customer over its credit
//! limit is refused with the problem naming the limit and the exposure, and stores nothing,
//! while one within it is placed; a higher limit applies to the next order at once, an order
//! for a customer id that is not a registered customer is placed unchecked, and orders placed
//! at once never share the same headroom. Bad input is a problem naming the field and writes
//! nothing.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_projections::config::ProjectorKind;
use prism_tests::system::{Answer, System, SystemOptions};
use serde_json::{json, Value};

const CUSTOMER_EVENTS: &str = "events WHERE aggregate_type = 'crm.customer'";
const SALES_ORDER_EVENTS: &str = "events WHERE aggregate_type = 'supply.sales_order'";

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres, ProjectorKind::Mongo], kafka_brokers: None }
}

#[track_caller]
fn assert_status(answer: &Answer, status: u16) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
}

#[track_caller]
fn assert_problem(answer: &Answer, status: u16, code: &str, field: &str) {
    answer.assert_problem(status, code);
    assert_eq!(answer.headers["content-type"], "application/problem+json");
    assert_eq!(answer.body["field"], field, "{}", answer.body);
}

/// The position of an accepted command.
#[track_caller]
fn position(answer: &Answer) -> Option<i64> {
    assert!(answer.status.is_success(), "{}", answer.body);
    answer.body["position"].as_i64()
}

/// An order of `quantity` widgets at 100.00 each for `customer_id`.
fn order(customer_id: &str, quantity: &str) -> Value {
    json!({"customer_id": customer_id, "customer_name": "Contoso", "currency": "EUR", "ship_from": "WH1",
           "lines": [{"sku": "WIDGET", "quantity": quantity, "unit_price_minor": 10_000}]})
}

/// Drafts and issues a customer invoice of 3 × 100.00 (no tax) for `customer_id`.
async fn invoice(system: &System, tenant: &str, customer_id: &str) -> Answer {
    let draft = json!({"kind": "customer_invoice", "counterparty_id": customer_id, "counterparty_name": "Contoso",
        "currency": "EUR", "lines": [{"description": "Consulting", "quantity": "3", "unit_price": 10_000,
        "account": "4100"}]});
    let drafted = system.post(tenant, "/v1/invoices", &draft).await;
    assert_status(&drafted, 201);
    let id = drafted.body["invoice_id"].as_str().unwrap().to_owned();
    let issued = system.post(tenant, &format!("/v1/invoices/{id}/issue"), &json!({"issue_date": "2026-03-02"})).await;
    assert_status(&issued, 200);
    issued
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_is_registered_read_back_everywhere_and_its_credit_limit_holds_orders_back() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    system.open_warehouse(t, "WH1").await;
    system.define_item(t, "WIDGET", "fifo").await;

    let register = json!({"customer_id": "C-100", "name": "Contoso Ltd", "currency": "EUR",
        "credit_limit_minor": 100_000,
        "contacts": [{"name": "Ada", "email": "ada@contoso.example", "role": "buyer"}],
        "addresses": [{"kind": "billing", "line1": "1 Main St", "city": "Berlin", "country": "DE"}]});
    let registered = system.post(t, "/v1/customers", &register).await;
    assert_status(&registered, 201);
    assert_eq!(registered.body["customer_id"], "C-100");
    assert_eq!(registered.headers["location"], "/v1/customers/C-100");
    let fields = json!({"fields": {"tier": "gold", "score": 42, "tags": ["key", "eu"]}});
    let set = system.post(t, "/v1/customers/C-100/custom-fields", &fields).await;
    let at = position(&set);

    // The Postgres list and search, and the MongoDB document.
    let list = system.get(t, "/v1/customers?q=CONTOSO", at).await;
    assert_status(&list, 200);
    assert_eq!(list.body["items"][0]["customer_id"], "C-100", "{}", list.body);
    assert_eq!(list.body["items"][0]["credit_limit_minor"], 100_000);
    let none = system.get(t, "/v1/customers?q=fabrikam", at).await;
    assert_eq!(none.body["items"], json!([]));
    let document = system.get(t, "/v1/customers/C-100/document", at).await;
    assert_status(&document, 200);
    assert_eq!(document.body["custom_fields"], json!({"tier": "gold", "score": 42, "tags": ["key", "eu"]}));
    assert_eq!(document.body["contacts"]["contact-1"]["email"], "ada@contoso.example", "{}", document.body);
    assert_eq!(document.body["addresses"]["address-1"]["city"], "Berlin");
    let removed = system.post(t, "/v1/customers/C-100/contacts/contact-1/remove", &Value::Null).await;
    assert_status(&removed, 200);
    let unset = system.post(t, "/v1/customers/C-100/custom-fields", &json!({"fields": {"score": null}})).await;
    let document = system.get(t, "/v1/customers/C-100/document", position(&unset)).await;
    assert_eq!(document.body["contacts"], json!({}), "{}", document.body);
    assert_eq!(document.body["custom_fields"], json!({"tier": "gold", "tags": ["key", "eu"]}));

    // Exposure: an invoice of 300.00 still open, then an order of 400.00 within the limit of
    // 1,000.00; another of 400.00 would make 1,100.00.
    let issued = invoice(&system, t, "C-100").await;
    let at = position(&issued);
    assert_status(&system.get(t, "/v1/customers/C-100", at).await, 200);
    let placed = system.post(t, "/v1/sales-orders", &order("C-100", "4")).await;
    assert_status(&placed, 201);
    let order_id = placed.body["order_id"].as_str().unwrap().to_owned();
    let before = system.count(t, SALES_ORDER_EVENTS).await;
    let over = system.post(t, "/v1/sales-orders", &order("C-100", "4")).await;
    assert_problem(&over, 422, "credit-limit-exceeded", "customer_id");
    assert_eq!(over.body["credit_limit_minor"], 100_000);
    assert_eq!(over.body["exposure_minor"], 70_000);
    assert_eq!(over.body["order_total_minor"], 40_000);
    assert_eq!(over.body["currency"], "EUR");
    assert_eq!(system.count(t, SALES_ORDER_EVENTS).await, before, "a refused order stores nothing");
    let unregistered = system.post(t, "/v1/sales-orders", &order("C-999", "50")).await;
    assert_status(&unregistered, 201);

    // The customer 360: its order, its invoice and the open balance.
    let view = system.get(t, "/v1/customers/C-100", position(&placed)).await;
    assert_status(&view, 200);
    assert_eq!(view.body["customer"]["name"], "Contoso Ltd");
    let orders: Vec<&str> =
        view.body["sales_orders"].as_array().unwrap().iter().map(|o| o["order_id"].as_str().unwrap()).collect();
    assert_eq!(orders, [order_id.as_str()]);
    assert_eq!(view.body["invoices"][0]["invoice_id"], issued.body["invoice_id"]);
    assert_eq!(view.body["invoices"][0]["open_minor"], 30_000);
    assert_eq!(
        view.body["balances"],
        json!([{"currency": "EUR", "open_balance_minor": 30_000, "open_orders_minor": 40_000, "exposure_minor": 70_000}])
    );

    // A higher limit applies to the next order at once.
    let raised = system.post(t, "/v1/customers/C-100/credit-limit", &json!({"credit_limit_minor": 110_000})).await;
    assert_status(&raised, 200);
    assert_status(&system.post(t, "/v1/sales-orders", &order("C-100", "4")).await, 201);
    let missing = system.get(t, "/v1/customers/C-404", None).await;
    missing.assert_problem(404, "not-found");
}

#[tokio::test(flavor = "multi_thread")]
async fn orders_placed_at_once_for_one_customer_never_share_its_headroom() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    system.open_warehouse(t, "WH1").await;
    system.define_item(t, "WIDGET", "fifo").await;
    let register = json!({"customer_id": "C-7", "name": "Contoso", "currency": "EUR", "credit_limit_minor": 100_000});
    assert_status(&system.post(t, "/v1/customers", &register).await, 201);

    // Ten orders of 200.00 against a limit of 1,000.00, all at once: exactly five fit.
    let body = order("C-7", "2");
    let orders = (0..10).map(|_| system.post(t, "/v1/sales-orders", &body));
    let answers = futures::future::join_all(orders).await;
    let placed = answers.iter().filter(|answer| answer.status.as_u16() == 201).count();
    for refused in answers.iter().filter(|answer| answer.status.as_u16() != 201) {
        assert_problem(refused, 422, "credit-limit-exceeded", "customer_id");
    }
    assert_eq!(placed, 5);
    assert_eq!(system.count(t, SALES_ORDER_EVENTS).await, 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_customer_input_is_a_problem_naming_the_field_and_stores_nothing() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    let customer = |patch: Value| {
        let mut body = json!({"customer_id": "C-1", "name": "Contoso", "currency": "EUR", "credit_limit_minor": 0});
        body.as_object_mut().unwrap().extend(patch.as_object().unwrap().clone());
        body
    };
    let cases = [
        (customer(json!({"customer_id": "c 1"})), 422, "invalid-customer-id", "customer_id"),
        (customer(json!({"name": " "})), 422, "text-blank", "name"),
        (customer(json!({"currency": "eur"})), 422, "invalid-currency", "currency"),
        (customer(json!({"credit_limit_minor": -1})), 422, "negative-credit-limit", "credit_limit_minor"),
        (customer(json!({"contacts": [{"name": "Ada", "email": "nope"}]})), 422, "invalid-email", "contacts[0].email"),
        (
            customer(json!({"addresses": [{"kind": "home", "line1": "x", "city": "y", "country": "DE"}]})),
            422,
            "invalid-address-kind",
            "addresses[0].kind",
        ),
    ];
    for (body, status, code, field) in cases {
        assert_problem(&system.post(t, "/v1/customers", &body).await, status, code, field);
    }
    assert_eq!(system.count(t, CUSTOMER_EVENTS).await, 0, "a refused registration stores nothing");

    assert_status(&system.post(t, "/v1/customers", &customer(json!({}))).await, 201);
    let bad_field = system.post(t, "/v1/customers/C-1/custom-fields", &json!({"fields": {"Tier": 1}})).await;
    assert_problem(&bad_field, 422, "invalid-field-name", "fields.Tier");
    let long = "x".repeat(1_000);
    let too_long = system.post(t, "/v1/customers/C-1/custom-fields", &json!({"fields": {"note": long}})).await;
    assert_problem(&too_long, 422, "field-value-too-long", "fields.note");
    let again = system.post(t, "/v1/customers", &customer(json!({}))).await;
    again.assert_problem(409, "customer-exists");
    let unknown = system.post(t, "/v1/customers/C-2/rename", &json!({"name": "x"})).await;
    unknown.assert_problem(404, "customer-not-found");
    assert_eq!(system.count(t, CUSTOMER_EVENTS).await, 1, "only the registration was stored");

    // An order in another currency than a limited customer's cannot be checked: refused.
    system.open_warehouse(t, "WH1").await;
    system.define_item(t, "WIDGET", "fifo").await;
    let mut in_dollars = order("C-1", "1");
    in_dollars["currency"] = json!("USD");
    assert_problem(&system.post(t, "/v1/sales-orders", &in_dollars).await, 422, "currency-mismatch", "currency");
    let over = system.post(t, "/v1/sales-orders", &order("C-1", "1")).await;
    assert_problem(&over, 422, "credit-limit-exceeded", "customer_id");
    assert_eq!(system.count(t, SALES_ORDER_EVENTS).await, 0);
}
