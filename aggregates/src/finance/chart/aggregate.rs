//! The chart of accounts aggregate: [`ChartOfAccounts::decide`] checks every rule and returns
//! the events, `apply` folds them. Pure — no I/O, no clock, no randomness.
//!
//! Rules are checked in a fixed order and the first broken one is reported. Opening: code,
//! code not yet in the chart, name, account type, parent (exists, is a header, has the same
//! type, is active), currency, cash, chart size. Renaming: account known, name, name changed.
//! Archiving: account known, not archived, no active children. Reactivating: account known,
//! archived, parent active. Loading the default chart: chart empty.

use std::collections::BTreeMap;
use std::fmt;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{ChartCommand, OpenAccount};
use super::default_chart::DEFAULT_CHART;
use super::errors::{AccountRefusal, ChartError};
use super::events::{AccountArchived, AccountOpened, AccountReactivated, AccountRenamed, ChartEvent};
use super::{MAX_ACCOUNTS, MAX_NAME_CHARS};
use crate::finance::account::AccountCode;
use crate::finance::journal_entry::Side;
use crate::money::Currency;

/// What an account records: the five elements of the accounting equation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountType {
    /// Resources the company controls (bank, receivables, equipment).
    Asset,
    /// What the company owes (payables, VAT payable, loans).
    Liability,
    /// The owners' residual interest (capital, retained earnings).
    Equity,
    /// Revenue and gains.
    Income,
    /// Costs and losses.
    Expense,
}

impl AccountType {
    /// Every account type, in statement order.
    pub const ALL: [AccountType; 5] =
        [AccountType::Asset, AccountType::Liability, AccountType::Equity, AccountType::Income, AccountType::Expense];

    /// The type named `name`: `asset`, `liability`, `equity`, `income` or `expense`
    /// (lowercase, exactly); `None` for anything else.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The lowercase name, as on the wire: `"asset"`, `"liability"`…
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            AccountType::Asset => "asset",
            AccountType::Liability => "liability",
            AccountType::Equity => "equity",
            AccountType::Income => "income",
            AccountType::Expense => "expense",
        }
    }

    /// The side that increases an account of this type: debit for assets and expenses,
    /// credit for liabilities, equity and income.
    #[must_use]
    pub fn normal_balance(self) -> Side {
        match self {
            AccountType::Asset | AccountType::Expense => Side::Debit,
            AccountType::Liability | AccountType::Equity | AccountType::Income => Side::Credit,
        }
    }
}

impl fmt::Display for AccountType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One account of the chart, as folded from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    code: AccountCode,
    name: String,
    account_type: AccountType,
    parent: Option<String>,
    header: bool,
    currency: Option<Currency>,
    cash: bool,
    archived: bool,
}

impl Account {
    /// The account code, unique in the chart.
    #[must_use]
    pub fn code(&self) -> &AccountCode {
        &self.code
    }

    /// The display name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the account records.
    #[must_use]
    pub fn account_type(&self) -> AccountType {
        self.account_type
    }

    /// The side that increases the account (from its type).
    #[must_use]
    pub fn normal_balance(&self) -> Side {
        self.account_type.normal_balance()
    }

    /// Code of the header account it rolls up into, if any.
    #[must_use]
    pub fn parent(&self) -> Option<&str> {
        self.parent.as_deref()
    }

    /// Whether it is a header account: it groups others and takes no postings.
    #[must_use]
    pub fn is_header(&self) -> bool {
        self.header
    }

    /// The one currency the account takes; `None`: any currency.
    #[must_use]
    pub fn currency(&self) -> Option<Currency> {
        self.currency
    }

    /// Whether it is cash or a cash equivalent (an asset).
    #[must_use]
    pub fn is_cash(&self) -> bool {
        self.cash
    }

    /// Whether it is archived: it takes no postings, its history stays.
    #[must_use]
    pub fn is_archived(&self) -> bool {
        self.archived
    }

    /// The account an `AccountOpened` describes; `None` if the event is malformed (which
    /// `decide` never produces).
    fn opened(event: AccountOpened) -> Option<Self> {
        let currency = match event.currency.as_deref().map(Currency::parse) {
            None => None,
            Some(Ok(currency)) => Some(currency),
            Some(Err(_)) => return None,
        };
        Some(Self {
            code: AccountCode::parse(&event.code).ok()?,
            name: event.name,
            account_type: AccountType::parse(&event.account_type)?,
            parent: event.parent,
            header: event.header,
            currency,
            cash: event.cash,
            archived: false,
        })
    }
}

/// The chart of accounts of one tenant, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartOfAccounts {
    accounts: BTreeMap<String, Account>,
}

impl ChartOfAccounts {
    /// The account with `code`, archived or not.
    #[must_use]
    pub fn account(&self, code: &str) -> Option<&Account> {
        self.accounts.get(code)
    }

    /// Every account, archived ones included, in code order (byte-wise: `1`, `1000`, `11`…).
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values()
    }

    /// The accounts that roll up directly into `code`, archived ones included, in code order.
    pub fn children<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Account> + 'a {
        self.accounts.values().filter(move |account| account.parent.as_deref() == Some(code))
    }

    /// How many accounts the chart has, archived ones included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    /// Whether the chart has no account at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// Whether a posting in `currency` may go to the account `code`.
    ///
    /// # Errors
    /// The first reason it may not, in this order: the account is unknown, a header,
    /// archived, or fixed to another currency.
    pub fn check_postable(&self, code: &str, currency: Currency) -> Result<(), AccountRefusal> {
        let account = self.accounts.get(code).ok_or(AccountRefusal::Unknown)?;
        if account.header {
            return Err(AccountRefusal::Header);
        }
        if account.archived {
            return Err(AccountRefusal::Archived);
        }
        match account.currency {
            Some(account_currency) if account_currency != currency => {
                Err(AccountRefusal::CurrencyMismatch { account_currency })
            }
            _ => Ok(()),
        }
    }

    /// Decides `command` against the current state: the events to record, or why not.
    /// This is the whole of `handle`, callable without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`ChartError`].
    pub fn decide(&self, command: ChartCommand) -> Result<Vec<ChartEvent>, ChartError> {
        match command {
            ChartCommand::OpenAccount(open) => {
                self.decide_open(open).map(|opened| vec![ChartEvent::AccountOpened(opened)])
            }
            ChartCommand::RenameAccount { code, name } => {
                self.decide_rename(code, name).map(|renamed| vec![ChartEvent::AccountRenamed(renamed)])
            }
            ChartCommand::ArchiveAccount { code } => {
                self.decide_archive(code).map(|archived| vec![ChartEvent::AccountArchived(archived)])
            }
            ChartCommand::ReactivateAccount { code } => {
                self.decide_reactivate(code).map(|reactivated| vec![ChartEvent::AccountReactivated(reactivated)])
            }
            ChartCommand::LoadDefaultChart => self.decide_load_default(),
        }
    }

    fn decide_open(&self, request: OpenAccount) -> Result<AccountOpened, ChartError> {
        let code = AccountCode::parse(&request.code).map_err(|reason| ChartError::InvalidCode { reason })?;
        if self.accounts.contains_key(code.as_str()) {
            return Err(ChartError::AccountExists { code: code.into() });
        }
        check_name(&request.name)?;
        let account_type = AccountType::parse(&request.account_type)
            .ok_or_else(|| ChartError::InvalidAccountType { account_type: request.account_type.clone() })?;
        if let Some(parent) = &request.parent {
            self.check_parent(parent, account_type)?;
        }
        let currency = request
            .currency
            .as_deref()
            .map(Currency::parse)
            .transpose()
            .map_err(|reason| ChartError::InvalidCurrency { reason })?;
        if request.cash && account_type != AccountType::Asset {
            return Err(ChartError::CashNotAsset { account_type });
        }
        if self.accounts.len() >= MAX_ACCOUNTS {
            return Err(ChartError::ChartFull { max: MAX_ACCOUNTS });
        }
        Ok(AccountOpened {
            code: code.into(),
            name: request.name,
            account_type: account_type.as_str().to_owned(),
            normal_balance: account_type.normal_balance().as_str().to_owned(),
            parent: request.parent,
            header: request.header,
            currency: currency.map(String::from),
            cash: request.cash,
        })
    }

    /// The parent must exist, be a header, have `account_type` and be active.
    fn check_parent(&self, parent: &str, account_type: AccountType) -> Result<(), ChartError> {
        let Some(account) = self.accounts.get(parent) else {
            return Err(ChartError::ParentNotFound { parent: parent.to_owned() });
        };
        if !account.header {
            return Err(ChartError::ParentNotHeader { parent: parent.to_owned() });
        }
        if account.account_type != account_type {
            return Err(ChartError::ParentTypeMismatch {
                parent: parent.to_owned(),
                parent_type: account.account_type,
                account_type,
            });
        }
        if account.archived {
            return Err(ChartError::ParentArchived { parent: parent.to_owned() });
        }
        Ok(())
    }

    fn decide_rename(&self, code: String, name: String) -> Result<AccountRenamed, ChartError> {
        let account = self.known(&code)?;
        check_name(&name)?;
        if account.name == name {
            return Err(ChartError::NameUnchanged { code, name });
        }
        Ok(AccountRenamed { code, name })
    }

    fn decide_archive(&self, code: String) -> Result<AccountArchived, ChartError> {
        if self.known(&code)?.archived {
            return Err(ChartError::AlreadyArchived { code });
        }
        let children: Vec<String> =
            self.children(&code).filter(|child| !child.archived).map(|child| child.code.to_string()).collect();
        if !children.is_empty() {
            return Err(ChartError::HasActiveChildren { code, children });
        }
        Ok(AccountArchived { code })
    }

    fn decide_reactivate(&self, code: String) -> Result<AccountReactivated, ChartError> {
        let account = self.known(&code)?;
        if !account.archived {
            return Err(ChartError::NotArchived { code });
        }
        if let Some(parent) = &account.parent {
            if self.accounts.get(parent).is_some_and(|parent| parent.archived) {
                return Err(ChartError::ParentStillArchived { parent: parent.clone(), code });
            }
        }
        Ok(AccountReactivated { code })
    }

    /// Opens every default account through the same rules as `OpenAccount`, each against the
    /// chart as the previous ones leave it.
    fn decide_load_default(&self) -> Result<Vec<ChartEvent>, ChartError> {
        if !self.accounts.is_empty() {
            return Err(ChartError::ChartNotEmpty { accounts: self.accounts.len() });
        }
        let mut chart = self.clone();
        let mut events = Vec::with_capacity(DEFAULT_CHART.len());
        for account in DEFAULT_CHART {
            let opened = chart.decide_open(OpenAccount {
                code: account.code.to_owned(),
                name: account.name.to_owned(),
                account_type: account.account_type.as_str().to_owned(),
                parent: account.parent.map(str::to_owned),
                header: account.header,
                currency: None,
                cash: account.cash,
            })?;
            let event = ChartEvent::AccountOpened(opened);
            chart.apply(event.clone());
            events.push(event);
        }
        Ok(events)
    }

    /// The account `code`, or [`ChartError::AccountNotFound`].
    fn known(&self, code: &str) -> Result<&Account, ChartError> {
        self.accounts.get(code).ok_or_else(|| ChartError::AccountNotFound { code: code.to_owned() })
    }
}

/// Rejects a blank or over-long name.
fn check_name(name: &str) -> Result<(), ChartError> {
    if name.trim().is_empty() {
        return Err(ChartError::NameBlank);
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(ChartError::NameTooLong { chars, max: MAX_NAME_CHARS });
    }
    Ok(())
}

impl Aggregate for ChartOfAccounts {
    const TYPE: &'static str = "finance.chart_of_accounts";
    type Command = ChartCommand;
    type Event = ChartEvent;
    type Error = ChartError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ChartEvent::AccountOpened(opened) => {
                // `decide` never opens a code twice; a folded history that does (hand-built
                // books in tests) keeps the last one.
                let code = opened.code.clone();
                let account = Account::opened(opened);
                debug_assert!(account.is_some(), "malformed AccountOpened for {code}");
                if let Some(account) = account {
                    self.accounts.insert(code, account);
                }
            }
            ChartEvent::AccountRenamed(renamed) => {
                if let Some(account) = self.account_mut(&renamed.code) {
                    account.name = renamed.name;
                }
            }
            ChartEvent::AccountArchived(archived) => {
                if let Some(account) = self.account_mut(&archived.code) {
                    debug_assert!(!account.archived, "account {} archived twice", archived.code);
                    account.archived = true;
                }
            }
            ChartEvent::AccountReactivated(reactivated) => {
                if let Some(account) = self.account_mut(&reactivated.code) {
                    debug_assert!(account.archived, "account {} reactivated while active", reactivated.code);
                    account.archived = false;
                }
            }
        }
    }
}

impl ChartOfAccounts {
    /// The account `code` for folding an event about it; an event about an unknown account
    /// is never recorded by `decide`.
    fn account_mut(&mut self, code: &str) -> Option<&mut Account> {
        let account = self.accounts.get_mut(code);
        debug_assert!(account.is_some(), "event about unknown account {code}");
        account
    }
}
