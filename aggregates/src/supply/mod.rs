//! Supply chain (Flow): the item catalog, the warehouse locations, stock per item with its
//! valuation, and the purchase and sales orders that move it, all three checked against the
//! catalog's items and locations ([`catalog`]). Quantities are [`crate::quantity::Quantity`]
//! thousandths of the item's unit; values are integer minor units of the item's currency.

pub mod catalog;
pub mod code;
pub mod item;
pub mod locations;
pub mod order_lines;
pub mod purchase_order;
pub mod sales_order;
pub mod settings;
pub mod stock;
pub mod valuation;
