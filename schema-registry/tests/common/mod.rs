//! Starts a registry in-process against the real Postgres, in a fresh database schema, on port 0.
//!
//! `PRISM_DATABASE_URL` names the database (default: the local stack's
//! `postgres://prism:prism@127.0.0.1:25432/prism`). An unreachable database fails the test with
//! a message saying so; nothing is skipped. The schema is dropped when the handle is dropped.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::{
    sync::atomic::{AtomicU32, Ordering},
    time::{SystemTime, UNIX_EPOCH},
};

use prism_schema_registry::{App, Config};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// The local stack's database, used when `PRISM_DATABASE_URL` is not set.
const LOCAL_DATABASE_URL: &str = "postgres://prism:prism@127.0.0.1:25432/prism";

/// The media type Confluent clients send and expect.
pub const SR_JSON: &str = "application/vnd.schemaregistry.v1+json";

static NEXT_SCHEMA: AtomicU32 = AtomicU32::new(0);

/// The database URL tests run against.
pub fn database_url() -> String {
    std::env::var("PRISM_DATABASE_URL").unwrap_or_else(|_| LOCAL_DATABASE_URL.to_owned())
}

/// A database schema name no other test (in this or another process) uses.
pub fn unique_db_schema() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_nanos();
    let n = NEXT_SCHEMA.fetch_add(1, Ordering::Relaxed);
    format!("registry_test_{}_{nanos}_{n}", std::process::id())
}

/// A running registry and an HTTP client for it.
pub struct TestRegistry {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The database schema it uses.
    pub db_schema: String,
    client: reqwest::Client,
    shutdown: CancellationToken,
    drops_schema: bool,
}

/// Starts a registry in a new database schema.
pub async fn spawn_registry() -> TestRegistry {
    start(&unique_db_schema(), true).await
}

/// Starts a registry over an existing (or new) database schema; does not drop it.
pub async fn spawn_registry_in(db_schema: &str) -> TestRegistry {
    start(db_schema, false).await
}

async fn start(db_schema: &str, drops_schema: bool) -> TestRegistry {
    let url = database_url();
    let config = Config::new(url.clone(), db_schema.to_owned(), std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
    let app = App::build(config).await.unwrap_or_else(|error| {
        panic!(
            "the registry could not start against PRISM_DATABASE_URL={url}; \
             these tests need a running Postgres: {error}"
        )
    });
    let base_url = format!("http://{}", app.local_addr());
    let shutdown = CancellationToken::new();
    tokio::spawn(app.run(shutdown.clone()));
    TestRegistry { base_url, db_schema: db_schema.to_owned(), client: reqwest::Client::new(), shutdown, drops_schema }
}

impl TestRegistry {
    /// Sends a request with an optional JSON body (as the Confluent media type) and returns
    /// the status and the body parsed as JSON (`Value::Null` when empty or not JSON).
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self.client.request(method, format!("{}{path}", self.base_url)).header("accept", SR_JSON);
        if let Some(body) = body {
            request = request.header("content-type", SR_JSON).body(body.to_string());
        }
        let response = request.send().await.expect("registry answers");
        let status = response.status();
        let text = response.text().await.expect("body reads");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    /// `PUT path` with a JSON body.
    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(body)).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, None).await
    }

    /// Registers `schema` under `subject`, expecting success; returns the id.
    pub async fn register(&self, subject: &str, schema: &str) -> i64 {
        let (status, body) =
            self.post(&format!("/subjects/{subject}/versions"), serde_json::json!({ "schema": schema })).await;
        assert_eq!(status, StatusCode::OK, "register {subject}: {body}");
        body["id"].as_i64().expect("id in answer")
    }

    /// The raw client, for requests the helpers do not cover.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        self.shutdown.cancel();
        if !self.drops_schema {
            return;
        }
        let url = database_url();
        let schema = self.db_schema.clone();
        // Drop runs inside the test's runtime, which cannot be blocked on; use a thread.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async move {
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(&url).await?;
                sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE")).execute(&mut conn).await?;
                conn.close().await
            })
        });
        if let Ok(Err(error)) = cleanup.join() {
            eprintln!("could not drop test schema {}: {error}", self.db_schema);
        }
    }
}

/// An `Order` record schema with the given fields JSON.
pub fn order_schema(fields: &str) -> String {
    format!(r#"{{"type":"record","name":"Order","namespace":"prism.test","fields":[{fields}]}}"#)
}

/// `Order` with just a string id.
pub fn order_v1() -> String {
    order_schema(r#"{"name":"id","type":"string"}"#)
}

/// `Order` v1 plus a field with a default: a backward-compatible evolution.
pub fn order_v2_with_default() -> String {
    order_schema(r#"{"name":"id","type":"string"},{"name":"note","type":"string","default":""}"#)
}

/// `Order` v1 plus a field without a default: not backward-compatible.
pub fn order_with_required_field() -> String {
    order_schema(r#"{"name":"id","type":"string"},{"name":"qty","type":"int"}"#)
}

/// `Order` with the id's type changed: incompatible either way.
pub fn order_with_int_id() -> String {
    order_schema(r#"{"name":"id","type":"int"}"#)
}
