//! Facts about the chart of accounts. The serde JSON of each payload mirrors its Avro schema
//! in `schemas/avro/finance/` field for field (a test keeps them from drifting); the enum is
//! externally tagged: `{"AccountOpened": {...}}`.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// An account was added to the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountOpened {
    /// Account code, unique in the chart.
    pub code: String,
    /// Display name.
    pub name: String,
    /// `asset`, `liability`, `equity`, `income` or `expense`.
    pub account_type: String,
    /// `debit` (assets, expenses) or `credit` (liabilities, equity, income).
    pub normal_balance: String,
    /// Code of the header account this one rolls up into, if any.
    pub parent: Option<String>,
    /// A header account groups others and takes no postings.
    pub header: bool,
    /// ISO-4217 code when the account takes only that currency; `None`: any currency.
    pub currency: Option<String>,
    /// Cash or cash equivalent (feeds the cash-flow statement); only asset accounts.
    pub cash: bool,
}

/// An account's display name changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRenamed {
    /// Account code.
    pub code: String,
    /// The new name.
    pub name: String,
}

/// An account stopped taking postings; its history and balance stay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountArchived {
    /// Account code.
    pub code: String,
}

/// An archived account takes postings again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountReactivated {
    /// Account code.
    pub code: String,
}

/// Everything that can happen to a chart of accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChartEvent {
    /// See [`AccountOpened`].
    AccountOpened(AccountOpened),
    /// See [`AccountRenamed`].
    AccountRenamed(AccountRenamed),
    /// See [`AccountArchived`].
    AccountArchived(AccountArchived),
    /// See [`AccountReactivated`].
    AccountReactivated(AccountReactivated),
}

impl ChartEvent {
    /// Version of every chart event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for ChartEvent {
    fn event_type(&self) -> String {
        match self {
            ChartEvent::AccountOpened(_) => "AccountOpened",
            ChartEvent::AccountRenamed(_) => "AccountRenamed",
            ChartEvent::AccountArchived(_) => "AccountArchived",
            ChartEvent::AccountReactivated(_) => "AccountReactivated",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
