//! Tenants, as the platform operator manages them (operator key only): [`provisioning`] a
//! tenant with its first admin, [`lifecycle`] — suspending and reactivating it — and its
//! [`feature_flags`]. Each tenant's life is a `platform.tenant` aggregate in its own event
//! store ([`TenantAccount`]); [`suspension`] is the layer that refuses a suspended tenant's
//! commands.

use std::sync::Arc;

use prism_aggregates::platform::tenant_account::TenantAccount;

use crate::event_store::TenantEventStores;

pub mod feature_flags;
pub mod lifecycle;
pub mod provisioning;
pub mod suspension;

/// Tenant-account event stores.
pub type Stores = Arc<TenantEventStores<TenantAccount>>;
