//! The supply settings aggregate: [`SupplySettings::decide`] checks every rule and returns the
//! events, `apply` folds them. Pure — no I/O, no clock, no randomness.
//!
//! Configuring checks the threshold, then its currency; it records one event with every
//! setting, or none when every setting stays as it is.

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::SupplySettingsCommand;
use super::errors::SupplySettingsError;
use super::events::{SupplySettingsChanged, SupplySettingsEvent};
use crate::money::Currency;

/// The tenant's supply settings, folded from their events; the default is the settings before
/// any configuration: no negative stock, every purchase order needs approval.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplySettings {
    allow_negative_stock: bool,
    approval_threshold: Option<(i64, Currency)>,
}

impl SupplySettings {
    /// Whether an issue may take an item's stock below zero; `false` until configured.
    #[must_use]
    pub fn allows_negative_stock(&self) -> bool {
        self.allow_negative_stock
    }

    /// The purchase-order approval threshold, in minor units of its currency; `None` until
    /// configured, meaning every purchase order needs approval.
    #[must_use]
    pub fn approval_threshold(&self) -> Option<(i64, Currency)> {
        self.approval_threshold
    }

    /// Whether a purchase order totalling `total_minor` of `currency` needs approval: always
    /// without a threshold or in another currency than the threshold's, else when the total
    /// is above the threshold.
    #[must_use]
    pub fn requires_approval(&self, total_minor: i64, currency: Currency) -> bool {
        match self.approval_threshold {
            Some((threshold_minor, threshold_currency)) if threshold_currency == currency => {
                total_minor > threshold_minor
            }
            _ => true,
        }
    }

    /// Decides `command` against the current state: the events to record (none when nothing
    /// changes), or why not. This is the whole of `handle`, callable without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`SupplySettingsError`].
    pub fn decide(&self, command: SupplySettingsCommand) -> Result<Vec<SupplySettingsEvent>, SupplySettingsError> {
        let SupplySettingsCommand::ConfigureSupply {
            allow_negative_stock,
            po_approval_threshold_minor,
            po_approval_currency,
        } = command;
        if po_approval_threshold_minor < 0 {
            return Err(SupplySettingsError::NegativeApprovalThreshold {
                threshold_minor: po_approval_threshold_minor,
            });
        }
        let currency = Currency::parse(&po_approval_currency)
            .map_err(|reason| SupplySettingsError::InvalidApprovalCurrency { reason })?;
        let configured =
            Self { allow_negative_stock, approval_threshold: Some((po_approval_threshold_minor, currency)) };
        if configured == *self {
            return Ok(Vec::new());
        }
        Ok(vec![SupplySettingsEvent::SupplySettingsChanged(SupplySettingsChanged {
            allow_negative_stock,
            po_approval_threshold_minor,
            po_approval_currency: currency.as_str().to_owned(),
        })])
    }
}

impl Aggregate for SupplySettings {
    const TYPE: &'static str = "supply.settings";
    type Command = SupplySettingsCommand;
    type Event = SupplySettingsEvent;
    type Error = SupplySettingsError;
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
            SupplySettingsEvent::SupplySettingsChanged(changed) => {
                let currency = Currency::parse(&changed.po_approval_currency).ok();
                debug_assert!(currency.is_some(), "malformed SupplySettingsChanged");
                self.allow_negative_stock = changed.allow_negative_stock;
                if let Some(currency) = currency {
                    self.approval_threshold = Some((changed.po_approval_threshold_minor, currency));
                }
            }
        }
    }
}
