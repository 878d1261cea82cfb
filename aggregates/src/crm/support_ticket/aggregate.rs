//! The support ticket aggregate's state: a [`SupportTicket`] holds its ticket once opened, its
//! getters read it, [`SupportTicket::decide`] checks a command against it and returns the
//! events to record, and `apply` folds them. No I/O, no clock: each command carries its moment.

use chrono::{DateTime, TimeDelta, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{AssignTicket, OpenTicket, ReopenTicket, ResolveTicket, RespondToTicket, SupportTicketCommand};
use super::errors::SupportTicketError;
use super::events::{
    SupportTicketEvent, TicketAssigned, TicketClosed, TicketOpened, TicketReopened, TicketResolved, TicketResponded,
};
use super::priority::{Priority, TicketStatus};
use crate::crm::input::{check_field, MAX_ID_CHARS, MAX_REASON_CHARS, MAX_TITLE_CHARS};

/// State of one support ticket, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportTicket {
    ticket: Option<Ticket>,
}

/// A ticket once opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Ticket {
    ticket_id: String,
    priority: Priority,
    assignee: Option<String>,
    first_response_due_at: DateTime<Utc>,
    resolution_due_at: DateTime<Utc>,
    first_responded_at: Option<DateTime<Utc>>,
    /// Every status it has been in, oldest first; the last is the current one.
    statuses: Vec<TicketStatus>,
}

impl SupportTicket {
    /// Where it is in its life; `None` before it is opened.
    #[must_use]
    pub fn status(&self) -> Option<TicketStatus> {
        self.ticket.as_ref().map(Ticket::current)
    }

    /// Every status it has been in, oldest first, starting with `open`.
    #[must_use]
    pub fn status_history(&self) -> &[TicketStatus] {
        self.ticket.as_ref().map_or(&[], |ticket| ticket.statuses.as_slice())
    }

    /// Its priority; `None` before it is opened.
    #[must_use]
    pub fn priority(&self) -> Option<Priority> {
        self.ticket.as_ref().map(|ticket| ticket.priority)
    }

    /// The user it is assigned to, if any.
    #[must_use]
    pub fn assignee(&self) -> Option<&str> {
        self.ticket.as_ref().and_then(|ticket| ticket.assignee.as_deref())
    }

    /// By when the first response is due, and the resolution; `None` before it is opened.
    #[must_use]
    pub fn due_times(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.ticket.as_ref().map(|ticket| (ticket.first_response_due_at, ticket.resolution_due_at))
    }

    /// When the customer was first answered (by a response or the resolution), if yet.
    #[must_use]
    pub fn first_responded_at(&self) -> Option<DateTime<Utc>> {
        self.ticket.as_ref().and_then(|ticket| ticket.first_responded_at)
    }

    /// What `command` records given this state.
    ///
    /// # Errors
    /// Why the command is refused; nothing is recorded then.
    pub fn decide(&self, command: SupportTicketCommand) -> Result<Vec<SupportTicketEvent>, SupportTicketError> {
        use SupportTicketCommand as C;
        let Some(ticket) = &self.ticket else {
            return match command {
                C::Open(open) => Ok(vec![opened(open)?]),
                _ => Err(SupportTicketError::NotFound),
            };
        };
        let event = match command {
            C::Open(_) => return Err(SupportTicketError::AlreadyExists),
            _ if ticket.current() == TicketStatus::Closed => return Err(SupportTicketError::Closed),
            C::Assign(assign) => ticket.assigned(assign)?,
            C::Respond(respond) => ticket.responded(respond)?,
            C::Resolve(resolve) => ticket.resolved(resolve)?,
            C::Close(moment) => {
                ticket.require(TicketStatus::Resolved, "close")?;
                SupportTicketEvent::TicketClosed(TicketClosed {
                    ticket_id: ticket.ticket_id.clone(),
                    closed_at: moment.at,
                    status: TicketStatus::Closed.as_str().to_owned(),
                })
            }
            C::Reopen(reopen) => ticket.reopened(reopen)?,
        };
        Ok(vec![event])
    }
}

/// The `TicketOpened` an `Open` records, once its inputs pass, with the due times its
/// priority fixes.
fn opened(open: OpenTicket) -> Result<SupportTicketEvent, SupportTicketError> {
    check_field("customer_id", &open.customer_id, MAX_ID_CHARS)?;
    check_field("subject", &open.subject, MAX_TITLE_CHARS)?;
    let priority =
        Priority::parse(&open.priority).ok_or(SupportTicketError::UnknownPriority { priority: open.priority })?;
    if open.opened_at > open.recorded_at {
        return Err(SupportTicketError::OpenedInFuture);
    }
    Ok(SupportTicketEvent::TicketOpened(TicketOpened {
        ticket_id: open.ticket_id.to_string(),
        customer_id: open.customer_id,
        subject: open.subject,
        priority: priority.as_str().to_owned(),
        opened_at: open.opened_at,
        first_response_due_at: open.opened_at + TimeDelta::hours(priority.first_response_hours()),
        resolution_due_at: open.opened_at + TimeDelta::hours(priority.resolution_hours()),
        status: TicketStatus::Open.as_str().to_owned(),
    }))
}

impl Ticket {
    /// The status it is in.
    fn current(&self) -> TicketStatus {
        self.statuses.last().copied().unwrap_or(TicketStatus::Open)
    }

    /// Refuses `action` unless the ticket is `status`.
    fn require(&self, status: TicketStatus, action: &'static str) -> Result<(), SupportTicketError> {
        let current = self.current();
        if current == status {
            Ok(())
        } else {
            Err(SupportTicketError::InvalidTransition { action, status: current })
        }
    }

    /// Refuses `action` on a resolved ticket (which is closed or reopened first).
    fn require_unresolved(&self, action: &'static str) -> Result<(), SupportTicketError> {
        match self.current() {
            TicketStatus::Open | TicketStatus::InProgress => Ok(()),
            status => Err(SupportTicketError::InvalidTransition { action, status }),
        }
    }

    fn assigned(&self, assign: AssignTicket) -> Result<SupportTicketEvent, SupportTicketError> {
        check_field("assignee", &assign.assignee, MAX_ID_CHARS)?;
        if self.assignee.as_deref() == Some(assign.assignee.as_str()) {
            return Err(SupportTicketError::AlreadyAssigned { assignee: assign.assignee });
        }
        Ok(SupportTicketEvent::TicketAssigned(TicketAssigned {
            ticket_id: self.ticket_id.clone(),
            assignee: assign.assignee,
            previous_assignee: self.assignee.clone(),
            assigned_at: assign.at,
        }))
    }

    fn responded(&self, respond: RespondToTicket) -> Result<SupportTicketEvent, SupportTicketError> {
        self.require_unresolved("respond")?;
        check_field("message", &respond.message, MAX_REASON_CHARS)?;
        Ok(SupportTicketEvent::TicketResponded(TicketResponded {
            ticket_id: self.ticket_id.clone(),
            message: respond.message,
            responded_at: respond.at,
            first_response: self.first_responded_at.is_none(),
            status: TicketStatus::InProgress.as_str().to_owned(),
        }))
    }

    fn resolved(&self, resolve: ResolveTicket) -> Result<SupportTicketEvent, SupportTicketError> {
        self.require_unresolved("resolve")?;
        check_field("resolution", &resolve.resolution, MAX_REASON_CHARS)?;
        Ok(SupportTicketEvent::TicketResolved(TicketResolved {
            ticket_id: self.ticket_id.clone(),
            resolution: resolve.resolution,
            resolved_at: resolve.at,
            status: TicketStatus::Resolved.as_str().to_owned(),
        }))
    }

    fn reopened(&self, reopen: ReopenTicket) -> Result<SupportTicketEvent, SupportTicketError> {
        self.require(TicketStatus::Resolved, "reopen")?;
        check_field("reason", &reopen.reason, MAX_REASON_CHARS)?;
        // A resolution answers the customer, so a reopened ticket has been answered: in progress.
        Ok(SupportTicketEvent::TicketReopened(TicketReopened {
            ticket_id: self.ticket_id.clone(),
            reason: reopen.reason,
            reopened_at: reopen.at,
            status: TicketStatus::InProgress.as_str().to_owned(),
        }))
    }

    /// Enters the status named `name` (a status it is in already is not repeated).
    fn enter(&mut self, name: &str) {
        let status = TicketStatus::parse(name);
        debug_assert!(status.is_some(), "unknown status {name:?} in a ticket event");
        let status = status.unwrap_or(TicketStatus::Open);
        if self.statuses.last() != Some(&status) {
            self.statuses.push(status);
        }
    }
}

impl Aggregate for SupportTicket {
    const TYPE: &'static str = "crm.support_ticket";
    type Command = SupportTicketCommand;
    type Event = SupportTicketEvent;
    type Error = SupportTicketError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use SupportTicketEvent as E;
        if let E::TicketOpened(opened) = event {
            debug_assert!(self.ticket.is_none(), "ticket {} opened twice", opened.ticket_id);
            let priority = Priority::parse(&opened.priority);
            debug_assert!(priority.is_some(), "unknown priority in TicketOpened");
            let mut ticket = Ticket {
                ticket_id: opened.ticket_id,
                priority: priority.unwrap_or(Priority::Normal),
                assignee: None,
                first_response_due_at: opened.first_response_due_at,
                resolution_due_at: opened.resolution_due_at,
                first_responded_at: None,
                statuses: Vec::new(),
            };
            ticket.enter(&opened.status);
            self.ticket = Some(ticket);
            return;
        }
        debug_assert!(self.ticket.is_some(), "ticket event before TicketOpened");
        let Some(ticket) = self.ticket.as_mut() else { return };
        match event {
            E::TicketOpened(_) => {}
            E::TicketAssigned(assigned) => ticket.assignee = Some(assigned.assignee),
            E::TicketResponded(responded) => {
                ticket.first_responded_at.get_or_insert(responded.responded_at);
                ticket.enter(&responded.status);
            }
            E::TicketResolved(resolved) => {
                ticket.first_responded_at.get_or_insert(resolved.resolved_at);
                ticket.enter(&resolved.status);
            }
            E::TicketClosed(closed) => ticket.enter(&closed.status),
            E::TicketReopened(reopened) => ticket.enter(&reopened.status),
        }
    }
}
