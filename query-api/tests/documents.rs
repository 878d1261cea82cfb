//! The document endpoint over the MongoDB (FerretDB) read model.

mod common;

use common::{assert_problem, mongo, new_tenant, seed_document, TestApi};
use mongodb::bson::doc;
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn the_document_of_an_entry_is_returned_with_its_status_history() {
    let client = mongo().await;
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    let entry_id = Uuid::new_v4().to_string();
    let reversal_id = Uuid::new_v4().to_string();
    seed_document(
        &client,
        &tenant,
        doc! {
            "_id": &entry_id, "entry_id": &entry_id, "tenant": tenant.as_str(), "entry_date": "2026-03-01",
            "description": "March rent", "source_reference": "INV-9", "status": "reversed",
            "reverses_entry_id": null, "reversed_by_entry_id": &reversal_id,
            "lines": [
                { "line_no": 1_i32, "account": "6000", "currency": "EUR", "debit_minor": 150_000_i64, "credit_minor": 0_i64, "memo": null },
                { "line_no": 2_i32, "account": "1000", "currency": "EUR", "debit_minor": 0_i64, "credit_minor": 150_000_i64, "memo": "bank" },
            ],
            "status_history": [
                { "status": "posted", "event_type": "JournalEntryPosted", "event_id": "e1", "sequence": 1_i64,
                  "global_position": 41_i64, "recorded_at": "2026-03-01T10:00:00Z", "reason": null },
                { "status": "reversed", "event_type": "JournalEntryReversed", "event_id": "e2", "sequence": 2_i64,
                  "global_position": 57_i64, "recorded_at": "2026-03-02T08:30:00Z", "reason": "duplicate" },
            ],
            "last_sequence": 2_i64, "last_position": 57_i64,
        },
    )
    .await;

    let answer = api.get(&tenant, &format!("/v1/journal-entries/{entry_id}/document"), &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    let body = &answer.body;
    assert_eq!(body["_id"], entry_id);
    assert_eq!(body["status"], "reversed");
    assert_eq!(body["reversed_by_entry_id"], reversal_id);
    assert_eq!(body["lines"][0]["debit_minor"], 150_000);
    assert_eq!(body["lines"][1]["memo"], "bank");
    assert_eq!(body["status_history"][1]["reason"], "duplicate");
    assert_eq!(body["status_history"][1]["global_position"], 57);
    assert_eq!(body["status_history"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["last_position"], json!(57));
}

#[tokio::test]
async fn an_entry_without_a_document_is_not_found() {
    let _client = mongo().await;
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let absent = api.get(&tenant, &format!("/v1/journal-entries/{}/document", Uuid::new_v4()), &[]).await;
    let not_uuid = api.get(&tenant, "/v1/journal-entries/42/document", &[]).await;

    assert_problem(&absent, 404, "not-found");
    assert_problem(&not_uuid, 404, "not-found");
}
