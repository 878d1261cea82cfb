//! Production (Forge) over REST: revising an item's bill of materials ([`boms`], addressed by
//! the finished item's SKU), work orders ([`work_orders`]) and quality checks
//! ([`quality_checks`]), each addressed by its UUID, all
//! decided against [`lookups::ProductionLookups`]: the catalog and the bills of materials, read
//! from their event stores.

pub mod boms;
pub mod lookups;
pub mod quality_checks;
pub mod work_orders;
