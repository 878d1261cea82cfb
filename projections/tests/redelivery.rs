//! Redelivery changes nothing: applying the same events again (as at-least-once delivery
//! may) leaves every read model as it was, and an event whose predecessor is missing is
//! refused instead of corrupting the model. Runs against the real Postgres and FerretDB.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use chrono::NaiveDate;
use common::{env, envelope, pool, projected, tenant};
use cqrs_es::DomainEvent as _;
use mongodb::bson::{doc, Document};
use prism_aggregates::finance::journal_entry::{
    reversal_entry_id_for, JournalEntryEvent, JournalEntryPosted, JournalEntryReversed, PostedLine,
};
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::Projection;
use prism_projections::projectors::mongo::{database_name, DocumentProjection, ENTRIES};
use prism_projections::projectors::postgres::LedgerProjection;
use prism_projections::projectors::timescale::PostingsProjection;
use sqlx::PgPool;
use uuid::Uuid;

fn line(line_no: i32, account: &str, debit: i64, credit: i64) -> PostedLine {
    PostedLine {
        line_no,
        account: account.to_owned(),
        debit_minor: debit,
        credit_minor: credit,
        currency: "EUR".to_owned(),
        memo: None,
        functional: None,
    }
}

/// `event` of journal entry `entry_id`, its number `sequence`, at `offset` of the test topic.
fn entry_event(tenant: &str, entry_id: Uuid, sequence: i64, offset: i64, event: JournalEntryEvent) -> ProjectedEvent {
    let envelope = envelope(tenant, "finance.journal_entry", &entry_id.to_string(), event.event_type(), sequence);
    projected(envelope, DomainEvent::JournalEntry(event), format!("redelivery-{tenant}"), offset)
}

/// A posted entry and its reversal, as the aggregate would emit them.
fn history(tenant: &str) -> (ProjectedEvent, ProjectedEvent) {
    let entry_id = Uuid::new_v4();
    let lines = vec![line(1, "1000", 500, 0), line(2, "3000", 0, 500)];
    let posted = JournalEntryEvent::JournalEntryPosted(JournalEntryPosted {
        entry_id: entry_id.to_string(),
        tenant: tenant.to_owned(),
        entry_date: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        description: "redelivered".to_owned(),
        source_reference: None,
        lines: lines.clone(),
    });
    let reversed = JournalEntryEvent::JournalEntryReversed(JournalEntryReversed {
        entry_id: entry_id.to_string(),
        reversal_entry_id: reversal_entry_id_for(&entry_id.to_string()).to_string(),
        reversal_date: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        reason: "drill".to_owned(),
        lines: lines.iter().map(PostedLine::mirrored).collect(),
    });
    (entry_event(tenant, entry_id, 1, 0, posted), entry_event(tenant, entry_id, 2, 1, reversed))
}

async fn ledger_state(pool: &PgPool, tenant: &str) -> (i64, i64, Vec<(String, i64, i64)>) {
    let count = |table: &str| format!("SELECT count(*) FROM tenant_{tenant}.{table}");
    let entries: i64 = sqlx::query_scalar(&count("journal_entries")).fetch_one(pool).await.unwrap();
    let lines: i64 = sqlx::query_scalar(&count("journal_lines")).fetch_one(pool).await.unwrap();
    let balances = sqlx::query_as(&format!(
        "SELECT account, debit_total_minor, credit_total_minor FROM tenant_{tenant}.account_balances ORDER BY account"
    ))
    .fetch_all(pool)
    .await
    .unwrap();
    (entries, lines, balances)
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_events_change_nothing_in_the_postgres_ledger() {
    let (pool, tenant) = (pool().await, tenant("r"));
    let projection = LedgerProjection::new(pool.clone());
    let (posted, reversed) = history(&tenant);
    projection.apply(&posted).await.unwrap();
    projection.apply(&reversed).await.unwrap();
    let once = ledger_state(&pool, &tenant).await;
    projection.apply(&posted).await.unwrap();
    projection.apply(&reversed).await.unwrap();
    assert_eq!(ledger_state(&pool, &tenant).await, once);
    assert_eq!(once.0, 2, "the original and its reversal");
    assert_eq!(once.2, vec![("1000".to_owned(), 500, 500), ("3000".to_owned(), 500, 500)]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reversal_arriving_before_its_posting_is_refused_by_the_postgres_ledger() {
    let (pool, tenant) = (pool().await, tenant("r"));
    let projection = LedgerProjection::new(pool.clone());
    let (_, reversed) = history(&tenant);
    assert!(projection.apply(&reversed).await.is_err());
    assert_eq!(ledger_state(&pool, &tenant).await, (0, 0, vec![]));
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_events_change_nothing_in_the_postings_series() {
    let (pool, tenant) = (pool().await, tenant("r"));
    let projection = PostingsProjection::new(pool.clone());
    let (posted, reversed) = history(&tenant);
    for event in [&posted, &reversed, &posted, &reversed] {
        projection.apply(event).await.unwrap();
    }
    let rows: i64 =
        sqlx::query_scalar(&format!("SELECT count(*) FROM tenant_{tenant}.postings")).fetch_one(&pool).await.unwrap();
    assert_eq!(rows, 4, "two lines posted, two lines reversed, nothing twice");
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_events_change_nothing_in_the_mongo_document() {
    let url = env("PRISM_MONGODB_URL", "mongodb://127.0.0.1:27117/");
    let projection = DocumentProjection::connect(&url).await.unwrap();
    let tenant = tenant("r");
    let (posted, reversed) = history(&tenant);
    let entries = mongodb::Client::with_uri_str(&url)
        .await
        .unwrap()
        .database(&database_name(&tenant))
        .collection::<Document>(ENTRIES);
    let id = posted.envelope.aggregate_id.clone();

    assert!(projection.apply(&reversed).await.is_err(), "a reversal before its posting is refused");
    projection.apply(&posted).await.unwrap();
    projection.apply(&reversed).await.unwrap();
    let once = entries.find_one(doc! { "_id": &id }).await.unwrap().unwrap();
    projection.apply(&posted).await.unwrap();
    projection.apply(&reversed).await.unwrap();
    let twice = entries.find_one(doc! { "_id": &id }).await.unwrap().unwrap();

    assert_eq!(once, twice);
    assert_eq!(twice.get_str("status").unwrap(), "reversed");
    assert_eq!(twice.get_array("status_history").unwrap().len(), 2);
    assert_eq!(entries.count_documents(doc! {}).await.unwrap(), 2, "the original and its reversal");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_lines_on_one_account_both_reach_its_balance() {
    let (pool, tenant) = (pool().await, tenant("r"));
    let entry_id = Uuid::new_v4();
    let posted = JournalEntryEvent::JournalEntryPosted(JournalEntryPosted {
        entry_id: entry_id.to_string(),
        tenant: tenant.clone(),
        entry_date: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        description: "split".to_owned(),
        source_reference: None,
        lines: vec![line(1, "1000", 500, 0), line(2, "1000", 0, 200), line(3, "3000", 0, 300)],
    });
    LedgerProjection::new(pool.clone()).apply(&entry_event(&tenant, entry_id, 1, 0, posted)).await.unwrap();
    let (entries, lines, balances) = ledger_state(&pool, &tenant).await;
    assert_eq!((entries, lines), (1, 3));
    assert_eq!(balances, vec![("1000".to_owned(), 500, 200), ("3000".to_owned(), 0, 300)]);
}

#[tokio::test(flavor = "multi_thread")]
async fn one_batch_with_postings_reversals_repeats_and_two_tenants_applies_each_event_once() {
    let (pool, first, second) = (pool().await, tenant("r"), tenant("r"));
    let (posted, reversed) = history(&first);
    let (other_posted, _) = history(&second);
    let (mut later_posted, _) = history(&first);
    later_posted.envelope.global_position = 3;
    let batch = [posted.clone(), other_posted, reversed.clone(), posted, later_posted, reversed];
    LedgerProjection::new(pool.clone()).apply_batch(&batch).await.unwrap();
    PostingsProjection::new(pool.clone()).apply_batch(&batch).await.unwrap();

    let (entries, lines, balances) = ledger_state(&pool, &first).await;
    assert_eq!((entries, lines), (3, 6), "two postings and one reversal, nothing twice");
    assert_eq!(balances, vec![("1000".to_owned(), 1000, 500), ("3000".to_owned(), 500, 1000)]);
    assert_eq!(ledger_state(&pool, &second).await.0, 1, "the other tenant's entry went to its own schema");
    let postings: i64 =
        sqlx::query_scalar(&format!("SELECT count(*) FROM tenant_{first}.postings")).fetch_one(&pool).await.unwrap();
    assert_eq!(postings, 6);
}

#[tokio::test(flavor = "multi_thread")]
async fn one_mongo_batch_with_postings_reversals_and_repeats_writes_each_document_once() {
    let url = env("PRISM_MONGODB_URL", "mongodb://127.0.0.1:27117/");
    let tenant = tenant("r");
    let (posted, reversed) = history(&tenant);
    let (mut later_posted, _) = history(&tenant);
    later_posted.envelope.global_position = 3;
    let batch = [posted.clone(), reversed.clone(), posted.clone(), later_posted, reversed];
    DocumentProjection::connect(&url).await.unwrap().apply_batch(&batch).await.unwrap();

    let database = mongodb::Client::with_uri_str(&url).await.unwrap().database(&database_name(&tenant));
    let entries = database.collection::<Document>(ENTRIES);
    assert_eq!(entries.count_documents(doc! {}).await.unwrap(), 3, "two postings and one reversal");
    let original = entries.find_one(doc! { "_id": &posted.envelope.aggregate_id }).await.unwrap().unwrap();
    assert_eq!(original.get_str("status").unwrap(), "reversed");
    assert_eq!(original.get_array("status_history").unwrap().len(), 2);
    assert_eq!(database.collection::<Document>("projection_applied").count_documents(doc! {}).await.unwrap(), 3);
}
