//! What a purchase order is decided against, read on the command side from the event store:
//! its items and receiving locations from the catalog ([`CatalogLookups`]) and the approval
//! threshold from the tenant's supply settings aggregate (never a read model), so a command
//! sees every catalog and settings change committed before it.

use std::sync::Arc;

use prism_aggregates::money::Currency;
use prism_aggregates::supply::purchase_order::PurchaseOrderServices;
use prism_aggregates::supply::settings::{SupplySettings, SUPPLY_SETTINGS_ID};

use super::catalog_lookups::{catalog_from_field, CatalogLookups};
use crate::event_store::TenantEventStores;

/// One tenant's catalog and supply settings as its purchase orders need them.
pub struct PurchaseOrderLookups {
    catalog: CatalogLookups,
    settings: Arc<TenantEventStores<SupplySettings>>,
}

impl PurchaseOrderLookups {
    /// The lookups over a tenant's `catalog` and its settings event stores.
    #[must_use]
    pub fn new(catalog: CatalogLookups, settings: Arc<TenantEventStores<SupplySettings>>) -> Self {
        Self { catalog, settings }
    }
}

catalog_from_field!(PurchaseOrderLookups);

#[async_trait::async_trait]
impl PurchaseOrderServices for PurchaseOrderLookups {
    async fn approval_threshold(&self) -> Result<Option<(i64, Currency)>, String> {
        let tenant = self.catalog.tenant();
        let settings = self.settings.load(tenant, SUPPLY_SETTINGS_ID).await.map_err(|e| e.to_string())?;
        Ok(settings.approval_threshold())
    }
}
