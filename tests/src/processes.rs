//! Prism's binaries run as child processes on a test [`System`]'s database, topics and stores,
//! so that a fault test can SIGKILL or SIGTERM them as an operator or an orchestrator would:
//! the relay, each projector and process manager, and the command and query APIs.

use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use prism_process_managers::config::ProcessKind;
use prism_projections::config::ProjectorKind;
use tokio::process::{Child, Command};

use crate::env::free_port;
use crate::system::{eventually, System, GENEROUS_REQUESTS_PER_WINDOW};

/// The command that runs Prism binary `binary` on `system`'s database, Kafka topics, schema
/// registry and MongoDB, logging warnings only. Killed when dropped.
#[must_use]
pub fn prism_command(system: &System, binary: &str) -> Command {
    let mut command = Command::new(system.env.bin_dir.join(binary));
    command
        .env("PRISM_DATABASE_URL", &system.database_url)
        .env("PRISM_KAFKA_BROKERS", &system.kafka_brokers)
        .env("PRISM_TOPIC_PREFIX", &system.topic_prefix)
        .env("PRISM_SCHEMA_REGISTRY_URL", &system.env.registry_url)
        .env("PRISM_MONGODB_URL", &system.env.mongodb_url)
        .env("PRISM_LOG", "warn")
        .stdout(Stdio::null())
        .kill_on_drop(true);
    command
}

/// Starts `command`, which runs Prism binary `binary`.
///
/// # Panics
/// When the binary cannot be started (build it with `cargo build --bins`).
#[must_use]
pub fn spawn(mut command: Command, binary: &str) -> Child {
    command.spawn().unwrap_or_else(|error| panic!("{binary} runs (build it with `cargo build --bins`): {error}"))
}

/// Runs `prism-relay` on `system`, publishing at most `batch_max_events` rows per batch.
#[must_use]
pub fn spawn_relay(system: &System, batch_max_events: u32) -> Child {
    let mut command = prism_command(system, "prism-relay");
    command
        .env("PRISM_RELAY_BATCH_MAX_EVENTS", batch_max_events.to_string())
        .env("PRISM_RELAY_POLL_INTERVAL_MS", "200");
    spawn(command, "prism-relay")
}

/// The command that runs `prism-projector` for `kind` on `system`, in its usual consumer group,
/// with batches of at most `batch_max_events` events.
#[must_use]
pub fn projector_command(system: &System, kind: ProjectorKind, batch_max_events: u32) -> Command {
    let mut command = prism_command(system, "prism-projector");
    command.args(["--projector", kind.name()]).env("PRISM_PROJECTOR_BATCH_MAX_EVENTS", batch_max_events.to_string());
    command
}

/// Runs [`projector_command`].
#[must_use]
pub fn spawn_projector_batching(system: &System, kind: ProjectorKind, batch_max_events: u32) -> Child {
    spawn(projector_command(system, kind, batch_max_events), "prism-projector")
}

/// A process serving HTTP: an API, or the health and metrics endpoint of a worker.
pub struct ServingProcess {
    /// The process.
    pub child: Child,
    /// Its base URL, `http://127.0.0.1:<port>`.
    pub url: String,
}

/// Runs `prism-process-manager` for `kind` on `system`, in its usual consumer group, and waits
/// until it answers `/health/live` (so it handles signals from then on).
pub async fn spawn_process_manager(system: &System, kind: ProcessKind) -> ServingProcess {
    let mut command = prism_command(system, "prism-process-manager");
    command.args(["--process", kind.name()]);
    serve(command, "prism-process-manager").await
}

/// Runs `prism-command-api` on `system` (its secret, operator key and generous rate limits under
/// its own counter prefix) and waits until it answers `/health/live`.
pub async fn spawn_command_api(system: &System) -> ServingProcess {
    spawn_api(system, "prism-command-api").await
}

/// Runs `prism-query-api` on `system` and waits until it answers `/health/live`.
pub async fn spawn_query_api(system: &System) -> ServingProcess {
    spawn_api(system, "prism-query-api").await
}

async fn spawn_api(system: &System, binary: &str) -> ServingProcess {
    let generous = GENEROUS_REQUESTS_PER_WINDOW.to_string();
    let mut command = prism_command(system, binary);
    command
        .env("PRISM_JWT_SECRET", &system.auth.jwt_secret)
        .env("PRISM_OPERATOR_KEY", &system.auth.operator_key)
        .env("PRISM_REDIS_URL", &system.rate_limit.redis_url)
        .env("PRISM_RATE_LIMIT_KEY_PREFIX", &system.rate_limit.key_prefix)
        .env("PRISM_RATE_LIMIT_TENANT_PER_WINDOW", &generous)
        .env("PRISM_RATE_LIMIT_IP_PER_WINDOW", &generous);
    serve(command, binary).await
}

/// Starts `command`, which runs Prism binary `binary`, serving HTTP on a free port, and waits
/// until it answers `/health/live`.
pub async fn serve(mut command: Command, binary: &str) -> ServingProcess {
    let port = free_port();
    command.env("PRISM_HTTP_ADDR", format!("127.0.0.1:{port}"));
    let child = spawn(command, binary);
    let url = format!("http://127.0.0.1:{port}");
    let health = format!("{url}/health/live");
    eventually(Duration::from_secs(30), &format!("{binary} to answer /health/live"), || async {
        reqwest::get(&health).await.ok().filter(|answer| answer.status().is_success()).map(|_| ())
    })
    .await;
    ServingProcess { child, url }
}

/// Sends SIGTERM to `child` and waits at most `timeout` for it to exit: its exit status and how
/// long it took.
///
/// # Panics
/// When the signal cannot be sent, or the process is still running after `timeout`.
pub async fn terminate(child: &mut Child, timeout: Duration) -> (ExitStatus, Duration) {
    let pid = child.id().expect("the process is running").to_string();
    let sent = Instant::now();
    let signalled = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
    assert!(signalled.success(), "SIGTERM sent to {pid}");
    let status = tokio::time::timeout(timeout, child.wait())
        .await
        .unwrap_or_else(|_| panic!("process {pid} still running {timeout:?} after SIGTERM"))
        .expect("process reaped");
    (status, sent.elapsed())
}
