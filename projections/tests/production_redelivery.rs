//! Redelivered production events change nothing: applying a bill of materials' two versions
//! a work order's whole history and its quality check again — one by one in reverse, then in one batch — leaves
//! the bill versions and lines, the work-order row, its components and the check as they were;
//! in the time series, a completed order and one scrapped in progress (its plan in the same
//! batch) are one production outcome each, however often they arrive; an asset's whole history
//! again leaves its row, maintenance log and downtimes as they were; and a completed and a
//! scrapped work order's MongoDB documents stay as they were, their status histories whole.
//! Runs against the real Postgres and FerretDB.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use chrono::TimeZone;
use common::{delivered, env, pool, tenant};
use cqrs_es::{Aggregate, DomainEvent as _};
use mongodb::bson::{doc, Document};
use prism_aggregates::production::asset::{
    Asset, AssetEvent, AssetRegistered, AssetRetired, DowntimeEnded, DowntimeStarted, MaintenancePerformed,
};
use prism_aggregates::production::bill_of_materials::{BillOfMaterials, BillOfMaterialsRevised, BomEvent, BomLine};
use prism_aggregates::production::quality_check::{QualityCheck, QualityCheckCompleted, QualityCheckEvent};
use prism_aggregates::production::work_order::{
    ComponentRequirement, ProductionStarted, WorkOrder, WorkOrderCompleted, WorkOrderEvent, WorkOrderPlanned,
    WorkOrderReleased, WorkOrderScrapped,
};
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::Projection;
use prism_projections::projectors::mongo::{database_name, DocumentProjection};
use prism_projections::projectors::postgres::LedgerProjection;
use prism_projections::projectors::timescale::PostingsProjection;
use prism_projections::projectors::work_order_documents::WORK_ORDERS;
use sqlx::PgPool;
use uuid::Uuid;

/// Two versions of the bill of `BIKE`.
fn bom_history(tenant: &str) -> Vec<ProjectedEvent> {
    let line = |component: &str, quantity_milli| BomLine { component_sku: component.into(), quantity_milli };
    let events = [(1, vec![line("FRAME", 1_000)]), (2, vec![line("FRAME", 1_000), line("WHEEL", 2_000)])]
        .into_iter()
        .map(|(version, lines)| {
            let event = BomEvent::BillOfMaterialsRevised(BillOfMaterialsRevised {
                sku: "BIKE".into(),
                version,
                lines,
                note: None,
            });
            (event.event_type(), DomainEvent::BillOfMaterials(event))
        })
        .collect();
    delivered(tenant, BillOfMaterials::TYPE, "BIKE", 0, events)
}

/// A work order of five bikes planned, released, started and completed, four good and one
/// scrapped.
fn work_order_history(tenant: &str) -> Vec<ProjectedEvent> {
    let id = Uuid::now_v7().to_string();
    let mut events = started_order(&id);
    events.push(WorkOrderEvent::WorkOrderCompleted(WorkOrderCompleted {
        work_order_id: id.clone(),
        sku: "BIKE".into(),
        location: "WH-1".into(),
        planned_quantity_milli: 5_000,
        good_quantity_milli: 4_000,
        scrapped_quantity_milli: 1_000,
    }));
    let events = events.into_iter().map(|e| (e.event_type(), DomainEvent::WorkOrder(e))).collect();
    delivered(tenant, WorkOrder::TYPE, &id, 10, events)
}

/// A work order of five bikes planned, released, started and scrapped.
fn scrapped_history(tenant: &str) -> Vec<ProjectedEvent> {
    let id = Uuid::now_v7().to_string();
    let mut events = started_order(&id);
    events.push(WorkOrderEvent::WorkOrderScrapped(WorkOrderScrapped {
        work_order_id: id.clone(),
        sku: "BIKE".into(),
        reason: "frame cracked".into(),
        from_status: "in_progress".into(),
    }));
    let events = events.into_iter().map(|e| (e.event_type(), DomainEvent::WorkOrder(e))).collect();
    delivered(tenant, WorkOrder::TYPE, &id, 30, events)
}

/// Work order `id` for five bikes planned, released and started.
fn started_order(id: &str) -> Vec<WorkOrderEvent> {
    let id = id.to_owned();
    let components = vec![ComponentRequirement { component_sku: "FRAME".into(), quantity_milli: 5_000 }];
    vec![
        WorkOrderEvent::WorkOrderPlanned(WorkOrderPlanned {
            work_order_id: id.clone(),
            sku: "BIKE".into(),
            quantity_milli: 5_000,
            bom_version: 1,
            location: "WH-1".into(),
            due_date: None,
            components: components.clone(),
        }),
        WorkOrderEvent::WorkOrderReleased(WorkOrderReleased { work_order_id: id.clone() }),
        WorkOrderEvent::ProductionStarted(ProductionStarted {
            work_order_id: id,
            sku: "BIKE".into(),
            location: "WH-1".into(),
            components,
        }),
    ]
}

/// A failed check of two of the work order's bikes.
fn check_history(tenant: &str, work_order_id: &str) -> Vec<ProjectedEvent> {
    let id = Uuid::now_v7().to_string();
    let event = QualityCheckEvent::QualityCheckCompleted(QualityCheckCompleted {
        quality_check_id: id.clone(),
        work_order_id: Some(work_order_id.to_owned()),
        receipt_reference: None,
        sku: "BIKE".into(),
        location: "WH-1".into(),
        quantity_milli: 2_000,
        result: "fail".into(),
        quarantine_location: Some("QC".into()),
        notes: None,
    });
    delivered(tenant, QualityCheck::TYPE, &id, 20, vec![(event.event_type(), DomainEvent::QualityCheck(event))])
}

/// The rows the read model holds for the bill and the work order, as JSON.
async fn rows(pool: &PgPool, tenant: &str, work_order: &str) -> serde_json::Value {
    sqlx::query_scalar(&format!(
        "SELECT jsonb_build_array(
             (SELECT jsonb_agg(to_jsonb(v) ORDER BY v.version) FROM tenant_{tenant}.bom_versions v),
             (SELECT jsonb_agg(to_jsonb(l) ORDER BY l.version, l.line_no) FROM tenant_{tenant}.bom_lines l),
             (SELECT to_jsonb(w) FROM tenant_{tenant}.work_orders w WHERE work_order_id = $1::uuid),
             (SELECT jsonb_agg(to_jsonb(c) ORDER BY c.line_no)
                FROM tenant_{tenant}.work_order_components c WHERE work_order_id = $1::uuid),
             (SELECT jsonb_agg(to_jsonb(q)) FROM tenant_{tenant}.quality_checks q WHERE work_order_id = $1::uuid))"
    ))
    .bind(work_order)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_production_events_change_nothing_in_postgres() {
    let (pool, tenant) = (pool().await, tenant("forge"));
    let projection = LedgerProjection::new(pool.clone());
    let (bom, order) = (bom_history(&tenant), work_order_history(&tenant));
    let id = order[0].envelope.aggregate_id.clone();
    let check = check_history(&tenant, &id);
    for event in bom.iter().chain(&order).chain(&check) {
        projection.apply(event).await.unwrap();
    }
    let once = rows(&pool, &tenant, &id).await;
    assert_eq!(once[0].as_array().unwrap().len(), 2);
    assert_eq!(once[1].as_array().unwrap().len(), 3);
    assert_eq!(once[2]["status"], "completed");
    assert_eq!(
        (once[2]["good_quantity_milli"].as_i64(), once[2]["scrapped_quantity_milli"].as_i64()),
        (Some(4_000), Some(1_000))
    );
    assert!(once[2]["started_at"].is_string());
    assert_eq!(once[3][0]["quantity_milli"], 5_000);
    assert_eq!((once[4][0]["result"].as_str(), once[4][0]["quarantine_location"].as_str()), (Some("fail"), Some("QC")));

    for event in bom.iter().chain(&order).chain(&check).rev() {
        projection.apply(event).await.unwrap();
    }
    projection.apply_batch(&[bom.clone(), order.clone(), check.clone()].concat()).await.unwrap();
    assert_eq!(rows(&pool, &tenant, &id).await, once);
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_work_order_ends_are_one_production_outcome_each() {
    let (pool, tenant) = (pool().await, tenant("yield"));
    let projection = PostingsProjection::new(pool.clone());
    let (completed, scrapped) = (work_order_history(&tenant), scrapped_history(&tenant));
    for event in &completed {
        projection.apply(event).await.unwrap();
    }
    projection.apply_batch(&scrapped).await.unwrap();
    let outcomes = || async {
        sqlx::query_as::<_, (String, String, i64, i64)>(&format!(
            "SELECT outcome, sku, good_quantity_milli, scrapped_quantity_milli
               FROM tenant_{tenant}.production_outcomes ORDER BY outcome"
        ))
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    let once = outcomes().await;
    let expected = [("completed", 4_000, 1_000), ("scrapped", 0, 5_000)]
        .map(|(outcome, good, scrap)| (outcome.to_owned(), "BIKE".to_owned(), good, scrap));
    assert_eq!(once, expected);

    projection.apply_batch(&[completed.clone(), scrapped.clone()].concat()).await.unwrap();
    for event in completed.iter().chain(&scrapped).rev() {
        projection.apply(event).await.unwrap();
    }
    assert_eq!(outcomes().await, once);
}

/// An asset registered, maintained, down and up twice, then retired.
fn asset_history(tenant: &str) -> Vec<ProjectedEvent> {
    let id = Uuid::now_v7().to_string();
    let at = |hour| chrono::Utc.with_ymd_and_hms(2026, 11, 27, hour, 0, 0).unwrap();
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let asset_id = || id.clone();
    let mut events = vec![
        AssetEvent::AssetRegistered(AssetRegistered {
            asset_id: asset_id(),
            name: "Press 2".into(),
            location: "WH-1".into(),
            maintenance_interval_days: Some(30),
            next_maintenance_due: Some(day(30)),
        }),
        AssetEvent::MaintenancePerformed(MaintenancePerformed {
            asset_id: asset_id(),
            performed_on: day(26),
            notes: Some("oil changed".into()),
            next_maintenance_due: chrono::NaiveDate::from_ymd_opt(2026, 12, 26),
        }),
    ];
    for (start, end, planned) in [(8, 9, false), (10, 12, true)] {
        events.push(AssetEvent::DowntimeStarted(DowntimeStarted {
            asset_id: asset_id(),
            started_at: at(start),
            reason: "leak".into(),
            planned,
        }));
        events.push(AssetEvent::DowntimeEnded(DowntimeEnded {
            asset_id: asset_id(),
            started_at: at(start),
            ended_at: at(end),
            duration_seconds: i64::from(end - start) * 3_600,
        }));
    }
    events.push(AssetEvent::AssetRetired(AssetRetired {
        asset_id: asset_id(),
        retired_on: day(28),
        reason: "worn".into(),
    }));
    let events = events.into_iter().map(|e| (e.event_type(), DomainEvent::Asset(e))).collect();
    delivered(tenant, Asset::TYPE, &id, 40, events)
}

/// The asset's row, maintenance log and downtimes, as JSON.
async fn asset_rows(pool: &PgPool, tenant: &str, asset: &str) -> serde_json::Value {
    sqlx::query_scalar(&format!(
        "SELECT jsonb_build_array(
             (SELECT to_jsonb(a) FROM tenant_{tenant}.assets a WHERE asset_id = $1::uuid),
             (SELECT jsonb_agg(to_jsonb(m)) FROM tenant_{tenant}.asset_maintenance m WHERE asset_id = $1::uuid),
             (SELECT jsonb_agg(to_jsonb(d) ORDER BY d.started_at)
                FROM tenant_{tenant}.asset_downtimes d WHERE asset_id = $1::uuid))"
    ))
    .bind(asset)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_asset_events_change_nothing_in_postgres() {
    let (pool, tenant) = (pool().await, tenant("asset"));
    let projection = LedgerProjection::new(pool.clone());
    let history = asset_history(&tenant);
    let id = history[0].envelope.aggregate_id.clone();
    for event in &history {
        projection.apply(event).await.unwrap();
    }
    let once = asset_rows(&pool, &tenant, &id).await;
    assert_eq!((once[0]["status"].as_str(), once[0]["down_since"].as_str()), (Some("retired"), None));
    assert_eq!(
        (once[0]["last_maintenance_on"].as_str(), once[0]["next_maintenance_due"].as_str()),
        (Some("2026-11-26"), Some("2026-12-26"))
    );
    assert_eq!(once[1].as_array().unwrap().len(), 1);
    let durations: Vec<i64> =
        once[2].as_array().unwrap().iter().map(|d| d["duration_seconds"].as_i64().unwrap()).collect();
    assert_eq!(durations, [3_600, 7_200]);

    for event in history.iter().rev() {
        projection.apply(event).await.unwrap();
    }
    projection.apply_batch(&history).await.unwrap();
    assert_eq!(asset_rows(&pool, &tenant, &id).await, once);
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_work_order_events_change_nothing_in_the_mongo_document() {
    let url = env("PRISM_MONGODB_URL", "mongodb://127.0.0.1:27117/");
    let projection = DocumentProjection::connect(&url).await.unwrap();
    let tenant = tenant("wodoc");
    let documents = mongodb::Client::with_uri_str(&url)
        .await
        .unwrap()
        .database(&database_name(&tenant))
        .collection::<Document>(WORK_ORDERS);
    let (completed, scrapped) = (work_order_history(&tenant), scrapped_history(&tenant));
    let document = |id: String| {
        let documents = documents.clone();
        async move { documents.find_one(doc! { "_id": id }).await.unwrap().unwrap() }
    };
    let (completed_id, scrapped_id) =
        (completed[0].envelope.aggregate_id.clone(), scrapped[0].envelope.aggregate_id.clone());

    projection.apply(&completed[0]).await.unwrap();
    assert!(projection.apply(&completed[2]).await.is_err(), "an event after a missing one is refused");
    for event in completed.iter().chain(&scrapped) {
        projection.apply(event).await.unwrap();
    }
    let once = (document(completed_id.clone()).await, document(scrapped_id.clone()).await);
    projection.apply_batch(&completed).await.unwrap();
    projection.apply_batch(&scrapped).await.unwrap();
    projection.apply(&completed[1]).await.unwrap();
    assert_eq!((document(completed_id).await, document(scrapped_id).await), once);

    let (done, lost) = once;
    assert_eq!((done.get_str("status").unwrap(), done.get_str("sku").unwrap()), ("completed", "BIKE"));
    assert_eq!(
        (done.get_i64("good_quantity_milli").unwrap(), done.get_i64("scrapped_quantity_milli").unwrap()),
        (4_000, 1_000)
    );
    let statuses = |document: &Document| -> Vec<String> {
        let history = document.get_array("status_history").unwrap();
        history.iter().map(|entry| entry.as_document().unwrap().get_str("status").unwrap().to_owned()).collect()
    };
    assert_eq!(statuses(&done), ["planned", "released", "in_progress", "completed"]);
    let components = done.get_array("components").unwrap();
    assert_eq!(components[0].as_document().unwrap().get_str("component_sku").unwrap(), "FRAME");
    assert_eq!((lost.get_str("status").unwrap(), lost.get_str("scrap_reason").unwrap()), ("scrapped", "frame cracked"));
    assert_eq!(statuses(&lost), ["planned", "released", "in_progress", "scrapped"]);
    assert_eq!(lost.get_i64("last_sequence").unwrap(), 4);
}
