//! What a purchase order needs to know beyond its own events: its items and receiving
//! locations from the catalog ([`CatalogServices`]) and the tenant's approval threshold. The
//! command side implements [`PurchaseOrderServices`] over the item, locations and supply
//! settings aggregates; tests use fixed data.

use crate::money::Currency;
use crate::supply::catalog::CatalogServices;

/// Reference data a purchase order is decided against: the catalog, read by `Draft` and
/// `RecordReceipt` once the command's own rules pass, and the approval threshold, read only by
/// `Submit` and only once the order's state allows it.
#[async_trait::async_trait]
pub trait PurchaseOrderServices: CatalogServices {
    /// The total, in minor units of its currency, up to which a submitted purchase order is
    /// approved without an approver; `None` when every order needs approval. An order in
    /// another currency always needs approval.
    ///
    /// # Errors
    /// A description of why it could not be read (database unreachable…).
    async fn approval_threshold(&self) -> Result<Option<(i64, Currency)>, String>;
}
