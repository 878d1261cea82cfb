//! The order endpoints: the open sales and purchase orders from the Postgres read model (JSON
//! and CSV, `status` filter) and each order's MongoDB document, behind the consistency token.

mod common;

use common::{assert_problem, mark_applied_in_mongo, mongo, new_tenant, TestApi};
use mongodb::bson::{doc, Document};
use prism_aggregates::tenant::TenantId;
use prism_platform::tenancy::mongo_database_of;
use prism_query_api::stores::tenant_table;
use sqlx::PgPool;
use uuid::Uuid;

const CSV: (&str, &str) = ("Accept", "text/csv");

/// Seeds a sales order row in `status`, placed `minute` minutes past midnight.
async fn seed_sales_order(pool: &PgPool, tenant: &TenantId, status: &str, minute: i32) -> Uuid {
    let order_id = Uuid::now_v7();
    sqlx::query(&format!(
        "INSERT INTO {} (order_id, customer_id, customer_name, currency, ship_from, status, total_minor, paid_minor,
                         placed_at, last_position)
         VALUES ($1, 'C-1', 'Contoso, Ltd', 'EUR', 'WH1', $2, 2000, 400,
                 '2026-11-25T00:00:00Z'::timestamptz + make_interval(mins => $3), 1)",
        tenant_table(tenant, "sales_orders")
    ))
    .bind(order_id)
    .bind(status)
    .bind(minute)
    .execute(pool)
    .await
    .expect("sales order seeded");
    order_id
}

/// Seeds a purchase order row in `status`, drafted `minute` minutes past midnight.
async fn seed_purchase_order(pool: &PgPool, tenant: &TenantId, status: &str, minute: i32) -> Uuid {
    let order_id = Uuid::now_v7();
    sqlx::query(&format!(
        "INSERT INTO {} (order_id, vendor_id, vendor_name, currency, status, total_minor, requested_by, drafted_at,
                         last_position)
         VALUES ($1, 'V-1', 'Fabrikam', 'EUR', $2, 5000, 'alice',
                 '2026-11-25T00:00:00Z'::timestamptz + make_interval(mins => $3), 1)",
        tenant_table(tenant, "purchase_orders")
    ))
    .bind(order_id)
    .bind(status)
    .bind(minute)
    .execute(pool)
    .await
    .expect("purchase order seeded");
    order_id
}

fn ids(body: &serde_json::Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["order_id"].as_str().expect("order id").to_owned())
        .collect()
}

#[tokio::test]
async fn open_sales_orders_are_listed_oldest_first_unless_a_status_is_asked_for() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    let confirmed = seed_sales_order(&api.pool, &tenant, "confirmed", 2).await;
    let placed = seed_sales_order(&api.pool, &tenant, "placed", 1).await;
    let delivered = seed_sales_order(&api.pool, &tenant, "delivered", 0).await;
    seed_sales_order(&api.pool, &tenant, "cancelled", 3).await;

    let open = api.get(&tenant, "/v1/sales-orders", &[]).await;
    let delivered_only = api.get(&tenant, "/v1/sales-orders?status=delivered", &[]).await;
    let csv = api.get(&tenant, "/v1/sales-orders", &[CSV]).await;
    let bad = api.get(&tenant, "/v1/sales-orders?status=open", &[]).await;

    assert_eq!(open.status, 200, "{open:?}");
    assert_eq!(ids(&open.body), [placed.to_string(), confirmed.to_string()]);
    let first = &open.body["items"][0];
    assert_eq!((first["customer_name"].as_str(), first["currency"].as_str()), (Some("Contoso, Ltd"), Some("EUR")));
    assert_eq!((first["total_minor"].as_i64(), first["paid_minor"].as_i64()), (Some(2000), Some(400)));
    assert_eq!(first["placed_at"], "2026-11-25T00:01:00Z");
    assert_eq!(ids(&delivered_only.body), [delivered.to_string()]);
    assert_eq!(csv.content_type, "text/csv; charset=utf-8", "{csv:?}");
    let text = csv.body.as_str().expect("a CSV body is not JSON");
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [
            "order_id,customer_id,customer_name,currency,ship_from,status,total_minor,paid_minor,placed_at",
            &format!("{placed},C-1,\"Contoso, Ltd\",EUR,WH1,placed,2000,400,2026-11-25T00:01:00+00:00"),
            &format!("{confirmed},C-1,\"Contoso, Ltd\",EUR,WH1,confirmed,2000,400,2026-11-25T00:02:00+00:00"),
        ]
    );
    assert_problem(&bad, 422, "invalid-field");
    assert_eq!(bad.body["field"], "status");
}

#[tokio::test]
async fn open_purchase_orders_leave_out_closed_and_cancelled_ones() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    let submitted = seed_purchase_order(&api.pool, &tenant, "submitted", 1).await;
    seed_purchase_order(&api.pool, &tenant, "closed", 0).await;
    let cancelled = seed_purchase_order(&api.pool, &tenant, "cancelled", 2).await;

    let open = api.get(&tenant, "/v1/purchase-orders", &[]).await;
    let cancelled_only = api.get(&tenant, "/v1/purchase-orders?status=cancelled", &[]).await;
    let csv = api.get(&tenant, "/v1/purchase-orders?status=submitted", &[CSV]).await;

    assert_eq!(ids(&open.body), [submitted.to_string()], "{open:?}");
    let order = &open.body["items"][0];
    assert_eq!((order["status"].as_str(), order["requested_by"].as_str()), (Some("submitted"), Some("alice")));
    assert!(order["approved_by"].is_null() && order["matched"].is_null(), "{order}");
    assert_eq!(ids(&cancelled_only.body), [cancelled.to_string()]);
    assert_eq!(
        csv.body.as_str().expect("CSV").lines().nth(1),
        Some(format!("{submitted},V-1,Fabrikam,EUR,submitted,5000,0,,alice,,2026-11-25T00:01:00+00:00").as_str())
    );
}

#[tokio::test]
async fn an_order_document_is_served_once_the_mongo_projector_reached_the_token() {
    let client = mongo().await;
    let api = TestApi::start(300).await;
    let tenant = new_tenant(&api.pool).await;
    let (sale, purchase) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
    let database = client.database(&mongo_database_of(&tenant));
    let sale_document = doc! {
        "_id": &sale, "order_id": &sale, "status": "confirmed",
        "lines": [{ "line_no": 1_i32, "sku": "A", "quantity_milli": 5_000_i64, "shipped_milli": 0_i64 }],
        "status_history": [{ "status": "placed" }, { "status": "confirmed" }],
        "shipments": [], "last_sequence": 2_i64, "last_position": 12_i64,
    };
    database.collection::<Document>("sales_orders").insert_one(sale_document).await.expect("sales order seeded");
    let purchase_document = doc! {
        "_id": &purchase, "order_id": &purchase, "status": "billed", "matched": false,
        "bills": [{ "matches": [{ "line_no": 1_i32, "mismatches": ["price_differs"] }] }],
    };
    database.collection::<Document>("purchase_orders").insert_one(purchase_document).await.expect("PO seeded");
    let token = [("X-Prism-Min-Position", "12")];

    let early = api.get(&tenant, &format!("/v1/sales-orders/{sale}"), &token).await;
    mark_applied_in_mongo(&client, &tenant, 12).await;
    let sale_answer = api.get(&tenant, &format!("/v1/sales-orders/{sale}"), &token).await;
    let purchase_answer = api.get(&tenant, &format!("/v1/purchase-orders/{purchase}"), &[]).await;
    let absent = api.get(&tenant, &format!("/v1/sales-orders/{}", Uuid::now_v7()), &[]).await;
    let in_other_collection = api.get(&tenant, &format!("/v1/purchase-orders/{sale}"), &[]).await;
    let not_uuid = api.get(&tenant, "/v1/purchase-orders/PO-1", &[]).await;

    assert_problem(&early, 504, "consistency-timeout");
    assert_eq!(sale_answer.status, 200, "{sale_answer:?}");
    assert_eq!(sale_answer.body["status"], "confirmed");
    assert_eq!(sale_answer.body["lines"][0]["quantity_milli"], 5_000);
    assert_eq!(sale_answer.body["status_history"].as_array().map(Vec::len), Some(2));
    assert_eq!(purchase_answer.body["bills"][0]["matches"][0]["mismatches"][0], "price_differs", "{purchase_answer:?}");
    for missing in [&absent, &in_other_collection, &not_uuid] {
        assert_problem(missing, 404, "not-found");
    }
}
