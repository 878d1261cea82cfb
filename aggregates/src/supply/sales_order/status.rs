//! Where a sales order is in its life ([`SalesOrderStatus`]): placed → confirmed → allocated →
//! picked → partially shipped → shipped → delivered, or cancelled before anything ships.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a sales order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SalesOrderStatus {
    /// Placed by the customer; not yet confirmed.
    Placed,
    /// Confirmed; awaiting an allocation, or allocated with back-orders (see
    /// [`super::SalesOrder::back_ordered`]) and awaiting a new one.
    Confirmed,
    /// Every line's quantity is reserved.
    Allocated,
    /// Picked in the warehouse, ready to ship.
    Picked,
    /// Some but not all of the ordered quantity has shipped.
    PartiallyShipped,
    /// Everything ordered has shipped.
    Shipped,
    /// The customer has received everything.
    Delivered,
    /// Cancelled before anything shipped. Final.
    Cancelled,
}

impl SalesOrderStatus {
    /// The snake-case name, as on the wire and in read models: `"placed"`, `"partially_shipped"`…
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SalesOrderStatus::Placed => "placed",
            SalesOrderStatus::Confirmed => "confirmed",
            SalesOrderStatus::Allocated => "allocated",
            SalesOrderStatus::Picked => "picked",
            SalesOrderStatus::PartiallyShipped => "partially_shipped",
            SalesOrderStatus::Shipped => "shipped",
            SalesOrderStatus::Delivered => "delivered",
            SalesOrderStatus::Cancelled => "cancelled",
        }
    }

    /// Whether anything has shipped: partially shipped, shipped or delivered.
    #[must_use]
    pub fn has_shipped(self) -> bool {
        matches!(self, SalesOrderStatus::PartiallyShipped | SalesOrderStatus::Shipped | SalesOrderStatus::Delivered)
    }
}

impl fmt::Display for SalesOrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
