//! What a stock movement is checked against, read on the command side from the event store:
//! the item and its locations from the catalog ([`CatalogLookups`]) and the negative-stock
//! setting from the tenant's supply settings aggregate (never a read model), so a movement
//! sees every catalog and settings change committed before it.

use std::sync::Arc;

use prism_aggregates::supply::settings::{SupplySettings, SUPPLY_SETTINGS_ID};
use prism_aggregates::supply::stock::StockServices;

use super::catalog_lookups::{catalog_from_field, CatalogLookups};
use crate::event_store::TenantEventStores;

/// One tenant's catalog and supply settings as the stock of its items needs them.
pub struct StockLookups {
    catalog: CatalogLookups,
    settings: Arc<TenantEventStores<SupplySettings>>,
}

impl StockLookups {
    /// The lookups over a tenant's `catalog` and its settings event stores.
    #[must_use]
    pub fn new(catalog: CatalogLookups, settings: Arc<TenantEventStores<SupplySettings>>) -> Self {
        Self { catalog, settings }
    }
}

catalog_from_field!(StockLookups);

#[async_trait::async_trait]
impl StockServices for StockLookups {
    async fn allows_negative_stock(&self) -> Result<bool, String> {
        let tenant = self.catalog.tenant();
        let settings = self.settings.load(tenant, SUPPLY_SETTINGS_ID).await.map_err(|e| e.to_string())?;
        Ok(settings.allows_negative_stock())
    }
}
