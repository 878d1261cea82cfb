//! Supply-chain reads: the item catalog and locations ([`catalog`]), stock levels and reorder
//! suggestions from the `postgres` projector ([`stock`]), and stock movements and the stock of
//! an item at any past time from the time-series projector ([`movements`]), the open sales and
//! purchase orders ([`orders`]) and each order's MongoDB document ([`order_documents`]). Quantities are in
//! thousandths of the item's unit (`_milli`), values in minor units of the item's currency.

pub mod catalog;
pub mod movements;
pub mod order_documents;
pub mod orders;
pub mod stock;
