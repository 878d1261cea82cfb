//! Customer relationship management (Lens) over REST: the sales pipeline ([`opportunities`])
//! and support tickets ([`tickets`]), each its own aggregate addressed by its UUID, sharing the
//! command runner of [`routes`].

pub mod opportunities;
pub mod routes;
pub mod tickets;
