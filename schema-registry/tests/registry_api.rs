//! The registry's REST API against a real Postgres, one fresh database schema per test.

mod common;

use common::{
    order_schema, order_v1, order_v2_with_default, order_with_int_id, order_with_required_field, spawn_registry,
    spawn_registry_in, SR_JSON,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn schema_body(schema: &str) -> Value {
    json!({ "schema": schema })
}

#[tokio::test]
async fn registering_a_schema_returns_a_global_id_and_makes_it_version_1() {
    let registry = spawn_registry().await;
    let id = registry.register("orders-value", &order_v1()).await;
    assert!(id >= 1);

    let (status, body) = registry.get("/subjects/orders-value/versions/1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["subject"], "orders-value");
    assert_eq!(body["version"], 1);
    assert_eq!(body["id"], id);
    assert_eq!(body["schema"], order_v1());
    assert_eq!(registry.get("/subjects").await.1, json!(["orders-value"]));
}

#[tokio::test]
async fn registering_the_same_schema_again_returns_the_same_id_and_adds_no_version() {
    let registry = spawn_registry().await;
    let first = registry.register("orders-value", &order_v1()).await;
    // Same schema, different whitespace and key order.
    let respelled = r#"{ "namespace": "prism.test", "name": "Order", "type": "record",
                         "fields": [ { "type": "string", "name": "id" } ] }"#;
    let second = registry.register("orders-value", respelled).await;
    assert_eq!(first, second);
    assert_eq!(registry.get("/subjects/orders-value/versions").await.1, json!([1]));
}

#[tokio::test]
async fn the_same_schema_under_another_subject_reuses_the_global_id() {
    let registry = spawn_registry().await;
    let in_orders = registry.register("orders-value", &order_v1()).await;
    let in_archive = registry.register("archive-value", &order_v1()).await;
    assert_eq!(in_orders, in_archive);

    let (status, body) = registry.get(&format!("/schemas/ids/{in_orders}/versions")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!([
            { "subject": "archive-value", "version": 1 },
            { "subject": "orders-value", "version": 1 }
        ])
    );
}

#[tokio::test]
async fn a_schema_can_be_fetched_by_its_global_id() {
    let registry = spawn_registry().await;
    let id = registry.register("orders-value", &order_v1()).await;
    let (status, body) = registry.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "schema": order_v1() }));
}

#[tokio::test]
async fn looking_up_a_registered_schema_returns_its_subject_version_and_id() {
    let registry = spawn_registry().await;
    let id = registry.register("orders-value", &order_v1()).await;

    let (status, body) = registry.post("/subjects/orders-value", schema_body(&order_v1())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "subject": "orders-value", "version": 1, "id": id, "schema": order_v1() }));

    let (status, body) = registry.post("/subjects/orders-value", schema_body(&order_v2_with_default())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error_code"], 40403);

    let (status, body) = registry.post("/subjects/nobody-value", schema_body(&order_v1())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error_code"], 40401);
}

#[tokio::test]
async fn adding_a_field_with_a_default_is_accepted_as_version_2_and_becomes_latest() {
    let registry = spawn_registry().await;
    let v1 = registry.register("orders-value", &order_v1()).await;
    let v2 = registry.register("orders-value", &order_v2_with_default()).await;
    assert_ne!(v1, v2);

    for latest in ["latest", "-1", "2"] {
        let (status, body) = registry.get(&format!("/subjects/orders-value/versions/{latest}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["version"], 2, "{latest}");
        assert_eq!(body["id"], v2);
    }
    let raw = registry
        .client()
        .get(format!("{}/subjects/orders-value/versions/latest/schema", registry.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(raw, order_v2_with_default());
    assert_eq!(registry.get("/subjects/orders-value/versions").await.1, json!([1, 2]));
}

async fn assert_rejected_as_incompatible_and_nothing_stored(candidate: &str) {
    let registry = spawn_registry().await;
    let v1 = registry.register("orders-value", &order_v1()).await;

    let (status, body) = registry.post("/subjects/orders-value/versions", schema_body(candidate)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error_code"], 409);
    let message = body["message"].as_str().expect("message is a string");
    assert!(message.starts_with("Schema being registered is incompatible with an earlier schema"), "{message}");

    assert_eq!(registry.get("/subjects/orders-value/versions").await.1, json!([1]));
    let (status, _) = registry.get(&format!("/schemas/ids/{}", v1 + 1)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no schema row was kept");
}

#[tokio::test]
async fn adding_a_field_without_a_default_is_rejected_with_409_and_stores_nothing() {
    assert_rejected_as_incompatible_and_nothing_stored(&order_with_required_field()).await;
}

#[tokio::test]
async fn changing_a_field_type_is_rejected_with_409_and_stores_nothing() {
    assert_rejected_as_incompatible_and_nothing_stored(&order_with_int_id()).await;
}

#[tokio::test]
async fn the_compatibility_endpoint_says_whether_a_schema_would_be_accepted() {
    let registry = spawn_registry().await;
    registry.register("orders-value", &order_v1()).await;

    let (status, body) = registry
        .post("/compatibility/subjects/orders-value/versions/latest", schema_body(&order_v2_with_default()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "is_compatible": true }));

    let (status, body) = registry
        .post("/compatibility/subjects/orders-value/versions/1?verbose=true", schema_body(&order_with_required_field()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["is_compatible"], false);
    let messages = body["messages"].as_array().unwrap();
    assert!(messages[0].as_str().unwrap().contains("qty"), "{body}");

    let (status, body) =
        registry.post("/compatibility/subjects/orders-value/versions/9", schema_body(&order_v1())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error_code"], 40402);
}

#[tokio::test]
async fn setting_a_subject_to_none_lets_an_incompatible_schema_in() {
    let registry = spawn_registry().await;
    registry.register("orders-value", &order_v1()).await;

    let (status, body) = registry.get("/config/orders-value").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error_code"], 40408);
    let (status, body) = registry.get("/config/orders-value?defaultToGlobal=true").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "compatibilityLevel": "BACKWARD" }));

    let (status, body) = registry.put("/config/orders-value", json!({ "compatibility": "NONE" })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "compatibility": "NONE" }));
    assert_eq!(registry.get("/config/orders-value").await.1, json!({ "compatibilityLevel": "NONE" }));

    registry.register("orders-value", &order_with_int_id()).await;
    assert_eq!(registry.get("/subjects/orders-value/versions").await.1, json!([1, 2]));

    let (status, body) = registry.delete("/config/orders-value").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "compatibilityLevel": "NONE" }));
    let (status, _) = registry.post("/subjects/orders-value/versions", schema_body(&order_v2_with_default())).await;
    assert_eq!(status, StatusCode::CONFLICT, "BACKWARD applies again");
}

#[tokio::test]
async fn the_global_level_defaults_to_backward_and_can_be_changed() {
    let registry = spawn_registry().await;
    assert_eq!(registry.get("/config").await.1, json!({ "compatibilityLevel": "BACKWARD" }));
    let (status, body) = registry.put("/config", json!({ "compatibility": "FORWARD" })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "compatibility": "FORWARD" }));
    assert_eq!(registry.get("/config").await.1, json!({ "compatibilityLevel": "FORWARD" }));

    // Under FORWARD the old schema must read new data: a new required field is fine.
    registry.register("orders-value", &order_v1()).await;
    registry.register("orders-value", &order_with_required_field()).await;

    let (status, body) = registry.put("/config", json!({ "compatibility": "SIDEWAYS" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error_code"], 42203);
}

#[tokio::test]
async fn backward_transitive_compares_with_every_live_version() {
    let registry = spawn_registry().await;
    let subject = "stock-value";
    registry.put(&format!("/config/{subject}"), json!({ "compatibility": "BACKWARD_TRANSITIVE" })).await;
    registry.register(subject, &order_schema(r#"{"name":"id","type":"string"},{"name":"qty","type":"int"}"#)).await;
    registry.register(subject, &order_v1()).await;
    // Readable against v2 (qty absent, default used) but not v1 (qty was an int).
    let v3 = order_schema(r#"{"name":"id","type":"string"},{"name":"qty","type":"string","default":"0"}"#);
    let (status, body) = registry.post(&format!("/subjects/{subject}/versions"), schema_body(&v3)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    registry.put(&format!("/config/{subject}"), json!({ "compatibility": "BACKWARD" })).await;
    registry.register(subject, &v3).await;
}

#[tokio::test]
async fn an_unparseable_schema_is_rejected_with_42201() {
    let registry = spawn_registry().await;
    for broken in [
        json!({ "schema": r#"{"type":"record","name":"Order"}"# }),
        json!({ "schema": "not json at all" }),
        json!({ "schema": "" }),
        json!({}),
    ] {
        let (status, body) = registry.post("/subjects/orders-value/versions", broken.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{broken}");
        assert_eq!(body["error_code"], 42201, "{broken}");
    }
    assert_eq!(registry.get("/subjects").await.1, json!([]));
}

#[tokio::test]
async fn a_schema_type_other_than_avro_is_rejected_with_a_clear_message() {
    let registry = spawn_registry().await;
    let (status, body) = registry
        .post("/subjects/orders-value/versions", json!({ "schema": "syntax = \"proto3\";", "schemaType": "PROTOBUF" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error_code"], 42201);
    assert!(body["message"].as_str().unwrap().contains("AVRO"), "{body}");
    assert_eq!(registry.get("/schemas/types").await.1, json!(["AVRO"]));
}

#[tokio::test]
async fn an_unknown_subject_answers_40401() {
    let registry = spawn_registry().await;
    for path in [
        "/subjects/nobody-value/versions",
        "/subjects/nobody-value/versions/latest",
        "/subjects/nobody-value/versions/1",
    ] {
        let (status, body) = registry.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body, json!({ "error_code": 40401, "message": "Subject 'nobody-value' not found." }), "{path}");
    }
}

#[tokio::test]
async fn an_unknown_version_answers_40402_and_a_malformed_one_42202() {
    let registry = spawn_registry().await;
    registry.register("orders-value", &order_v1()).await;
    let (status, body) = registry.get("/subjects/orders-value/versions/7").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error_code"], 40402);
    for bad in ["0", "-2", "newest"] {
        let (status, body) = registry.get(&format!("/subjects/orders-value/versions/{bad}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(body["error_code"], 42202, "{bad}");
    }
}

#[tokio::test]
async fn an_unknown_schema_id_answers_40403() {
    let registry = spawn_registry().await;
    for path in ["/schemas/ids/4242", "/schemas/ids/abc", "/schemas/ids/4242/versions"] {
        let (status, body) = registry.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error_code"], 40403, "{path}");
    }
}

#[tokio::test]
async fn soft_deleting_a_subject_hides_it_but_its_schema_ids_still_resolve() {
    let registry = spawn_registry().await;
    let id = registry.register("orders-value", &order_v1()).await;
    registry.register("orders-value", &order_v2_with_default()).await;

    let (status, body) = registry.delete("/subjects/orders-value").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!([1, 2]));
    assert_eq!(registry.get("/subjects").await.1, json!([]));
    assert_eq!(registry.get("/subjects?deleted=true").await.1, json!(["orders-value"]));
    assert_eq!(registry.get("/subjects/orders-value/versions").await.0, StatusCode::NOT_FOUND);
    assert_eq!(registry.get(&format!("/schemas/ids/{id}")).await.0, StatusCode::OK);

    // Registering again starts a new version after the deleted ones, with the same id.
    assert_eq!(registry.register("orders-value", &order_v1()).await, id);
    assert_eq!(registry.get("/subjects/orders-value/versions").await.1, json!([3]));
}

#[tokio::test]
async fn a_version_is_deleted_softly_first_and_permanently_after() {
    let registry = spawn_registry().await;
    registry.register("orders-value", &order_v1()).await;
    registry.register("orders-value", &order_v2_with_default()).await;

    let (status, body) = registry.delete("/subjects/orders-value/versions/2?permanent=true").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error_code"], 40407);

    let (status, body) = registry.delete("/subjects/orders-value/versions/2").await;
    assert_eq!((status, body), (StatusCode::OK, json!(2)));
    assert_eq!(registry.get("/subjects/orders-value/versions/latest").await.1["version"], 1);
    assert_eq!(registry.get("/subjects/orders-value/versions?deleted=true").await.1, json!([1, 2]));

    let (status, body) = registry.delete("/subjects/orders-value/versions/2?permanent=true").await;
    assert_eq!((status, body), (StatusCode::OK, json!(2)));
    assert_eq!(registry.get("/subjects/orders-value/versions?deleted=true").await.1, json!([1]));
}

#[tokio::test]
async fn concurrent_registrations_from_two_registries_never_duplicate_versions_or_ids() {
    let first = spawn_registry().await;
    let second = spawn_registry_in(&first.db_schema).await;
    first.put("/config", json!({ "compatibility": "NONE" })).await;

    // Eight distinct schemas, each registered twice, half through each registry, all at once.
    let schemas: Vec<String> = (0..8).map(|i| order_schema(&format!(r#"{{"name":"f{i}","type":"long"}}"#))).collect();
    let mut tasks = Vec::new();
    for round in 0..2 {
        for (i, schema) in schemas.iter().enumerate() {
            let target = if (i + round) % 2 == 0 { &first } else { &second };
            let (client, url) = (target.client().clone(), target.base_url.clone());
            let body = json!({ "schema": schema }).to_string();
            tasks.push(tokio::spawn(async move {
                let response = client
                    .post(format!("{url}/subjects/race-value/versions"))
                    .header("content-type", SR_JSON)
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                let body: Value = response.json().await.unwrap();
                (i, body["id"].as_i64().unwrap())
            }));
        }
    }
    let mut ids = vec![Vec::new(); schemas.len()];
    for task in tasks {
        let (i, id) = task.await.unwrap();
        ids[i].push(id);
    }
    for pair in &ids {
        assert_eq!(pair[0], pair[1], "one schema, one id: {ids:?}");
    }
    let mut distinct: Vec<i64> = ids.iter().map(|pair| pair[0]).collect();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), schemas.len());
    assert_eq!(second.get("/subjects/race-value/versions").await.1, json!((1..=8).collect::<Vec<i32>>()));
}

#[tokio::test]
async fn requests_without_a_content_type_or_as_plain_json_are_accepted_but_not_as_text() {
    let registry = spawn_registry().await;
    let url = format!("{}/subjects/orders-value/versions", registry.base_url);
    let body = json!({ "schema": order_v1() }).to_string();
    for content_type in [None, Some("application/json"), Some("text/plain")] {
        let mut request = registry.client().post(&url).body(body.clone());
        if let Some(value) = content_type {
            request = request.header("content-type", value);
        }
        let response = request.send().await.unwrap();
        let expected =
            if content_type == Some("text/plain") { StatusCode::UNSUPPORTED_MEDIA_TYPE } else { StatusCode::OK };
        assert_eq!(response.status(), expected, "{content_type:?}");
        assert_eq!(response.headers()["content-type"], SR_JSON, "{content_type:?}");
    }
}

#[tokio::test]
async fn health_answers_200_and_unknown_routes_answer_a_json_404() {
    let registry = spawn_registry().await;
    assert_eq!(registry.get("/health").await.0, StatusCode::OK);
    let (status, body) = registry.get("/no/such/route").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error_code"], 404);
}
