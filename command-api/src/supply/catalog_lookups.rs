//! The catalog on the command side: an item's terms from its own aggregate and a location from
//! the tenant's locations aggregate, each read by folding that aggregate's events (never a read
//! model), so a command sees every catalog change committed before it. The sales orders are
//! decided against [`CatalogLookups`] alone; the stock and the purchase orders read it too
//! ([`super::stock_lookups`], [`super::purchase_order_lookups`]). [`SupplyServices`] builds the
//! three aggregates' services over the same event stores, for the command API and the process
//! managers alike.

use std::sync::Arc;

use prism_aggregates::supply::catalog::{CatalogServices, ItemTerms, LocationTerms};
use prism_aggregates::supply::item::Item;
use prism_aggregates::supply::locations::{Locations, LOCATIONS_ID};
use prism_aggregates::supply::purchase_order::PurchaseOrder;
use prism_aggregates::supply::sales_order::SalesOrder;
use prism_aggregates::supply::settings::SupplySettings;
use prism_aggregates::supply::stock::Stock;
use prism_aggregates::tenant::TenantId;

use super::purchase_order_lookups::PurchaseOrderLookups;
use super::stock_lookups::StockLookups;
use crate::event_store::{ServicesFactory, TenantEventStores};

/// One tenant's items and locations, read from their event stores.
#[derive(Clone)]
pub struct CatalogLookups {
    tenant: TenantId,
    items: Arc<TenantEventStores<Item>>,
    locations: Arc<TenantEventStores<Locations>>,
}

impl CatalogLookups {
    /// The catalog of `tenant` over these event stores.
    #[must_use]
    pub fn new(
        tenant: &TenantId,
        items: Arc<TenantEventStores<Item>>,
        locations: Arc<TenantEventStores<Locations>>,
    ) -> Self {
        Self { tenant: tenant.clone(), items, locations }
    }

    /// The tenant whose catalog this is.
    #[must_use]
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }
}

#[async_trait::async_trait]
impl CatalogServices for CatalogLookups {
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
}

/// Implements [`CatalogServices`] for lookups that hold a [`CatalogLookups`] in their
/// `catalog` field, by asking it.
macro_rules! catalog_from_field {
    ($lookups:ty) => {
        #[async_trait::async_trait]
        impl prism_aggregates::supply::catalog::CatalogServices for $lookups {
            async fn item(&self, sku: &str) -> Result<Option<prism_aggregates::supply::catalog::ItemTerms>, String> {
                self.catalog.item(sku).await
            }

            async fn location(
                &self,
                code: &str,
            ) -> Result<Option<prism_aggregates::supply::catalog::LocationTerms>, String> {
                self.catalog.location(code).await
            }
        }
    };
}
pub(crate) use catalog_from_field;

/// The services of the supply aggregates decided against the catalog, per tenant.
pub struct SupplyServices {
    /// The stock's: the catalog and the negative-stock setting.
    pub stock: ServicesFactory<Stock>,
    /// The sales orders': the catalog.
    pub sales_orders: ServicesFactory<SalesOrder>,
    /// The purchase orders': the catalog and the approval threshold.
    pub purchase_orders: ServicesFactory<PurchaseOrder>,
}

impl SupplyServices {
    /// The services over the item, locations and supply settings event stores.
    #[must_use]
    pub fn new(
        items: &Arc<TenantEventStores<Item>>,
        locations: &Arc<TenantEventStores<Locations>>,
        settings: &Arc<TenantEventStores<SupplySettings>>,
    ) -> Self {
        let catalog = {
            let (items, locations) = (items.clone(), locations.clone());
            Arc::new(move |tenant: &TenantId| CatalogLookups::new(tenant, items.clone(), locations.clone()))
        };
        let stock: ServicesFactory<Stock> = {
            let (catalog, settings) = (catalog.clone(), settings.clone());
            Box::new(move |tenant| Arc::new(StockLookups::new(catalog(tenant), settings.clone())))
        };
        let purchase_orders: ServicesFactory<PurchaseOrder> = {
            let (catalog, settings) = (catalog.clone(), settings.clone());
            Box::new(move |tenant| Arc::new(PurchaseOrderLookups::new(catalog(tenant), settings.clone())))
        };
        let sales_orders: ServicesFactory<SalesOrder> = Box::new(move |tenant| Arc::new(catalog(tenant)));
        Self { stock, sales_orders, purchase_orders }
    }
}
