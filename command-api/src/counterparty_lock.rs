//! Serialising the commands that move money against one counterparty's invoices. A payment
//! decides its allocations from the invoices' open amounts and then applies them to each
//! invoice; voiding an invoice depends on no payment being applied. Holding one Postgres
//! advisory lock per tenant and counterparty across decide-and-apply keeps two such commands
//! from both spending the same open amount. The lock lives in a transaction of its own, so
//! it is released when the guard is dropped, whatever happened in between.

use prism_aggregates::tenant::TenantId;
use sqlx::{PgPool, Postgres, Transaction};

/// Held while the counterparty's money-moving commands run; dropping it releases the lock.
#[derive(Debug)]
pub struct CounterpartyLock {
    _transaction: Transaction<'static, Postgres>,
}

/// Waits for and takes the lock of `counterparty_id` in `tenant`.
///
/// # Errors
/// When the database refuses.
pub async fn lock(pool: &PgPool, tenant: &TenantId, counterparty_id: &str) -> Result<CounterpartyLock, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('prism-counterparty'), hashtext($1 || '/' || $2))")
        .bind(tenant.as_str())
        .bind(counterparty_id)
        .execute(&mut *transaction)
        .await?;
    Ok(CounterpartyLock { _transaction: transaction })
}
