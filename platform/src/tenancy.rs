//! Tenancy: each tenant's data lives in its own Postgres schema `tenant_<slug>`, registered
//! in `shared.tenant_metadata`. A tenant is provisioned explicitly or on first use; the
//! provisioner remembers which tenants this process has already made sure of.

use std::collections::HashSet;
use std::sync::Mutex;

use prism_aggregates::tenant::TenantId;
use sqlx::PgPool;

use crate::db::{self, MigrationSet};

/// The Postgres schema holding `tenant`'s data.
#[must_use]
pub fn schema_of(tenant: &TenantId) -> String {
    format!("tenant_{}", tenant.as_str())
}

/// Makes sure tenants exist (registered and migrated) in one database, once per process.
#[derive(Debug)]
pub struct TenantProvisioner {
    pool: PgPool,
    sets: &'static [MigrationSet],
    ready: Mutex<HashSet<TenantId>>,
}

impl TenantProvisioner {
    /// A provisioner applying `sets` to each tenant schema in the database behind `pool`.
    #[must_use]
    pub fn new(pool: PgPool, sets: &'static [MigrationSet]) -> Self {
        Self { pool, sets, ready: Mutex::new(HashSet::new()) }
    }

    /// Registers and migrates `tenant` unless this process already did.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn ensure(&self, tenant: &TenantId) -> Result<(), sqlx::Error> {
        if self.is_ready(tenant) {
            return Ok(());
        }
        self.provision(tenant, tenant.as_str()).await
    }

    /// Registers `tenant` with a display name and migrates its schema (idempotent).
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn provision(&self, tenant: &TenantId, display_name: &str) -> Result<(), sqlx::Error> {
        let schema = schema_of(tenant);
        sqlx::query(
            "INSERT INTO shared.tenant_metadata (tenant, schema_name, display_name) VALUES ($1, $2, $3)
             ON CONFLICT (tenant) DO NOTHING",
        )
        .bind(tenant.as_str())
        .bind(&schema)
        .bind(display_name)
        .execute(&self.pool)
        .await?;
        for set in self.sets {
            db::migrate(&self.pool, &schema, *set).await?;
        }
        self.ready.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(tenant.clone());
        Ok(())
    }

    fn is_ready(&self, tenant: &TenantId) -> bool {
        self.ready.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(tenant)
    }
}

/// Whether `tenant` has been provisioned in the database behind `pool`.
///
/// # Errors
/// When the database refuses.
pub async fn exists(pool: &PgPool, tenant: &TenantId) -> Result<bool, sqlx::Error> {
    let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM shared.tenant_metadata WHERE tenant = $1")
        .bind(tenant.as_str())
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}
