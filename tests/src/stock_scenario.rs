//! The small stock scenario the KPI and dashboard tests share: a warehouse `WH1`, the item
//! `WIDGET` (FIFO, EUR) with ten units received at 1.00 each, and sales orders of widgets at
//! 2.50 a unit for the customer `C-1`.

use serde_json::{json, Value};

use crate::system::{accepted, System};

/// Posts `body` to `path` as `tenant`'s admin and asserts it is accepted with `status`.
async fn post(system: &System, tenant: &str, path: &str, body: &Value, status: u16) {
    accepted(&system.post(tenant, path, body).await, status);
}

/// Opens `WH1`, registers `WIDGET` and receives ten of them at 1.00 each (stock worth 10.00).
///
/// # Panics
/// When the command API refuses (a failed test).
pub async fn receive_ten_widgets(system: &System, tenant: &str) {
    post(system, tenant, "/v1/locations", &json!({"code": "WH1", "name": "Main", "kind": "warehouse"}), 201).await;
    let item = json!({"sku": "WIDGET", "name": "Widget", "unit_of_measure": "each", "valuation_method": "fifo",
                      "currency": "EUR"});
    post(system, tenant, "/v1/items", &item, 201).await;
    let receipt = json!({"sku": "WIDGET", "location": "WH1", "quantity": "10", "unit_cost_minor": 100});
    post(system, tenant, "/v1/stock/receipts", &receipt, 201).await;
}

/// Places an order of `quantity` widgets at 2.50 each from `WH1`.
///
/// # Panics
/// When the command API refuses (a failed test).
pub async fn order_widgets(system: &System, tenant: &str, quantity: &str) {
    let order = json!({"customer_id": "C-1", "customer_name": "Contoso", "currency": "EUR", "ship_from": "WH1",
                       "lines": [{"sku": "WIDGET", "quantity": quantity, "unit_price_minor": 250}]});
    post(system, tenant, "/v1/sales-orders", &order, 201).await;
}
