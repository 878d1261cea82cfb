//! Facts about the supply settings. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/supply/` field for field (a test keeps them from drifting); the enum is
//! externally tagged: `{"SupplySettingsChanged": {...}}`.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// The supply settings were replaced; every setting is in the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplySettingsChanged {
    /// Whether an issue may take an item's stock below zero.
    pub allow_negative_stock: bool,
    /// Purchase orders with a total above this, in minor units of `po_approval_currency`, need
    /// approval.
    pub po_approval_threshold_minor: i64,
    /// ISO-4217 code of the threshold's currency.
    pub po_approval_currency: String,
}

/// Everything that can happen to the supply settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SupplySettingsEvent {
    /// See [`SupplySettingsChanged`].
    SupplySettingsChanged(SupplySettingsChanged),
}

impl SupplySettingsEvent {
    /// Version of every supply-settings event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for SupplySettingsEvent {
    fn event_type(&self) -> String {
        match self {
            SupplySettingsEvent::SupplySettingsChanged(_) => "SupplySettingsChanged",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
