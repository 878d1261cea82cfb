//! Customer relationship management (Lens) over REST: the customers ([`customers`]) and the
//! credit check a sales order for a registered customer passes before it is stored
//! ([`credit_check`]); the sales pipeline ([`opportunities`]) and support tickets ([`tickets`]),
//! each its own aggregate addressed by its UUID, sharing the command runner of [`routes`].

pub mod credit_check;
pub mod customers;
pub mod opportunities;
pub mod routes;
pub mod tickets;
