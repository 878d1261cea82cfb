//! Killing the supply projectors mid-flow and restarting them leaves every store as a replay
//! builds it. A supply workload goes through the REST API with the inventory-postings,
//! order-fulfilment and procure-to-pay sagas running: stock received, issued, transferred and
//! counted, a purchase order drafted, submitted, approved, received in two parts and billed,
//! a sales order confirmed, picked and shipped in two parts, invoiced per shipment and paid,
//! and a second one, half back-ordered, cancelled. The three projectors (`postgres`, `mongo`,
//! `timescale`) run as child processes with batches of 5 events: each is first started on the
//! backlog of the first half and SIGKILLed once it has applied some but not all of it, then
//! all three are restarted, SIGKILLed together while the sagas issue and invoice the order's
//! second shipment, kept down over a purchase receipt, and restarted again. Once each has applied every event of the tenant it follows, a fresh projector of
//! each kind, in a consumer group of its own, replays the topics from the start into empty
//! stores, and every read model is compared with the live one: each table of the tenant's
//! schema that a projector writes, as JSON ordered by primary key, and each MongoDB document,
//! as JSON ordered by `_id`.
//!
//! Left out of the comparison, as wall-clock times of the projection: `applied_at` of the SQL
//! projectors' `projection_applied` (compared by projector and position), and the schema's
//! `_prism_migrations` (one `applied_at` per migration). The event store's tables (`events`,
//! `snapshots`, `event_chain_head`) are the source, not a read model: the replay database holds
//! them empty (the chain head at its initial row); so are the other tables no projector writes,
//! which `prism-audit` also leaves out of a rebuild (`prism_audit::replay::NOT_READ_MODELS`: the
//! credentials, the personal-data keys, the notifications' and the webhooks' records): one list
//! serves both, so a table cannot be a read model to one and not to the other. The time-series
//! views (`daily_account_totals`, `daily_stock_movements`) and `reorder_suggestions` are computed
//! from the tables compared. Every other column — `recorded_at`, `placed_at`, `drafted_at` and
//! the documents' `recorded_at` included, which are the events' `occurred_at` — must be equal.
//!
//! The MongoDB projector writes tenant `t` into database `prism_t`, a name it does not let one
//! configure; so the live documents are read first, that database is dropped, and the replay
//! fills it again from empty.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use prism_aggregates::finance::invoice::InvoiceStatus;
use prism_aggregates::supply::sales_order::SalesOrder;
use prism_aggregates::tenant::TenantId;
use prism_audit::replay::NOT_READ_MODELS;
use prism_process_managers::order_fulfilment::invoice_id_for;
use prism_process_managers::stores::EventStores;
use prism_projections::config::ProjectorKind;
use prism_projections::projectors::mongo;
use prism_tests::env::StackEnv;
use prism_tests::replay::{
    create_database, differences, documents, drop_database, event_positions, followed_aggregate_types, kill, rows,
    spawn_projector, table_names, AppliedLog, InProcessProjector, Table, APPLIED, IDENTITY_TABLES, LEDGER_TABLES,
};
use prism_tests::system::{eventually, System, SystemOptions};
use serde_json::{json, Value};
use tokio::process::Child;

const WAIT: Duration = Duration::from_secs(90);
const KINDS: [ProjectorKind; 3] = [ProjectorKind::Postgres, ProjectorKind::Mongo, ProjectorKind::Timescale];

/// The `postgres` projector's tables beyond the ledger's: drafts, exchange rates, the CRM and
/// HR and production tables (empty here, compared so that every table is), then the supply tables.
const SUPPLY_TABLES: &[Table] = &[
    ("journal_entry_drafts", "entry_id", "*"),
    ("functional_currency", "singleton", "*"),
    ("exchange_rates", "currency, date", "*"),
    ("customers", "customer_id", "*"),
    ("opportunities", "opportunity_id", "*"),
    ("support_tickets", "ticket_id", "*"),
    ("support_ticket_status_history", "ticket_id, position", "*"),
    ("employees", "employee_id", "*"),
    ("payroll_runs", "payroll_run_id", "*"),
    ("payroll_run_lines", "payroll_run_id, employee_id", "*"),
    ("performance_reviews", "review_id", "*"),
    ("job_openings", "job_opening_id", "*"),
    ("job_applicants", "job_opening_id, applicant_id", "*"),
    ("leave_entitlements", "employee_id, year, leave_type", "*"),
    ("leave_requests", "leave_account_id, request_id", "*"),
    ("bom_versions", "sku, version", "*"),
    ("bom_lines", "sku, version, line_no", "*"),
    ("work_orders", "work_order_id", "*"),
    ("work_order_components", "work_order_id, line_no", "*"),
    ("quality_checks", "quality_check_id", "*"),
    ("assets", "asset_id", "*"),
    ("asset_maintenance", "asset_id, global_position", "*"),
    ("asset_downtimes", "asset_id, started_at", "*"),
    ("items", "sku", "*"),
    ("locations", "code", "*"),
    ("supply_settings", "singleton", "*"),
    ("stock_levels", "sku, location", "*"),
    ("sales_orders", "order_id", "*"),
    ("purchase_orders", "order_id", "*"),
];

/// The `timescale` projector's tables, in the same tenant schema (the time series live in the
/// main database locally, as here).
const TIMESERIES_TABLES: &[Table] = &[
    ("postings", "entry_id, line_no, posted_on", "*"),
    ("posting_accounts", "code", "*"),
    ("stock_movements", "global_position, recorded_at", "*"),
    ("production_planned_quantities", "work_order_id", "*"),
    ("production_outcomes", "work_order_id, ended_at", "*"),
    ("orders_placed", "order_id, placed_at", "*"),
    ("receivable_accounts", "code", "*"),
];

/// Rows the workload leaves in the live tables.
const EXPECTED_ROWS: &[(&str, usize)] = &[
    ("items", 2),               // WIDGET, GADGET
    ("locations", 2),           // WH1, WH2
    ("supply_settings", 1),     // the approval threshold
    ("stock_levels", 4),        // both items at both warehouses
    ("sales_orders", 2),        // SO1 paid, SO2 cancelled
    ("orders_placed", 2),       // both placed, whatever became of them
    ("receivable_accounts", 1), // 1100, of both sales invoices
    ("purchase_orders", 1),     // billed
    ("stock_movements", 17),    // see `INVENTORY_UPDATES`
    ("journal_entries", 15),    // 11 inventory postings, 2 sales invoices, the vendor bill, the payment
    ("invoices", 3),            // one per shipment, the vendor bill
    ("payments", 1),            // the customer pays both invoices
    ("accounts", 37),           // the default chart
];

/// `InventoryUpdated` events: 3 receipts, an issue, a transfer (out and in), a count, the
/// purchase order's 3 receipt lines, SO1's 2 reservations and 3 shipped lines, SO2's
/// reservation and its release.
const INVENTORY_UPDATES: usize = 17;

/// Journal entries the inventory-postings saga posts: every movement that changes a value —
/// 3 receipts, the issue, the count, the purchase order's 3 receipt lines, 3 shipped lines.
const INVENTORY_POSTINGS: i64 = 11;

/// Documents the workload leaves in the tenant's MongoDB database, besides `projection_applied`.
const EXPECTED_DOCUMENTS: &[(&str, usize)] = &[("journal_entries", 11), ("sales_orders", 2), ("purchase_orders", 1)];

/// The workload's tenant, driven through the REST API.
struct Flow<'a> {
    system: &'a System,
    stores: EventStores,
    tenant: String,
}

impl<'a> Flow<'a> {
    /// A tenant with open books, a purchase approval threshold of 10.00, warehouses `WH1` and
    /// `WH2`, and items `WIDGET` (FIFO) and `GADGET` (moving average).
    async fn open(system: &'a System) -> Self {
        let flow = Self { system, stores: system.event_stores(), tenant: system.ledger_tenant().await };
        let settings =
            json!({"allow_negative_stock": false, "po_approval_threshold_minor": 1_000, "po_approval_currency": "EUR"});
        flow.post("/v1/supply-settings", &settings).await;
        for warehouse in ["WH1", "WH2"] {
            system.open_warehouse(&flow.tenant, warehouse).await;
        }
        system.define_item(&flow.tenant, "WIDGET", "fifo").await;
        system.define_item(&flow.tenant, "GADGET", "moving_average").await;
        flow
    }

    /// Posts `body` to `path`, asserting it was accepted; the answer's body.
    async fn post(&self, path: &str, body: &Value) -> Value {
        let answer = self.system.post(&self.tenant, path, body).await;
        assert!(answer.status.is_success(), "{path}: {} {}", answer.status, answer.body);
        answer.body
    }

    /// Posts to the `action` path of the order at `orders/id`.
    async fn act(&self, orders: &str, id: &str, action: &str, body: &Value) -> Value {
        self.post(&format!("/v1/{orders}/{id}/{action}"), body).await
    }

    async fn sales_order(&self, id: &str) -> SalesOrder {
        self.stores.sales_orders.load(&self.tenant_id(), id).await.unwrap()
    }

    fn tenant_id(&self) -> TenantId {
        TenantId::parse(&self.tenant).unwrap()
    }

    /// Waits until sales order `id` satisfies `check`.
    async fn until_order(&self, id: &str, what: &str, check: impl Fn(&SalesOrder) -> bool) {
        eventually(WAIT, what, || async { check(&self.sales_order(id).await).then_some(()) }).await;
    }

    /// Waits until `sku` at `location` stands at `(on hand, reserved)`, thousandths.
    async fn until_stock(&self, sku: &str, location: &str, level: (i64, i64)) {
        eventually(WAIT, &format!("{sku} at {location} at {level:?}"), || async {
            let stock = self.stores.stock.load(&self.tenant_id(), sku).await.unwrap();
            ((stock.on_hand_milli(location), stock.reserved_milli(location)) == level).then_some(())
        })
        .await;
    }

    /// Waits until invoice `id` is issued.
    async fn until_issued(&self, id: &str) {
        eventually(WAIT, &format!("invoice {id} issued"), || async {
            let invoice = self.stores.invoices.load(&self.tenant_id(), id).await.unwrap();
            (invoice.status() == Some(InvoiceStatus::Issued)).then_some(())
        })
        .await;
    }

    /// Waits until the inventory-postings saga has posted `count` journal entries.
    async fn until_postings(&self, count: i64) {
        eventually(WAIT, "the inventory postings", || async {
            (self.system.journal_event_count(&self.tenant).await == count).then_some(())
        })
        .await;
    }

    /// Places a sales order of `lines` (`[sku, quantity, unit price]`) shipping from `WH1`; its id.
    async fn place(&self, lines: &[(&str, &str, i64)]) -> String {
        let lines: Vec<Value> = lines
            .iter()
            .map(|(sku, qty, price)| json!({"sku": sku, "quantity": qty, "unit_price_minor": price}))
            .collect();
        let order = json!({"customer_id": "C-1", "customer_name": "Acme Ltd", "currency": "EUR", "ship_from": "WH1",
                           "lines": lines});
        self.post("/v1/sales-orders", &order).await["order_id"].as_str().unwrap().to_owned()
    }

    /// Ships `lines` (`[line_no, quantity]`) of sales order `id` as `shipment`.
    async fn ship(&self, id: &str, shipment: &str, lines: &Value) {
        let body = json!({"shipment_id": shipment, "ship_date": "2026-11-20", "lines": lines});
        self.act("sales-orders", id, "shipments", &body).await;
    }

    /// Receives `lines` (`[line_no, quantity]`) of purchase order `id` at `WH1` as `receipt`.
    async fn receive(&self, id: &str, receipt: &str, lines: &Value) {
        let body = json!({"receipt_id": receipt, "receipt_date": "2026-11-20", "location": "WH1", "lines": lines});
        self.act("purchase-orders", id, "receipts", &body).await;
    }

    /// The first half, recorded while no projector runs: stock moved every way, a purchase
    /// order approved and received in part, sales order SO1 confirmed and its first shipment
    /// invoiced, SO2 placed. The ids of the purchase order, SO1 and SO2.
    async fn first_half(&self) -> (String, String, String) {
        for (sku, location, quantity, cost) in [("WIDGET", "WH1", "20", 100), ("GADGET", "WH1", "10", 500)] {
            let receipt = json!({"sku": sku, "location": location, "quantity": quantity, "unit_cost_minor": cost});
            self.post("/v1/stock/receipts", &receipt).await;
        }
        let receipt = json!({"sku": "WIDGET", "location": "WH2", "quantity": "5", "unit_cost_minor": 120});
        self.post("/v1/stock/receipts", &receipt).await;
        let issue = json!({"sku": "WIDGET", "location": "WH1", "quantity": "3", "reference": "samples"});
        self.post("/v1/stock/issues", &issue).await;
        let transfer = json!({"sku": "GADGET", "from_location": "WH1", "to_location": "WH2", "quantity": "2"});
        self.post("/v1/stock/transfers", &transfer).await;
        let count = json!({"sku": "WIDGET", "location": "WH2", "counted_quantity": "4", "reason": "one broken"});
        self.post("/v1/stock/adjustments", &count).await;

        // 10 widgets at 90 and 4 gadgets at 480: 28.20, above the threshold.
        let draft = json!({"vendor_id": "V-1", "vendor_name": "Parts Ltd", "currency": "EUR",
            "lines": [{"sku": "WIDGET", "quantity": "10", "unit_price_minor": 90},
                      {"sku": "GADGET", "quantity": "4", "unit_price_minor": 480}]});
        let purchase = self.post("/v1/purchase-orders", &draft).await["order_id"].as_str().unwrap().to_owned();
        let submitted = self.act("purchase-orders", &purchase, "submit", &Value::Null).await;
        assert_eq!(submitted["status"], "submitted");
        // Approved by a user other than the admin who requested it.
        let approver = self.system.user_token(&self.tenant, &["approver"]).await;
        let path = format!("/v1/purchase-orders/{purchase}/approve");
        let approved = self.system.post_as(&approver, &path, &Value::Null).await;
        assert!(approved.status.is_success(), "{path}: {} {}", approved.status, approved.body);
        self.receive(&purchase, "R1", &json!([{"line_no": 1, "quantity": "10"}, {"line_no": 2, "quantity": "2"}]))
            .await;
        self.until_stock("GADGET", "WH1", (10_000, 0)).await;

        let first = self.place(&[("WIDGET", "8", 250), ("GADGET", "3", 900)]).await;
        self.act("sales-orders", &first, "confirm", &Value::Null).await;
        self.until_order(&first, "SO1 allocated", |o| o.lines().iter().all(|l| l.reserved_milli == l.ordered_milli))
            .await;
        self.act("sales-orders", &first, "pick", &Value::Null).await;
        self.ship(&first, "S1", &json!([{"line_no": 1, "quantity": "5"}])).await;
        self.until_order(&first, "S1 invoiced", |o| o.shipments().all(|(_, invoice)| invoice.is_some())).await;
        let second = self.place(&[("WIDGET", "4", 250), ("GADGET", "20", 900)]).await;
        self.until_postings(8).await; // 3 receipts, the issue, the count, 2 purchase receipt lines, S1
        (purchase, first, second)
    }
}

/// Starts projector `kind` on the backlog of the tenant's events it follows and SIGKILLs it
/// as soon as it has applied some of them; asserts it had not applied them all.
async fn kill_part_way(system: &System, log: AppliedLog<'_>, tenant: &str, kind: ProjectorKind) {
    let backlog = event_positions(&system.pool, tenant, followed_aggregate_types(system, kind).await).await;
    let mut projector = spawn_projector(system, kind);
    let deadline = Instant::now() + WAIT;
    while log.count(tenant, &backlog).await == 0 {
        assert!(Instant::now() < deadline, "the {} projector never started applying", kind.name());
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    kill(&mut projector).await;
    let applied = log.count(tenant, &backlog).await;
    eprintln!("{} projector killed after applying {applied} of {} events", kind.name(), backlog.len());
    assert!(applied < backlog.len(), "the {} projector was killed mid-stream", kind.name());
}

/// Starts the three projectors as child processes.
fn spawn_all(system: &System) -> Vec<Child> {
    KINDS.iter().map(|kind| spawn_projector(system, *kind)).collect()
}

async fn kill_all(children: &mut [Child]) {
    for child in children {
        kill(child).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn supply_projectors_killed_mid_flow_and_restarted_equal_a_replay_in_every_store() {
    let started = Instant::now();
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let sagas = system.start_supply_processes().await;
    let client = mongodb::Client::with_uri_str(&system.env.mongodb_url).await.expect("MongoDB URL valid");
    let flow = Flow::open(&system).await;
    let t = flow.tenant.as_str();
    let live_log = |kind| AppliedLog::of(kind, &system.pool, &client);

    let (purchase, first, second) = flow.first_half().await;
    for kind in KINDS {
        kill_part_way(&system, live_log(kind), t, kind).await;
    }
    let mut projectors = spawn_all(&system);

    // All three projectors die while the sagas issue and invoice SO1's second shipment, and
    // stay dead over the purchase order's second receipt (GADGET at WH1: 10 − 3 + 2).
    flow.ship(&first, "S2", &json!([{"line_no": 1, "quantity": "3"}, {"line_no": 2, "quantity": "3"}])).await;
    kill_all(&mut projectors).await;
    flow.until_order(&first, "S2 invoiced", |o| o.shipments().all(|(_, invoice)| invoice.is_some())).await;
    flow.receive(&purchase, "R2", &json!([{"line_no": 2, "quantity": "2"}])).await;
    flow.until_stock("GADGET", "WH1", (9_000, 0)).await;
    let mut projectors = spawn_all(&system);

    // The purchase order billed at its prices.
    let bill_id = uuid::Uuid::new_v4().to_string();
    let bill = json!({"invoice_id": bill_id, "lines": [{"line_no": 1, "quantity": "10", "unit_price_minor": 90},
                                                       {"line_no": 2, "quantity": "4", "unit_price_minor": 480}]});
    flow.act("purchase-orders", &purchase, "bills", &bill).await;
    flow.until_issued(&bill_id).await;

    // SO2: 4 widgets reserved, 20 gadgets back-ordered; cancelled, its reservation released.
    flow.act("sales-orders", &second, "confirm", &Value::Null).await;
    flow.until_order(&second, "SO2 allocated", |o| {
        o.lines().iter().all(|l| l.reserved_milli + l.back_ordered_milli == l.ordered_milli)
    })
    .await;
    flow.until_stock("WIDGET", "WH1", (19_000, 4_000)).await; // 20 − 3 + 10 − 5 − 3
    flow.act("sales-orders", &second, "cancel", &json!({"reason": "the gadgets take too long"})).await;
    flow.until_stock("WIDGET", "WH1", (19_000, 0)).await;

    // The customer pays both invoices of SO1: 5 × 2.50 and 3 × 2.50 + 3 × 9.00.
    let invoices: Vec<Value> = [("S1", 1_250), ("S2", 3_450)]
        .iter()
        .map(|(shipment, amount)| {
            let invoice_id = invoice_id_for(&first, shipment).to_string();
            json!({"invoice_id": invoice_id, "amount_minor": amount})
        })
        .collect();
    for invoice in &invoices {
        flow.until_issued(invoice["invoice_id"].as_str().unwrap()).await;
    }
    let payment = json!({"direction": "received", "counterparty_id": "C-1", "payment_date": "2026-11-24",
                         "amount_minor": 4_700, "currency": "EUR", "allocations": invoices});
    flow.post("/v1/payments", &payment).await;
    flow.until_order(&first, "SO1 paid", SalesOrder::is_fully_paid).await;
    flow.until_postings(INVENTORY_POSTINGS).await;
    for saga in sagas {
        saga.kill().await;
    }
    let stock_events = system.count(t, "events WHERE event_type = 'InventoryUpdated'").await;
    assert_eq!(usize::try_from(stock_events).unwrap(), INVENTORY_UPDATES);

    // Every projector catches up with every event of the tenant it follows.
    let mut followed = BTreeMap::new();
    for kind in KINDS {
        let positions = event_positions(&system.pool, t, followed_aggregate_types(&system, kind).await).await;
        live_log(kind).wait_for_all(t, &positions, WAIT, &format!("the live {} projector", kind.name())).await;
        followed.insert(kind.name(), positions);
    }
    kill_all(&mut projectors).await;
    let live_documents = documents(&client, t).await;
    eprintln!("workload projected after {:?}", started.elapsed());

    // The replay: a fresh projector of each kind, in a consumer group of its own, into an
    // empty Postgres database (the postgres and timescale projectors, as live they share one)
    // and an empty MongoDB database.
    let env = StackEnv::from_env();
    let admin = prism_platform::db::connect_url(&env.database_url, 1).await.expect("stack Postgres reachable");
    let database = create_database(&admin).await;
    // The live documents were read above; their database is the one the replay fills.
    client.database(&mongo::database_name(t)).drop().await.expect("live documents dropped");
    let mut replays = Vec::new();
    for kind in KINDS {
        let mut config = system.projector_config(kind);
        config.database.url = env.database_url_named(&database);
        config.consumer.consumer_group = Some(format!("{}-replay-{}", system.topic_prefix, kind.name()));
        replays.push(InProcessProjector::start(&config).await);
    }
    let replayed = prism_platform::db::connect_url(&env.database_url_named(&database), 2).await.expect("replay DB");
    for kind in KINDS {
        let what = format!("the {} replay", kind.name());
        AppliedLog::of(kind, &replayed, &client).wait_for_all(t, &followed[kind.name()], WAIT, &what).await;
    }
    eprintln!("replayed after {:?}", started.elapsed());

    // Every table a projector writes, then every document.
    let mut found = Vec::new();
    let mut compared = BTreeMap::new();
    let tables: Vec<Table> = LEDGER_TABLES
        .iter()
        .chain(IDENTITY_TABLES)
        .chain(SUPPLY_TABLES)
        .chain(TIMESERIES_TABLES)
        .chain([&APPLIED])
        .copied()
        .collect();
    for table in &tables {
        let (live, replay) = (rows(&system.pool, t, *table).await, rows(&replayed, t, *table).await);
        compared.insert(table.0.to_owned(), live.as_array().map_or(0, Vec::len));
        found.extend(differences(table.0, &live, &replay));
    }
    let replayed_documents = documents(&client, t).await;
    let collections: BTreeSet<&String> = live_documents.keys().chain(replayed_documents.keys()).collect();
    let empty = json!([]);
    for name in collections {
        let (live, replay) =
            (live_documents.get(name).unwrap_or(&empty), replayed_documents.get(name).unwrap_or(&empty));
        compared.insert(format!("mongo {name}"), live.as_array().map_or(0, Vec::len));
        found.extend(differences(&format!("mongo {name}"), live, replay));
    }
    let unlisted: Vec<String> = table_names(&replayed, t)
        .await
        .into_iter()
        .filter(|name| !NOT_READ_MODELS.contains(&name.as_str()) && !compared.contains_key(name))
        .collect();

    let mut stopped = Vec::new();
    for replay in replays {
        stopped.push(replay.stop().await);
    }
    replayed.close().await;
    drop_database(&admin, &database).await;
    admin.close().await;
    client.database(&mongo::database_name(t)).drop().await.expect("replayed documents dropped");
    eprintln!("compared {compared:?} in {:?}", started.elapsed());

    for stopped in &stopped {
        assert!(matches!(stopped, Ok(Ok(Ok(())))), "a replay projector stopped cleanly: {stopped:?}");
    }
    assert!(unlisted.is_empty(), "tables written by a projector but not compared: {unlisted:?}");
    assert!(found.is_empty(), "the replayed stores differ:\n{}", found.join("\n"));
    for (table, expected) in EXPECTED_ROWS {
        assert_eq!(compared[*table], *expected, "live {table}");
    }
    for (collection, expected) in EXPECTED_DOCUMENTS {
        assert_eq!(compared[&format!("mongo {collection}")], *expected, "live documents of {collection}");
    }
    let mongo_events = followed[ProjectorKind::Mongo.name()].len();
    assert_eq!(compared[&format!("mongo {}", mongo::APPLIED)], mongo_events, "every event applied once");
    for kind in [ProjectorKind::Postgres, ProjectorKind::Timescale] {
        let applied = system.count(t, &format!("projection_applied WHERE projector = '{}'", kind.name())).await;
        assert_eq!(
            usize::try_from(applied).unwrap(),
            followed[kind.name()].len(),
            "{} applied each event",
            kind.name()
        );
    }
}
