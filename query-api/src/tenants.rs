//! Which tenants exist: every query answers for the tenant its access token names, and a
//! tenant not in `shared.tenant_metadata` is answered 404 before any read model is touched. Tenants are
//! never deleted, so a tenant once found is remembered for the life of the process.

use std::collections::HashSet;
use std::sync::{Arc, PoisonError, RwLock};

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::StatusCode;
use prism_aggregates::tenant::TenantId;
use prism_platform::http::Tenant;
use prism_platform::problem::Problem;
use prism_platform::tenancy;
use sqlx::PgPool;

use crate::error::ReadError;

/// The tenant registry, with a cache of tenants already found.
#[derive(Debug, Clone)]
pub struct KnownTenants {
    pool: PgPool,
    found: Arc<RwLock<HashSet<TenantId>>>,
}

impl KnownTenants {
    /// A registry reading `shared.tenant_metadata` through `pool`.
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        Self { pool, found: Arc::default() }
    }

    /// Whether `tenant` is registered.
    ///
    /// # Errors
    /// When the registry cannot be read.
    pub async fn contains(&self, tenant: &TenantId) -> Result<bool, ReadError> {
        if self.found.read().unwrap_or_else(PoisonError::into_inner).contains(tenant) {
            return Ok(true);
        }
        let exists = tenancy::exists(&self.pool, tenant).await?;
        if exists {
            self.found.write().unwrap_or_else(PoisonError::into_inner).insert(tenant.clone());
        }
        Ok(exists)
    }
}

/// The tenant of the request's access token, checked to exist: not registered 404
/// (`urn:prism:problem:unknown-tenant`).
#[derive(Debug, Clone)]
pub struct KnownTenant(pub TenantId);

impl<S> FromRequestParts<S> for KnownTenant
where
    S: Send + Sync,
    KnownTenants: FromRef<S>,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Tenant(tenant) = Tenant::from_request_parts(parts, state).await?;
        if KnownTenants::from_ref(state).contains(&tenant).await? {
            Ok(Self(tenant))
        } else {
            Err(unknown_tenant(&tenant))
        }
    }
}

/// The 404 problem for a tenant that is not registered.
#[must_use]
pub fn unknown_tenant(tenant: &TenantId) -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "unknown-tenant", "unknown tenant")
        .with_detail(format!("no tenant {tenant} is registered"))
}
