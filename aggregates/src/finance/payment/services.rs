//! What a payment needs to know beyond its own events: the tenant's books (open period,
//! postable and cash accounts) and where each invoice it pays stands now. The command side
//! implements [`PaymentServices`] over its read models; tests use fixed data.

use std::sync::Arc;

use crate::finance::books::Books;
use crate::finance::invoice::InvoiceStanding;

/// Reference data a payment is decided against, read only after the command's own structure
/// has passed every rule.
#[async_trait::async_trait]
pub trait PaymentServices: Send + Sync {
    /// The tenant's books as of now.
    ///
    /// # Errors
    /// A description of why they could not be read (database unreachable…).
    async fn books(&self) -> Result<Arc<Books>, String>;

    /// Where each invoice stands now, in the order asked (None: no such invoice).
    ///
    /// # Errors
    /// A description of why they could not be read (database unreachable…).
    async fn invoices(&self, ids: &[String]) -> Result<Vec<Option<InvoiceStanding>>, String>;
}
