//! The supply chain over REST: the item catalog ([`items`]), warehouse locations
//! ([`locations`]), the tenant's supply settings ([`settings`]) and stock movements
//! ([`stock`]), which are checked against the first three through [`stock_lookups`]; sales
//! orders ([`sales_orders`]) and purchase orders ([`purchase_orders`], approval threshold via
//! [`purchase_order_lookups`]), sharing [`order_routes`]. All three read items and locations
//! through [`catalog_lookups`].

pub mod catalog_lookups;
pub mod items;
pub mod locations;
pub mod order_routes;
pub mod purchase_order_lookups;
pub mod purchase_orders;
pub mod sales_orders;
pub mod settings;
pub mod stock;
pub mod stock_lookups;

use serde::Serialize;

/// Answer to an accepted catalog command: the thing it addressed and where its aggregate stands.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Changed {
    /// The SKU or location code addressed.
    pub code: String,
    /// The aggregate's version after the command.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}
