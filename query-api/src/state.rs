//! What the query routes share: the store connections, the tenant registry and the limits,
//! plus one "wait for the token" helper per projector, all built on
//! [`MinPosition::wait`](crate::consistency::MinPosition::wait).

use std::time::Duration;

use axum::extract::FromRef;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;

use crate::consistency::{applied_in_mongo, applied_in_postgres, MinPosition};
use crate::stores::{Stores, POSTGRES_PROJECTOR, TIMESERIES_PROJECTOR};
use crate::tenants::KnownTenants;

/// Page size of list endpoints when the request names none.
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// The configured bounds every request is held to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest `limit` of a list request.
    pub page_size_max: u32,
    /// Most buckets one postings request may span.
    pub bucket_count_max: u32,
    /// Longest consistency-token wait.
    pub min_position_wait: Duration,
    /// Most database time one saved-report run may take.
    pub report_timeout: Duration,
}

/// Shared state of the query routes.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Read-model stores.
    pub stores: Stores,
    /// Tenant registry.
    pub tenants: KnownTenants,
    /// Request bounds.
    pub limits: Limits,
}

impl FromRef<AppState> for KnownTenants {
    fn from_ref(state: &AppState) -> Self {
        state.tenants.clone()
    }
}

impl AppState {
    /// Waits for the Postgres projector to reach the token, if any.
    ///
    /// # Errors
    /// 504 on timeout, 500 when the check fails.
    pub async fn await_postgres(&self, tenant: &TenantId, token: MinPosition) -> Result<(), Problem> {
        let pool = &self.stores.postgres;
        token
            .wait(self.limits.min_position_wait, |position| {
                applied_in_postgres(pool, tenant, POSTGRES_PROJECTOR, position)
            })
            .await
    }

    /// Waits for the time-series projector to reach the token, if any.
    ///
    /// # Errors
    /// 504 on timeout, 500 when the check fails.
    pub async fn await_timeseries(&self, tenant: &TenantId, token: MinPosition) -> Result<(), Problem> {
        let pool = &self.stores.timeseries;
        token
            .wait(self.limits.min_position_wait, |position| {
                applied_in_postgres(pool, tenant, TIMESERIES_PROJECTOR, position)
            })
            .await
    }

    /// Waits for the MongoDB projector to reach the token, if any.
    ///
    /// # Errors
    /// 504 on timeout, 500 when the check fails.
    pub async fn await_mongo(&self, tenant: &TenantId, token: MinPosition) -> Result<(), Problem> {
        let database = self.stores.mongo_database(tenant);
        let database = &database;
        token.wait(self.limits.min_position_wait, |position| applied_in_mongo(database, position)).await
    }
}
