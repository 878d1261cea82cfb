//! The payment aggregate: money received from a customer or paid to a vendor, allocated to
//! invoices, posting bank against the receivable or payable control account.
//!
//! A payment is processed once ([`PaymentProcessed`], the seed event) and never changes
//! afterwards. Its posting is a balanced two-line journal entry with a deterministic id
//! ([`payment_entry_id_for`]); its allocations are then applied to their invoices. What is
//! not allocated stays a credit on the counterparty's account (`unallocated_minor`).
//!
//! The command's own structure is decided first, without any service; only a well-formed
//! command reads the invoices it pays and the tenant's books through [`PaymentServices`].
//!
//! Every limit below is enforced in [`Payment::decide`] and tested at the limit.

mod aggregate;
mod commands;
mod errors;
mod events;
mod services;

#[cfg(test)]
mod tests;

pub use aggregate::{payment_entry_id_for, Payment, PaymentDirection, PaymentStatus};
pub use commands::{AllocationInput, PaymentCommand, ProcessPayment};
pub use errors::PaymentError;
pub use events::{Allocation, PaymentEvent, PaymentProcessed};
pub use services::PaymentServices;

/// Most allocations one payment may have.
pub const MAX_ALLOCATIONS: usize = 500;
/// Longest counterparty id, in characters.
pub const MAX_COUNTERPARTY_ID_CHARS: usize = 100;
/// Longest bank reference, in characters.
pub const MAX_REFERENCE_CHARS: usize = 200;
