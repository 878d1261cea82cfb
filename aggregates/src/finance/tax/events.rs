//! Facts about the tenant's tax rates (VAT, GST, sales tax). The serde JSON of each payload
//! mirrors its Avro schema in `schemas/avro/finance/` field for field (a test keeps them from
//! drifting); the enum is externally tagged: `{"TaxRateDefined": {...}}`.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// A tax rate was defined; it applies to documents dated on any day until changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRateDefined {
    /// Tax code, unique among the tenant's rates (`VAT20`).
    pub code: String,
    /// Display name (`VAT standard rate`).
    pub name: String,
    /// The rate in basis points: 2000 = 20 %.
    pub rate_bp: i32,
    /// Account that collects tax charged on sales (a liability, e.g. `2100` VAT payable).
    pub sales_account: String,
    /// Account that collects tax paid on purchases (an asset, e.g. `1400` VAT receivable).
    pub purchase_account: String,
}

/// A tax rate changed from a date on; documents dated before it keep the earlier rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRateChanged {
    /// Tax code.
    pub code: String,
    /// The new rate in basis points.
    pub rate_bp: i32,
    /// First document date the new rate applies to.
    pub effective_from: NaiveDate,
}

/// A tax rate may no longer be used on new documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRateRetired {
    /// Tax code.
    pub code: String,
}

/// Everything that can happen to the tax rates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaxRatesEvent {
    /// See [`TaxRateDefined`].
    TaxRateDefined(TaxRateDefined),
    /// See [`TaxRateChanged`].
    TaxRateChanged(TaxRateChanged),
    /// See [`TaxRateRetired`].
    TaxRateRetired(TaxRateRetired),
}

impl TaxRatesEvent {
    /// Version of every tax-rate event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for TaxRatesEvent {
    fn event_type(&self) -> String {
        match self {
            TaxRatesEvent::TaxRateDefined(_) => "TaxRateDefined",
            TaxRatesEvent::TaxRateChanged(_) => "TaxRateChanged",
            TaxRatesEvent::TaxRateRetired(_) => "TaxRateRetired",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
