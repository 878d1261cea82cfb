//! Budget amounts in the Postgres read model: set, replaced and cleared (the row deleted) in
//! order, and redelivered events — even ones older than a clear — change nothing. Runs
//! against the real Postgres.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use common::{envelope, pool, projected, tenant};
use cqrs_es::DomainEvent as _;
use prism_aggregates::finance::budget::{BudgetAmountSet, BudgetsEvent};
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::Projection;
use prism_projections::projectors::postgres::LedgerProjection;
use sqlx::PgPool;

/// The budgets' event number `sequence` (also its global position and offset): `account` of
/// `2026-plan` in 2026-03, EUR, set to `amount_minor`.
fn amount_set(tenant: &str, sequence: i64, account: &str, amount_minor: i64) -> ProjectedEvent {
    let event = BudgetsEvent::BudgetAmountSet(BudgetAmountSet {
        budget: "2026-plan".to_owned(),
        account: account.to_owned(),
        period: "2026-03".to_owned(),
        currency: "EUR".to_owned(),
        amount_minor,
    });
    let envelope = envelope(tenant, "finance.budgets", "budgets", event.event_type(), sequence);
    projected(envelope, DomainEvent::Budgets(event), format!("budgets-{tenant}"), sequence)
}

/// `(account, amount, last position)` of every row, by account.
async fn rows(pool: &PgPool, tenant: &str) -> Vec<(String, i64, i64)> {
    sqlx::query_as(&format!(
        "SELECT account, amount_minor, last_position FROM tenant_{tenant}.budget_amounts ORDER BY account"
    ))
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn amounts_are_set_replaced_and_cleared_in_order() {
    let (pool, tenant) = (pool().await, tenant("b"));
    let projection = LedgerProjection::new(pool.clone());

    projection.apply(&amount_set(&tenant, 1, "6100", 50_000)).await.unwrap();
    projection.apply(&amount_set(&tenant, 2, "4000", 200_000)).await.unwrap();
    projection.apply(&amount_set(&tenant, 3, "6100", 55_000)).await.unwrap();
    assert_eq!(rows(&pool, &tenant).await, [("4000".to_owned(), 200_000, 2), ("6100".to_owned(), 55_000, 3)]);

    projection.apply(&amount_set(&tenant, 4, "6100", 0)).await.unwrap();
    assert_eq!(rows(&pool, &tenant).await, [("4000".to_owned(), 200_000, 2)]);
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_events_change_nothing_even_after_a_clear() {
    let (pool, tenant) = (pool().await, tenant("b"));
    let projection = LedgerProjection::new(pool.clone());
    let history = [
        amount_set(&tenant, 1, "6100", 50_000),
        amount_set(&tenant, 2, "6100", 55_000),
        amount_set(&tenant, 3, "6100", 0),
        amount_set(&tenant, 4, "4000", 200_000),
    ];
    for event in &history {
        projection.apply(event).await.unwrap();
    }
    let once = rows(&pool, &tenant).await;

    for event in &history {
        projection.apply(event).await.unwrap();
    }

    assert_eq!(rows(&pool, &tenant).await, once);
    assert_eq!(once, [("4000".to_owned(), 200_000, 4)], "6100 stays cleared");
    projection.apply(&amount_set(&tenant, 5, "6100", 60_000)).await.unwrap();
    assert_eq!(rows(&pool, &tenant).await, [("4000".to_owned(), 200_000, 4), ("6100".to_owned(), 60_000, 5)]);
}

#[tokio::test(flavor = "multi_thread")]
async fn one_batch_applies_each_amount_in_order() {
    let (pool, tenant) = (pool().await, tenant("b"));
    let batch = [
        amount_set(&tenant, 1, "6100", 50_000),
        amount_set(&tenant, 2, "4000", 200_000),
        amount_set(&tenant, 3, "6100", 0),
        amount_set(&tenant, 4, "6200", 10_000),
        amount_set(&tenant, 5, "4000", 210_000),
    ];

    LedgerProjection::new(pool.clone()).apply_batch(&batch).await.unwrap();

    assert_eq!(rows(&pool, &tenant).await, [("4000".to_owned(), 210_000, 5), ("6200".to_owned(), 10_000, 4)]);
}
