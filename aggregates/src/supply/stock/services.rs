//! What the stock of an item needs to know beyond its own events: the item's terms and each
//! location from the catalog ([`CatalogServices`]), and whether the tenant allows negative
//! stock. The command side implements [`StockServices`] over the item, locations and supply
//! settings aggregates; tests use fixed data.

use crate::supply::catalog::CatalogServices;

/// Reference data a stock movement is decided against, read only after the command's own
/// structure has passed every rule. Every failure is a refusal of kind
/// [`crate::refusal::RefusalKind::Unavailable`]: nothing is recorded and a retry may succeed.
#[async_trait::async_trait]
pub trait StockServices: CatalogServices {
    /// Whether the tenant lets on hand go below zero (issues and reservations beyond what is
    /// available). Read only when a movement needs more than is available.
    ///
    /// # Errors
    /// A description of why the setting could not be read.
    async fn allows_negative_stock(&self) -> Result<bool, String>;
}
