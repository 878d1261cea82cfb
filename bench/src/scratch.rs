//! A scratch Prism system for one measurement, and its removal afterwards. The test
//! harness gives every system a fresh database and topic prefix; this module drops that
//! database, deletes the prefix's topics, consumer groups and registry subjects, so that
//! repeated benchmark runs leave nothing behind.

use std::time::Duration;

use prism_projections::config::ProjectorKind;
use prism_tests::system::{System, SystemOptions};
use rdkafka::admin::{AdminClient, AdminOptions};
use rdkafka::client::DefaultClientContext;
use rdkafka::ClientConfig;
use sqlx::Connection;

use crate::BoxError;

/// Time the system's tasks get to stop after cancellation before their database is dropped.
const STOP_GRACE: Duration = Duration::from_millis(1_000);

/// Bound on each Kafka admin call during clean-up.
const ADMIN_TIMEOUT: Duration = Duration::from_secs(15);

/// Starts a system running `projectors` (the command API, relay and query API always run).
pub async fn start(projectors: Vec<ProjectorKind>) -> System {
    Box::pin(System::start_with(SystemOptions { projectors, kafka_brokers: None })).await
}

/// Names of what a system created, kept to remove them after it stopped.
struct Leftovers {
    admin_database_url: String,
    database: String,
    brokers: String,
    topic_prefix: String,
    groups: Vec<String>,
    registry_url: String,
}

/// Stops `system` and removes its database, topics, consumer groups and subjects.
/// Failures are reported on stderr and do not fail the benchmark (the names are unique).
pub async fn remove(system: System) {
    let leftovers = Leftovers {
        admin_database_url: system.env.database_url.clone(),
        database: system.database_url.rsplit('/').next().unwrap_or_default().to_owned(),
        brokers: system.kafka_brokers.clone(),
        topic_prefix: system.topic_prefix.clone(),
        groups: [ProjectorKind::Postgres, ProjectorKind::Mongo, ProjectorKind::Timescale]
            .into_iter()
            .map(|kind| system.consumer_args().group(kind.name()))
            .collect(),
        registry_url: system.env.registry_url.clone(),
    };
    system.pool.close().await;
    drop(system);
    tokio::time::sleep(STOP_GRACE).await;
    for (what, result) in [
        ("database", drop_database(&leftovers).await),
        ("topics and groups", delete_topics_and_groups(&leftovers).await),
        ("registry subjects", delete_subjects(&leftovers).await),
    ] {
        if let Err(error) = result {
            eprintln!("[bench] WARNING: could not remove the scratch {what} of {}: {error}", leftovers.topic_prefix);
        }
    }
}

async fn drop_database(leftovers: &Leftovers) -> Result<(), BoxError> {
    let name = &leftovers.database;
    if !name.starts_with("prism_test_") || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("refusing to drop unexpected database name {name:?}").into());
    }
    let mut admin = sqlx::PgConnection::connect(&leftovers.admin_database_url).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await?;
    admin.close().await?;
    Ok(())
}

async fn delete_topics_and_groups(leftovers: &Leftovers) -> Result<(), BoxError> {
    let admin: AdminClient<DefaultClientContext> =
        ClientConfig::new().set("bootstrap.servers", &leftovers.brokers).create()?;
    let options = AdminOptions::new().operation_timeout(Some(ADMIN_TIMEOUT));
    let prefix = format!("{}.", leftovers.topic_prefix);
    let metadata = admin.inner().fetch_metadata(None, ADMIN_TIMEOUT)?;
    let topics: Vec<&str> = metadata
        .topics()
        .iter()
        .map(rdkafka::metadata::MetadataTopic::name)
        .filter(|t| t.starts_with(&prefix))
        .collect();
    if !topics.is_empty() {
        for result in admin.delete_topics(&topics, &options).await? {
            result.map_err(|(topic, code)| format!("topic {topic}: {code}"))?;
        }
    }
    let groups: Vec<&str> = leftovers.groups.iter().map(String::as_str).collect();
    // Groups that never committed do not exist; that is not a failure.
    let _ = admin.delete_groups(&groups, &options).await?;
    Ok(())
}

async fn delete_subjects(leftovers: &Leftovers) -> Result<(), BoxError> {
    let client = reqwest::Client::builder().timeout(ADMIN_TIMEOUT).build()?;
    let subjects: Vec<String> =
        client.get(format!("{}/subjects", leftovers.registry_url)).send().await?.error_for_status()?.json().await?;
    let prefix = format!("{}.", leftovers.topic_prefix);
    for subject in subjects.iter().filter(|s| s.starts_with(&prefix)) {
        let url = format!("{}/subjects/{subject}", leftovers.registry_url);
        client.delete(&url).send().await?.error_for_status()?;
        client.delete(format!("{url}?permanent=true")).send().await?.error_for_status()?;
    }
    Ok(())
}
