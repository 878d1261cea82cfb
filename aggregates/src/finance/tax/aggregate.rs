//! The tax rates aggregate: [`TaxRates::decide`] checks every rule and returns the events,
//! `apply` folds them. Pure — no I/O, no clock, no randomness.
//!
//! Rules are checked in a fixed order and the first broken one is reported. Defining: code,
//! code not yet defined, name, rate, sales account, purchase account, number of rates.
//! Changing: rate known, not retired, rate, effective date after the latest change's.
//! Retiring: rate known, not retired.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{DefineTaxRate, TaxRatesCommand};
use super::errors::{TaxCodeError, TaxRateRefusal, TaxRatesError};
use super::events::{TaxRateChanged, TaxRateDefined, TaxRateRetired, TaxRatesEvent};
use super::{MAX_CODE_CHARS, MAX_NAME_CHARS, MAX_RATE_BP, MAX_TAX_RATES};
use crate::finance::account::AccountCode;

/// The rate of a tax code as it applies to one document date, with the accounts its tax posts
/// to: what an invoice asks [`TaxRates::rate_on`] for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AppliedTaxRate {
    /// The tax code.
    pub code: String,
    /// The rate in force on the date, in basis points (2000 = 20 %).
    pub rate_bp: i32,
    /// Account that collects tax charged on sales.
    pub sales_account: String,
    /// Account that collects tax paid on purchases.
    pub purchase_account: String,
}

/// A change of a tax rate from a date on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RateChange {
    rate_bp: i32,
    effective_from: NaiveDate,
}

impl RateChange {
    /// The new rate in basis points.
    #[must_use]
    pub fn rate_bp(&self) -> i32 {
        self.rate_bp
    }

    /// First document date the new rate applies to.
    #[must_use]
    pub fn effective_from(&self) -> NaiveDate {
        self.effective_from
    }
}

/// One tax code, as folded from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRate {
    code: String,
    name: String,
    rate_bp: i32,
    sales_account: String,
    purchase_account: String,
    changes: Vec<RateChange>,
    retired: bool,
}

impl TaxRate {
    /// The tax code, unique among the tenant's rates.
    #[must_use]
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The display name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The rate as defined, in basis points: it applies to every date before the first change.
    #[must_use]
    pub fn defined_rate_bp(&self) -> i32 {
        self.rate_bp
    }

    /// The rate of the latest change, or the defined rate when it never changed: the rate for
    /// every date from the latest change on.
    #[must_use]
    pub fn latest_rate_bp(&self) -> i32 {
        self.changes.last().map_or(self.rate_bp, |change| change.rate_bp)
    }

    /// The rate in force on `date`: that of the latest change effective on or before it,
    /// else the defined rate. Retirement does not enter into it (see [`TaxRates::rate_on`]).
    #[must_use]
    pub fn rate_bp_on(&self, date: NaiveDate) -> i32 {
        let after = self.changes.partition_point(|change| change.effective_from <= date);
        after.checked_sub(1).map_or(self.rate_bp, |i| self.changes[i].rate_bp)
    }

    /// Every change, in effective-date order (strictly increasing).
    #[must_use]
    pub fn changes(&self) -> &[RateChange] {
        &self.changes
    }

    /// Account that collects tax charged on sales.
    #[must_use]
    pub fn sales_account(&self) -> &str {
        &self.sales_account
    }

    /// Account that collects tax paid on purchases.
    #[must_use]
    pub fn purchase_account(&self) -> &str {
        &self.purchase_account
    }

    /// Whether it is retired: it applies to no new document.
    #[must_use]
    pub fn is_retired(&self) -> bool {
        self.retired
    }
}

/// The tax rates of one tenant, folded from their events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRates {
    rates: BTreeMap<String, TaxRate>,
}

impl TaxRates {
    /// The rate with `code`, retired or not.
    #[must_use]
    pub fn rate(&self, code: &str) -> Option<&TaxRate> {
        self.rates.get(code)
    }

    /// Every rate, retired ones included, in code order (byte-wise).
    pub fn rates(&self) -> impl Iterator<Item = &TaxRate> {
        self.rates.values()
    }

    /// How many rates are defined, retired ones included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rates.len()
    }

    /// Whether no rate is defined at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rates.is_empty()
    }

    /// The rate `code` applies to a document dated `date`, with its tax accounts: the latest
    /// change effective on or before `date`, else the defined rate.
    ///
    /// # Errors
    /// [`TaxRateRefusal::Unknown`] when no rate has `code`, [`TaxRateRefusal::Retired`] when
    /// it is retired (whatever `date`).
    pub fn rate_on(&self, code: &str, date: NaiveDate) -> Result<AppliedTaxRate, TaxRateRefusal> {
        let rate = self.rates.get(code).ok_or(TaxRateRefusal::Unknown)?;
        if rate.retired {
            return Err(TaxRateRefusal::Retired);
        }
        Ok(AppliedTaxRate {
            code: rate.code.clone(),
            rate_bp: rate.rate_bp_on(date),
            sales_account: rate.sales_account.clone(),
            purchase_account: rate.purchase_account.clone(),
        })
    }

    /// Decides `command` against the current state: the events to record, or why not.
    /// This is the whole of `handle`, callable without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`TaxRatesError`].
    pub fn decide(&self, command: TaxRatesCommand) -> Result<Vec<TaxRatesEvent>, TaxRatesError> {
        let event = match command {
            TaxRatesCommand::DefineTaxRate(define) => TaxRatesEvent::TaxRateDefined(self.decide_define(define)?),
            TaxRatesCommand::ChangeTaxRate { code, rate_bp, effective_from } => {
                TaxRatesEvent::TaxRateChanged(self.decide_change(code, rate_bp, effective_from)?)
            }
            TaxRatesCommand::RetireTaxRate { code } => TaxRatesEvent::TaxRateRetired(self.decide_retire(code)?),
        };
        Ok(vec![event])
    }

    fn decide_define(&self, define: DefineTaxRate) -> Result<TaxRateDefined, TaxRatesError> {
        if let Err(reason) = check_code(&define.code) {
            return Err(TaxRatesError::InvalidCode { code: define.code, reason });
        }
        if self.rates.contains_key(&define.code) {
            return Err(TaxRatesError::TaxRateExists { code: define.code });
        }
        check_name(&define.name)?;
        let rate_bp = check_rate(define.rate_bp)?;
        let sales_account = AccountCode::parse(&define.sales_account)
            .map_err(|reason| TaxRatesError::InvalidSalesAccount { reason })?;
        let purchase_account = AccountCode::parse(&define.purchase_account)
            .map_err(|reason| TaxRatesError::InvalidPurchaseAccount { reason })?;
        if self.rates.len() >= MAX_TAX_RATES {
            return Err(TaxRatesError::TooManyTaxRates { max: MAX_TAX_RATES });
        }
        Ok(TaxRateDefined {
            code: define.code,
            name: define.name,
            rate_bp,
            sales_account: sales_account.into(),
            purchase_account: purchase_account.into(),
        })
    }

    fn decide_change(
        &self,
        code: String,
        rate_bp: i64,
        effective_from: NaiveDate,
    ) -> Result<TaxRateChanged, TaxRatesError> {
        let rate = self.known(&code)?;
        if rate.retired {
            return Err(TaxRatesError::Retired { code });
        }
        let rate_bp = check_rate(rate_bp)?;
        if let Some(latest) = rate.changes.last() {
            if effective_from <= latest.effective_from {
                return Err(TaxRatesError::NotAfterLatestChange { effective_from, latest: latest.effective_from });
            }
        }
        Ok(TaxRateChanged { code, rate_bp, effective_from })
    }

    fn decide_retire(&self, code: String) -> Result<TaxRateRetired, TaxRatesError> {
        if self.known(&code)?.retired {
            return Err(TaxRatesError::AlreadyRetired { code });
        }
        Ok(TaxRateRetired { code })
    }

    /// The rate `code`, or [`TaxRatesError::TaxRateNotFound`].
    fn known(&self, code: &str) -> Result<&TaxRate, TaxRatesError> {
        self.rates.get(code).ok_or_else(|| TaxRatesError::TaxRateNotFound { code: code.to_owned() })
    }

    /// The rate `code` for folding an event about it; an event about an unknown rate is never
    /// recorded by `decide`.
    fn rate_mut(&mut self, code: &str) -> Option<&mut TaxRate> {
        let rate = self.rates.get_mut(code);
        debug_assert!(rate.is_some(), "event about unknown tax rate {code}");
        rate
    }
}

impl Aggregate for TaxRates {
    const TYPE: &'static str = "finance.tax_rates";
    type Command = TaxRatesCommand;
    type Event = TaxRatesEvent;
    type Error = TaxRatesError;
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
            TaxRatesEvent::TaxRateDefined(defined) => {
                // `decide` never defines a code twice; a folded history that does (hand-built
                // books in tests) keeps the last one.
                let rate = TaxRate {
                    code: defined.code.clone(),
                    name: defined.name,
                    rate_bp: defined.rate_bp,
                    sales_account: defined.sales_account,
                    purchase_account: defined.purchase_account,
                    changes: Vec::new(),
                    retired: false,
                };
                self.rates.insert(defined.code, rate);
            }
            TaxRatesEvent::TaxRateChanged(changed) => {
                if let Some(rate) = self.rate_mut(&changed.code) {
                    debug_assert!(
                        rate.changes.last().is_none_or(|latest| latest.effective_from < changed.effective_from),
                        "tax rate {} changed out of order",
                        changed.code
                    );
                    rate.changes.push(RateChange { rate_bp: changed.rate_bp, effective_from: changed.effective_from });
                }
            }
            TaxRatesEvent::TaxRateRetired(retired) => {
                if let Some(rate) = self.rate_mut(&retired.code) {
                    debug_assert!(!rate.retired, "tax rate {} retired twice", retired.code);
                    rate.retired = true;
                }
            }
        }
    }
}

/// A tax code: 1–`MAX_CODE_CHARS` ASCII letters, digits, `-` and `_`, starting with a letter
/// or digit.
fn check_code(code: &str) -> Result<(), TaxCodeError> {
    let chars = code.chars().count();
    if chars == 0 {
        return Err(TaxCodeError::Empty);
    }
    if chars > MAX_CODE_CHARS {
        return Err(TaxCodeError::TooLong { chars, max: MAX_CODE_CHARS });
    }
    if !code.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(TaxCodeError::MustStartAlphanumeric);
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if let Some((position, found)) = code.chars().enumerate().find(|&(_, c)| !allowed(c)) {
        return Err(TaxCodeError::InvalidCharacter { found, position });
    }
    Ok(())
}

/// Rejects a blank or over-long name.
fn check_name(name: &str) -> Result<(), TaxRatesError> {
    if name.trim().is_empty() {
        return Err(TaxRatesError::NameBlank);
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(TaxRatesError::NameTooLong { chars, max: MAX_NAME_CHARS });
    }
    Ok(())
}

/// A rate of 0 to `MAX_RATE_BP` basis points, narrowed to the event's `int`.
fn check_rate(rate_bp: i64) -> Result<i32, TaxRatesError> {
    let out_of_range = TaxRatesError::RateOutOfRange { rate_bp, max: MAX_RATE_BP };
    if !(0..=MAX_RATE_BP).contains(&rate_bp) {
        return Err(out_of_range);
    }
    i32::try_from(rate_bp).map_err(|_| out_of_range)
}
