//! Deciding the invoice's commands: [`Invoice::decide`] checks every rule and returns the
//! events — against the tenant's [`Books`] for the commands that post (issue, void) — and
//! `needs_books` tells `handle` whether the books are needed at all, once the rules that need
//! none have passed. One module per command. Pure — no I/O, no clock, no randomness of its
//! own.
//!
//! Rules are checked in a fixed order and the first broken one is reported.
//! Drafting: state, kind, number, counterparty id and name, currency, control account,
//! credited invoice, line count, then each line in order (description, quantity, unit price,
//! account, tax code). Issuing: state, due date, each line's net, the net total — then the
//! books: the issue date's period, each line's tax code, the totals, then the accounts
//! (control, each line's, each tax account). Applying a payment: state, payment already
//! applied (accepted, recording nothing), issued, not void, not a credit note, payment id,
//! amount. Voiding: state, payments, reason, void date — then the books: the void date's period.

mod draft;
mod issue;
mod payment;
mod void;

use super::aggregate::Invoice;
use super::commands::InvoiceCommand;
use super::errors::InvoiceError;
use super::events::InvoiceEvent;
use crate::finance::books::Books;

impl Invoice {
    /// Decides `command` against the current state and, for the commands that post (issue,
    /// void), against `books`: the events to record, or why not. An `ApplyPayment` of a
    /// payment already applied records nothing. This is the whole of `handle`, callable
    /// without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as an [`InvoiceError`].
    pub fn decide(&self, command: InvoiceCommand, books: &Books) -> Result<Vec<InvoiceEvent>, InvoiceError> {
        match command {
            InvoiceCommand::Draft(draft) => {
                self.decide_draft(draft).map(|event| vec![InvoiceEvent::InvoiceDrafted(event)])
            }
            InvoiceCommand::Issue(issue) => {
                self.decide_issue(&issue, books).map(|event| vec![InvoiceEvent::InvoiceGenerated(event)])
            }
            InvoiceCommand::ApplyPayment(apply) => self
                .decide_payment(apply)
                .map(|event| event.map(InvoiceEvent::InvoicePaymentApplied).into_iter().collect()),
            InvoiceCommand::Void(void) => {
                self.decide_void(void, books).map(|event| vec![InvoiceEvent::InvoiceVoided(event)])
            }
        }
    }

    /// Whether deciding `command` needs the books, once the rules that need none pass.
    ///
    /// # Errors
    /// The first of those rules `command` breaks.
    pub(super) fn needs_books(&self, command: &InvoiceCommand) -> Result<bool, InvoiceError> {
        match command {
            InvoiceCommand::Issue(issue) => self.prepare_issue(issue).map(|_| true),
            InvoiceCommand::Void(void) => self.prepare_void(void).map(|_| true),
            InvoiceCommand::Draft(_) | InvoiceCommand::ApplyPayment(_) => Ok(false),
        }
    }
}
