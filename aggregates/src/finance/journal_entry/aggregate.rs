//! The journal entry aggregate: [`JournalEntry::decide`] checks every rule of the entry
//! itself and returns the events; `handle` then checks them against the tenant's books
//! ([`Books::check_posting`]: open period, postable accounts, exchange rates) from the
//! [`BooksSource`] service, which also prices their lines in the functional currency;
//! `apply` folds them. Pure — no I/O, no clock, no randomness of its own.
//!
//! Rules are checked in a fixed order and the first broken one is reported:
//! state, tenant, description, source reference, line count, then each line in order
//! (account, debit/credit presence, amount sign, currency, memo), then per-currency
//! totals (overflow, then balance, currencies in code order), then the books (period, then
//! each line's account, then each line's exchange rate). For a reversal: state, reason,
//! reversal date, then the books; its lines keep the original's functional amounts.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::{JournalEntryCommand, JournalLineInput, PostJournalEntry, ReverseJournalEntry};
use super::errors::{JournalEntryError, Side};
use super::events::{
    lines_balance, JournalEntryDraftDiscarded, JournalEntryEvent, JournalEntryPosted, JournalEntryReversed, PostedLine,
};
use super::{
    MAX_DESCRIPTION_CHARS, MAX_LINES, MAX_MEMO_CHARS, MAX_REASON_CHARS, MAX_SOURCE_REFERENCE_CHARS, MIN_LINES,
};
use crate::finance::account::AccountCode;
use crate::finance::books::{Books, BooksSource, PostingRefusal};
use crate::finance::chart::AccountRefusal;
use crate::money::{Currency, Money};
use crate::tenant::TenantId;
use crate::text::check_text;

/// Where a journal entry is in its life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum JournalEntryStatus {
    /// No event yet.
    #[default]
    NotPosted,
    /// A draft: checked, posting nothing yet.
    Draft,
    /// A draft that was discarded; nothing more can happen to it.
    Discarded,
    /// Posted and in effect.
    Posted,
    /// Posted, then reversed.
    Reversed,
}

/// The reversal entry id of `entry_id`: UUID v5 in the OID namespace of
/// `"<entry_id>/reversal"`, so deciding a reversal needs no randomness.
#[must_use]
pub fn reversal_entry_id_for(entry_id: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{entry_id}/reversal").as_bytes())
}

/// State of one journal entry, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    id: Option<String>,
    status: JournalEntryStatus,
    entry_date: Option<NaiveDate>,
    lines: Vec<PostedLine>,
    reversal_entry_id: Option<String>,
    draft: Option<JournalEntryPosted>,
}

impl JournalEntry {
    /// The entry id once posted.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// Where the entry is in its life.
    #[must_use]
    pub fn status(&self) -> JournalEntryStatus {
        self.status
    }

    /// The accounting date once posted.
    #[must_use]
    pub fn entry_date(&self) -> Option<NaiveDate> {
        self.entry_date
    }

    /// The posted lines (empty before posting).
    #[must_use]
    pub fn lines(&self) -> &[PostedLine] {
        &self.lines
    }

    /// The id of the reversal entry once reversed.
    #[must_use]
    pub fn reversal_entry_id(&self) -> Option<&str> {
        self.reversal_entry_id.as_deref()
    }

    /// Decides `command` against the current state: the events to record, or why not.
    /// This is the whole of `handle`, callable without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`JournalEntryError`].
    pub fn decide(&self, command: JournalEntryCommand) -> Result<Vec<JournalEntryEvent>, JournalEntryError> {
        match command {
            JournalEntryCommand::Post(post) => {
                self.decide_post(post).map(|event| vec![JournalEntryEvent::JournalEntryPosted(event)])
            }
            JournalEntryCommand::Reverse(reverse) => {
                self.decide_reverse(reverse).map(|event| vec![JournalEntryEvent::JournalEntryReversed(event)])
            }
            JournalEntryCommand::SaveDraft(draft) => {
                self.decide_save_draft(draft).map(|event| vec![JournalEntryEvent::JournalEntryDrafted(event)])
            }
            JournalEntryCommand::PostDraft => {
                self.decide_post_draft().map(|event| vec![JournalEntryEvent::JournalEntryPosted(event)])
            }
            JournalEntryCommand::DiscardDraft { reason } => self
                .decide_discard_draft(reason)
                .map(|event| vec![JournalEntryEvent::JournalEntryDraftDiscarded(event)]),
        }
    }

    fn decide_save_draft(&self, draft: PostJournalEntry) -> Result<JournalEntryPosted, JournalEntryError> {
        match self.status {
            JournalEntryStatus::NotPosted | JournalEntryStatus::Draft => self.check_entry(draft),
            JournalEntryStatus::Discarded => Err(JournalEntryError::DraftDiscarded),
            JournalEntryStatus::Posted | JournalEntryStatus::Reversed => Err(JournalEntryError::AlreadyPosted),
        }
    }

    fn decide_post_draft(&self) -> Result<JournalEntryPosted, JournalEntryError> {
        match (self.status, &self.draft) {
            (JournalEntryStatus::Draft, Some(draft)) => Ok(draft.clone()),
            (JournalEntryStatus::Posted | JournalEntryStatus::Reversed, _) => Err(JournalEntryError::AlreadyPosted),
            (JournalEntryStatus::Discarded, _) => Err(JournalEntryError::DraftDiscarded),
            _ => Err(JournalEntryError::NoDraft),
        }
    }

    fn decide_discard_draft(&self, reason: Option<String>) -> Result<JournalEntryDraftDiscarded, JournalEntryError> {
        let (JournalEntryStatus::Draft, Some(draft)) = (self.status, &self.draft) else {
            return Err(match self.status {
                JournalEntryStatus::Posted | JournalEntryStatus::Reversed => JournalEntryError::AlreadyPosted,
                JournalEntryStatus::Discarded => JournalEntryError::DraftDiscarded,
                _ => JournalEntryError::NoDraft,
            });
        };
        if let Some(reason) = &reason {
            check_text(reason, MAX_REASON_CHARS, JournalEntryError::ReasonBlank, |chars, max| {
                JournalEntryError::ReasonTooLong { chars, max }
            })?;
        }
        Ok(JournalEntryDraftDiscarded { entry_id: draft.entry_id.clone(), reason })
    }

    fn decide_post(&self, post: PostJournalEntry) -> Result<JournalEntryPosted, JournalEntryError> {
        match self.status {
            JournalEntryStatus::NotPosted => self.check_entry(post),
            JournalEntryStatus::Draft => Err(JournalEntryError::IsDraft),
            JournalEntryStatus::Discarded => Err(JournalEntryError::DraftDiscarded),
            JournalEntryStatus::Posted | JournalEntryStatus::Reversed => Err(JournalEntryError::AlreadyPosted),
        }
    }

    /// Every rule of the entry itself (not the books'): the posted form of `post`.
    fn check_entry(&self, post: PostJournalEntry) -> Result<JournalEntryPosted, JournalEntryError> {
        let tenant = TenantId::parse(&post.tenant).map_err(|reason| JournalEntryError::InvalidTenant { reason })?;
        check_text(&post.description, MAX_DESCRIPTION_CHARS, JournalEntryError::DescriptionBlank, |chars, max| {
            JournalEntryError::DescriptionTooLong { chars, max }
        })?;
        if let Some(reference) = &post.source_reference {
            check_text(
                reference,
                MAX_SOURCE_REFERENCE_CHARS,
                JournalEntryError::SourceReferenceBlank,
                |chars, max| JournalEntryError::SourceReferenceTooLong { chars, max },
            )?;
        }
        let count = post.lines.len();
        if count < MIN_LINES {
            return Err(JournalEntryError::TooFewLines { count, min: MIN_LINES });
        }
        if count > MAX_LINES {
            return Err(JournalEntryError::TooManyLines { count, max: MAX_LINES });
        }
        let lines = post
            .lines
            .into_iter()
            .enumerate()
            .map(|(index, input)| ValidLine::parse(index, input))
            .collect::<Result<Vec<_>, _>>()?;
        check_balanced(&lines)?;
        Ok(JournalEntryPosted {
            entry_id: post.entry_id.to_string(),
            tenant: tenant.into(),
            entry_date: post.entry_date,
            description: post.description,
            source_reference: post.source_reference,
            lines: number_lines(lines),
        })
    }

    fn decide_reverse(&self, reverse: ReverseJournalEntry) -> Result<JournalEntryReversed, JournalEntryError> {
        match self.status {
            JournalEntryStatus::NotPosted | JournalEntryStatus::Draft | JournalEntryStatus::Discarded => {
                return Err(JournalEntryError::NotFound)
            }
            JournalEntryStatus::Reversed => {
                return Err(JournalEntryError::AlreadyReversed {
                    reversal_entry_id: self.reversal_entry_id.clone().unwrap_or_default(),
                })
            }
            JournalEntryStatus::Posted => {}
        }
        let (Some(entry_id), Some(entry_date)) = (self.id.as_deref(), self.entry_date) else {
            // A Posted status always comes with both; treat a corrupt fold as missing.
            return Err(JournalEntryError::NotFound);
        };
        check_text(&reverse.reason, MAX_REASON_CHARS, JournalEntryError::ReasonBlank, |chars, max| {
            JournalEntryError::ReasonTooLong { chars, max }
        })?;
        if reverse.reversal_date < entry_date {
            return Err(JournalEntryError::ReversalBeforeEntryDate {
                reversal_date: reverse.reversal_date,
                entry_date,
            });
        }
        Ok(JournalEntryReversed {
            entry_id: entry_id.to_owned(),
            reversal_entry_id: reversal_entry_id_for(entry_id).to_string(),
            reversal_date: reverse.reversal_date,
            reason: reverse.reason,
            lines: self.lines.iter().map(PostedLine::mirrored).collect(),
        })
    }
}

impl Aggregate for JournalEntry {
    const TYPE: &'static str = "finance.journal_entry";
    type Command = JournalEntryCommand;
    type Event = JournalEntryEvent;
    type Error = JournalEntryError;
    type Services = Arc<dyn BooksSource>;

    async fn handle(
        &mut self,
        command: Self::Command,
        books: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let mut events = self.decide(command)?;
        if events.iter().any(posts) {
            let books: Arc<Books> =
                books.books().await.map_err(|reason| JournalEntryError::BooksUnavailable { reason })?;
            for event in &mut events {
                check_books(&books, event)?;
            }
        }
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            JournalEntryEvent::JournalEntryDrafted(draft) => {
                self.id = Some(draft.entry_id.clone());
                self.status = JournalEntryStatus::Draft;
                self.draft = Some(draft);
            }
            JournalEntryEvent::JournalEntryDraftDiscarded(_) => {
                self.status = JournalEntryStatus::Discarded;
                self.draft = None;
            }
            JournalEntryEvent::JournalEntryPosted(posted) => {
                debug_assert!(
                    matches!(self.status, JournalEntryStatus::NotPosted | JournalEntryStatus::Draft),
                    "posted twice"
                );
                self.draft = None;
                debug_assert!(lines_balance(&posted.lines), "posted entry {} does not balance", posted.entry_id);
                self.id = Some(posted.entry_id);
                self.status = JournalEntryStatus::Posted;
                self.entry_date = Some(posted.entry_date);
                self.lines = posted.lines;
            }
            JournalEntryEvent::JournalEntryReversed(reversed) => {
                debug_assert_eq!(self.status, JournalEntryStatus::Posted, "reversed unposted");
                debug_assert!(
                    lines_balance(&reversed.lines),
                    "reversal {} does not balance",
                    reversed.reversal_entry_id
                );
                self.status = JournalEntryStatus::Reversed;
                self.reversal_entry_id = Some(reversed.reversal_entry_id);
            }
        }
    }
}

/// Whether `event` posts to the ledger (so must be checked against the books).
fn posts(event: &JournalEntryEvent) -> bool {
    matches!(event, JournalEntryEvent::JournalEntryPosted(_) | JournalEntryEvent::JournalEntryReversed(_))
}

/// Checks an event against the books — its date and every line — and prices its lines in the
/// functional currency.
fn check_books(books: &Books, event: &mut JournalEntryEvent) -> Result<(), JournalEntryError> {
    let (date, field, lines) = match event {
        JournalEntryEvent::JournalEntryPosted(posted) => (posted.entry_date, "entry_date", &mut posted.lines),
        JournalEntryEvent::JournalEntryReversed(reversed) => {
            (reversed.reversal_date, "reversal_date", &mut reversed.lines)
        }
        JournalEntryEvent::JournalEntryDrafted(_) | JournalEntryEvent::JournalEntryDraftDiscarded(_) => return Ok(()),
    };
    *lines = books.check_posting(date, lines).map_err(|refusal| match refusal {
        PostingRefusal::NoFiscalYear { date } => JournalEntryError::NoFiscalYear { field, date },
        PostingRefusal::PeriodNotOpen { date, period, status } => {
            JournalEntryError::PeriodNotOpen { field, date, period, status }
        }
        PostingRefusal::Account { line, code, currency, refusal } => match refusal {
            AccountRefusal::Unknown => JournalEntryError::UnknownAccount { line, code },
            AccountRefusal::Header => JournalEntryError::HeaderAccount { line, code },
            AccountRefusal::Archived => JournalEntryError::ArchivedAccount { line, code },
            AccountRefusal::CurrencyMismatch { account_currency } => {
                JournalEntryError::AccountCurrencyMismatch { line, code, account_currency, currency }
            }
        },
        PostingRefusal::Rate { line, refusal } => JournalEntryError::NoExchangeRate { line, refusal },
    })?;
    Ok(())
}

/// A line that passed every per-line rule.
struct ValidLine {
    account: AccountCode,
    side: Side,
    amount: Money,
    memo: Option<String>,
}

impl ValidLine {
    fn parse(line: usize, input: JournalLineInput) -> Result<Self, JournalEntryError> {
        let account =
            AccountCode::parse(&input.account).map_err(|reason| JournalEntryError::InvalidAccount { line, reason })?;
        let (side, minor) = match (input.debit, input.credit) {
            (Some(debit), None) => (Side::Debit, debit),
            (None, Some(credit)) => (Side::Credit, credit),
            (None, None) => return Err(JournalEntryError::MissingAmount { line }),
            (Some(_), Some(_)) => return Err(JournalEntryError::DebitAndCredit { line }),
        };
        if minor <= 0 {
            return Err(JournalEntryError::NonPositiveAmount { line, side, amount: minor });
        }
        let currency =
            Currency::parse(&input.currency).map_err(|reason| JournalEntryError::InvalidCurrency { line, reason })?;
        if let Some(memo) = &input.memo {
            let chars = memo.chars().count();
            if chars > MAX_MEMO_CHARS {
                return Err(JournalEntryError::MemoTooLong { line, chars, max: MAX_MEMO_CHARS });
            }
        }
        Ok(Self { account, side, amount: Money::new(minor, currency), memo: input.memo })
    }
}

/// Sums debits and credits per currency with checked arithmetic and requires them equal.
fn check_balanced(lines: &[ValidLine]) -> Result<(), JournalEntryError> {
    let mut totals: BTreeMap<Currency, (Money, Money)> = BTreeMap::new();
    for line in lines {
        let currency = line.amount.currency;
        let (debits, credits) = totals.entry(currency).or_insert((Money::zero(currency), Money::zero(currency)));
        let total = match line.side {
            Side::Debit => debits,
            Side::Credit => credits,
        };
        *total = total
            .checked_add(line.amount)
            .map_err(|_| JournalEntryError::AmountOverflow { currency, side: line.side })?;
    }
    match totals.into_iter().find(|(_, (d, c))| d.minor != c.minor) {
        Some((currency, (debits, credits))) => {
            Err(JournalEntryError::Unbalanced { currency, debit_total: debits.minor, credit_total: credits.minor })
        }
        None => Ok(()),
    }
}

/// Turns validated lines into posted lines numbered from 1.
fn number_lines(lines: Vec<ValidLine>) -> Vec<PostedLine> {
    let mut line_no: i32 = 0;
    lines
        .into_iter()
        .map(|line| {
            line_no += 1;
            let (debit_minor, credit_minor) = match line.side {
                Side::Debit => (line.amount.minor, 0),
                Side::Credit => (0, line.amount.minor),
            };
            PostedLine {
                line_no,
                account: line.account.into(),
                debit_minor,
                credit_minor,
                currency: line.amount.currency.as_str().to_owned(),
                memo: line.memo,
                functional: None,
            }
        })
        .collect()
}
