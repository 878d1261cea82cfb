//! Production (Forge) over REST: revising an item's bill of materials ([`boms`], addressed by
//! the finished item's SKU) and work orders ([`work_orders`], addressed by their UUID), both
//! decided against [`lookups::ProductionLookups`]: the catalog and the bills of materials, read
//! from their event stores.

pub mod boms;
pub mod lookups;
pub mod work_orders;
