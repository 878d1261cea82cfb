//! Won opportunity → sales order on the real stack (Lens into order to cash): an opportunity
//! won with an order has the order-fulfilment process place that order for its customer, under
//! the customer's registered name and in the opportunity's currency, and the order goes on to
//! reserve its stock; the pipeline read model links the win to its order; a redelivered win
//! places nothing more. The order passes the customer's credit check when the opportunity is
//! won, and counts against the limit from then on, before it is placed. An order that breaks an
//! order rule, or whose id is taken, refuses the win naming the `sales_order.` field, and
//! nothing is recorded.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::sync::Arc;
use std::time::Duration;

use prism_aggregates::crm::opportunity::OpportunityEvent;
use prism_aggregates::supply::sales_order::{SalesOrder, SalesOrderStatus};
use prism_aggregates::tenant::TenantId;
use prism_platform::envelope::EventEnvelope;
use prism_process_managers::order_fulfilment::OrderFulfilment;
use prism_process_managers::saga::Reaction;
use prism_projections::config::ProjectorKind;
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_tests::system::{eventually, Answer, System, SystemOptions};
use serde_json::{json, Value};
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(60);
const OPPORTUNITY_EVENTS: &str = "events WHERE aggregate_type = 'crm.opportunity'";
const SALES_ORDER_EVENTS: &str = "events WHERE aggregate_type = 'supply.sales_order'";

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

#[track_caller]
fn ok(answer: &Answer) -> &Value {
    assert!(answer.status.is_success(), "{} {}", answer.status, answer.body);
    &answer.body
}

#[track_caller]
fn assert_problem(answer: &Answer, status: u16, code: &str, field: &str) {
    answer.assert_problem(status, code);
    assert_eq!(answer.headers["content-type"], "application/problem+json");
    assert_eq!(answer.body["field"], field, "{}", answer.body);
}

/// A tenant with open books, warehouse `WH1` holding 10 `WIDGET`s, and customer `C-200`
/// ("Fabrikam", EUR) whose credit limit is 1,000.00.
async fn tenant_with_customer(system: &System) -> String {
    let tenant = system.ledger_tenant().await;
    system.open_warehouse(&tenant, "WH1").await;
    system.define_item(&tenant, "WIDGET", "fifo").await;
    let receipt = json!({"sku": "WIDGET", "location": "WH1", "quantity": "10", "unit_cost_minor": 2_000});
    ok(&system.post(&tenant, "/v1/stock/receipts", &receipt).await);
    let customer =
        json!({"customer_id": "C-200", "name": "Fabrikam", "currency": "EUR", "credit_limit_minor": 100_000});
    ok(&system.post(&tenant, "/v1/customers", &customer).await);
    tenant
}

/// Opens an opportunity of 500.00 for `C-200`; its id.
async fn open_opportunity(system: &System, tenant: &str) -> String {
    let body = json!({"customer_id": "C-200", "title": "Widgets", "amount_minor": 50_000, "currency": "EUR",
                      "expected_close_date": "2026-12-31"});
    ok(&system.post(tenant, "/v1/opportunities", &body).await)["opportunity_id"].as_str().unwrap().to_owned()
}

/// A win creating an order of `quantity` widgets at 100.00 from `WH1`.
fn win_with_order(quantity: &str) -> Value {
    json!({"won_on": "2026-11-20", "sales_order": {"ship_from": "WH1",
           "lines": [{"sku": "WIDGET", "quantity": quantity, "unit_price_minor": 10_000}]}})
}

async fn order(system: &System, tenant: &str, order_id: &str) -> SalesOrder {
    system.event_stores().sales_orders.load(&TenantId::parse(tenant).unwrap(), order_id).await.unwrap()
}

/// The `OpportunityWon` stored for `opportunity_id`, as the process manager receives it.
async fn stored_win(system: &System, tenant: &str, opportunity_id: &str) -> ProjectedEvent {
    let sql = format!(
        "SELECT payload::text FROM tenant_{tenant}.events
          WHERE aggregate_type = 'crm.opportunity' AND aggregate_id = $1 AND event_type = 'OpportunityWon'"
    );
    let payload: String = sqlx::query_scalar(&sql).bind(opportunity_id).fetch_one(&system.pool).await.unwrap();
    let event: OpportunityEvent = serde_json::from_str(&payload).unwrap();
    ProjectedEvent {
        envelope: EventEnvelope {
            event_id: Uuid::now_v7(),
            event_type: "OpportunityWon".to_owned(),
            event_version: "1".to_owned(),
            aggregate_type: "crm.opportunity".to_owned(),
            aggregate_id: opportunity_id.to_owned(),
            sequence: 0,
            tenant: tenant.to_owned(),
            global_position: 0,
            occurred_at: chrono::Utc::now(),
            correlation_id: None,
            causation_id: None,
            traceparent: None,
            user_id: None,
        },
        event: DomainEvent::Opportunity(event),
        topic: "redelivered".to_owned(),
        partition: 0,
        offset: 0,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_opportunity_won_with_an_order_has_the_order_placed_for_its_customer_once() {
    let system = System::start_with(options()).await;
    let _processes = system.start_supply_processes().await;
    let tenant = tenant_with_customer(&system).await;
    let t = tenant.as_str();
    let opportunity_id = open_opportunity(&system, t).await;

    let won = system.post(t, &format!("/v1/opportunities/{opportunity_id}/win"), &win_with_order("3")).await;
    let body = ok(&won);
    assert_eq!(body["stage"], "won");
    let order_id = body["sales_order_id"].as_str().unwrap().to_owned();
    let derived = Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{opportunity_id}/sales-order").as_bytes());
    assert_eq!(order_id, derived.to_string(), "the order id is derived from the opportunity's");

    // The order-fulfilment process places it, and then holds its stock like any placed order.
    let stores = system.event_stores();
    let tenant_id = TenantId::parse(t).unwrap();
    eventually(WAIT, "the won order is placed and holds its stock", || async {
        let placed = order(&system, t, &order_id).await;
        let widgets = stores.stock.load(&tenant_id, "WIDGET").await.unwrap();
        (placed.status() == Some(SalesOrderStatus::Placed) && widgets.reserved_milli("WH1") == 3_000).then_some(())
    })
    .await;
    let placed = order(&system, t, &order_id).await;
    assert_eq!(
        (placed.customer_id(), placed.customer_name(), placed.ship_from(), placed.total_minor()),
        (Some("C-200"), Some("Fabrikam"), Some("WH1"), 30_000)
    );
    assert_eq!(placed.currency().map(|c| c.as_str().to_owned()).as_deref(), Some("EUR"));

    let read = system.get(t, &format!("/v1/opportunities/{opportunity_id}"), ok(&won)["position"].as_i64()).await;
    assert_eq!(ok(&read)["sales_order_id"], order_id.as_str());
    assert_eq!(read.body["won_on"], "2026-11-20");

    // The win redelivered, twice: the order is placed already, nothing more is recorded.
    let orders_before = system.count(t, SALES_ORDER_EVENTS).await;
    let saga = OrderFulfilment::new(Arc::new(system.event_stores()));
    let redelivered = stored_win(&system, t, &opportunity_id).await;
    saga.react(&redelivered).await.unwrap();
    saga.react(&redelivered).await.unwrap();
    assert_eq!(system.count(t, SALES_ORDER_EVENTS).await, orders_before, "a redelivered win places nothing");

    // 300.00 is placed and unshipped: a second win of 800.00 would take C-200 past 1,000.00.
    let second = open_opportunity(&system, t).await;
    let recorded = system.count(t, OPPORTUNITY_EVENTS).await;
    let refused = system.post(t, &format!("/v1/opportunities/{second}/win"), &win_with_order("8")).await;
    assert_problem(&refused, 422, "credit-limit-exceeded", "customer_id");
    assert_eq!(refused.body["exposure_minor"], 30_000);
    assert_eq!(system.count(t, OPPORTUNITY_EVENTS).await, recorded, "a refused win records nothing");
    ok(&system.post(t, &format!("/v1/opportunities/{second}/win"), &win_with_order("7")).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_a_win_created_counts_against_the_credit_limit_before_it_is_placed() {
    // No process runs: the won order stays unplaced.
    let system = System::start_with(options()).await;
    let tenant = tenant_with_customer(&system).await;
    let t = tenant.as_str();
    let opportunity_id = open_opportunity(&system, t).await;
    ok(&system.post(t, &format!("/v1/opportunities/{opportunity_id}/win"), &win_with_order("6")).await);
    assert_eq!(system.count(t, SALES_ORDER_EVENTS).await, 0, "not placed yet");

    let order = |quantity: &str| {
        json!({"customer_id": "C-200", "customer_name": "Fabrikam", "currency": "EUR", "ship_from": "WH1",
               "lines": [{"sku": "WIDGET", "quantity": quantity, "unit_price_minor": 10_000}]})
    };
    let refused = system.post(t, "/v1/sales-orders", &order("5")).await;
    assert_problem(&refused, 422, "credit-limit-exceeded", "customer_id");
    assert_eq!(refused.body["exposure_minor"], 60_000, "the won order's 600.00 counts");
    ok(&system.post(t, "/v1/sales-orders", &order("4")).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_win_whose_order_breaks_an_order_rule_or_reuses_an_order_id_is_refused_naming_the_field() {
    let system = System::start_with(options()).await;
    let tenant = tenant_with_customer(&system).await;
    let t = tenant.as_str();
    let opportunity_id = open_opportunity(&system, t).await;
    let win = format!("/v1/opportunities/{opportunity_id}/win");
    let recorded = system.count(t, OPPORTUNITY_EVENTS).await;

    let no_lines = json!({"sales_order": {"ship_from": "WH1", "lines": []}});
    assert_problem(&system.post(t, &win, &no_lines).await, 422, "too-few-lines", "sales_order.lines");
    let mut bad_quantity = win_with_order("-2");
    assert_problem(
        &system.post(t, &win, &bad_quantity).await,
        422,
        "invalid-quantity",
        "sales_order.lines[0].quantity",
    );
    bad_quantity["sales_order"]["ship_from"] = json!(" ");
    let blank = system.post(t, &win, &bad_quantity).await;
    assert_eq!(blank.status.as_u16(), 422, "{}", blank.body);

    // An unregistered customer's order needs the name: there is none to default to.
    let other = json!({"customer_id": "C-999", "title": "Gadgets", "amount_minor": 1_000, "currency": "EUR",
                       "expected_close_date": "2026-12-31"});
    let unregistered =
        ok(&system.post(t, "/v1/opportunities", &other).await)["opportunity_id"].as_str().unwrap().to_owned();
    let nameless = system.post(t, &format!("/v1/opportunities/{unregistered}/win"), &win_with_order("1")).await;
    assert_problem(&nameless, 422, "blank", "sales_order.customer_name");

    // An order id another order has.
    let placed = json!({"customer_id": "C-200", "customer_name": "Fabrikam", "currency": "EUR", "ship_from": "WH1",
                        "lines": [{"sku": "WIDGET", "quantity": "1", "unit_price_minor": 10_000}]});
    let taken = ok(&system.post(t, "/v1/sales-orders", &placed).await)["order_id"].as_str().unwrap().to_owned();
    let mut reused = win_with_order("1");
    reused["sales_order"]["order_id"] = json!(taken);
    assert_problem(&system.post(t, &win, &reused).await, 409, "already-exists", "sales_order.order_id");

    assert_eq!(system.count(t, OPPORTUNITY_EVENTS).await, recorded + 1, "only the second opportunity was opened");
    system.await_postgres_caught_up(t).await;
    let read = system.get(t, &format!("/v1/opportunities/{opportunity_id}"), None).await;
    assert_eq!(ok(&read)["stage"], "lead");
}
