//! Where a purchase order is in its life ([`PurchaseOrderStatus`]): draft → submitted →
//! approved (directly when within the approval threshold) → partially received → received →
//! billed → closed, or cancelled before any goods are received.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a purchase order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseOrderStatus {
    /// Drafted; can be submitted.
    Draft,
    /// Submitted and above the approval threshold: awaits approval.
    Submitted,
    /// Approved; goods can be received.
    Approved,
    /// Some but not all of the ordered goods have been received.
    PartiallyReceived,
    /// Everything ordered has been received.
    Received,
    /// The vendor's bill is recorded (with its three-way match).
    Billed,
    /// Closed after billing. Final.
    Closed,
    /// Cancelled before any goods were received. Final.
    Cancelled,
}

impl PurchaseOrderStatus {
    /// The snake-case name, as on the wire and in read models: `"draft"`, `"partially_received"`…
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PurchaseOrderStatus::Draft => "draft",
            PurchaseOrderStatus::Submitted => "submitted",
            PurchaseOrderStatus::Approved => "approved",
            PurchaseOrderStatus::PartiallyReceived => "partially_received",
            PurchaseOrderStatus::Received => "received",
            PurchaseOrderStatus::Billed => "billed",
            PurchaseOrderStatus::Closed => "closed",
            PurchaseOrderStatus::Cancelled => "cancelled",
        }
    }

    /// Whether any goods have been received: partially received, received or billed.
    #[must_use]
    pub fn has_received(self) -> bool {
        matches!(
            self,
            PurchaseOrderStatus::PartiallyReceived | PurchaseOrderStatus::Received | PurchaseOrderStatus::Billed
        )
    }
}

impl fmt::Display for PurchaseOrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
