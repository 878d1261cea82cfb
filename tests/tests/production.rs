//! Production (Forge) on the real stack, through both APIs: a bill of materials revised into
//! versions and exploded through its levels, a cycle refused; a work order planned against a
//! version, released, started and completed, moving across the status board; the material
//! requirements of open orders set against stock on hand; bad input is 4xx problem+json naming
//! the field and records nothing; a work order's MongoDB document keeps its status history; a
//! user without the production permissions is refused; yield
//! and scrap rates from the time series count completed orders and those scrapped in progress.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_projections::config::ProjectorKind;
use prism_tests::system::{accepted, assert_refused, new_tenant, Answer, System, SystemOptions};
use serde_json::{json, Value};

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

/// A read at `position` that answers 200.
async fn read(system: &System, tenant: &str, path: &str, position: Option<i64>) -> Value {
    let answer = system.get(tenant, path, position).await;
    assert_eq!(answer.status.as_u16(), 200, "{path}: {}", answer.body);
    answer.body
}

/// Warehouse `WH1` and the items of a bike: the bike, its frame, wheels (made of spokes and a
/// rim) and the spokes and rims.
async fn bike_catalog(system: &System, tenant: &str) {
    system.open_warehouse(tenant, "WH1").await;
    for sku in ["BIKE", "FRAME", "WHEEL", "SPOKE", "RIM"] {
        system.define_item(tenant, sku, "fifo").await;
    }
}

async fn revise(system: &System, tenant: &str, sku: &str, lines: Value) -> Answer {
    system.post(tenant, &format!("/v1/boms/{sku}/revisions"), &json!({ "lines": lines })).await
}

/// `(status, count)` of each column of the board.
fn board_counts(board: &Value) -> Vec<(String, i64)> {
    let columns = board["columns"].as_array().unwrap();
    columns.iter().map(|c| (c["status"].as_str().unwrap().to_owned(), c["count"].as_i64().unwrap())).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bill_of_materials_is_versioned_exploded_through_its_levels_and_refuses_a_cycle() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    bike_catalog(&system, &tenant).await;
    let wheel = revise(
        &system,
        &tenant,
        "WHEEL",
        json!([{"component_sku": "SPOKE", "quantity": "36"},
                                                         {"component_sku": "RIM", "quantity": "1"}]),
    )
    .await;
    accepted(&wheel, 201);
    let first = revise(&system, &tenant, "BIKE", json!([{"component_sku": "FRAME", "quantity": "1"}])).await;
    assert_eq!(first.body["bom_version"], 1);
    accepted(&first, 201);
    let lines = json!([{"component_sku": "FRAME", "quantity": "1"}, {"component_sku": "WHEEL", "quantity": "2"}]);
    let second = revise(&system, &tenant, "BIKE", lines.clone()).await;
    accepted(&second, 201);
    assert_eq!(second.body["bom_version"], 2);
    let same = revise(&system, &tenant, "BIKE", lines).await;
    let position = accepted(&same, 200);
    assert_eq!(same.body["bom_version"], 2, "the same lines again record nothing");

    let bom = read(&system, &tenant, "/v1/boms/BIKE", Some(position)).await;
    assert_eq!((bom["version"].as_i64(), bom["versions"].clone()), (Some(2), json!([1, 2])));
    assert_eq!(bom["lines"][1]["component_sku"], "WHEEL");
    let older = read(&system, &tenant, "/v1/boms/BIKE?version=1", None).await;
    assert_eq!(older["lines"].as_array().unwrap().len(), 1);

    // Three bikes: 3 frames, 6 wheels, and below the wheels 216 spokes and 6 rims.
    let exploded = read(&system, &tenant, "/v1/boms/BIKE/explosion?quantity=3", None).await;
    let lines: Vec<(i64, &str, i64, bool)> = exploded["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["level"].as_i64().unwrap(),
                l["component_sku"].as_str().unwrap(),
                l["quantity_milli"].as_i64().unwrap(),
                l["leaf"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [(1, "FRAME", 3_000, true), (1, "WHEEL", 6_000, false), (2, "SPOKE", 216_000, true), (2, "RIM", 6_000, true)]
    );
    assert_eq!(
        exploded["leaves"],
        json!([{"component_sku": "FRAME", "quantity_milli": 3_000},
        {"component_sku": "RIM", "quantity_milli": 6_000}, {"component_sku": "SPOKE", "quantity_milli": 216_000}])
    );

    // A spoke made of bikes would make a bike contain itself.
    let cycle = revise(&system, &tenant, "SPOKE", json!([{"component_sku": "BIKE", "quantity": "1"}])).await;
    assert_refused(&cycle, 422, "bom-cycle", Some("lines[0].component_sku"));
    let zero = revise(&system, &tenant, "RIM", json!([{"component_sku": "SPOKE", "quantity": "0"}])).await;
    assert_refused(&zero, 422, "invalid-quantity", Some("lines[0].quantity"));
    assert_eq!(
        system
            .count(&tenant, "events WHERE aggregate_type = 'production.bom' AND aggregate_id IN ('SPOKE', 'RIM')")
            .await,
        0
    );
    let missing = system.get(&tenant, "/v1/boms/SPOKE", None).await;
    missing.assert_problem(404, "not-found");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_work_order_moves_across_the_board_and_its_components_are_required_until_it_starts() {
    let projectors = vec![ProjectorKind::Postgres, ProjectorKind::Mongo];
    let system = System::start_with(SystemOptions { projectors, kafka_brokers: None }).await;
    let tenant = new_tenant();
    bike_catalog(&system, &tenant).await;
    let lines = json!([{"component_sku": "FRAME", "quantity": "1"}, {"component_sku": "WHEEL", "quantity": "2"}]);
    accepted(&revise(&system, &tenant, "BIKE", lines).await, 201);
    let receipt = json!({"sku": "WHEEL", "location": "WH1", "quantity": "15", "unit_cost_minor": 4_000});
    let received = accepted(&system.post(&tenant, "/v1/stock/receipts", &receipt).await, 201);

    let plan = json!({"sku": "BIKE", "quantity": "10", "location": "WH1", "due_date": "2026-12-15"});
    let planned = system.post(&tenant, "/v1/work-orders", &plan).await;
    let position = accepted(&planned, 201);
    assert_eq!(planned.body["status"], "planned");
    let id = planned.body["work_order_id"].as_str().unwrap().to_owned();

    // Ten bikes need 10 frames (none in stock) and 20 wheels (15 in stock). A position proves its
    // own event applied, not those of other aggregates: wait for the receipt too.
    read(&system, &tenant, "/v1/material-requirements", Some(received)).await;
    let needs = read(&system, &tenant, "/v1/material-requirements", Some(position)).await;
    let rows: Vec<(&str, i64, i64, i64)> = needs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["component_sku"].as_str().unwrap(),
                r["required_milli"].as_i64().unwrap(),
                r["available_milli"].as_i64().unwrap(),
                r["shortage_milli"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, [("FRAME", 10_000, 0, 10_000), ("WHEEL", 20_000, 15_000, 5_000)]);
    let order = read(&system, &tenant, &format!("/v1/work-orders/{id}"), None).await;
    assert_eq!((order["bom_version"].as_i64(), order["components"].as_array().unwrap().len()), (Some(1), 2));

    let mut started_at = 0;
    for (step, status) in [("release", "released"), ("start", "in_progress")] {
        let answer = system.post(&tenant, &format!("/v1/work-orders/{id}/{step}"), &Value::Null).await;
        started_at = accepted(&answer, 200);
        assert_eq!(answer.body["status"], status);
    }
    let started = system.post(&tenant, &format!("/v1/work-orders/{id}/release"), &Value::Null).await;
    assert_refused(&started, 409, "wrong-status", None);
    let position = accepted(&system.post(&tenant, "/v1/work-orders", &plan).await, 201);
    // A position proves its own event applied, not those of other orders (other partitions):
    // wait for the start too.
    read(&system, &tenant, "/v1/work-orders/board", Some(started_at)).await;
    let board = read(&system, &tenant, "/v1/work-orders/board", Some(position)).await;
    let expected = [("planned", 1), ("released", 0), ("in_progress", 1), ("completed", 0), ("scrapped", 0)];
    assert_eq!(board_counts(&board), expected.map(|(s, c)| (s.to_owned(), c)));
    let needs = read(&system, &tenant, "/v1/material-requirements?short_only=true", None).await;
    assert_eq!(needs["items"][0]["work_orders"], 1, "a started order needs nothing more: {needs}");

    let bad = system.post(&tenant, &format!("/v1/work-orders/{id}/complete"), &json!({"good_quantity": "0"})).await;
    assert_refused(&bad, 422, "invalid-quantity", Some("good_quantity"));
    let done = json!({"good_quantity": "9", "scrapped_quantity": "1"});
    let position = accepted(&system.post(&tenant, &format!("/v1/work-orders/{id}/complete"), &done).await, 200);
    let order = read(&system, &tenant, &format!("/v1/work-orders/{id}"), Some(position)).await;
    assert_eq!(order["status"], "completed");
    assert_eq!(
        (order["good_quantity_milli"].as_i64(), order["scrapped_quantity_milli"].as_i64()),
        (Some(9_000), Some(1_000))
    );
    let completed = read(&system, &tenant, "/v1/work-orders?status=completed", None).await;
    assert_eq!(completed["items"].as_array().unwrap().len(), 1);

    // The order's MongoDB document keeps its whole status history and its outcome.
    let document = read(&system, &tenant, &format!("/v1/work-orders/{id}/document"), Some(position)).await;
    let history: Vec<&str> =
        document["status_history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(history, ["planned", "released", "in_progress", "completed"]);
    assert_eq!(
        (document["good_quantity_milli"].as_i64(), document["due_date"].as_str()),
        (Some(9_000), Some("2026-12-15"))
    );
    assert_eq!(document["components"][1]["component_sku"], "WHEEL");
    let missing = system.get(&tenant, &format!("/v1/work-orders/{}/document", uuid::Uuid::now_v7()), None).await;
    missing.assert_problem(404, "not-found");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_work_orders_are_refused_naming_the_field_and_record_nothing() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    bike_catalog(&system, &tenant).await;
    accepted(&revise(&system, &tenant, "BIKE", json!([{"component_sku": "FRAME", "quantity": "1"}])).await, 201);
    let cases = [
        (json!({"sku": "BIKE", "quantity": "1", "location": "WH1", "bom_version": 7}), "bom-not-found", "bom_version"),
        (json!({"sku": "FRAME", "quantity": "1", "location": "WH1"}), "bom-not-found", "sku"),
        (json!({"sku": "BIKE", "quantity": "-1", "location": "WH1"}), "invalid-quantity", "quantity"),
        (json!({"sku": "BIKE", "quantity": "1", "location": "WH9"}), "location-not-found", "location"),
    ];
    for (body, code, field) in cases {
        assert_refused(&system.post(&tenant, "/v1/work-orders", &body).await, 422, code, Some(field));
    }
    assert_eq!(system.count(&tenant, "events WHERE aggregate_type = 'production.work_order'").await, 0);
    let unknown = system.post(&tenant, &format!("/v1/work-orders/{}/start", uuid::Uuid::now_v7()), &Value::Null).await;
    assert_refused(&unknown, 404, "work-order-not-found", None);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_users_holding_the_production_permissions_revise_bills_and_plan_work_orders() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    bike_catalog(&system, &tenant).await;
    let seller = system.user_token(&tenant, &["sales"]).await;
    let lines = json!({"lines": [{"component_sku": "FRAME", "quantity": "1"}]});
    let refused = system.post_as(&seller, "/v1/boms/BIKE/revisions", &lines).await;
    assert_refused(&refused, 403, "forbidden", None);
    assert_eq!(refused.body["permission"], "production.bom.manage");
    let plan = json!({"sku": "BIKE", "quantity": "1", "location": "WH1"});
    assert_eq!(system.post_as(&seller, "/v1/work-orders", &plan).await.body["permission"], "production.wo.manage");
    let clerk = system.user_token(&tenant, &["warehouse"]).await;
    accepted(&system.post_as(&clerk, "/v1/boms/BIKE/revisions", &lines).await, 201);
    accepted(&system.post_as(&clerk, "/v1/work-orders", &plan).await, 201);
}

/// Plans a work order for `quantity` bikes and takes it through `steps`; the position of the
/// last command.
async fn work_order(system: &System, tenant: &str, quantity: &str, steps: &[(&str, Value)]) -> i64 {
    let plan = json!({"sku": "BIKE", "quantity": quantity, "location": "WH1"});
    let planned = system.post(tenant, "/v1/work-orders", &plan).await;
    let mut position = accepted(&planned, 201);
    let id = planned.body["work_order_id"].as_str().unwrap().to_owned();
    for (step, body) in steps {
        position = accepted(&system.post(tenant, &format!("/v1/work-orders/{id}/{step}"), body).await, 200);
    }
    position
}

#[tokio::test(flavor = "multi_thread")]
async fn yield_and_scrap_rates_count_what_completed_and_what_was_scrapped_in_progress() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Timescale], kafka_brokers: None }).await;
    let tenant = new_tenant();
    bike_catalog(&system, &tenant).await;
    let lines = json!([{"component_sku": "FRAME", "quantity": "1"}, {"component_sku": "WHEEL", "quantity": "2"}]);
    accepted(&revise(&system, &tenant, "BIKE", lines).await, 201);
    let (release, start) = (("release", Value::Null), ("start", Value::Null));
    let nine_good = ("complete", json!({"good_quantity": "9", "scrapped_quantity": "1"}));
    let four_good = ("complete", json!({"good_quantity": "4"}));
    let scrap = ("scrap", json!({"reason": "frame cracked"}));
    // Nine good and one scrapped; four good; one scrapped in progress (all of it scrap); two
    // scrapped before they started (nothing made, not counted).
    work_order(&system, &tenant, "10", &[release.clone(), start.clone(), nine_good]).await;
    work_order(&system, &tenant, "4", &[release.clone(), start.clone(), four_good]).await;
    work_order(&system, &tenant, "1", &[release.clone(), start, scrap.clone()]).await;
    let position = work_order(&system, &tenant, "2", &[release, scrap]).await;

    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today.pred_opt().unwrap(), today.succ_opt().unwrap());
    let path = format!("/v1/production/yield?from={from}&to={to}&bucket=month");
    let report = read(&system, &tenant, &path, Some(position)).await;
    assert_eq!(report["bucket"], "month");
    let buckets = report["buckets"].as_array().unwrap();
    let sum = |field: &str| buckets.iter().map(|b| b[field].as_i64().unwrap()).sum::<i64>();
    assert_eq!(
        (sum("work_orders"), sum("scrapped_work_orders"), sum("good_quantity_milli"), sum("scrapped_quantity_milli")),
        (3, 1, 13_000, 2_000),
        "{report}"
    );
    assert!(buckets.iter().all(|b| b["sku"] == "BIKE"), "{report}");
    if let [bucket] = buckets.as_slice() {
        // 13 of 15 good: 86.67 %, 13.33 % scrapped (a run across a month's end splits them).
        assert_eq!(
            (bucket["yield_basis_points"].as_i64(), bucket["scrap_rate_basis_points"].as_i64()),
            (Some(8_667), Some(1_333))
        );
    }
    let frames = read(&system, &tenant, &format!("/v1/production/yield?from={from}&to={to}&sku=FRAME"), None).await;
    assert_eq!(frames["buckets"], json!([]));

    let unknown = system.get(&tenant, &format!("/v1/production/yield?from={from}&to={to}&bucket=year"), None).await;
    assert_refused(&unknown, 422, "invalid-field", Some("bucket"));
    let open = system.get(&tenant, "/v1/production/yield?to=2026-01-01", None).await;
    assert_refused(&open, 422, "invalid-field", Some("from"));
}
