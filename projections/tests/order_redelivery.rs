//! Redelivered sales and purchase order events change nothing: applying an order's whole
//! history again, one by one or in one batch, leaves its Postgres row and its MongoDB document
//! as they were, and a document event whose predecessor is missing is refused. Runs against
//! the real Postgres and FerretDB.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use chrono::NaiveDate;
use common::{delivered, env, pool, tenant};
use cqrs_es::{Aggregate, DomainEvent as _};
use mongodb::bson::{doc, Document};
use prism_aggregates::supply::order_lines::{LineQuantity, OrderLine};
use prism_aggregates::supply::purchase_order::{
    BilledLine, GoodsReceived, LineMatch, Mismatch, PurchaseOrder, PurchaseOrderApproved, PurchaseOrderBilled,
    PurchaseOrderDrafted, PurchaseOrderEvent, PurchaseOrderSubmitted,
};
use prism_aggregates::supply::sales_order::{
    AllocatedLine, OrderAllocated, OrderConfirmed, OrderInvoiced, OrderPaid, OrderPicked, OrderPlaced, OrderReturned,
    OrderShipped, SalesOrder, SalesOrderEvent,
};
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::Projection;
use prism_projections::projectors::mongo::{database_name, DocumentProjection};
use prism_projections::projectors::order_documents::{PURCHASE_ORDERS, SALES_ORDERS};
use prism_projections::projectors::postgres::LedgerProjection;
use sqlx::PgPool;
use uuid::Uuid;

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
}

fn order_line(line_no: i32, sku: &str, quantity_milli: i64, unit_price_minor: i64) -> OrderLine {
    OrderLine {
        line_no,
        sku: sku.to_owned(),
        quantity_milli,
        unit_price_minor,
        net_minor: quantity_milli / 1000 * unit_price_minor,
    }
}

fn quantity(line_no: i32, sku: &str, quantity_milli: i64) -> LineQuantity {
    LineQuantity { line_no, sku: sku.to_owned(), quantity_milli }
}

/// A sales order placed, confirmed, allocated, picked, shipped in two parts, invoiced, paid
/// in part and partly returned.
fn sales_order_history(tenant: &str) -> Vec<ProjectedEvent> {
    let id = Uuid::now_v7().to_string();
    let order_id = || id.clone();
    let events = vec![
        SalesOrderEvent::OrderPlaced(OrderPlaced {
            order_id: order_id(),
            customer_id: "C-1".into(),
            customer_name: "Contoso".into(),
            currency: "EUR".into(),
            ship_from: "WH1".into(),
            lines: vec![order_line(1, "A", 5_000, 200), order_line(2, "B", 1_000, 1_000)],
            total_minor: 2_000,
        }),
        SalesOrderEvent::OrderConfirmed(OrderConfirmed { order_id: order_id() }),
        SalesOrderEvent::OrderAllocated(OrderAllocated {
            order_id: order_id(),
            lines: vec![
                AllocatedLine { line_no: 1, sku: "A".into(), reserved_milli: 5_000, back_ordered_milli: 0 },
                AllocatedLine { line_no: 2, sku: "B".into(), reserved_milli: 1_000, back_ordered_milli: 0 },
            ],
            fully_reserved: true,
        }),
        SalesOrderEvent::OrderPicked(OrderPicked { order_id: order_id() }),
        SalesOrderEvent::OrderShipped(OrderShipped {
            order_id: order_id(),
            shipment_id: "S-1".into(),
            ship_date: date(20),
            ship_from: "WH1".into(),
            lines: vec![quantity(1, "A", 2_000)],
            status: "partially_shipped".into(),
        }),
        SalesOrderEvent::OrderShipped(OrderShipped {
            order_id: order_id(),
            shipment_id: "S-2".into(),
            ship_date: date(21),
            ship_from: "WH1".into(),
            lines: vec![quantity(1, "A", 3_000), quantity(2, "B", 1_000)],
            status: "shipped".into(),
        }),
        SalesOrderEvent::OrderInvoiced(OrderInvoiced {
            order_id: order_id(),
            shipment_id: "S-1".into(),
            invoice_id: Uuid::new_v4().to_string(),
        }),
        SalesOrderEvent::OrderPaid(OrderPaid {
            order_id: order_id(),
            payment_id: "P-1".into(),
            amount_minor: 400,
            paid_total_minor: 400,
            fully_paid: false,
        }),
        SalesOrderEvent::OrderReturned(OrderReturned {
            order_id: order_id(),
            return_id: "R-1".into(),
            return_date: date(22),
            lines: vec![quantity(1, "A", 1_000)],
        }),
    ];
    let events = events.into_iter().map(|e| (e.event_type(), DomainEvent::SalesOrder(e))).collect();
    delivered(tenant, SalesOrder::TYPE, &id, 0, events)
}

/// A purchase order drafted, submitted above the threshold, approved, received in part and
/// billed at another price.
fn purchase_order_history(tenant: &str) -> Vec<ProjectedEvent> {
    let id = Uuid::now_v7().to_string();
    let order_id = || id.clone();
    let events = vec![
        PurchaseOrderEvent::PurchaseOrderDrafted(PurchaseOrderDrafted {
            order_id: order_id(),
            vendor_id: "V-1".into(),
            vendor_name: "Fabrikam".into(),
            currency: "EUR".into(),
            requested_by: "alice".into(),
            lines: vec![order_line(1, "A", 10_000, 500)],
            total_minor: 5_000,
        }),
        PurchaseOrderEvent::PurchaseOrderSubmitted(PurchaseOrderSubmitted {
            order_id: order_id(),
            total_minor: 5_000,
            approval_threshold_minor: Some(1_000),
            approval_threshold_currency: Some("EUR".into()),
            auto_approved: false,
        }),
        PurchaseOrderEvent::PurchaseOrderApproved(PurchaseOrderApproved {
            order_id: order_id(),
            approved_by: "bob".into(),
        }),
        PurchaseOrderEvent::GoodsReceived(GoodsReceived {
            order_id: order_id(),
            receipt_id: "GR-1".into(),
            receipt_date: date(20),
            location: "WH1".into(),
            lines: vec![quantity(1, "A", 4_000)],
            status: "partially_received".into(),
        }),
        PurchaseOrderEvent::PurchaseOrderBilled(PurchaseOrderBilled {
            order_id: order_id(),
            invoice_id: Uuid::new_v4().to_string(),
            lines: vec![BilledLine {
                line_no: 1,
                sku: "A".into(),
                quantity_milli: 4_000,
                unit_price_minor: 550,
                net_minor: 2_200,
            }],
            bill_total_minor: 2_200,
            matches: vec![LineMatch {
                line_no: 1,
                sku: "A".into(),
                ordered_milli: 10_000,
                received_milli: 4_000,
                billed_milli: 4_000,
                ordered_unit_price_minor: 500,
                billed_unit_price_minor: Some(550),
                mismatches: vec![Mismatch::ReceivedShort, Mismatch::PriceDiffers],
            }],
            matched: false,
        }),
    ];
    let events = events.into_iter().map(|e| (e.event_type(), DomainEvent::PurchaseOrder(e))).collect();
    delivered(tenant, PurchaseOrder::TYPE, &id, 100, events)
}

/// The order's row in `table`, as JSON; `None` when there is none.
async fn row(pool: &PgPool, tenant: &str, table: &str, id: &str) -> Option<serde_json::Value> {
    sqlx::query_scalar(&format!("SELECT to_jsonb(o) FROM tenant_{tenant}.{table} o WHERE order_id = $1::uuid"))
        .bind(id)
        .fetch_optional(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_order_events_change_nothing_in_postgres() {
    let (pool, tenant) = (pool().await, tenant("o"));
    let projection = LedgerProjection::new(pool.clone());
    let (sales, purchases) = (sales_order_history(&tenant), purchase_order_history(&tenant));
    let (sales_id, purchase_id) = (&sales[0].envelope.aggregate_id, &purchases[0].envelope.aggregate_id);
    for event in sales.iter().chain(&purchases) {
        projection.apply(event).await.unwrap();
    }
    let once = (
        row(&pool, &tenant, "sales_orders", sales_id).await,
        row(&pool, &tenant, "purchase_orders", purchase_id).await,
    );
    for event in sales.iter().chain(&purchases).rev() {
        projection.apply(event).await.unwrap();
    }
    projection.apply_batch(&[sales.clone(), purchases.clone()].concat()).await.unwrap();
    let twice = (
        row(&pool, &tenant, "sales_orders", sales_id).await,
        row(&pool, &tenant, "purchase_orders", purchase_id).await,
    );
    assert_eq!(once, twice);

    let (sale, purchase) = (once.0.unwrap(), once.1.unwrap());
    assert_eq!(
        (sale["status"].as_str(), sale["total_minor"].as_i64(), sale["paid_minor"].as_i64()),
        (Some("shipped"), Some(2_000), Some(400))
    );
    assert_eq!(sale["last_position"].as_i64(), Some(9));
    assert_eq!(
        (
            purchase["status"].as_str(),
            purchase["approved_by"].as_str(),
            purchase["billed_minor"].as_i64(),
            purchase["matched"].as_bool()
        ),
        (Some("billed"), Some("bob"), Some(2_200), Some(false))
    );
}

/// The sales and the purchase order document of `ids`.
async fn documents(database: &mongodb::Database, (sale, purchase): (&String, &String)) -> (Document, Document) {
    (document(database, SALES_ORDERS, sale).await, document(database, PURCHASE_ORDERS, purchase).await)
}

/// Document `id` of `collection`.
async fn document(database: &mongodb::Database, collection: &str, id: &str) -> Document {
    database.collection::<Document>(collection).find_one(doc! { "_id": id }).await.unwrap().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_order_events_change_nothing_in_the_mongo_documents() {
    let url = env("PRISM_MONGODB_URL", "mongodb://127.0.0.1:27117/");
    let projection = DocumentProjection::connect(&url).await.unwrap();
    let tenant = tenant("o");
    let database = mongodb::Client::with_uri_str(&url).await.unwrap().database(&database_name(&tenant));
    let (sales, purchases) = (sales_order_history(&tenant), purchase_order_history(&tenant));
    let ids = (&sales[0].envelope.aggregate_id, &purchases[0].envelope.aggregate_id);

    projection.apply(&sales[0]).await.unwrap();
    assert!(projection.apply(&sales[2]).await.is_err(), "an event after a missing one is refused");
    for event in sales.iter().chain(&purchases) {
        projection.apply(event).await.unwrap();
    }
    let once = documents(&database, ids).await;
    projection.apply_batch(&[sales.clone(), purchases.clone()].concat()).await.unwrap();
    projection.apply(&sales[4]).await.unwrap();
    let twice = documents(&database, ids).await;
    assert_eq!(once, twice);

    let (sale, purchase) = once;
    assert_eq!(sale.get_str("status").unwrap(), "shipped");
    assert_eq!(sale.get_i64("last_sequence").unwrap(), 9);
    let history: Vec<&str> = sale
        .get_array("status_history")
        .unwrap()
        .iter()
        .map(|h| h.as_document().unwrap().get_str("status").unwrap())
        .collect();
    assert_eq!(history, ["placed", "confirmed", "allocated", "picked", "partially_shipped", "shipped"]);
    let line =
        |document: &Document, index: usize| document.get_array("lines").unwrap()[index].as_document().unwrap().clone();
    let first = line(&sale, 0);
    assert_eq!(
        (
            first.get_i64("reserved_milli").unwrap(),
            first.get_i64("shipped_milli").unwrap(),
            first.get_i64("returned_milli").unwrap()
        ),
        (5_000, 5_000, 1_000)
    );
    assert_eq!(line(&sale, 1).get_i64("shipped_milli").unwrap(), 1_000);
    for (array, len) in [("shipments", 2), ("returns", 1), ("invoices", 1), ("payments", 1)] {
        assert_eq!(sale.get_array(array).unwrap().len(), len, "{array}");
    }
    assert_eq!(sale.get_i64("paid_minor").unwrap(), 400);

    assert_eq!(purchase.get_str("status").unwrap(), "billed");
    assert_eq!(purchase.get_str("approved_by").unwrap(), "bob");
    assert!(!purchase.get_bool("matched").unwrap());
    assert_eq!(purchase.get_i64("billed_minor").unwrap(), 2_200);
    let ordered = line(&purchase, 0);
    assert_eq!((ordered.get_i64("received_milli").unwrap(), ordered.get_i64("billed_milli").unwrap()), (4_000, 4_000));
    let bill = purchase.get_array("bills").unwrap()[0].as_document().unwrap();
    let matched = bill.get_array("matches").unwrap()[0].as_document().unwrap();
    let mismatches: Vec<&str> = matched.get_array("mismatches").unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    assert_eq!(mismatches, ["received_short", "price_differs"]);
    assert_eq!(purchase.get_array("receipts").unwrap().len(), 1);
}
