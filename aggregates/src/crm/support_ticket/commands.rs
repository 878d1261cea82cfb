//! Commands to the support ticket aggregate. They carry raw inputs so that every rule is
//! decided, and reported with its field, in `decide`; each carries the moment it arrived,
//! stamped by the API, since the aggregate has no clock.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A request to change a support ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SupportTicketCommand {
    /// Open a new ticket: the first command of every ticket.
    Open(OpenTicket),
    /// Assign it to a user.
    Assign(AssignTicket),
    /// Answer the customer.
    Respond(RespondToTicket),
    /// Resolve it.
    Resolve(ResolveTicket),
    /// Close the resolved ticket. Final.
    Close(TicketMoment),
    /// Reopen the resolved ticket.
    Reopen(ReopenTicket),
}

/// Open ticket `ticket_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenTicket {
    /// Id of the ticket (the aggregate id).
    pub ticket_id: Uuid,
    /// Id of the customer; non-blank, at most `MAX_ID_CHARS` characters.
    pub customer_id: String,
    /// What it is about; non-blank, at most `MAX_TITLE_CHARS` characters.
    pub subject: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    /// When the customer asked; not after `recorded_at`. The due times count from it.
    pub opened_at: DateTime<Utc>,
    /// When the command arrived.
    pub recorded_at: DateTime<Utc>,
}

/// Assign the ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignTicket {
    /// Id of the user to work on it; non-blank, at most `MAX_ID_CHARS` characters.
    pub assignee: String,
    /// When the command arrived.
    pub at: DateTime<Utc>,
}

/// Answer the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RespondToTicket {
    /// What was said; non-blank, at most `MAX_REASON_CHARS` characters.
    pub message: String,
    /// When the command arrived.
    pub at: DateTime<Utc>,
}

/// Resolve the ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveTicket {
    /// How it was resolved; non-blank, at most `MAX_REASON_CHARS` characters.
    pub resolution: String,
    /// When the command arrived.
    pub at: DateTime<Utc>,
}

/// Reopen the resolved ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReopenTicket {
    /// Why; non-blank, at most `MAX_REASON_CHARS` characters.
    pub reason: String,
    /// When the command arrived.
    pub at: DateTime<Utc>,
}

/// A command with nothing but the moment it arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketMoment {
    /// When the command arrived.
    pub at: DateTime<Utc>,
}
