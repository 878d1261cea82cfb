//! Production (Forge) over REST: revising an item's bill of materials ([`boms`], addressed by
//! the finished item's SKU), work orders ([`work_orders`]), quality checks
//! ([`quality_checks`]) and plant equipment ([`assets`]), each addressed by its UUID, all
//! decided against [`lookups::ProductionLookups`]: the catalog and the bills of materials, read
//! from their event stores.

pub mod assets;
pub mod boms;
pub mod lookups;
pub mod quality_checks;
pub mod work_orders;
