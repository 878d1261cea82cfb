//! The consistency token: `X-Prism-Min-Position` makes a read wait, bounded, for the
//! projector feeding the endpoint.

mod common;

use std::time::{Duration, Instant};

use common::{
    assert_problem, mark_applied, mark_applied_in_mongo, mongo, new_tenant, seed_document, seed_entry, SeedEntry,
    TestApi,
};
use mongodb::bson::doc;
use uuid::Uuid;

#[tokio::test]
async fn a_read_waits_for_a_position_the_projector_applies_shortly_after_the_request() {
    let api = TestApi::start(5_000).await;
    let tenant = new_tenant(&api.pool).await;
    let entry = SeedEntry::new("2026-03-01", 42, &[("1000", "EUR", 1, 0), ("4000", "EUR", 0, 1)]);
    let (pool, writer_tenant, late_entry) = (api.pool.clone(), tenant.clone(), entry.clone());
    let started = Instant::now();
    let projector = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        seed_entry(&pool, &writer_tenant, &late_entry).await;
        mark_applied(&pool, &writer_tenant, "postgres", 42).await;
    });

    let answer =
        api.get(&tenant, &format!("/v1/journal-entries/{}", entry.entry_id), &[("X-Prism-Min-Position", "42")]).await;

    projector.await.unwrap();
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["last_position"], 42);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn a_read_answers_504_naming_the_position_when_the_projector_never_reaches_it() {
    let api = TestApi::start(300).await;
    let tenant = new_tenant(&api.pool).await;
    mark_applied(&api.pool, &tenant, "postgres", 6).await;
    mark_applied(&api.pool, &tenant, "timescale", 7).await;
    let started = Instant::now();

    let answer = api.get(&tenant, "/v1/accounts/1000/balance", &[("X-Prism-Min-Position", "7")]).await;

    assert_problem(&answer, 504, "consistency-timeout");
    assert_eq!(answer.body["min_position"], 7);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(300) && waited < Duration::from_secs(3), "waited {waited:?}");
}

#[tokio::test]
async fn postings_wait_for_the_timescale_projector_not_the_postgres_one() {
    let api = TestApi::start(300).await;
    let tenant = new_tenant(&api.pool).await;
    mark_applied(&api.pool, &tenant, "postgres", 9).await;
    let path = "/v1/accounts/1000/postings?from=2026-03-01&to=2026-03-01";

    let before = api.get(&tenant, path, &[("X-Prism-Min-Position", "9")]).await;
    mark_applied(&api.pool, &tenant, "timescale", 9).await;
    let after = api.get(&tenant, path, &[("X-Prism-Min-Position", "9")]).await;

    assert_problem(&before, 504, "consistency-timeout");
    assert_eq!(after.status, 200, "{after:?}");
}

#[tokio::test]
async fn a_document_read_waits_for_the_mongo_projector() {
    let client = mongo().await;
    let api = TestApi::start(5_000).await;
    let tenant = new_tenant(&api.pool).await;
    let entry_id = Uuid::new_v4().to_string();
    let (writer, writer_tenant, id) = (client.clone(), tenant.clone(), entry_id.clone());
    let projector = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        seed_document(
            &writer,
            &writer_tenant,
            doc! { "_id": &id, "entry_id": &id, "status": "posted", "last_position": 77_i64 },
        )
        .await;
        mark_applied_in_mongo(&writer, &writer_tenant, 77).await;
    });

    let answer =
        api.get(&tenant, &format!("/v1/journal-entries/{entry_id}/document"), &[("X-Prism-Min-Position", "77")]).await;

    projector.await.unwrap();
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["last_position"], 77);
}

#[tokio::test]
async fn a_min_position_that_is_not_a_positive_integer_is_a_malformed_request() {
    let api = TestApi::start(300).await;
    let tenant = new_tenant(&api.pool).await;

    for value in ["abc", "0", "-3", "1.5"] {
        let answer = api.get(&tenant, "/v1/journal-entries", &[("X-Prism-Min-Position", value)]).await;
        assert_problem(&answer, 400, "malformed-request");
    }
}
