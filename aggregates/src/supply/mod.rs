//! Supply chain (Flow): the item catalog, the warehouse locations, stock per item with its
//! valuation, and the purchase and sales orders that move it. Quantities are
//! [`crate::quantity::Quantity`] thousandths of the item's unit; values are integer minor units
//! of the item's currency.

pub mod valuation;
