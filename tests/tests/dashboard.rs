//! The dashboard page in a real headless Chromium (Debian's `chromium`, which `scripts/prism
//! install` installs; `PRISM_CHROMIUM` names another): opened from a link carrying the access
//! token, as a person would, it shows this month's KPI tiles, the revenue and cash charts, the
//! trial balance, the stock and the sales orders of a small scenario; its screenshot is kept as
//! `target/test-artifacts/dashboard.png`. Without a token the page is refused like any route.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use prism_projections::config::ProjectorKind;
use prism_tests::stock_scenario::{order_widgets, receive_ten_widgets};
use prism_tests::system::{accepted, eventually, System, SystemOptions};
use serde_json::{json, Value};

/// Runs headless Chromium on `url` with `arguments`: its standard output.
fn chromium(url: &str, arguments: &[&str]) -> String {
    let binary = std::env::var("PRISM_CHROMIUM").unwrap_or_else(|_| "chromium".to_owned());
    let output = Command::new(&binary)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"])
        .args(arguments)
        .arg(url)
        .output()
        .unwrap_or_else(|error| panic!("{binary} runs (scripts/prism install installs chromium): {error}"));
    assert!(output.status.success(), "{binary}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_shows_the_tenants_kpis_books_stock_and_orders_in_a_real_browser() {
    let options =
        SystemOptions { projectors: vec![ProjectorKind::Postgres, ProjectorKind::Timescale], kafka_brokers: None };
    let system = System::start_with(options).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    let today = chrono::Utc::now().date_naive().to_string();
    let capital = json!({"date": today, "description": "capital", "lines": [
        {"account": "1000", "debit": 100_000, "currency": "EUR"}, {"account": "3000", "credit": 100_000, "currency": "EUR"}]});
    accepted(&system.post(t, "/v1/journal-entries", &capital).await, 201);
    let sale = json!({"date": today, "description": "a sale for cash", "lines": [
        {"account": "1000", "debit": 30_000, "currency": "EUR"}, {"account": "4100", "credit": 30_000, "currency": "EUR"}]});
    accepted(&system.post(t, "/v1/journal-entries", &sale).await, 201);
    receive_ten_widgets(&system, t).await;
    order_widgets(&system, t, "4").await;

    let url = format!("{}/v1/dashboard?currency=EUR&access_token={}", system.query_url, system.token(t).await);
    // The read models catch up on several partitions: look until the page shows all of it.
    let page = eventually(Duration::from_secs(30), "the dashboard to show the scenario", || async {
        let page = chromium(&url, &["--dump-dom"]);
        missing(&page).is_empty().then_some(page)
    })
    .await;
    assert!(page.contains("Revenue per month") && page.contains("<svg"), "the charts");

    let artifacts = system.env.repo_root.join("target").join("test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let screenshot = artifacts.join("dashboard.png");
    let _ = std::fs::remove_file(&screenshot);
    let target = format!("--screenshot={}", screenshot.display());
    chromium(&url, &[&target, "--window-size=1280,1800"]);
    assert_png(&screenshot);

    let anonymous = reqwest::get(format!("{}/v1/dashboard", system.query_url)).await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let bad = reqwest::get(format!("{url}&months=99")).await.unwrap();
    assert_eq!(bad.status().as_u16(), 422);
    assert_eq!(bad.json::<Value>().await.unwrap()["field"], "months");
}

/// What the scenario should show that `page` does not (hand-computed: cash 1,000.00 + 300.00;
/// revenue 300.00; one order of 4 × 2.50; ten widgets at 1.00, none reserved).
fn missing(page: &str) -> Vec<&'static str> {
    let tile = |kpi: &str| {
        page.find(&format!("data-kpi=\"{kpi}\"")).map(|start| page[start..].split("</div>").next().unwrap_or_default())
    };
    let expected: [(&str, bool); 7] = [
        ("revenue tile", tile("revenue").is_some_and(|tile| tile.contains(">300.00<"))),
        ("cash tile", tile("cash-position").is_some_and(|tile| tile.contains(">1,300.00<"))),
        ("orders tile", tile("orders").is_some_and(|tile| tile.contains(">1<"))),
        ("average order tile", tile("average-order-value").is_some_and(|tile| tile.contains(">10.00<"))),
        (
            "balanced trial balance",
            page.contains("<td>4100</td>") && page.contains("<th class=\"number\">1,300.00</th><th class=\"number\">1,300.00</th>"),
        ),
        (
            "stock",
            page.contains("<td>WIDGET</td><td>WH1</td><td class=\"number\">10</td><td class=\"number\">10</td><td class=\"number\">10.00</td>"),
        ),
        ("the placed order", page.contains("<tr data-status=\"placed\"><td>placed</td><td class=\"number\">1</td>")),
    ];
    expected.into_iter().filter(|(_, shown)| !shown).map(|(what, _)| what).collect()
}

/// Asserts `path` is a PNG image of a real page, not an empty one.
fn assert_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    assert!(bytes.len() > 20_000, "a screenshot of a page with content: {} bytes", bytes.len());
}
