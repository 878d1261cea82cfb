//! Customer relationship management (Lens) reads: the customer list and search, each
//! customer's MongoDB document and the customer 360 ([`customers`]); the sales pipeline and its
//! opportunities ([`pipeline`]) and support tickets with their status history and service-level
//! breaches ([`tickets`]), from the `postgres` projector's read model.

pub mod customers;
pub mod pipeline;
pub mod tickets;
