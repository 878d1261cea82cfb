//! The production saga on the real stack: a work order started consumes its components from
//! stock (the ledger: Dr 1210 Work in progress / Cr 1200 Inventory), completed receives the good
//! units at the rolled-up cost (Dr Inventory / Cr WIP) with the rounding settled out of WIP,
//! and one scrapped in progress writes its components off — WIP ends empty and the trial
//! balance balances. Redelivered starts and completions issue, receive and post nothing more. A
//! failed quality check moves the goods inspected to quarantine, once; a passed one moves
//! nothing.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use prism_aggregates::production::quality_check::{QualityCheckCompleted, QualityCheckEvent};
use prism_aggregates::production::work_order::{
    ComponentRequirement, ProductionStarted, WorkOrderCompleted, WorkOrderEvent,
};
use prism_aggregates::tenant::TenantId;
use prism_platform::envelope::EventEnvelope;
use prism_process_managers::config::ProcessKind;
use prism_process_managers::production::Production;
use prism_process_managers::saga::Reaction;
use prism_process_managers::stores::EventStores;
use prism_projections::config::ProjectorKind;
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_tests::system::{eventually, Answer, System, SystemOptions};
use serde_json::{json, Value};
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(60);
const WH: &str = "WH1";

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

fn ok(answer: &Answer) -> &Value {
    assert!(answer.status.is_success(), "{}", answer.body);
    &answer.body
}

/// Waits until `sku` has `on_hand_milli` at `WH1`; its value there.
async fn await_stock(stores: &EventStores, tenant: &str, sku: &str, on_hand_milli: i64) -> i64 {
    let tenant = TenantId::parse(tenant).unwrap();
    eventually(WAIT, &format!("{sku} at {on_hand_milli}"), || async {
        let stock = stores.stock.load(&tenant, sku).await.unwrap();
        (stock.on_hand_milli(WH) == on_hand_milli).then(|| stock.value_minor(WH))
    })
    .await
}

/// How many events the stock of each component and of the bike has.
async fn sequences(stores: &EventStores, tenant: &str) -> Vec<u64> {
    let tenant = TenantId::parse(tenant).unwrap();
    let mut sequences = Vec::new();
    for sku in ["FRAME", "WHEEL", "BIKE"] {
        sequences.push(stores.stock.load(&tenant, sku).await.unwrap().sequence());
    }
    sequences
}

async fn await_entries(system: &System, tenant: &str, count: i64) {
    eventually(WAIT, "the postings", || async { (system.journal_event_count(tenant).await == count).then_some(()) })
        .await;
}

/// Plans, releases and starts a work order for `quantity` bikes; its id.
async fn started_order(system: &System, t: &str, quantity: &str) -> String {
    let plan = json!({"sku": "BIKE", "quantity": quantity, "location": WH});
    let id = ok(&system.post(t, "/v1/work-orders", &plan).await)["work_order_id"].as_str().unwrap().to_owned();
    for step in ["release", "start"] {
        ok(&system.post(t, &format!("/v1/work-orders/{id}/{step}"), &Value::Null).await);
    }
    id
}

/// `event` of `aggregate_type` `id`, of type `event_type`, as a redelivery brings it (a fresh
/// event id).
fn redelivered(tenant: &str, aggregate_type: &str, id: &str, event_type: &str, event: DomainEvent) -> ProjectedEvent {
    let event_type = event_type.to_owned();
    ProjectedEvent {
        envelope: EventEnvelope {
            event_id: Uuid::now_v7(),
            event_type,
            event_version: "1".to_owned(),
            aggregate_type: aggregate_type.to_owned(),
            aggregate_id: id.to_owned(),
            sequence: 0,
            tenant: tenant.to_owned(),
            global_position: 0,
            occurred_at: Utc::now(),
            correlation_id: None,
            causation_id: None,
            traceparent: None,
            user_id: None,
        },
        event,
        topic: "redelivered".to_owned(),
        partition: 0,
        offset: 0,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_work_order_consumes_its_components_into_wip_and_receives_its_goods_at_rolled_up_cost_once() {
    let system = System::start_with(options()).await;
    let _postings = system.start_process(ProcessKind::InventoryPostings).await;
    let production = system.start_process(ProcessKind::Production).await;
    let stores = system.event_stores();
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    system.open_warehouse(t, WH).await;
    for sku in ["BIKE", "FRAME", "WHEEL"] {
        system.define_item(t, sku, "fifo").await;
    }
    for (sku, quantity, cost) in [("FRAME", "11", 5_000), ("WHEEL", "22", 4_000)] {
        let receipt = json!({"sku": sku, "location": WH, "quantity": quantity, "unit_cost_minor": cost});
        ok(&system.post(t, "/v1/stock/receipts", &receipt).await);
    }
    let lines =
        json!({"lines": [{"component_sku": "FRAME", "quantity": "1"}, {"component_sku": "WHEEL", "quantity": "2"}]});
    ok(&system.post(t, "/v1/boms/BIKE/revisions", &lines).await);

    // Ten bikes started: 10 frames (50,000) and 20 wheels (80,000) into WIP.
    let id = started_order(&system, t, "10").await;
    assert_eq!(await_stock(&stores, t, "FRAME", 1_000).await, 5_000);
    assert_eq!(await_stock(&stores, t, "WHEEL", 2_000).await, 8_000);

    // Nine good, one scrapped: 130,000 / 9 = 14,444.44 a bike, 129,996 received, 4 settled.
    let done = json!({"good_quantity": "9", "scrapped_quantity": "1"});
    ok(&system.post(t, &format!("/v1/work-orders/{id}/complete"), &done).await);
    assert_eq!(await_stock(&stores, t, "BIKE", 9_000).await, 129_996);
    await_entries(&system, t, 6).await;
    let balances = system.trial_balance(t).await;
    let balance = |code: &str| balances.get(code).copied().unwrap_or_default();
    assert_eq!(balance("1210"), 0, "WIP is empty once the order is completed: {balances:?}");
    assert_eq!((balance("1200"), balance("2050"), balance("5000")), (129_996 + 13_000, -143_000, 4));

    // Redelivered to a restarted saga: nothing more is issued, received or posted.
    production.kill().await;
    let _production = system.start_process(ProcessKind::Production).await;
    let before = sequences(&stores, t).await;
    let components = vec![
        ComponentRequirement { component_sku: "FRAME".to_owned(), quantity_milli: 10_000 },
        ComponentRequirement { component_sku: "WHEEL".to_owned(), quantity_milli: 20_000 },
    ];
    let started = WorkOrderEvent::ProductionStarted(ProductionStarted {
        work_order_id: id.clone(),
        sku: "BIKE".to_owned(),
        location: WH.to_owned(),
        components,
    });
    let completed = WorkOrderEvent::WorkOrderCompleted(WorkOrderCompleted {
        work_order_id: id.clone(),
        sku: "BIKE".to_owned(),
        location: WH.to_owned(),
        planned_quantity_milli: 10_000,
        good_quantity_milli: 9_000,
        scrapped_quantity_milli: 1_000,
    });
    let saga = Production::new(Arc::new(system.event_stores()));
    for (event_type, event) in [("ProductionStarted", started), ("WorkOrderCompleted", completed)] {
        let event = redelivered(t, "production.work_order", &id, event_type, DomainEvent::WorkOrder(event));
        saga.react(&event).await.unwrap();
        saga.react(&event).await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sequences(&stores, t).await, before, "no second issue or receipt");
    assert_eq!(system.journal_event_count(t).await, 6, "each movement and the settlement posted once");
    assert_eq!(system.trial_balance(t).await, balances);

    // One bike scrapped in progress: its frame and two wheels (13,000) written off out of WIP.
    let scrapped = started_order(&system, t, "1").await;
    await_stock(&stores, t, "FRAME", 0).await;
    await_stock(&stores, t, "WHEEL", 0).await;
    ok(&system.post(t, &format!("/v1/work-orders/{scrapped}/scrap"), &json!({"reason": "frame cracked"})).await);
    await_entries(&system, t, 9).await;
    let balances = system.trial_balance(t).await;
    let balance = |code: &str| balances.get(code).copied().unwrap_or_default();
    assert_eq!((balance("1210"), balance("1200"), balance("5000")), (0, 129_996, 4 + 13_000));

    // Two bikes fail their check: moved to quarantine, value with them, once; one passes.
    system.open_warehouse(t, "QC-HOLD").await;
    let failed = json!({"work_order_id": id, "sku": "BIKE", "location": WH, "quantity": "2", "result": "fail",
                        "quarantine_location": "QC-HOLD", "notes": "bent forks"});
    let check = ok(&system.post(t, "/v1/quality-checks", &failed).await).clone();
    assert_eq!(check["result"], "fail");
    let passed = json!({"work_order_id": id, "sku": "BIKE", "location": WH, "quantity": "7", "result": "pass"});
    let position = ok(&system.post(t, "/v1/quality-checks", &passed).await)["position"].as_i64();
    assert_eq!(await_stock(&stores, t, "BIKE", 7_000).await, 129_996 - 2 * 14_444);
    let checks = system.get(t, &format!("/v1/quality-checks?work_order_id={id}"), position).await;
    let results: Vec<&str> =
        checks.body["items"].as_array().unwrap().iter().map(|c| c["result"].as_str().unwrap()).collect();
    assert_eq!(results.len(), 2, "{}", checks.body);
    let bike = stores.stock.load(&TenantId::parse(t).unwrap(), "BIKE").await.unwrap();
    assert_eq!((bike.on_hand_milli("QC-HOLD"), bike.value_minor("QC-HOLD")), (2_000, 2 * 14_444));
    let check_id = check["quality_check_id"].as_str().unwrap();
    let check_event = DomainEvent::QualityCheck(QualityCheckEvent::QualityCheckCompleted(QualityCheckCompleted {
        quality_check_id: check_id.to_owned(),
        work_order_id: Some(id.clone()),
        receipt_reference: None,
        sku: "BIKE".to_owned(),
        location: WH.to_owned(),
        quantity_milli: 2_000,
        result: "fail".to_owned(),
        quarantine_location: Some("QC-HOLD".to_owned()),
        notes: None,
    }));
    let redelivered_check = redelivered(t, "production.quality_check", check_id, "QualityCheckCompleted", check_event);
    let bike_events = bike.sequence();
    saga.react(&redelivered_check).await.unwrap();
    let bike = stores.stock.load(&TenantId::parse(t).unwrap(), "BIKE").await.unwrap();
    assert_eq!(bike.sequence(), bike_events, "quarantined once");
    assert_eq!(system.journal_event_count(t).await, 9, "a transfer posts nothing");
}
