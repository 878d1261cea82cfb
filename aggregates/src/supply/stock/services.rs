//! What the stock of an item needs to know beyond its own events: the item's terms (valuation
//! method, currency, whether it is discontinued), whether each location exists and is open, and
//! whether the tenant allows negative stock. The command side implements [`StockServices`] over
//! the item and location read models and the tenant's settings; tests use fixed data.

use crate::money::Currency;
use crate::supply::valuation::ValuationMethod;

/// What the stock needs to know of its item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemTerms {
    /// How the item's stock is valued.
    pub valuation: ValuationMethod,
    /// The currency its costs and values are kept in.
    pub currency: Currency,
    /// A discontinued item takes no more receipts; what remains may still be issued.
    pub discontinued: bool,
}

/// What the stock needs to know of a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocationTerms {
    /// Whether the location takes movements.
    pub open: bool,
}

/// Reference data a stock movement is decided against, read only after the command's own
/// structure has passed every rule. Every failure is a refusal of kind
/// [`crate::refusal::RefusalKind::Unavailable`]: nothing is recorded and a retry may succeed.
#[async_trait::async_trait]
pub trait StockServices: Send + Sync {
    /// The terms of the item `sku`; `None` when there is no such item.
    ///
    /// # Errors
    /// A description of why it could not be read (database unreachable…).
    async fn item(&self, sku: &str) -> Result<Option<ItemTerms>, String>;

    /// Whether the location `code` exists (`None`: it does not) and is open.
    ///
    /// # Errors
    /// A description of why it could not be read.
    async fn location(&self, code: &str) -> Result<Option<LocationTerms>, String>;

    /// Whether the tenant lets on hand go below zero (issues and reservations beyond what is
    /// available). Read only when a movement needs more than is available.
    ///
    /// # Errors
    /// A description of why the setting could not be read.
    async fn allows_negative_stock(&self) -> Result<bool, String>;
}
