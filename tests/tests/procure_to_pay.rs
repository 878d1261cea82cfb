//! Procure to pay on the real stack, driven through the REST API with the procure-to-pay and
//! inventory-postings process managers running: a purchase order approved, received in two
//! receipts and billed ends with its goods in stock at the order's prices, inventory debited,
//! GR/IR credited by the receipts and cleared by the bill, and the vendor in accounts payable
//! until paid; a saga killed between receipts and bill and restarted receives and bills once.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::collections::BTreeMap;
use std::time::Duration;

use prism_aggregates::finance::invoice::InvoiceStatus;
use prism_aggregates::supply::purchase_order::PurchaseOrderStatus;
use prism_aggregates::tenant::TenantId;
use prism_process_managers::config::ProcessKind;
use prism_process_managers::stores::EventStores;
use prism_projections::config::ProjectorKind;
use prism_tests::system::{eventually, Answer, System, SystemOptions};
use serde_json::{json, Value};
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(60);
const WH: &str = "WH1";

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

fn ok(answer: &Answer) -> &Value {
    assert!(answer.status.is_success(), "{} {}", answer.status, answer.body);
    &answer.body
}

fn balances(expected: &[(&str, i64)]) -> BTreeMap<String, i64> {
    expected.iter().map(|(code, balance)| ((*code).to_owned(), *balance)).collect()
}

/// A tenant with open books, warehouse `WH1`, items `WIDGET` and `GADGET`, and an approved
/// purchase order from vendor `V-1` of 10 widgets at 100 and 5 gadgets at 300; the order id.
async fn approved_order(system: &System) -> (String, String) {
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    system.open_warehouse(t, WH).await;
    system.define_item(t, "WIDGET", "fifo").await;
    system.define_item(t, "GADGET", "moving_average").await;
    let order = json!({"vendor_id": "V-1", "vendor_name": "Parts Ltd", "currency": "EUR",
        "lines": [{"sku": "WIDGET", "quantity": "10", "unit_price_minor": 100},
                  {"sku": "GADGET", "quantity": "5", "unit_price_minor": 300}]});
    let order_id = ok(&system.post(t, "/v1/purchase-orders", &order).await)["order_id"].as_str().unwrap().to_owned();
    let submitted = system.post(t, &format!("/v1/purchase-orders/{order_id}/submit"), &Value::Null).await;
    assert_eq!(ok(&submitted)["status"], "submitted");
    // The admin requested it; another user approves it.
    let approver = system.user_token(t, &["approver"]).await;
    ok(&system.post_as(&approver, &format!("/v1/purchase-orders/{order_id}/approve"), &Value::Null).await);
    (tenant, order_id)
}

/// Records receipt `receipt_id` of `lines` (`(line_no, quantity)`) at `WH1`.
async fn receive(system: &System, tenant: &str, order_id: &str, receipt_id: &str, lines: &[(i64, &str)]) {
    let lines: Vec<Value> =
        lines.iter().map(|(line_no, quantity)| json!({"line_no": line_no, "quantity": quantity})).collect();
    let receipt = json!({"receipt_id": receipt_id, "receipt_date": "2026-11-20", "location": WH, "lines": lines});
    ok(&system.post(tenant, &format!("/v1/purchase-orders/{order_id}/receipts"), &receipt).await);
}

/// Records the vendor's bill of `lines` (`(line_no, quantity, unit price)`); its invoice id.
async fn bill(system: &System, tenant: &str, order_id: &str, lines: &[(i64, &str, i64)]) -> String {
    let invoice_id = Uuid::new_v4().to_string();
    let lines: Vec<Value> = lines
        .iter()
        .map(|(line_no, quantity, price)| json!({"line_no": line_no, "quantity": quantity, "unit_price_minor": price}))
        .collect();
    let bill = json!({"invoice_id": invoice_id, "lines": lines});
    ok(&system.post(tenant, &format!("/v1/purchase-orders/{order_id}/bills"), &bill).await);
    invoice_id
}

/// Waits until `sku` has `on_hand_milli` at `WH1`; its value there.
async fn await_stock(stores: &EventStores, tenant: &str, sku: &str, on_hand_milli: i64) -> i64 {
    let tenant = TenantId::parse(tenant).unwrap();
    eventually(WAIT, &format!("{sku} in stock"), || async {
        let stock = stores.stock.load(&tenant, sku).await.unwrap();
        (stock.on_hand_milli(WH) == on_hand_milli).then(|| stock.value_minor(WH))
    })
    .await
}

/// Waits until bill `invoice_id` is issued; its gross total.
async fn await_bill(stores: &EventStores, tenant: &str, invoice_id: &str) -> i64 {
    let tenant = TenantId::parse(tenant).unwrap();
    eventually(WAIT, "the vendor bill issued", || async {
        let invoice = stores.invoices.load(&tenant, invoice_id).await.unwrap();
        (invoice.status() == Some(InvoiceStatus::Issued)).then(|| invoice.gross_total_minor())
    })
    .await
}

/// Waits until `tenant`'s event store holds `count` journal entries (the inventory postings).
async fn await_entries(system: &System, tenant: &str, count: i64) {
    eventually(WAIT, "the inventory postings", || async {
        (system.journal_event_count(tenant).await == count).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_purchase_order_received_and_billed_ends_in_inventory_with_gr_ir_cleared_and_the_vendor_payable() {
    let system = System::start_with(options()).await;
    let _processes = system.start_supply_processes().await;
    let stores = system.event_stores();
    let (tenant, order_id) = approved_order(&system).await;
    let t = tenant.as_str();

    receive(&system, t, &order_id, "R1", &[(1, "10"), (2, "2")]).await;
    receive(&system, t, &order_id, "R2", &[(2, "3")]).await;
    assert_eq!(await_stock(&stores, t, "WIDGET", 10_000).await, 1_000);
    assert_eq!(await_stock(&stores, t, "GADGET", 5_000).await, 1_500);
    await_entries(&system, t, 3).await;
    let received = balances(&[("1200", 2_500), ("2050", -2_500)]);
    assert_eq!(system.trial_balance(t).await, received, "goods received, not invoiced");

    let invoice_id = bill(&system, t, &order_id, &[(1, "10", 100), (2, "5", 300)]).await;
    assert_eq!(await_bill(&stores, t, &invoice_id).await, 2_500);
    let order = stores.purchase_orders.load(&TenantId::parse(t).unwrap(), &order_id).await.unwrap();
    assert_eq!(order.status(), Some(PurchaseOrderStatus::Billed));
    assert_eq!(system.trial_balance(t).await, balances(&[("1200", 2_500), ("2000", -2_500)]), "GR/IR cleared");

    let payment = json!({"direction": "made", "counterparty_id": "V-1", "payment_date": "2026-11-24",
                         "amount_minor": 2_500, "currency": "EUR",
                         "allocations": [{"invoice_id": invoice_id, "amount_minor": 2_500}]});
    ok(&system.post(t, "/v1/payments", &payment).await);
    assert_eq!(system.trial_balance(t).await, balances(&[("1000", -2_500), ("1200", 2_500)]), "the vendor paid");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saga_killed_between_receipts_and_bill_and_restarted_receives_and_bills_once() {
    let system = System::start_with(options()).await;
    let _postings = system.start_process(ProcessKind::InventoryPostings).await;
    let purchasing = system.start_process(ProcessKind::ProcureToPay).await;
    let stores = system.event_stores();
    let (tenant, order_id) = approved_order(&system).await;
    let t = tenant.as_str();
    receive(&system, t, &order_id, "R1", &[(1, "10")]).await;
    await_stock(&stores, t, "WIDGET", 10_000).await;

    // Dead while the rest arrives and the vendor bills the gadgets 10 dearer than ordered.
    purchasing.kill().await;
    receive(&system, t, &order_id, "R2", &[(2, "5")]).await;
    let invoice_id = bill(&system, t, &order_id, &[(1, "10", 100), (2, "5", 310)]).await;

    // Restarted twice: everything since its last committed offset is redelivered.
    let purchasing = system.start_process(ProcessKind::ProcureToPay).await;
    assert_eq!(await_stock(&stores, t, "GADGET", 5_000).await, 1_500, "at the order's price");
    purchasing.kill().await;
    let _purchasing = system.start_process(ProcessKind::ProcureToPay).await;
    assert_eq!(await_bill(&stores, t, &invoice_id).await, 2_550);
    await_entries(&system, t, 2).await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    let tenant_id = TenantId::parse(t).unwrap();
    for sku in ["WIDGET", "GADGET"] {
        assert_eq!(stores.stock.load(&tenant_id, sku).await.unwrap().sequence(), 1, "{sku} received once");
    }
    assert_eq!(system.journal_event_count(t).await, 2, "each receipt posted once");
    // The price variance stays on GR/IR for someone to clear.
    let expected = balances(&[("1200", 2_500), ("2000", -2_550), ("2050", 50)]);
    assert_eq!(system.trial_balance(t).await, expected);
}
