//! What an operator's probes and scrapes see, on the real stack: every process is live at
//! `/health/live` and ready at `/health/ready` only while what it depends on answers and its
//! database carries every migration (a tenant schema one migration behind makes it 503 naming
//! the schema, and ready again once migrated); the readiness of a process that consumes names a
//! broker it cannot reach. `/metrics` shows each command's rate, latency and status by route
//! (never an id), the outbox depth, each projector's lag per partition and the pools' usage.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_platform::config::{KafkaArgs, RegistryArgs};
use prism_platform::health::Readiness;
use prism_projections::config::ProjectorKind;
use prism_tests::ledger::post_entries;
use prism_tests::processes::{prism_command, projector_command, serve};
use prism_tests::system::{eventually, System, SystemOptions};
use serde_json::Value;

/// The status and JSON body of `GET url`.
async fn get_json(url: &str) -> (u16, Value) {
    let answer = reqwest::get(url).await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap())
}

/// The Prometheus text of `GET <base>/metrics`.
async fn metrics(base: &str) -> String {
    reqwest::get(format!("{base}/metrics")).await.unwrap().text().await.unwrap()
}

/// The value of the first sample whose line starts with `series` (name and labels as rendered).
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find(|line| line.starts_with(series)).and_then(|line| line.rsplit(' ').next()?.parse().ok())
}

/// Asserts `ready` is a 200 whose checks are exactly `names`, each `ok`.
fn assert_ready(ready: &(u16, Value), names: &[&str]) {
    assert_eq!(ready.0, 200, "{}", ready.1);
    assert_eq!(ready.1["status"], "ready");
    let checks = ready.1["checks"].as_object().unwrap();
    let mut reported: Vec<&str> = checks.keys().map(String::as_str).collect();
    reported.sort_unstable();
    let mut expected = names.to_vec();
    expected.sort_unstable();
    assert_eq!(reported, expected);
    assert!(checks.values().all(|state| state == "ok"), "{}", ready.1);
}

#[tokio::test]
async fn the_apis_are_ready_only_while_their_database_carries_every_migration() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    for api in [&system.command_url, &system.query_url] {
        let live = reqwest::get(format!("{api}/health/live")).await.unwrap();
        assert_eq!(live.status().as_u16(), 200);
        assert_eq!(live.text().await.unwrap(), "ok");
    }
    assert_ready(
        &get_json(&format!("{}/health/ready", system.command_url)).await,
        &["postgres", "postgres-migrations"],
    );
    let query_checks = ["postgres", "postgres-migrations", "timescale", "timescale-migrations", "mongodb"];
    assert_ready(&get_json(&format!("{}/health/ready", system.query_url)).await, &query_checks);

    // A newer release's migration the tenant's schema lacks: the schema is behind.
    let schema = format!("tenant_{tenant}");
    let last: String = sqlx::query_scalar(&format!(
        "DELETE FROM {schema}._prism_migrations WHERE migration_set = 'tenant'
          AND version = (SELECT max(version) FROM {schema}._prism_migrations WHERE migration_set = 'tenant')
         RETURNING version"
    ))
    .fetch_one(&system.pool)
    .await
    .unwrap();
    let (status, body) = get_json(&format!("{}/health/ready", system.command_url)).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["type"], "urn:prism:problem:not-ready");
    assert_eq!(body["checks"]["postgres"], "ok");
    let behind = body["checks"]["postgres-migrations"].as_str().unwrap();
    let steps = prism_platform::db::TENANT.steps.len();
    assert_eq!(behind, format!("{schema}: {} of {steps} tenant migrations applied", steps - 1));
    assert!(body["detail"].as_str().unwrap().contains("postgres-migrations"), "{body}");
    assert_eq!(get_json(&format!("{}/health/ready", system.query_url)).await.0, 503);
    // Still live: a restart would not help, the migration would.
    assert_eq!(reqwest::get(format!("{}/health/live", system.command_url)).await.unwrap().status().as_u16(), 200);

    sqlx::query(&format!("INSERT INTO {schema}._prism_migrations (migration_set, version) VALUES ('tenant', $1)"))
        .bind(&last)
        .execute(&system.pool)
        .await
        .unwrap();
    assert_ready(
        &get_json(&format!("{}/health/ready", system.command_url)).await,
        &["postgres", "postgres-migrations"],
    );
}

#[tokio::test]
async fn a_consumer_is_not_ready_while_its_broker_is_unreachable() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let nobody = format!("127.0.0.1:{}", prism_tests::env::free_port());
    let kafka =
        |brokers: &str| KafkaArgs { brokers: brokers.to_owned(), topic_prefix: "x".to_owned(), topic_partitions: 1 };
    let registry = RegistryArgs { url: system.env.registry_url.clone() };

    let reachable = Readiness::new().kafka(&kafka(&system.kafka_brokers)).registry(&registry).run().await;
    assert!(reachable.values().all(Result::is_ok), "{reachable:?}");

    let started = std::time::Instant::now();
    let unreachable = Readiness::new().kafka(&kafka(&nobody)).registry(&registry).run().await;
    assert!(unreachable["kafka"].is_err(), "{unreachable:?}");
    assert!(unreachable["schema-registry"].is_ok(), "{unreachable:?}");
    assert!(started.elapsed() < Duration::from_secs(4), "a check is bounded: {:?}", started.elapsed());

    let answer = Readiness::new().kafka(&kafka(&nobody)).answer().await;
    assert_eq!(answer.status().as_u16(), 503);
    assert_eq!(answer.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn metrics_show_commands_by_route_the_outbox_the_lag_per_partition_and_the_pools() {
    let system = System::start_without_relay(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    post_entries(&system, &tenant, 30).await;
    let refused = system.post(&tenant, "/v1/journal-entries", &serde_json::json!({ "lines": [] })).await;
    assert_eq!(refused.status.as_u16(), 422);

    // The command API: rate and latency by route template, refusals by their status.
    let command = metrics(&system.command_url).await;
    let posted = r#"prism_http_requests_total{method="POST",route="/v1/journal-entries",status="201"}"#;
    assert!(sample(&command, posted).unwrap() >= 30.0, "{command}");
    let invalid = r#"prism_http_requests_total{method="POST",route="/v1/journal-entries",status="422"}"#;
    assert!(sample(&command, invalid).unwrap() >= 1.0);
    let latency = r#"prism_http_request_duration_seconds_count{method="POST",route="/v1/journal-entries"}"#;
    assert!(sample(&command, latency).unwrap() >= 31.0);
    assert!(!command.lines().any(|line| line.contains(&tenant)), "no tenant or id becomes a label");

    // The relay, started on a full outbox, and a projector behind it, each as its binary.
    let relay = serve(prism_command(&system, "prism-relay"), "prism-relay").await;
    let ready = get_json(&format!("{}/health/ready", relay.url)).await;
    assert_ready(&ready, &["postgres", "postgres-migrations", "kafka", "schema-registry"]);
    eventually(Duration::from_secs(30), "the outbox to drain", || async {
        let scraped = metrics(&relay.url).await;
        (sample(&scraped, "prism_outbox_depth ") == Some(0.0)
            && sample(&scraped, "prism_relay_published_total ").is_some_and(|published| published >= 30.0))
        .then_some(())
    })
    .await;
    let pool = r#"prism_db_pool_max_connections{pool="main"}"#;
    eventually(Duration::from_secs(10), "the relay's pool usage", || async {
        sample(&metrics(&relay.url).await, pool).filter(|max| *max > 0.0)
    })
    .await;

    let projector = serve(projector_command(&system, ProjectorKind::Postgres, 100), "prism-projector").await;
    let ready = get_json(&format!("{}/health/ready", projector.url)).await;
    assert_ready(&ready, &["postgres", "postgres-migrations", "kafka", "schema-registry"]);
    let journal = system.journal_topic();
    let lags = eventually(Duration::from_secs(30), "the projector's lag per partition", || async {
        let scraped = metrics(&projector.url).await;
        let lags: Vec<f64> = scraped
            .lines()
            .filter(|line| line.starts_with("prism_projector_partition_lag_messages{") && line.contains(&journal))
            .filter_map(|line| line.rsplit(' ').next()?.parse().ok())
            .collect();
        (lags.len() == 3 && lags.iter().all(|lag| *lag == 0.0)).then_some(lags)
    })
    .await;
    assert_eq!(lags.len(), 3, "one gauge per partition of the journal topic");
}
