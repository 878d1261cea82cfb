//! Customer relationship management (Lens): the customers a business sells to
//! ([`customer`]), the sales pipeline ([`opportunity`], whose first stage is the lead) and
//! support tickets with their service-level due times ([`support_ticket`]); opportunities and
//! tickets name their customer by id, a string, as sales orders do. [`input`] holds the input
//! refusals the pipeline and tickets share.

pub mod customer;
pub mod input;
pub mod opportunity;
pub mod support_ticket;
