//! What a stock movement is checked against, read on the command side from the event store:
//! the item's terms from its own aggregate, a location from the tenant's locations aggregate
//! and the negative-stock setting from the supply settings. Each read folds that aggregate's
//! events (never a read model), so a movement sees every catalog change committed before it.

use std::sync::Arc;

use prism_aggregates::supply::item::Item;
use prism_aggregates::supply::locations::{Locations, LOCATIONS_ID};
use prism_aggregates::supply::settings::{SupplySettings, SUPPLY_SETTINGS_ID};
use prism_aggregates::supply::stock::{ItemTerms, LocationTerms, StockServices};
use prism_aggregates::tenant::TenantId;

use crate::event_store::TenantEventStores;

/// One tenant's catalog as the stock of its items needs it.
pub struct StockLookups {
    tenant: TenantId,
    items: Arc<TenantEventStores<Item>>,
    locations: Arc<TenantEventStores<Locations>>,
    settings: Arc<TenantEventStores<SupplySettings>>,
}

impl StockLookups {
    /// The lookups of `tenant` over these event stores.
    #[must_use]
    pub fn new(
        tenant: &TenantId,
        items: Arc<TenantEventStores<Item>>,
        locations: Arc<TenantEventStores<Locations>>,
        settings: Arc<TenantEventStores<SupplySettings>>,
    ) -> Self {
        Self { tenant: tenant.clone(), items, locations, settings }
    }
}

#[async_trait::async_trait]
impl StockServices for StockLookups {
    async fn item(&self, sku: &str) -> Result<Option<ItemTerms>, String> {
        let item = self.items.load(&self.tenant, sku).await.map_err(|e| e.to_string())?;
        Ok(match (item.valuation_method(), item.currency()) {
            (Some(valuation), Some(currency)) => {
                Some(ItemTerms { valuation, currency, discontinued: item.is_discontinued() })
            }
            _ => None,
        })
    }

    async fn location(&self, code: &str) -> Result<Option<LocationTerms>, String> {
        let locations = self.locations.load(&self.tenant, LOCATIONS_ID).await.map_err(|e| e.to_string())?;
        Ok(locations.location(code).map(|location| LocationTerms { open: location.is_open() }))
    }

    async fn allows_negative_stock(&self) -> Result<bool, String> {
        let settings = self.settings.load(&self.tenant, SUPPLY_SETTINGS_ID).await.map_err(|e| e.to_string())?;
        Ok(settings.allows_negative_stock())
    }
}
