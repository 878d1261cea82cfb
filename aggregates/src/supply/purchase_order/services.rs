//! What a purchase order needs to know beyond its own events: the tenant's approval threshold.
//! The command side implements [`PurchaseOrderServices`] over its settings; tests use fixed
//! data.

use crate::money::Currency;

/// Reference data a purchase order is decided against, read only by `Submit` and only once
/// the order's state allows it.
#[async_trait::async_trait]
pub trait PurchaseOrderServices: Send + Sync {
    /// The total, in minor units of its currency, up to which a submitted purchase order is
    /// approved without an approver; `None` when every order needs approval. An order in
    /// another currency always needs approval.
    ///
    /// # Errors
    /// A description of why it could not be read (database unreachable…).
    async fn approval_threshold(&self) -> Result<Option<(i64, Currency)>, String>;
}
