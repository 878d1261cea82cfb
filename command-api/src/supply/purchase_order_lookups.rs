//! What a purchase order is decided against, read on the command side from the event store:
//! the approval threshold from the tenant's supply settings aggregate (never a read model),
//! so a submission sees every settings change committed before it.

use std::sync::Arc;

use prism_aggregates::money::Currency;
use prism_aggregates::supply::purchase_order::PurchaseOrderServices;
use prism_aggregates::supply::settings::{SupplySettings, SUPPLY_SETTINGS_ID};
use prism_aggregates::tenant::TenantId;

use crate::event_store::TenantEventStores;

/// One tenant's supply settings as its purchase orders need them.
pub struct PurchaseOrderLookups {
    tenant: TenantId,
    settings: Arc<TenantEventStores<SupplySettings>>,
}

impl PurchaseOrderLookups {
    /// The lookups of `tenant` over the settings event stores.
    #[must_use]
    pub fn new(tenant: &TenantId, settings: Arc<TenantEventStores<SupplySettings>>) -> Self {
        Self { tenant: tenant.clone(), settings }
    }
}

#[async_trait::async_trait]
impl PurchaseOrderServices for PurchaseOrderLookups {
    async fn approval_threshold(&self) -> Result<Option<(i64, Currency)>, String> {
        let settings = self.settings.load(&self.tenant, SUPPLY_SETTINGS_ID).await.map_err(|e| e.to_string())?;
        Ok(settings.approval_threshold())
    }
}
