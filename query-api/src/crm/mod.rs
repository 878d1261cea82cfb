//! Customer relationship management (Lens) reads: the sales pipeline and its opportunities
//! ([`pipeline`]) and support tickets with their status history and service-level breaches
//! ([`tickets`]), from the `postgres` projector's read model (migration `0018_crm_pipeline`).

pub mod pipeline;
pub mod tickets;
