//! Liveness and readiness. `GET /health/live` (and its older name `/health`) answers 200 while
//! the process serves HTTP at all; `GET /health/ready` runs the process's [`Readiness`] checks —
//! the stores, broker and registry it cannot work without, and whether its databases carry
//! every migration it expects — at once, each bounded by [`CHECK_TIMEOUT`], and answers 200
//! with each check's result, or 503 (problem+json) naming the checks that failed.
//!
//! Each process checks what it depends on, no more: the command API writes to Postgres only
//! (Kafka is the relay's), so a broker outage does not take the write path out of its load
//! balancer — commands are accepted into the outbox and published once Kafka is back.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::future::{join_all, BoxFuture};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::ClientConfig;
use serde_json::{json, Value};
use sqlx::postgres::PgPoolOptions;

use crate::config::{KafkaArgs, RegistryArgs};
use crate::db::{self, ExpectedMigrations};
use crate::problem::Problem;

/// Longest one readiness check may take before it counts as failed.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// One check: `Ok` or what is wrong.
type Check = Arc<dyn Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// The named checks that must all pass for a process to be ready.
#[derive(Clone, Default)]
pub struct Readiness {
    checks: Vec<(String, Check)>,
}

impl std::fmt::Debug for Readiness {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_list().entries(self.checks.iter().map(|(name, _)| name)).finish()
    }
}

impl Readiness {
    /// No checks yet: ready as long as the process serves.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the check `name`, passing when `check` resolves to `Ok`.
    #[must_use]
    pub fn with_check<F>(mut self, name: impl Into<String>, check: F) -> Self
    where
        F: Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync + 'static,
    {
        self.checks.push((name.into(), Arc::new(check)));
        self
    }

    /// Adds check `name`: the Postgres database at `url` answers, and (as check
    /// `<name>-migrations`) each schema `expected` names has applied all its migrations. Uses a
    /// connection of its own, opened when first checked, so the check neither waits for nor
    /// disturbs the process's pool.
    #[must_use]
    pub fn postgres(self, name: &'static str, url: &str, expected: &'static [ExpectedMigrations]) -> Self {
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(CHECK_TIMEOUT)
            .connect_lazy(url)
            .map_err(|error| error.to_string());
        let reachable = pool.clone();
        let with_reachability = self.with_check(name, move || {
            let pool = reachable.clone();
            Box::pin(async move {
                sqlx::query("SELECT 1").execute(&pool?).await.map(drop).map_err(|error| error.to_string())
            })
        });
        if expected.is_empty() {
            return with_reachability;
        }
        with_reachability.with_check(format!("{name}-migrations"), move || {
            let pool = pool.clone();
            Box::pin(async move { migrations_current(&pool?, expected).await })
        })
    }

    /// Adds check `kafka`: the brokers answer a metadata request.
    #[must_use]
    pub fn kafka(self, args: &KafkaArgs) -> Self {
        let client: Result<Arc<BaseConsumer>, String> = ClientConfig::new()
            .set("bootstrap.servers", &args.brokers)
            .create()
            .map(Arc::new)
            .map_err(|error| error.to_string());
        self.with_check("kafka", move || {
            let client = client.clone();
            Box::pin(async move {
                let client = client?;
                let brokers = tokio::task::spawn_blocking(move || {
                    client.fetch_metadata(None, CHECK_TIMEOUT).map(|metadata| metadata.brokers().len())
                })
                .await
                .map_err(|error| error.to_string())?
                .map_err(|error| error.to_string())?;
                if brokers == 0 {
                    return Err("the cluster reports no broker".to_owned());
                }
                Ok(())
            })
        })
    }

    /// Adds check `schema-registry`: the registry lists its subjects.
    #[must_use]
    pub fn registry(self, args: &RegistryArgs) -> Self {
        let subjects = format!("{}/subjects", args.url.trim_end_matches('/'));
        let http = reqwest::Client::builder().timeout(CHECK_TIMEOUT).build().map_err(|error| error.to_string());
        self.with_check("schema-registry", move || {
            let http = http.clone();
            let subjects = subjects.clone();
            Box::pin(async move {
                let answer = http?.get(&subjects).send().await.map_err(|error| error.to_string())?;
                if answer.status().is_success() {
                    Ok(())
                } else {
                    Err(format!("GET /subjects answered {}", answer.status()))
                }
            })
        })
    }

    /// Adds check `mongodb`: the MongoDB-wire server behind `client` answers `ping`.
    #[must_use]
    pub fn mongodb(self, client: mongodb::Client) -> Self {
        self.with_check("mongodb", move || {
            let admin = client.database("admin");
            Box::pin(async move {
                admin.run_command(mongodb::bson::doc! { "ping": 1 }).await.map(drop).map_err(|error| error.to_string())
            })
        })
    }

    /// Runs every check at once, each for at most [`CHECK_TIMEOUT`]: `"ok"` or what failed, by
    /// check name.
    pub async fn run(&self) -> BTreeMap<String, Result<(), String>> {
        let runs = self.checks.iter().map(|(name, check)| async move {
            let outcome = match tokio::time::timeout(CHECK_TIMEOUT, check()).await {
                Ok(outcome) => outcome,
                Err(_) => Err(format!("no answer within {} ms", CHECK_TIMEOUT.as_millis())),
            };
            (name.clone(), outcome)
        });
        join_all(runs).await.into_iter().collect()
    }

    /// The answer of `GET /health/ready`.
    pub async fn answer(&self) -> Response {
        let outcomes = self.run().await;
        let report: serde_json::Map<String, Value> = outcomes
            .iter()
            .map(|(name, outcome)| {
                let state = match outcome {
                    Ok(()) => "ok".to_owned(),
                    Err(reason) => reason.clone(),
                };
                (name.clone(), Value::String(state))
            })
            .collect();
        let failed: Vec<&str> =
            outcomes.iter().filter(|(_, outcome)| outcome.is_err()).map(|(name, _)| name.as_str()).collect();
        if failed.is_empty() {
            return (StatusCode::OK, Json(json!({ "status": "ready", "checks": report }))).into_response();
        }
        if let Some(first) = failed.first() {
            tracing::warn!(failed = ?failed, reason = %report[*first], "not ready");
        }
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, "not-ready", "Not ready")
            .with_detail(format!("failing: {}", failed.join(", ")))
            .with_extension("checks", Value::Object(report))
            .into_response()
    }
}

/// Schemas behind named in a failed migrations check; the rest are counted.
const BEHIND_NAMED_MAX: usize = 3;

/// `Ok` when every schema `expected` names has applied all its migrations; else the first few
/// schemas behind, and how many more.
async fn migrations_current(pool: &sqlx::PgPool, expected: &[ExpectedMigrations]) -> Result<(), String> {
    let behind = db::schemas_behind(pool, expected).await.map_err(|error| error.to_string())?;
    if behind.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = behind.iter().take(BEHIND_NAMED_MAX).map(ToString::to_string).collect();
    let more = behind.len().saturating_sub(BEHIND_NAMED_MAX);
    Err(if more == 0 { named.join("; ") } else { format!("{}; and {more} more schemas", named.join("; ")) })
}
