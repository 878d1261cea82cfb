//! Order to cash on the real stack, driven through the REST API with the inventory-postings and
//! order-fulfilment process managers running: a sales order confirmed, reserved, picked,
//! shipped in two parts, invoiced per shipment and paid ends with the right stock, cost of
//! goods, receivable, revenue and cash; orders racing for the last units never oversell; a
//! placed order holds its stock; back-orders are reserved when stock arrives; an order whose
//! stock cannot be reserved any more is cancelled; and a saga killed half-way through a
//! shipment and restarted ends as if it had run once.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_aggregates::finance::invoice::InvoiceStatus;
use prism_aggregates::supply::sales_order::{SalesOrder, SalesOrderStatus};
use prism_aggregates::supply::stock::{IssueStock, Reservation, Stock, StockCommand};
use prism_aggregates::tenant::TenantId;
use prism_command_api::request_context::RequestContext;
use prism_process_managers::config::ProcessKind;
use prism_process_managers::order_fulfilment::{invoice_id_for, reservation_id};
use prism_process_managers::saga::{line_movement_id, quantity};
use prism_process_managers::stores::EventStores;
use prism_projections::config::ProjectorKind;
use prism_tests::system::{eventually, Answer, ProcessTask, System, SystemOptions};
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

/// A tenant with open books, warehouse `WH1` and items `WIDGET` (FIFO) and `GADGET` (moving
/// average), 10 widgets received at 100 and 4 gadgets at 500 (inventory 3,000 against GR/IR).
async fn stocked_tenant(system: &System) -> String {
    let tenant = system.ledger_tenant().await;
    system.open_warehouse(&tenant, WH).await;
    system.define_item(&tenant, "WIDGET", "fifo").await;
    system.define_item(&tenant, "GADGET", "moving_average").await;
    for (sku, quantity, cost) in [("WIDGET", "10", 100), ("GADGET", "4", 500)] {
        let receipt = json!({"sku": sku, "location": WH, "quantity": quantity, "unit_cost_minor": cost});
        ok(&system.post(&tenant, "/v1/stock/receipts", &receipt).await);
    }
    tenant
}

/// A system with every supply process running, its event stores, and a
/// [`stocked_tenant`].
struct Running {
    system: System,
    processes: Vec<ProcessTask>,
    stores: EventStores,
    tenant: String,
}

async fn running() -> Running {
    let system = System::start_with(options()).await;
    let processes = system.start_supply_processes().await;
    let stores = system.event_stores();
    let tenant = stocked_tenant(&system).await;
    Running { system, processes, stores, tenant }
}

/// Places an order of `lines` (`(sku, quantity, unit price)`) for customer `C-1` shipping from
/// `WH1`; its id.
async fn place(system: &System, tenant: &str, lines: &[(&str, &str, i64)]) -> String {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(sku, quantity, price)| json!({"sku": sku, "quantity": quantity, "unit_price_minor": price}))
        .collect();
    let order = json!({"customer_id": "C-1", "customer_name": "Acme Ltd", "currency": "EUR", "ship_from": WH,
                       "lines": lines});
    ok(&system.post(tenant, "/v1/sales-orders", &order).await)["order_id"].as_str().unwrap().to_owned()
}

async fn order(stores: &EventStores, tenant: &str, order_id: &str) -> SalesOrder {
    stores.sales_orders.load(&TenantId::parse(tenant).unwrap(), order_id).await.unwrap()
}

async fn stock(stores: &EventStores, tenant: &str, sku: &str) -> Stock {
    stores.stock.load(&TenantId::parse(tenant).unwrap(), sku).await.unwrap()
}

/// `(on hand, reserved)` of `sku` at `WH1`, thousandths.
async fn level(stores: &EventStores, tenant: &str, sku: &str) -> (i64, i64) {
    let stock = stock(stores, tenant, sku).await;
    (stock.on_hand_milli(WH), stock.reserved_milli(WH))
}

/// Waits until order `order_id` satisfies `check`.
async fn await_order(
    stores: &EventStores,
    tenant: &str,
    order_id: &str,
    what: &str,
    check: impl Fn(&SalesOrder) -> bool,
) {
    eventually(WAIT, what, || async {
        let order = order(stores, tenant, order_id).await;
        check(&order).then_some(())
    })
    .await;
}

/// Confirms `order_id` and waits until the saga recorded its allocation.
async fn confirm(system: &System, stores: &EventStores, tenant: &str, order_id: &str) {
    ok(&system.post(tenant, &format!("/v1/sales-orders/{order_id}/confirm"), &Value::Null).await);
    await_order(stores, tenant, order_id, "the allocation", |o| {
        o.lines().iter().all(|line| line.reserved_milli + line.back_ordered_milli == line.ordered_milli)
    })
    .await;
}

/// Ships `lines` (`(line_no, quantity)`) of `order_id` as shipment `shipment_id`.
async fn ship(system: &System, tenant: &str, order_id: &str, shipment_id: &str, lines: &[(i64, &str)]) {
    let lines: Vec<Value> =
        lines.iter().map(|(line_no, quantity)| json!({"line_no": line_no, "quantity": quantity})).collect();
    let shipment = json!({"shipment_id": shipment_id, "ship_date": "2026-11-20", "lines": lines});
    ok(&system.post(tenant, &format!("/v1/sales-orders/{order_id}/shipments"), &shipment).await);
}

/// Waits until every shipment of `order_id` has its invoice linked.
async fn await_invoiced(stores: &EventStores, tenant: &str, order_id: &str, shipments: usize) {
    await_order(stores, tenant, order_id, "the shipments invoiced", |o| {
        o.shipments().count() == shipments && o.shipments().all(|(_, invoice)| invoice.is_some())
    })
    .await;
}

/// Waits until `tenant`'s event store holds `count` journal entries (the inventory postings).
async fn await_entries(system: &System, tenant: &str, count: i64) {
    eventually(WAIT, "the inventory postings", || async {
        (system.journal_event_count(tenant).await == count).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_shipped_in_two_parts_is_invoiced_per_shipment_paid_and_costed_in_the_ledger() {
    let Running { system, processes: _processes, stores, tenant } = running().await;
    let t = tenant.as_str();
    let order_id = place(&system, t, &[("WIDGET", "6", 250), ("GADGET", "2", 900)]).await;

    confirm(&system, &stores, t, &order_id).await;
    assert_eq!(order(&stores, t, &order_id).await.status(), Some(SalesOrderStatus::Allocated));
    assert_eq!(level(&stores, t, "WIDGET").await, (10_000, 6_000));
    assert_eq!(level(&stores, t, "GADGET").await, (4_000, 2_000));
    ok(&system.post(t, &format!("/v1/sales-orders/{order_id}/pick"), &Value::Null).await);

    // A partial shipment: 4 of the 6 widgets; the other 2 stay reserved.
    ship(&system, t, &order_id, "S1", &[(1, "4")]).await;
    await_invoiced(&stores, t, &order_id, 1).await;
    assert_eq!(level(&stores, t, "WIDGET").await, (6_000, 2_000));
    let reservation = stock(&stores, t, "WIDGET").await.reservation(&reservation_id(&order_id, 1)).cloned().unwrap();
    assert_eq!((reservation.issued_milli, reservation.open_milli()), (4_000, 2_000));

    // The rest.
    ship(&system, t, &order_id, "S2", &[(1, "2"), (2, "2")]).await;
    await_invoiced(&stores, t, &order_id, 2).await;
    assert_eq!(order(&stores, t, &order_id).await.status(), Some(SalesOrderStatus::Shipped));
    assert_eq!(level(&stores, t, "WIDGET").await, (4_000, 0));
    assert_eq!(level(&stores, t, "GADGET").await, (2_000, 0));

    // One invoice per shipment at the order's prices: 4 × 250 and 2 × 250 + 2 × 900.
    let tenant_id = TenantId::parse(t).unwrap();
    let mut invoices = Vec::new();
    for (shipment, gross) in [("S1", 1_000), ("S2", 2_300)] {
        let invoice_id = invoice_id_for(&order_id, shipment).to_string();
        let invoice = stores.invoices.load(&tenant_id, &invoice_id).await.unwrap();
        assert_eq!((invoice.status(), invoice.gross_total_minor()), (Some(InvoiceStatus::Issued), gross));
        invoices.push(json!({"invoice_id": invoice_id, "amount_minor": gross}));
    }

    // The customer pays both: the order is paid.
    let payment = json!({"direction": "received", "counterparty_id": "C-1", "payment_date": "2026-11-24",
                         "amount_minor": 3_300, "currency": "EUR", "allocations": invoices});
    ok(&system.post(t, "/v1/payments", &payment).await);
    await_order(&stores, t, &order_id, "the order paid", SalesOrder::is_fully_paid).await;
    assert_eq!(order(&stores, t, &order_id).await.paid_minor(), 3_300);

    // Two receipts and three issues posted: FIFO 6 widgets at 100, average 2 gadgets at 500.
    await_entries(&system, t, 5).await;
    let balances = system.trial_balance(t).await;
    let expected = [
        ("1000", 3_300),  // bank: the payment
        ("1200", 1_400),  // inventory: 3,000 received − 1,600 issued
        ("2050", -3_000), // GR/IR: the receipts, not billed
        ("4000", -3_300), // revenue: both invoices
        ("5000", 1_600),  // cost of goods sold: 600 + 1,000
    ];
    assert_eq!(balances, expected.iter().map(|(code, b)| ((*code).to_owned(), *b)).collect(), "1100 is settled");
}

#[tokio::test(flavor = "multi_thread")]
async fn orders_racing_for_the_last_units_never_oversell() {
    let system = System::start_with(options()).await;
    // Two sagas react to every order (both read all partitions) while clients reserve too.
    let _processes = system.start_supply_processes().await;
    let _second = system.start_process(ProcessKind::OrderFulfilment).await;
    let stores = system.event_stores();
    let tenant = stocked_tenant(&system).await;
    let t = tenant.as_str();
    let mut orders = Vec::new();
    for _ in 0..6 {
        orders.push(place(&system, t, &[("GADGET", "1", 900), ("WIDGET", "3", 250)]).await);
    }
    let system = &system;
    let confirmations = orders.iter().map(|id| {
        let path = format!("/v1/sales-orders/{id}/confirm");
        async move { system.post(t, &path, &Value::Null).await }
    });
    let clients = (0..4).map(|n| {
        let body = json!({"sku": "WIDGET", "location": WH, "quantity": "1", "reservation_id": format!("walk-in-{n}")});
        async move { system.post(t, "/v1/stock/reservations", &body).await }
    });
    let (confirmed, _) = tokio::join!(futures::future::join_all(confirmations), futures::future::join_all(clients));
    confirmed.iter().for_each(|answer| assert!(answer.status.is_success(), "{}", answer.body));
    for order_id in &orders {
        await_order(&stores, t, order_id, "every allocation", |o| {
            o.lines().iter().all(|line| line.reserved_milli + line.back_ordered_milli == line.ordered_milli)
        })
        .await;
    }

    // What the orders hold plus what the walk-ins hold is what is reserved, within what is on hand.
    let mut held = std::collections::BTreeMap::<String, i64>::new();
    for order_id in &orders {
        for line in order(&stores, t, order_id).await.lines() {
            *held.entry(line.sku.clone()).or_default() += line.reserved_milli;
            let reservation =
                stock(&stores, t, &line.sku).await.reservation(&reservation_id(order_id, line.line_no)).cloned();
            assert_eq!(
                reservation.map_or(0, |r| r.open_milli()),
                line.reserved_milli,
                "{order_id} line {}",
                line.line_no
            );
        }
    }
    let widget = stock(&stores, t, "WIDGET").await;
    let walk_ins: i64 =
        (0..4).filter_map(|n| widget.reservation(&format!("walk-in-{n}"))).map(Reservation::open_milli).sum();
    assert_eq!(widget.reserved_milli(WH), held["WIDGET"] + walk_ins);
    assert!(widget.reserved_milli(WH) <= widget.on_hand_milli(WH), "widgets oversold");
    let gadget = stock(&stores, t, "GADGET").await;
    assert_eq!((gadget.reserved_milli(WH), held["GADGET"]), (4_000, 4_000), "the 4 gadgets went to 4 orders");
    // 10 widgets: at most 3 orders of 3, and only while the walk-ins left room.
    assert!(held["WIDGET"] <= 9_000 && held["WIDGET"] % 3_000 == 0, "{held:?}");
    // Some order was back-ordered, so no 3 widgets can be left idle.
    assert!(widget.available_milli(WH) < 3_000, "a back-order left stock idle");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_back_ordered_order_cancelled_gives_back_what_it_reserved() {
    let Running { system, processes: _processes, stores, tenant } = running().await;
    let t = tenant.as_str();
    // 6 of 10 widgets reserve; 5 gadgets of 4 do not: that line is back-ordered whole.
    let order_id = place(&system, t, &[("WIDGET", "6", 250), ("GADGET", "5", 900)]).await;
    confirm(&system, &stores, t, &order_id).await;
    let confirmed = order(&stores, t, &order_id).await;
    assert_eq!(confirmed.status(), Some(SalesOrderStatus::Confirmed));
    let allocation: Vec<(i64, i64)> =
        confirmed.lines().iter().map(|line| (line.reserved_milli, line.back_ordered_milli)).collect();
    assert_eq!(allocation, vec![(6_000, 0), (0, 5_000)]);
    assert_eq!((level(&stores, t, "WIDGET").await, level(&stores, t, "GADGET").await), ((10_000, 6_000), (4_000, 0)));

    let cancel = json!({"reason": "customer changed their mind"});
    ok(&system.post(t, &format!("/v1/sales-orders/{order_id}/cancel"), &cancel).await);
    eventually(WAIT, "the reservation released", || async {
        (level(&stores, t, "WIDGET").await == (10_000, 0)).then_some(())
    })
    .await;
    let widget = stock(&stores, t, "WIDGET").await;
    let released = widget.reservation(&reservation_id(&order_id, 1)).unwrap().status;
    assert_eq!(released, prism_aggregates::supply::stock::ReservationStatus::Released);
    assert_eq!(stock(&stores, t, "GADGET").await.reservation(&reservation_id(&order_id, 2)), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_placed_order_holds_its_stock_until_it_is_cancelled() {
    let Running { system, processes: _processes, stores, tenant } = running().await;
    let t = tenant.as_str();
    let order_id = place(&system, t, &[("WIDGET", "3", 250)]).await;
    eventually(WAIT, "the placed order's reservation", || async {
        (level(&stores, t, "WIDGET").await == (10_000, 3_000)).then_some(())
    })
    .await;
    assert_eq!(order(&stores, t, &order_id).await.status(), Some(SalesOrderStatus::Placed), "not yet confirmed");

    let cancel = json!({"reason": "never confirmed"});
    ok(&system.post(t, &format!("/v1/sales-orders/{order_id}/cancel"), &cancel).await);
    eventually(WAIT, "the reservation released", || async {
        (level(&stores, t, "WIDGET").await == (10_000, 0)).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saga_killed_half_way_through_a_shipment_and_restarted_ends_as_if_it_ran_once() {
    let system = System::start_with(options()).await;
    let postings = system.start_process(ProcessKind::InventoryPostings).await;
    let fulfilment = system.start_process(ProcessKind::OrderFulfilment).await;
    let stores = system.event_stores();
    let tenant = stocked_tenant(&system).await;
    let t = tenant.as_str();
    let tenant_id = TenantId::parse(t).unwrap();
    let order_id = place(&system, t, &[("WIDGET", "5", 250), ("GADGET", "3", 900)]).await;
    confirm(&system, &stores, t, &order_id).await;
    ok(&system.post(t, &format!("/v1/sales-orders/{order_id}/pick"), &Value::Null).await);
    await_entries(&system, t, 2).await;

    // Both sagas die; the shipment is recorded; the order-fulfilment saga had issued its first
    // line before it died (done here with its own ids, as it would have).
    fulfilment.kill().await;
    postings.kill().await;
    ship(&system, t, &order_id, "S1", &[(1, "5"), (2, "3")]).await;
    let first_line = StockCommand::Issue(IssueStock {
        sku: "WIDGET".to_owned(),
        location: WH.to_owned(),
        quantity: quantity(5_000),
        reservation_id: Some(reservation_id(&order_id, 1)),
        reference: Some(order_id.clone()),
        movement_id: Some(line_movement_id(&order_id, "S1", 1)),
    });
    let context = RequestContext {
        command_id: Uuid::now_v7(),
        correlation_id: "crash".to_owned(),
        traceparent: String::new(),
        user_id: None,
    };
    stores.stock.execute(&tenant_id, "WIDGET", first_line, &context).await.unwrap();

    // Restarted, they redo everything and end where one clean run would.
    let _postings = system.start_process(ProcessKind::InventoryPostings).await;
    let fulfilment = system.start_process(ProcessKind::OrderFulfilment).await;
    await_invoiced(&stores, t, &order_id, 1).await;
    // Killed once more right away and restarted: redelivered events change nothing.
    fulfilment.kill().await;
    let _fulfilment = system.start_process(ProcessKind::OrderFulfilment).await;
    await_entries(&system, t, 4).await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    assert_eq!(level(&stores, t, "WIDGET").await, (5_000, 0));
    assert_eq!(level(&stores, t, "GADGET").await, (1_000, 0));
    let events = (stock(&stores, t, "WIDGET").await.sequence(), stock(&stores, t, "GADGET").await.sequence());
    assert_eq!(events, (3, 3), "receipt, reservation, one issue each");
    let invoice = stores.invoices.load(&tenant_id, &invoice_id_for(&order_id, "S1").to_string()).await.unwrap();
    assert_eq!((invoice.status(), invoice.gross_total_minor()), (Some(InvoiceStatus::Issued), 3_950));
    assert_eq!(system.journal_event_count(t).await, 4, "two receipts and two issues, each posted once");
    let balances = system.trial_balance(t).await;
    let expected =
        [("1100", 3_950), ("1200", 3_000 - 500 - 1_500), ("2050", -3_000), ("4000", -3_950), ("5000", 2_000)];
    assert_eq!(balances, expected.iter().map(|(code, b)| ((*code).to_owned(), *b)).collect());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_return_comes_back_into_stock_at_its_issued_cost_and_is_credited_once() {
    use std::sync::Arc;

    use chrono::{NaiveDate, Utc};
    use prism_aggregates::finance::invoice::InvoiceKind;
    use prism_aggregates::supply::order_lines::LineQuantity;
    use prism_aggregates::supply::sales_order::{OrderReturned, SalesOrderEvent};
    use prism_platform::envelope::EventEnvelope;
    use prism_process_managers::order_fulfilment::{credit_note_id_for, OrderFulfilment};
    use prism_process_managers::saga::Reaction;
    use prism_projections::decode::{DomainEvent, ProjectedEvent};

    let system = System::start_with(options()).await;
    let _postings = system.start_process(ProcessKind::InventoryPostings).await;
    let fulfilment = system.start_process(ProcessKind::OrderFulfilment).await;
    let stores = system.event_stores();
    let tenant = stocked_tenant(&system).await;
    let t = tenant.as_str();
    let tenant_id = TenantId::parse(t).unwrap();
    // 10 more widgets at 130: FIFO issues 12 widgets as 10 at 100 and 2 at 130 (1,260, 105 each).
    let receipt = json!({"sku": "WIDGET", "location": WH, "quantity": "10", "unit_cost_minor": 130});
    ok(&system.post(t, "/v1/stock/receipts", &receipt).await);
    let order_id = place(&system, t, &[("WIDGET", "12", 250), ("GADGET", "2", 900)]).await;
    confirm(&system, &stores, t, &order_id).await;
    ok(&system.post(t, &format!("/v1/sales-orders/{order_id}/pick"), &Value::Null).await);
    ship(&system, t, &order_id, "S1", &[(1, "12"), (2, "2")]).await;
    await_invoiced(&stores, t, &order_id, 1).await;
    await_entries(&system, t, 5).await; // three receipts, two issues

    // 2 widgets and 1 gadget come back.
    let lines = json!([{"line_no": 1, "quantity": "2"}, {"line_no": 2, "quantity": "1"}]);
    let giving_back = json!({"return_id": "R1", "return_date": "2026-11-22", "lines": lines});
    ok(&system.post(t, &format!("/v1/sales-orders/{order_id}/returns"), &giving_back).await);
    let credit_note_id = credit_note_id_for(&order_id, "R1").to_string();
    eventually(WAIT, "the credit note issued", || async {
        let note = stores.invoices.load(&tenant_id, &credit_note_id).await.unwrap();
        (note.status() == Some(InvoiceStatus::Issued)).then_some(())
    })
    .await;
    await_entries(&system, t, 7).await; // and the two return receipts

    // Stock is back, valued at what it was issued at: 2 widgets at 105, 1 gadget at 500.
    let widget = stock(&stores, t, "WIDGET").await;
    assert_eq!((widget.on_hand_milli(WH), widget.value_minor(WH)), (10_000, 2_300 - 1_260 + 210));
    let gadget = stock(&stores, t, "GADGET").await;
    assert_eq!((gadget.on_hand_milli(WH), gadget.value_minor(WH)), (3_000, 2_000 - 1_000 + 500));
    assert_eq!(order(&stores, t, &order_id).await.lines()[0].returned_milli, 2_000);

    // The credit note: 2 × 250 + 1 × 900, crediting the shipment's invoice, on the return date.
    let note = stores.invoices.load(&tenant_id, &credit_note_id).await.unwrap();
    let invoice_id = invoice_id_for(&order_id, "S1").to_string();
    assert_eq!(note.kind(), Some(InvoiceKind::CustomerCreditNote));
    assert_eq!(note.gross_total_minor(), 1_400);
    assert_eq!(note.credits_invoice_id(), Some(invoice_id.as_str()));
    assert_eq!(note.counterparty_id(), Some("C-1"));
    assert_eq!(note.issue_date(), NaiveDate::from_ymd_opt(2026, 11, 22));

    let expected = [
        ("1100", 4_800 - 1_400),               // receivable: the invoice less the credit note
        ("1200", 4_300 - 2_260 + 710),         // inventory: received − issued + returned
        ("2050", -4_300),                      // GR/IR: the three receipts only
        ("4000", -(4_800 - 1_400)),            // revenue: 12 × 250 + 2 × 900, less the credit note
        ("5000", 1_260 + 1_000 - (210 + 500)), // cost of goods sold, less what came back
    ];
    let expected: std::collections::BTreeMap<String, i64> =
        expected.iter().map(|(code, b)| ((*code).to_owned(), *b)).collect();
    assert_eq!(system.trial_balance(t).await, expected);
    let widget_events = widget.sequence();
    let gadget_events = gadget.sequence();

    // The saga restarted, and the return redelivered to it: nothing more is recorded.
    fulfilment.kill().await;
    let _fulfilment = system.start_process(ProcessKind::OrderFulfilment).await;
    let returned = OrderReturned {
        order_id: order_id.clone(),
        return_id: "R1".to_owned(),
        return_date: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        lines: vec![
            LineQuantity { line_no: 1, sku: "WIDGET".to_owned(), quantity_milli: 2_000 },
            LineQuantity { line_no: 2, sku: "GADGET".to_owned(), quantity_milli: 1_000 },
        ],
    };
    let redelivered = ProjectedEvent {
        envelope: EventEnvelope {
            event_id: Uuid::now_v7(),
            event_type: "OrderReturned".to_owned(),
            event_version: "1".to_owned(),
            aggregate_type: "supply.sales_order".to_owned(),
            aggregate_id: order_id.clone(),
            sequence: 0,
            tenant: t.to_owned(),
            global_position: 0,
            occurred_at: Utc::now(),
            correlation_id: None,
            causation_id: None,
            traceparent: None,
            user_id: None,
        },
        event: DomainEvent::SalesOrder(SalesOrderEvent::OrderReturned(returned)),
        topic: "redelivered".to_owned(),
        partition: 0,
        offset: 0,
    };
    let saga = OrderFulfilment::new(Arc::new(system.event_stores()));
    saga.react(&redelivered).await.unwrap();
    saga.react(&redelivered).await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(stock(&stores, t, "WIDGET").await.sequence(), widget_events, "no second widget receipt");
    assert_eq!(stock(&stores, t, "GADGET").await.sequence(), gadget_events, "no second gadget receipt");
    assert_eq!(system.journal_event_count(t).await, 7, "each movement posted once");
    let note = stores.invoices.load(&tenant_id, &credit_note_id).await.unwrap();
    assert_eq!((note.status(), note.gross_total_minor()), (Some(InvoiceStatus::Issued), 1_400));
    assert_eq!(system.trial_balance(t).await, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn back_orders_are_reserved_oldest_first_when_enough_stock_arrives_and_only_once() {
    use std::sync::Arc;

    use chrono::Utc;
    use prism_aggregates::supply::stock::{InventoryUpdated, StockEvent};
    use prism_platform::envelope::EventEnvelope;
    use prism_process_managers::order_fulfilment::OrderFulfilment;
    use prism_process_managers::saga::Reaction;
    use prism_projections::decode::{DomainEvent, ProjectedEvent};

    let Running { system, processes: _processes, stores, tenant } = running().await;
    let t = tenant.as_str();
    // 4 gadgets on hand: an order of 6, then one of 5, are back-ordered whole.
    let first = place(&system, t, &[("GADGET", "6", 900)]).await;
    confirm(&system, &stores, t, &first).await;
    let second = place(&system, t, &[("GADGET", "5", 900)]).await;
    confirm(&system, &stores, t, &second).await;
    for order_id in [&first, &second] {
        let back_ordered = order(&stores, t, order_id).await;
        assert_eq!(back_ordered.status(), Some(SalesOrderStatus::Confirmed));
        assert!(back_ordered.back_ordered(), "{order_id}");
    }
    assert_eq!(level(&stores, t, "GADGET").await, (4_000, 0));

    // 3 more arrive: 7 is enough for the older order of 6, not for the 5 of the other one.
    let receipt = json!({"sku": "GADGET", "location": WH, "quantity": "3", "unit_cost_minor": 500});
    ok(&system.post(t, "/v1/stock/receipts", &receipt).await);
    await_order(&stores, t, &first, "the back-order reserved", |o| o.status() == Some(SalesOrderStatus::Allocated))
        .await;
    let allocated = order(&stores, t, &first).await;
    assert_eq!((allocated.lines()[0].reserved_milli, allocated.lines()[0].back_ordered_milli), (6_000, 0));
    assert_eq!(level(&stores, t, "GADGET").await, (7_000, 6_000));
    let reservation = stock(&stores, t, "GADGET").await.reservation(&reservation_id(&first, 1)).cloned().unwrap();
    assert_eq!((reservation.location.as_str(), reservation.open_milli()), (WH, 6_000));
    let still_back_ordered = order(&stores, t, &second).await;
    assert_eq!(still_back_ordered.status(), Some(SalesOrderStatus::Confirmed));
    assert_eq!(
        (still_back_ordered.lines()[0].reserved_milli, still_back_ordered.lines()[0].back_ordered_milli),
        (0, 5_000)
    );

    // A second receipt of 2 leaves 3 available: not enough for 5; nothing else changes, and a
    // redelivered receipt changes nothing either.
    let receipt = json!({"sku": "GADGET", "location": WH, "quantity": "2", "unit_cost_minor": 500});
    ok(&system.post(t, "/v1/stock/receipts", &receipt).await);
    await_entries(&system, t, 4).await; // the four receipts posted
    let saga = OrderFulfilment::new(Arc::new(system.event_stores()));
    let redelivered = ProjectedEvent {
        envelope: EventEnvelope {
            event_id: Uuid::now_v7(),
            event_type: "InventoryUpdated".to_owned(),
            event_version: "1".to_owned(),
            aggregate_type: "supply.stock".to_owned(),
            aggregate_id: "GADGET".to_owned(),
            sequence: 0,
            tenant: t.to_owned(),
            global_position: 0,
            occurred_at: Utc::now(),
            correlation_id: None,
            causation_id: None,
            traceparent: None,
            user_id: None,
        },
        event: DomainEvent::Stock(StockEvent::InventoryUpdated(InventoryUpdated {
            sku: "GADGET".to_owned(),
            movement_id: "redelivered".to_owned(),
            movement: "receipt".to_owned(),
            location: WH.to_owned(),
            counter_location: None,
            valuation: "moving_average".to_owned(),
            currency: "EUR".to_owned(),
            quantity_change_milli: 2_000,
            reserved_change_milli: 0,
            movement_value_minor: 1_000,
            value_change_minor: 1_000,
            unit_cost_minor: Some(500),
            reservation_id: None,
            reference: None,
            reason: None,
            on_hand_after_milli: 9_000,
            reserved_after_milli: 6_000,
            value_after_minor: 4_500,
        })),
        topic: "redelivered".to_owned(),
        partition: 0,
        offset: 0,
    };
    saga.react(&redelivered).await.unwrap();
    saga.react(&redelivered).await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(order(&stores, t, &first).await, allocated, "the allocated order is left as it is");
    assert_eq!(order(&stores, t, &second).await, still_back_ordered, "5 do not fit in 3");
    assert_eq!(level(&stores, t, "GADGET").await, (9_000, 6_000));
    let gadget_now = stock(&stores, t, "GADGET").await;
    assert_eq!(gadget_now.sequence(), 4, "three receipts and one reservation");
    assert_eq!(gadget_now.reservation(&reservation_id(&second, 1)), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_whose_stock_cannot_be_reserved_any_more_is_cancelled_and_reserves_nothing() {
    let Running { system, processes: _processes, stores, tenant } = running().await;
    let t = tenant.as_str();
    let order_id = place(&system, t, &[("WIDGET", "2", 250), ("GADGET", "1", 900)]).await;
    // the warehouse closes between placing and confirming: no line can be reserved there
    ok(&system.post(t, &format!("/v1/locations/{WH}/close"), &Value::Null).await);
    ok(&system.post(t, &format!("/v1/sales-orders/{order_id}/confirm"), &Value::Null).await);

    await_order(&stores, t, &order_id, "the compensation", |o| o.status() == Some(SalesOrderStatus::Cancelled)).await;
    let reason_names_line_and_refusal = "events WHERE event_type = 'OrderCancelled' \
         AND payload -> 'OrderCancelled' ->> 'reason' LIKE '%line 1 (WIDGET)%(location_closed)'";
    assert_eq!(system.count(t, reason_names_line_and_refusal).await, 1);
    assert_eq!(level(&stores, t, "WIDGET").await, (10_000, 0));
    assert_eq!(level(&stores, t, "GADGET").await, (4_000, 0));
    assert_eq!(stock(&stores, t, "WIDGET").await.sequence(), 1, "nothing but the receipt");
}
