//! Budgets in the Postgres read model: `budget_amounts`, one row per budget, account, fiscal
//! period and currency with a non-zero amount, in the tenant's schema. Setting an amount
//! upserts its row and setting it to 0 deletes it, each guarded by position: an upsert only
//! replaces an older row and never revives a cell from an event this projector already applied
//! (`projection_applied`), a delete only removes an older row — so applying an event twice
//! changes nothing, whatever was applied in between.

use prism_aggregates::finance::budget::{BudgetAmountSet, BudgetsEvent};
use sqlx::PgConnection;

use super::postgres::NAME;
use crate::projection::ProjectionError;

/// Applies one budgets event recorded at global `position`.
///
/// # Errors
/// When the database refuses.
pub async fn apply_budgets(
    tx: &mut PgConnection,
    schema: &str,
    event: &BudgetsEvent,
    position: i64,
) -> Result<(), ProjectionError> {
    match event {
        BudgetsEvent::BudgetAmountSet(set) if set.amount_minor == 0 => clear(tx, schema, set, position).await,
        BudgetsEvent::BudgetAmountSet(set) => upsert(tx, schema, set, position).await,
    }
}

async fn upsert(
    tx: &mut PgConnection,
    schema: &str,
    set: &BudgetAmountSet,
    position: i64,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "INSERT INTO {schema}.budget_amounts (budget, account, period, currency, amount_minor, last_position)
         SELECT $1, $2, $3, $4, $5, $6
          WHERE NOT EXISTS (SELECT 1 FROM {schema}.projection_applied WHERE projector = $7 AND global_position = $6)
         ON CONFLICT (budget, account, period, currency) DO UPDATE
            SET amount_minor = excluded.amount_minor, last_position = excluded.last_position
          WHERE budget_amounts.last_position < excluded.last_position"
    ))
    .bind(&set.budget)
    .bind(&set.account)
    .bind(&set.period)
    .bind(&set.currency)
    .bind(set.amount_minor)
    .bind(position)
    .bind(NAME)
    .execute(tx)
    .await?;
    Ok(())
}

async fn clear(
    tx: &mut PgConnection,
    schema: &str,
    set: &BudgetAmountSet,
    position: i64,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "DELETE FROM {schema}.budget_amounts
          WHERE budget = $1 AND account = $2 AND period = $3 AND currency = $4 AND last_position < $5"
    ))
    .bind(&set.budget)
    .bind(&set.account)
    .bind(&set.period)
    .bind(&set.currency)
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}
