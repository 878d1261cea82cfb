//! Why a support ticket command was refused: one precise variant per rule, each naming the
//! JSON path of the input at fault ([`Refusal::field`], `None` when the ticket's state forbids
//! the command), a stable machine code and its class: 422 invalid input, 404 no such ticket,
//! 409 its state forbids the command.

use super::TicketStatus;
use crate::crm::input::InputError;
use crate::refusal::{Refusal, RefusalKind};

/// A support ticket command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupportTicketError {
    /// `Open` on a ticket that already exists.
    #[error("ticket already exists")]
    AlreadyExists,
    /// Any command but `Open` on a ticket never opened.
    #[error("ticket not found")]
    NotFound,
    /// Any command on a closed ticket.
    #[error("ticket is closed")]
    Closed,
    /// A command the ticket's status does not allow.
    #[error("cannot {action}: ticket is {status}")]
    InvalidTransition {
        /// What was asked, e.g. `reopen`.
        action: &'static str,
        /// Its status.
        status: TicketStatus,
    },
    /// Assigning to the user it is assigned to.
    #[error("ticket is already assigned to {assignee}")]
    AlreadyAssigned {
        /// The assignee.
        assignee: String,
    },
    /// A priority that is none of low, normal, high, urgent.
    #[error("priority {priority:?} is not low, normal, high or urgent")]
    UnknownPriority {
        /// The priority given.
        priority: String,
    },
    /// `opened_at` after the command arrived.
    #[error("opened_at lies in the future")]
    OpenedInFuture,
    /// A text input is blank or too long.
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Refusal for SupportTicketError {
    fn field(&self) -> Option<String> {
        use SupportTicketError as E;
        let path = match self {
            E::NotFound | E::Closed | E::InvalidTransition { .. } => return None,
            E::Input(input) => return input.field(),
            E::AlreadyExists => "ticket_id",
            E::AlreadyAssigned { .. } => "assignee",
            E::UnknownPriority { .. } => "priority",
            E::OpenedInFuture => "opened_at",
        };
        Some(path.to_owned())
    }

    fn code(&self) -> &'static str {
        use SupportTicketError as E;
        match self {
            E::AlreadyExists => "ticket_exists",
            E::NotFound => "ticket_not_found",
            E::Closed => "ticket_closed",
            E::InvalidTransition { .. } => "invalid_transition",
            E::AlreadyAssigned { .. } => "already_assigned",
            E::UnknownPriority { .. } => "unknown_priority",
            E::OpenedInFuture => "opened_in_future",
            E::Input(input) => input.code(),
        }
    }

    fn kind(&self) -> RefusalKind {
        use SupportTicketError as E;
        match self {
            E::NotFound => RefusalKind::NotFound,
            E::AlreadyExists | E::Closed | E::InvalidTransition { .. } | E::AlreadyAssigned { .. } => {
                RefusalKind::Conflict
            }
            E::Input(input) => input.kind(),
            E::UnknownPriority { .. } | E::OpenedInFuture => RefusalKind::Invalid,
        }
    }
}
