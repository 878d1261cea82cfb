//! Facts about a support ticket. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/crm/` field for field (a test keeps them from drifting); moments are RFC 3339
//! UTC strings. The enum is externally tagged: `{"TicketResolved": {...}}`. Topic
//! `prism.crm.support-ticket.v1`, key = `ticket_id`, version `1`. Every event that may change
//! the status carries the status after it, so its history is read off the events.

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// A ticket was opened with its service-level due times: the seed event; it is `open`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketOpened {
    /// Id of the ticket (the aggregate id), a UUID.
    pub ticket_id: String,
    /// Id of the customer.
    pub customer_id: String,
    /// What it is about.
    pub subject: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    /// When the customer asked.
    pub opened_at: DateTime<Utc>,
    /// By when the customer must have a first response.
    pub first_response_due_at: DateTime<Utc>,
    /// By when the ticket must be resolved.
    pub resolution_due_at: DateTime<Utc>,
    /// `open`.
    pub status: String,
}

/// The ticket was assigned to a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketAssigned {
    /// Id of the ticket.
    pub ticket_id: String,
    /// Id of the user working on it now.
    pub assignee: String,
    /// Who had it before, if anyone.
    pub previous_assignee: Option<String>,
    /// When.
    pub assigned_at: DateTime<Utc>,
}

/// The customer was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketResponded {
    /// Id of the ticket.
    pub ticket_id: String,
    /// What was said.
    pub message: String,
    /// When.
    pub responded_at: DateTime<Utc>,
    /// Whether it is the first response, the one the service level times.
    pub first_response: bool,
    /// The status after it: `in_progress`.
    pub status: String,
}

/// The ticket was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketResolved {
    /// Id of the ticket.
    pub ticket_id: String,
    /// How.
    pub resolution: String,
    /// When.
    pub resolved_at: DateTime<Utc>,
    /// `resolved`.
    pub status: String,
}

/// The resolved ticket was closed. Final.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketClosed {
    /// Id of the ticket.
    pub ticket_id: String,
    /// When.
    pub closed_at: DateTime<Utc>,
    /// `closed`.
    pub status: String,
}

/// The resolved ticket was reopened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketReopened {
    /// Id of the ticket.
    pub ticket_id: String,
    /// Why.
    pub reason: String,
    /// When.
    pub reopened_at: DateTime<Utc>,
    /// The status after it: `in_progress` (the resolution answered the customer).
    pub status: String,
}

/// Everything that can happen to a support ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SupportTicketEvent {
    /// See [`TicketOpened`].
    TicketOpened(TicketOpened),
    /// See [`TicketAssigned`].
    TicketAssigned(TicketAssigned),
    /// See [`TicketResponded`].
    TicketResponded(TicketResponded),
    /// See [`TicketResolved`].
    TicketResolved(TicketResolved),
    /// See [`TicketClosed`].
    TicketClosed(TicketClosed),
    /// See [`TicketReopened`].
    TicketReopened(TicketReopened),
}

impl SupportTicketEvent {
    /// Version of every support ticket event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for SupportTicketEvent {
    fn event_type(&self) -> String {
        match self {
            SupportTicketEvent::TicketOpened(_) => "TicketOpened",
            SupportTicketEvent::TicketAssigned(_) => "TicketAssigned",
            SupportTicketEvent::TicketResponded(_) => "TicketResponded",
            SupportTicketEvent::TicketResolved(_) => "TicketResolved",
            SupportTicketEvent::TicketClosed(_) => "TicketClosed",
            SupportTicketEvent::TicketReopened(_) => "TicketReopened",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
