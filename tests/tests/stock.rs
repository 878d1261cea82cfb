//! Stock end to end on the real stack: items and locations defined through the command API,
//! goods received and issued under FIFO and moving average (the textbook example: receive
//! 10 @ 100 and 20 @ 120, issue 15 → cost of goods 1,600 under FIFO, 1,700 under moving
//! average), stock levels, movements, stock as of a past time and reorder suggestions read
//! back from Postgres and the time series; a long stock history decided from its snapshot as
//! a full replay would (and replayed in full when the snapshot no longer reads); many
//! reservations racing for the last units never oversell; and bad input refused with the field
//! at fault, changing nothing.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_projections::config::ProjectorKind;
use prism_tests::system::{Answer, System, SystemOptions};
use serde_json::json;

const STOCK_EVENTS: &str = "events WHERE aggregate_type = 'supply.stock'";

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres, ProjectorKind::Timescale], kafka_brokers: None }
}

fn assert_status(answer: &Answer, status: u16) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
}

fn assert_problem(answer: &Answer, status: u16, code: &str, field: &str) {
    assert_status(answer, status);
    assert_eq!(answer.body["type"], format!("urn:prism:problem:{code}"), "{}", answer.body);
    assert_eq!(answer.body["field"], field, "{}", answer.body);
}

/// Opens warehouse `WH1` with bins `WH1-A-01` and `WH1-A-02` in zone `WH1-A`.
async fn open_locations(system: &System, tenant: &str) {
    let locations = [
        json!({"code": "WH1", "name": "Main warehouse", "kind": "warehouse"}),
        json!({"code": "WH1-A", "name": "Aisle A", "kind": "zone", "parent": "WH1"}),
        json!({"code": "WH1-A-01", "name": "Bin 1", "kind": "bin", "parent": "WH1-A"}),
        json!({"code": "WH1-A-02", "name": "Bin 2", "kind": "bin", "parent": "WH1-A"}),
    ];
    for location in &locations {
        assert_status(&system.post(tenant, "/v1/locations", location).await, 201);
    }
}

async fn define_item(system: &System, tenant: &str, sku: &str, valuation: &str) {
    let item = json!({"sku": sku, "name": format!("Widget {sku}"), "unit_of_measure": "each",
                      "valuation_method": valuation, "currency": "EUR", "reorder_point": "20", "reorder_quantity": "50"});
    assert_status(&system.post(tenant, "/v1/items", &item).await, 201);
}

async fn receive(system: &System, tenant: &str, sku: &str, quantity: &str, unit_cost: i64) -> Answer {
    let receipt = json!({"sku": sku, "location": "WH1-A-01", "quantity": quantity, "unit_cost_minor": unit_cost});
    system.post(tenant, "/v1/stock/receipts", &receipt).await
}

/// The one location of a movement's answer: `(on hand, reserved, available, value)`.
fn location_stock(answer: &Answer) -> (i64, i64, i64, i64) {
    assert_status(answer, 201);
    let location = &answer.body["locations"][0];
    let amount = |field: &str| location[field].as_i64().unwrap();
    (amount("on_hand_milli"), amount("reserved_milli"), amount("available_milli"), amount("value_minor"))
}

#[tokio::test(flavor = "multi_thread")]
async fn fifo_and_moving_average_value_the_same_movements_as_the_textbook_says() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    open_locations(&system, t).await;
    define_item(&system, t, "W-FIFO", "fifo").await;
    define_item(&system, t, "W-AVG", "moving_average").await;

    for sku in ["W-FIFO", "W-AVG"] {
        assert_eq!(location_stock(&receive(&system, t, sku, "10", 100).await), (10_000, 0, 10_000, 1_000));
        assert_eq!(location_stock(&receive(&system, t, sku, "20", 120).await), (30_000, 0, 30_000, 3_400));
    }
    let issue = |sku: &str| json!({"sku": sku, "location": "WH1-A-01", "quantity": 15, "reference": "SO-1"});
    // FIFO: 10 @ 100 + 5 @ 120 = 1,600 leaves 3,400 − 1,600 = 1,800.
    let fifo = system.post(t, "/v1/stock/issues", &issue("W-FIFO")).await;
    assert_eq!(location_stock(&fifo), (15_000, 0, 15_000, 1_800));
    // Moving average: 15 × 3,400 / 30 = 1,700 leaves 1,700.
    let average = system.post(t, "/v1/stock/issues", &issue("W-AVG")).await;
    assert_eq!(location_stock(&average), (15_000, 0, 15_000, 1_700));

    // Transfer 5 FIFO units (at 120 each) to the second bin: value moves with them.
    let transfer = json!({"sku": "W-FIFO", "from_location": "WH1-A-01", "to_location": "WH1-A-02", "quantity": "5"});
    let moved = system.post(t, "/v1/stock/transfers", &transfer).await;
    assert_status(&moved, 201);
    let position = moved.body["position"].as_i64();
    system.await_postgres_caught_up(t).await;
    let levels = system.get(t, "/v1/stock?sku=W-FIFO", position).await;
    assert_status(&levels, 200);
    let rows: Vec<(String, i64, i64)> = levels.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["location"].as_str().unwrap().to_owned(),
                l["on_hand_milli"].as_i64().unwrap(),
                l["value_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, vec![("WH1-A-01".to_owned(), 10_000, 1_200), ("WH1-A-02".to_owned(), 5_000, 600)]);

    // Both items are below their reorder point of 20: order 50 (the reorder quantity).
    let suggestions = system.get(t, "/v1/reorder-suggestions", None).await;
    let suggested: Vec<(&str, i64)> = suggestions.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["sku"].as_str().unwrap(), s["suggested_quantity_milli"].as_i64().unwrap()))
        .collect();
    assert_eq!(suggested, vec![("W-AVG", 50_000), ("W-FIFO", 50_000)]);

    // The time series: every movement in order, and the stock as it stood before the issue.
    let movements = system.get(t, "/v1/stock/W-FIFO/movements", position).await;
    assert_status(&movements, 200);
    let kinds: Vec<(&str, i64, i64)> = movements.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["movement"].as_str().unwrap(),
                m["quantity_change_milli"].as_i64().unwrap(),
                m["value_change_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("receipt", 10_000, 1_000),
            ("receipt", 20_000, 2_400),
            ("issue", -15_000, -1_600),
            ("transfer_out", -5_000, -600),
            ("transfer_in", 5_000, 600)
        ]
    );
    let before_issue = movements.body["items"][2]["recorded_at"].as_str().unwrap();
    let at = chrono::DateTime::parse_from_rfc3339(before_issue).unwrap() - chrono::Duration::microseconds(1);
    let url = format!("/v1/stock/W-FIFO/as-of?at={}", at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
    let as_of = system.get(t, &url, None).await;
    assert_status(&as_of, 200);
    assert_eq!(
        as_of.body["locations"],
        json!([{"location": "WH1-A-01", "on_hand_milli": 30_000,
                                                "reserved_milli": 0, "value_minor": 3_400}])
    );
}

/// The snapshots kept of stock `sku` of `tenant`: `(last_sequence, current_snapshot)` each.
async fn stock_snapshots(system: &System, tenant: &str, sku: &str) -> Vec<(i64, i64)> {
    sqlx::query_as(&format!(
        "SELECT last_sequence, current_snapshot FROM tenant_{tenant}.snapshots
          WHERE aggregate_type = 'supply.stock' AND aggregate_id = $1 ORDER BY last_sequence"
    ))
    .bind(sku)
    .fetch_all(&system.pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_stock_history_decides_from_its_snapshot_as_a_full_replay_would() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    open_locations(&system, t).await;
    define_item(&system, t, "LONG", "fifo").await;
    // 205 receipts of one unit each, the n-th at 100 + n: 205 FIFO layers worth 41,410.
    for n in 0..205 {
        assert_status(&receive(&system, t, "LONG", "1", 100 + n).await, 201);
    }
    let events = system.count(t, &format!("{STOCK_EVENTS} AND aggregate_id = 'LONG'")).await;
    let snapshots = stock_snapshots(&system, t, "LONG").await;
    assert_eq!(snapshots.len(), 1, "the newest snapshot alone is kept: {snapshots:?}");
    let (taken_at, _) = snapshots[0];
    assert!(
        taken_at >= events - events % 100 && taken_at <= events,
        "taken by the command that reached the last multiple of 100 events ({taken_at} of {events})"
    );

    // Loaded from the snapshot and the events after it: issuing 150 takes the 150 oldest
    // layers, 100 + … + 249 = 26,175, and leaves 55 units worth 15,235.
    let issue = |quantity: &str, reference: &str| json!({"sku": "LONG", "location": "WH1-A-01", "quantity": quantity, "reference": reference});
    let issued = system.post(t, "/v1/stock/issues", &issue("150", "SO-1")).await;
    assert_eq!(location_stock(&issued), (55_000, 0, 55_000, 15_235));

    // A snapshot that no longer deserializes is passed over: the whole history is replayed.
    sqlx::query(&format!("UPDATE tenant_{t}.snapshots SET payload = '\"not a stock\"' WHERE aggregate_id = 'LONG'"))
        .execute(&system.pool)
        .await
        .unwrap();
    // The next five layers: 250 + … + 254 = 1,260.
    let issued = system.post(t, "/v1/stock/issues", &issue("5", "SO-2")).await;
    assert_eq!(location_stock(&issued), (50_000, 0, 50_000, 13_975));
}

#[tokio::test(flavor = "multi_thread")]
async fn reservations_racing_for_the_last_units_never_oversell() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    open_locations(&system, t).await;
    define_item(&system, t, "LAST", "fifo").await;
    assert_status(&receive(&system, t, "LAST", "10", 100).await, 201);

    let attempts = 24;
    let answers = futures::future::join_all((0..attempts).map(|n| {
        let reservation = json!({"sku": "LAST", "location": "WH1-A-01", "quantity": "1",
                                 "reservation_id": format!("SO-{n}")});
        let system = &system;
        async move { system.post(t, "/v1/stock/reservations", &reservation).await }
    }))
    .await;
    let reserved = answers.iter().filter(|a| a.status == 201).count();
    let refused: Vec<&Answer> = answers.iter().filter(|a| a.status != 201).collect();
    assert_eq!(reserved, 10, "exactly the 10 units on hand are reserved");
    for answer in &refused {
        assert_problem(answer, 422, "insufficient-stock", "quantity");
    }

    system.await_postgres_caught_up(t).await;
    let levels = system.get(t, "/v1/stock?sku=LAST", None).await;
    assert_eq!(levels.body["items"][0]["reserved_milli"], 10_000, "{}", levels.body);
    assert_eq!(levels.body["items"][0]["available_milli"], 0);

    // Releasing a reservation frees its unit; releasing it again records nothing.
    let winner = answers.iter().position(|a| a.status == 201).unwrap();
    let release = json!({"sku": "LAST", "reservation_id": format!("SO-{winner}")});
    let released = system.post(t, "/v1/stock/releases", &release).await;
    assert_eq!(location_stock(&released), (10_000, 9_000, 1_000, 1_000));
    let again = system.post(t, "/v1/stock/releases", &release).await;
    assert_eq!(again.body["version"], released.body["version"], "a repeated release records nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_stock_movements_are_refused_naming_the_field_and_write_nothing() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    open_locations(&system, t).await;
    define_item(&system, t, "BOLT", "fifo").await;

    let unknown_item = receive(&system, t, "NOPE", "1", 10).await;
    assert_problem(&unknown_item, 404, "item-not-found", "sku");
    let zero = json!({"sku": "BOLT", "location": "WH1-A-01", "quantity": "0", "unit_cost_minor": 10});
    assert_problem(&system.post(t, "/v1/stock/receipts", &zero).await, 422, "invalid-quantity", "quantity");
    let nowhere = json!({"sku": "BOLT", "location": "WH9", "quantity": "1", "unit_cost_minor": 10});
    assert_problem(&system.post(t, "/v1/stock/receipts", &nowhere).await, 422, "location-not-found", "location");
    let too_many = json!({"sku": "BOLT", "location": "WH1-A-01", "quantity": "1"});
    assert_problem(&system.post(t, "/v1/stock/issues", &too_many).await, 422, "insufficient-stock", "quantity");
    let same = json!({"sku": "BOLT", "from_location": "WH1-A-01", "to_location": "WH1-A-01", "quantity": "1"});
    assert_problem(&system.post(t, "/v1/stock/transfers", &same).await, 422, "same-location", "to_location");
    assert_eq!(system.count(t, STOCK_EVENTS).await, 0, "a refused movement records nothing");

    let bad_sku = json!({"sku": "bolt", "name": "Bolt", "unit_of_measure": "each", "valuation_method": "fifo", "currency": "EUR"});
    let refused = system.post(t, "/v1/items", &bad_sku).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.body["field"], "sku");
    let bad_method =
        json!({"sku": "NUT", "name": "Nut", "unit_of_measure": "each", "valuation_method": "lifo", "currency": "EUR"});
    assert_eq!(system.post(t, "/v1/items", &bad_method).await.body["field"], "valuation_method");
    let orphan_bin = json!({"code": "BIN-X", "name": "Orphan", "kind": "bin"});
    assert_eq!(system.post(t, "/v1/locations", &orphan_bin).await.status, 422);
}
