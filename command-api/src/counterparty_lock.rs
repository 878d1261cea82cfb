//! Serialising the commands that move money against one counterparty's invoices. A payment
//! decides its allocations from the invoices' open amounts and then applies them to each
//! invoice; voiding an invoice depends on no payment being applied. Holding one Postgres
//! advisory lock per tenant and counterparty across decide-and-apply keeps two such commands
//! from both spending the same open amount. The lock lives in a transaction of its own, so it
//! is released when the guard is dropped, whatever happened in between.
//!
//! A lock holds a pooled connection while its command needs others from the same pool, so at
//! most half the pool may be held by locks at once: many concurrent payments then wait for a
//! turn instead of starving each other of connections.

use std::sync::Arc;

use prism_aggregates::tenant::TenantId;
use sqlx::{PgPool, Postgres, Transaction};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The counterparty locks of one process.
#[derive(Debug)]
pub struct CounterpartyLocks {
    pool: PgPool,
    holders: Arc<Semaphore>,
}

/// Held while the counterparty's money-moving commands run; dropping it releases the lock.
#[derive(Debug)]
pub struct CounterpartyLock {
    _transaction: Transaction<'static, Postgres>,
    _turn: OwnedSemaphorePermit,
}

impl CounterpartyLocks {
    /// Locks taken through `pool`, at most half its connections at once.
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        let holders = (pool.options().get_max_connections() / 2).max(1);
        Self { pool, holders: Arc::new(Semaphore::new(usize::try_from(holders).unwrap_or(1))) }
    }

    /// Waits for and takes the lock of `counterparty_id` in `tenant`.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn lock(&self, tenant: &TenantId, counterparty_id: &str) -> Result<CounterpartyLock, sqlx::Error> {
        let turn = self.holders.clone().acquire_owned().await.map_err(|_| sqlx::Error::PoolClosed)?;
        let mut transaction = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('prism-counterparty'), hashtext($1 || '/' || $2))")
            .bind(tenant.as_str())
            .bind(counterparty_id)
            .execute(&mut *transaction)
            .await?;
        Ok(CounterpartyLock { _transaction: transaction, _turn: turn })
    }
}
