//! Tenancy: each tenant's data lives in its own Postgres schema `tenant_<slug>`, registered
//! in `shared.tenant_metadata`. A tenant is provisioned explicitly or on first use; the
//! provisioner remembers which tenants this process has already made sure of. A tenant is
//! active or suspended ([`TenantStatus`]); [`TenantStatuses`] answers which, cheaply, for the
//! check every command makes.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use prism_aggregates::tenant::TenantId;
use sqlx::PgPool;

use crate::db::{self, MigrationSet};

/// The Postgres schema holding `tenant`'s data.
#[must_use]
pub fn schema_of(tenant: &TenantId) -> String {
    format!("tenant_{}", tenant.as_str())
}

/// The MongoDB database holding `tenant`'s documents.
#[must_use]
pub fn mongo_database_of(tenant: &TenantId) -> String {
    format!("prism_{}", tenant.as_str())
}

/// Every registered tenant, by slug (a malformed slug in the registry is skipped).
///
/// # Errors
/// When the database refuses.
pub async fn registered_tenants(pool: &PgPool) -> Result<Vec<TenantId>, sqlx::Error> {
    let slugs: Vec<String> =
        sqlx::query_scalar("SELECT tenant FROM shared.tenant_metadata ORDER BY tenant").fetch_all(pool).await?;
    Ok(slugs.iter().filter_map(|slug| TenantId::parse(slug).ok()).collect())
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
        self.ready.lock().unwrap_or_else(PoisonError::into_inner).insert(tenant.clone());
        Ok(())
    }

    fn is_ready(&self, tenant: &TenantId) -> bool {
        self.ready.lock().unwrap_or_else(PoisonError::into_inner).contains(tenant)
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

/// Whether a tenant may change anything, as `shared.tenant_metadata.status` records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantStatus {
    /// Its commands are accepted.
    Active,
    /// Its commands are refused; its data stays readable.
    Suspended,
}

impl TenantStatus {
    /// The value of the `status` column.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            TenantStatus::Active => "active",
            TenantStatus::Suspended => "suspended",
        }
    }
}

/// Records `tenant`'s status in the registry.
///
/// # Errors
/// When the database refuses.
pub async fn set_status(pool: &PgPool, tenant: &TenantId, status: TenantStatus) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE shared.tenant_metadata SET status = $2 WHERE tenant = $1")
        .bind(tenant.as_str())
        .bind(status.as_str())
        .execute(pool)
        .await?;
    Ok(())
}

/// How long [`TenantStatuses`] trusts a status it read: a suspension reaches every process
/// within this time.
pub const STATUS_TTL: Duration = Duration::from_secs(1);

/// Each tenant's status, read from the registry at most once per [`STATUS_TTL`] per process.
#[derive(Debug)]
pub struct TenantStatuses {
    pool: PgPool,
    read: Mutex<HashMap<TenantId, (TenantStatus, Instant)>>,
}

impl TenantStatuses {
    /// Statuses read from the registry behind `pool`.
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        Self { pool, read: Mutex::new(HashMap::new()) }
    }

    /// Whether `tenant` is suspended; a tenant the registry does not know is not.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn is_suspended(&self, tenant: &TenantId) -> Result<bool, sqlx::Error> {
        let cached = self.read.lock().unwrap_or_else(PoisonError::into_inner).get(tenant).copied();
        if let Some((status, read_at)) = cached {
            if read_at.elapsed() < STATUS_TTL {
                return Ok(status == TenantStatus::Suspended);
            }
        }
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM shared.tenant_metadata WHERE tenant = $1")
            .bind(tenant.as_str())
            .fetch_optional(&self.pool)
            .await?;
        let status = if status.as_deref() == Some(TenantStatus::Suspended.as_str()) {
            TenantStatus::Suspended
        } else {
            TenantStatus::Active
        };
        self.read.lock().unwrap_or_else(PoisonError::into_inner).insert(tenant.clone(), (status, Instant::now()));
        Ok(status == TenantStatus::Suspended)
    }
}
