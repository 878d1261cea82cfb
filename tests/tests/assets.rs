//! Plant equipment (Forge assets) on the real stack, through both APIs: an asset registered
//! with a maintenance interval, maintained (its next due date moves by the interval), down
//! twice (a breakdown and a planned stop) with the report of downtime and availability over a
//! day, retired for good; bad input is 4xx problem+json naming the field and records nothing;
//! only users holding `production.asset.manage` change assets; a downtime ended without a
//! time ends now.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use chrono::{Days, NaiveDate, Utc};
use prism_projections::config::ProjectorKind;
use prism_tests::system::{accepted, assert_refused, new_tenant, System, SystemOptions};
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

/// `day` at `time` (`HH:MM`), UTC, as RFC 3339.
fn at(day: NaiveDate, time: &str) -> String {
    format!("{day}T{time}:00Z")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_asset_is_maintained_goes_down_and_up_and_its_downtime_is_reported() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    system.open_warehouse(&tenant, "WH1").await;
    let yesterday = Utc::now().date_naive().pred_opt().unwrap();
    let first_due = yesterday.checked_add_days(Days::new(10)).unwrap();
    let body = json!({"name": "Press 2", "location": "WH1", "maintenance_interval_days": 30,
                      "next_maintenance_due": first_due});
    let registered = system.post(&tenant, "/v1/assets", &body).await;
    accepted(&registered, 201);
    assert_eq!(
        (registered.body["status"].as_str(), registered.body["next_maintenance_due"].as_str()),
        (Some("running"), Some(first_due.to_string().as_str()))
    );
    let id = registered.body["asset_id"].as_str().unwrap().to_owned();
    let post = |path: &str, body: Value| {
        let (system, tenant, path) = (&system, &tenant, format!("/v1/assets/{id}/{path}"));
        async move { system.post(tenant, &path, &body).await }
    };

    // Maintained yesterday: next due 30 days on.
    let maintained = post("maintenance", json!({"performed_on": yesterday, "notes": "oil changed"})).await;
    accepted(&maintained, 200);
    let next_due = yesterday.checked_add_days(Days::new(30)).unwrap().to_string();
    assert_eq!(maintained.body["next_maintenance_due"], next_due.as_str());

    // A 90-minute breakdown, then a planned 30-minute stop.
    let down = post("downtime/start", json!({"started_at": at(yesterday, "08:00"), "reason": "hydraulic leak"})).await;
    accepted(&down, 200);
    assert_eq!(down.body["status"], "down");
    let again = post("downtime/start", json!({"started_at": at(yesterday, "08:30"), "reason": "again"})).await;
    assert_refused(&again, 409, "wrong-status", None);
    accepted(&post("downtime/end", json!({"ended_at": at(yesterday, "09:30")})).await, 200);
    let overlap = post("downtime/start", json!({"started_at": at(yesterday, "09:00"), "reason": "overlap"})).await;
    assert_refused(&overlap, 422, "downtime-overlap", Some("started_at"));
    let planned = json!({"started_at": at(yesterday, "10:00"), "reason": "die change", "planned": true});
    accepted(&post("downtime/start", planned).await, 200);
    let backwards = post("downtime/end", json!({"ended_at": at(yesterday, "09:59")})).await;
    assert_refused(&backwards, 422, "end-not-after-start", Some("ended_at"));
    let position = accepted(&post("downtime/end", json!({"ended_at": at(yesterday, "10:30")})).await, 200);

    let asset = read(&system, &tenant, &format!("/v1/assets/{id}"), Some(position)).await;
    assert_eq!(
        (asset["status"].as_str(), asset["next_maintenance_due"].as_str()),
        (Some("running"), Some(next_due.as_str()))
    );
    assert_eq!(asset["maintenance_overdue"], false);
    assert_eq!(asset["maintenance"], json!([{"performed_on": yesterday, "notes": "oil changed"}]));
    let downtimes: Vec<(&str, i64, bool)> = asset["downtimes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (d["reason"].as_str().unwrap(), d["duration_seconds"].as_i64().unwrap(), d["planned"].as_bool().unwrap())
        })
        .collect();
    assert_eq!(downtimes, [("die change", 1_800, true), ("hydraulic leak", 5_400, false)]);

    // Two hours down in a day of 86,400 seconds: 91.67 % available.
    let report = read(&system, &tenant, &format!("/v1/assets/downtime?from={yesterday}&to={yesterday}"), None).await;
    assert_eq!(report["period_seconds"], 86_400);
    let row = &report["items"][0];
    assert_eq!(
        (
            row["downtimes"].as_i64(),
            row["downtime_seconds"].as_i64(),
            row["planned_seconds"].as_i64(),
            row["unplanned_seconds"].as_i64()
        ),
        (Some(2), Some(7_200), Some(1_800), Some(5_400))
    );
    assert_eq!(row["availability_basis_points"], 9_167);
    let due_soon = read(&system, &tenant, &format!("/v1/assets?maintenance_due_by={first_due}"), None).await;
    assert_eq!(due_soon["items"], json!([]), "maintenance moved the due date past {first_due}");

    // Retired for good: nothing more is accepted.
    let retired = post("retire", json!({"retired_on": Utc::now().date_naive(), "reason": "worn out"})).await;
    accepted(&retired, 200);
    assert_eq!(retired.body["status"], "retired");
    let late = post("maintenance", json!({"performed_on": Utc::now().date_naive()})).await;
    assert_refused(&late, 409, "wrong-status", None);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_assets_are_refused_naming_the_field_and_only_asset_managers_change_them() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    system.open_warehouse(&tenant, "WH1").await;
    let cases = [
        (json!({"name": "Press", "location": "WH9"}), "location-not-found", "location"),
        (json!({"name": " ", "location": "WH1"}), "blank", "name"),
        (
            json!({"name": "Press", "location": "WH1", "maintenance_interval_days": 0}),
            "invalid-interval",
            "maintenance_interval_days",
        ),
    ];
    for (body, code, field) in cases {
        assert_refused(&system.post(&tenant, "/v1/assets", &body).await, 422, code, Some(field));
    }
    assert_eq!(system.count(&tenant, "events WHERE aggregate_type = 'production.asset'").await, 0);
    let unknown = system
        .post(
            &tenant,
            &format!("/v1/assets/{}/retire", uuid::Uuid::now_v7()),
            &json!({"retired_on": "2026-01-01", "reason": "x"}),
        )
        .await;
    assert_refused(&unknown, 404, "asset-not-found", None);
    let report = system.get(&tenant, "/v1/assets/downtime?from=2026-01-01", None).await;
    assert_refused(&report, 422, "invalid-field", Some("to"));

    let body = json!({"name": "Press", "location": "WH1"});
    let seller = system.user_token(&tenant, &["sales"]).await;
    let refused = system.post_as(&seller, "/v1/assets", &body).await;
    assert_refused(&refused, 403, "forbidden", None);
    assert_eq!(refused.body["permission"], "production.asset.manage");
    let clerk = system.user_token(&tenant, &["warehouse"]).await;
    let registered = system.post_as(&clerk, "/v1/assets", &body).await;
    accepted(&registered, 201);

    // A downtime that started an hour ago ends now when the body gives no time.
    let id = registered.body["asset_id"].as_str().unwrap();
    let hour_ago = (Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let down = json!({"started_at": hour_ago, "reason": "jam"});
    accepted(&system.post_as(&clerk, &format!("/v1/assets/{id}/downtime/start"), &down).await, 200);
    let up = system.post_as(&clerk, &format!("/v1/assets/{id}/downtime/end"), &Value::Null).await;
    accepted(&up, 200);
    assert_eq!((up.body["status"].as_str(), up.body["down_since"].as_str()), (Some("running"), None));
}
