//! Customer relationship management (Lens). The sales pipeline ([`opportunity`], whose first
//! stage is the lead) and support tickets with their service-level due times
//! ([`support_ticket`]); both name their customer by id, a string, as sales orders do.
//! [`input`] holds the input refusals they share.

pub mod input;
pub mod opportunity;
pub mod support_ticket;
