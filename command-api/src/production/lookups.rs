//! What the production aggregates are decided against, read on the command side from the
//! event store (never a read model): the catalog ([`CatalogLookups`]) and the bills of
//! materials. [`ProductionStores::new`] builds the production aggregates' event stores; the
//! bill-of-materials stores read other items' bills through themselves (a revision walks its
//! components' bills for a cycle), so their lookups hold them weakly.

use std::sync::{Arc, Weak};

use prism_aggregates::production::asset::Asset;
use prism_aggregates::production::bill_of_materials::BillOfMaterials;
use prism_aggregates::production::quality_check::QualityCheck;
use prism_aggregates::production::services::{BomVersion, ProductionServices};
use prism_aggregates::production::work_order::WorkOrder;
use prism_aggregates::supply::item::Item;
use prism_aggregates::supply::locations::Locations;
use prism_aggregates::tenant::TenantId;
use sqlx::PgPool;

use crate::event_store::{ServicesFactory, TenantEventStores};
use crate::supply::catalog_lookups::{catalog_from_field, CatalogLookups};
use prism_platform::tenancy::TenantProvisioner;

/// One tenant's catalog and bills of materials.
pub struct ProductionLookups {
    catalog: CatalogLookups,
    boms: Weak<TenantEventStores<BillOfMaterials>>,
}

catalog_from_field!(ProductionLookups);

#[async_trait::async_trait]
impl ProductionServices for ProductionLookups {
    async fn bill_of_materials(&self, sku: &str, version: Option<i32>) -> Result<Option<BomVersion>, String> {
        let boms = self.boms.upgrade().ok_or("the bill-of-materials stores are gone")?;
        let bom = boms.load(self.catalog.tenant(), sku).await.map_err(|e| e.to_string())?;
        let Some(version) = version.or_else(|| bom.latest_version()) else { return Ok(None) };
        Ok(bom.lines(version).map(|lines| BomVersion { version, lines: lines.to_vec() }))
    }
}

/// The event stores of the production aggregates.
pub struct ProductionStores {
    /// Bill-of-materials event stores.
    pub boms: Arc<TenantEventStores<BillOfMaterials>>,
    /// Work-order event stores.
    pub work_orders: Arc<TenantEventStores<WorkOrder>>,
    /// Quality-check event stores.
    pub quality_checks: Arc<TenantEventStores<QualityCheck>>,
    /// Asset event stores.
    pub assets: Arc<TenantEventStores<Asset>>,
}

impl ProductionStores {
    /// Both stores over `pool`, decided against the item and locations event stores.
    #[must_use]
    pub fn new(
        pool: &PgPool,
        provisioner: &Arc<TenantProvisioner>,
        items: &Arc<TenantEventStores<Item>>,
        locations: &Arc<TenantEventStores<Locations>>,
    ) -> Self {
        let lookups = {
            let (items, locations) = (items.clone(), locations.clone());
            move |tenant: &TenantId, boms: Weak<TenantEventStores<BillOfMaterials>>| -> Arc<dyn ProductionServices> {
                Arc::new(ProductionLookups {
                    catalog: CatalogLookups::new(tenant, items.clone(), locations.clone()),
                    boms,
                })
            }
        };
        let boms = Arc::new_cyclic(|boms: &Weak<TenantEventStores<BillOfMaterials>>| {
            let (boms, lookups) = (boms.clone(), lookups.clone());
            TenantEventStores::new(
                pool.clone(),
                provisioner.clone(),
                Box::new(move |tenant| lookups(tenant, boms.clone())),
            )
        });
        // One factory type serves all three: they share their services type.
        let reading = || -> ServicesFactory<WorkOrder> {
            let (readable, lookups) = (Arc::downgrade(&boms), lookups.clone());
            Box::new(move |tenant| lookups(tenant, readable.clone()))
        };
        let work_orders = Arc::new(TenantEventStores::new(pool.clone(), provisioner.clone(), reading()));
        let quality_checks = Arc::new(TenantEventStores::new(pool.clone(), provisioner.clone(), reading()));
        let assets = Arc::new(TenantEventStores::new(pool.clone(), provisioner.clone(), reading()));
        Self { boms, work_orders, quality_checks, assets }
    }
}
