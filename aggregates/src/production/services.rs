//! What the production aggregates read beyond their own events: the catalog (items and
//! locations, [`CatalogServices`]) and the bills of materials of other items
//! ([`ProductionServices::bill_of_materials`]) — a revision walks its components' bills to
//! refuse a cycle, a work order takes its components from the version it is planned against.
//! The command side implements it by folding those aggregates' events; tests use fixed data.
//! A failed lookup is a refusal of kind [`crate::refusal::RefusalKind::Unavailable`].

use crate::supply::catalog::CatalogServices;

use super::bill_of_materials::BomLine;

/// One version of an item's bill of materials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BomVersion {
    /// Its version, from 1.
    pub version: i32,
    /// What one unit of the item is made of.
    pub lines: Vec<BomLine>,
}

/// Reference data a production command is decided against.
#[async_trait::async_trait]
pub trait ProductionServices: CatalogServices {
    /// Version `version` of the bill of materials of `sku` (its latest when `None`); `None`
    /// when the item has no bill or no such version.
    ///
    /// # Errors
    /// A description of why it could not be read.
    async fn bill_of_materials(&self, sku: &str, version: Option<i32>) -> Result<Option<BomVersion>, String>;
}

#[cfg(test)]
pub(crate) use fixed::FixedBoms;

#[cfg(test)]
mod fixed {
    use std::collections::BTreeMap;

    use super::{BomVersion, ProductionServices};
    use crate::production::bill_of_materials::BomLine;
    use crate::supply::catalog::{CatalogServices, FixedCatalog, ItemTerms, LocationTerms};

    /// Fixed bills of materials (every version of each SKU, oldest first) over a
    /// [`FixedCatalog`] of the items given; `down`, every lookup fails.
    #[derive(Debug, Clone)]
    pub(crate) struct FixedBoms {
        catalog: FixedCatalog,
        boms: BTreeMap<String, Vec<Vec<BomLine>>>,
        /// Open locations beyond the catalog's `WH-1`.
        open_locations: Vec<&'static str>,
        down: bool,
    }

    impl FixedBoms {
        /// The items `skus` (location `WH-1` open, `SHUT` closed), no bills yet.
        pub(crate) fn new(skus: &[&str]) -> Self {
            Self { catalog: FixedCatalog::new(skus), boms: BTreeMap::new(), open_locations: Vec::new(), down: false }
        }

        /// Adds the open location `code`.
        pub(crate) fn with_open_location(mut self, code: &'static str) -> Self {
            self.open_locations.push(code);
            self
        }

        /// Adds a version of the bill of `sku` of `(component, quantity_milli)` lines.
        pub(crate) fn with_bom(mut self, sku: &str, lines: &[(&str, i64)]) -> Self {
            let lines = lines
                .iter()
                .map(|(component, quantity_milli)| BomLine {
                    component_sku: (*component).to_owned(),
                    quantity_milli: *quantity_milli,
                })
                .collect();
            self.boms.entry(sku.to_owned()).or_default().push(lines);
            self
        }

        /// Every lookup fails.
        pub(crate) fn down(self) -> Self {
            Self { catalog: self.catalog.down(), down: true, ..self }
        }
    }

    #[async_trait::async_trait]
    impl CatalogServices for FixedBoms {
        async fn item(&self, sku: &str) -> Result<Option<ItemTerms>, String> {
            self.catalog.item(sku).await
        }

        async fn location(&self, code: &str) -> Result<Option<LocationTerms>, String> {
            if !self.down && self.open_locations.contains(&code) {
                return Ok(Some(LocationTerms { open: true }));
            }
            self.catalog.location(code).await
        }
    }

    #[async_trait::async_trait]
    impl ProductionServices for FixedBoms {
        async fn bill_of_materials(&self, sku: &str, version: Option<i32>) -> Result<Option<BomVersion>, String> {
            if self.down {
                return Err("database is down".to_owned());
            }
            let Some(versions) = self.boms.get(sku) else { return Ok(None) };
            let index = match version {
                None => versions.len().checked_sub(1),
                Some(version) => usize::try_from(version).ok().and_then(|v| v.checked_sub(1)),
            };
            Ok(index.and_then(|index| {
                let lines = versions.get(index)?.clone();
                Some(BomVersion { version: i32::try_from(index + 1).ok()?, lines })
            }))
        }
    }
}
