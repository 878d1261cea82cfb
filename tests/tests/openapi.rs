//! The contract served: each API answers `GET /openapi.json` with its OpenAPI 3.1 document,
//! as JSON, without a tenant. (That each document lists exactly its API's routes is checked by
//! the unit tests of `command-api/src/openapi.rs` and `query-api/src/openapi.rs`.)

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_tests::system::System;
use serde_json::Value;

/// `GET {base}/openapi.json`, checked to be a 200 JSON OpenAPI 3.1 document, as JSON.
async fn openapi_document(base: &str) -> Value {
    let answer = reqwest::get(format!("{base}/openapi.json")).await.unwrap();
    assert_eq!(answer.status(), 200);
    let content_type = answer.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/json"), "{content_type}");
    let document: Value = answer.json().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    document
}

#[tokio::test(flavor = "multi_thread")]
async fn each_api_serves_its_openapi_document() {
    let system = System::start().await;

    let command = openapi_document(&system.command_url).await;
    let query = openapi_document(&system.query_url).await;

    assert_eq!(command["info"]["title"], "Prism command API");
    assert!(command["paths"]["/v1/journal-entries"]["post"].is_object());
    assert_eq!(query["info"]["title"], "Prism query API");
    assert!(query["paths"]["/v1/journal-entries/{id}"]["get"].is_object());
}
