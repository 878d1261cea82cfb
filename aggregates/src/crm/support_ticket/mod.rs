//! The support ticket aggregate (`crm.support_ticket`): a customer's request for help, with a
//! priority, an assignee, service-level due times and the history of its statuses. Events go to
//! topic `prism.crm.support-ticket.v1`, key = ticket id (a UUID, the aggregate id), Avro
//! namespace `prism.crm`, version `1`.
//!
//! ```text
//! open → in_progress (first response) → resolved → closed
//!   └──────────────→ resolved ──reopen──→ in_progress
//! ```
//!
//! - The priority (`low`, `normal`, `high`, `urgent`) fixes the service-level due times from
//!   the moment the ticket was opened ([`Priority::first_response_hours`],
//!   [`Priority::resolution_hours`]): urgent 1 h / 4 h, high 4 h / 24 h, normal 8 h / 72 h, low
//!   24 h / 168 h. Both are in `TicketOpened`; reopening keeps them.
//! - `opened_at` may lie in the past (a request received by mail, logged later) but not after
//!   `recorded_at`, the moment the command arrived (422 `opened_in_future`). Every other
//!   command carries the moment it arrived (`at`), stamped by the API: the aggregate has no
//!   clock.
//! - The first `Respond` answers the customer (`first_response: true`) and moves an open
//!   ticket to `in_progress`; resolving a ticket never answered answers it too. A response is
//!   late after `first_response_due_at`, a resolution after `resolution_due_at`.
//! - Assigning names the user working on it, at any time before it is closed; the same
//!   assignee again is 409 `already_assigned`.
//! - Only a resolved ticket is closed or reopened; a closed ticket is final (409
//!   `ticket_closed`).

mod aggregate;
mod commands;
mod errors;
mod events;
mod priority;

#[cfg(test)]
mod tests;

pub use aggregate::SupportTicket;
pub use commands::{
    AssignTicket, OpenTicket, ReopenTicket, ResolveTicket, RespondToTicket, SupportTicketCommand, TicketMoment,
};
pub use errors::SupportTicketError;
pub use events::{
    SupportTicketEvent, TicketAssigned, TicketClosed, TicketOpened, TicketReopened, TicketResolved, TicketResponded,
};
pub use priority::{Priority, TicketStatus};
