//! The tax rates aggregate: the tenant's tax codes (VAT, GST, sales tax) with their rate over
//! time and the accounts that collect tax on sales and on purchases.
//!
//! There is one set of tax rates per tenant, the aggregate [`TAX_RATES_ID`]. A rate is defined,
//! changed from a date on (documents dated before the change keep the earlier rate) and retired
//! — never deleted, so history always names a known code. [`TaxRates::rate_on`] is the question
//! an invoice asks of it when it is issued; whether the tax accounts exist in the chart is
//! checked then too, not when the rate is defined.
//!
//! Every limit below is enforced in [`TaxRates::decide`] and tested at the limit.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::{AppliedTaxRate, RateChange, TaxRate, TaxRates};
pub use commands::{DefineTaxRate, TaxRatesCommand};
pub use errors::{TaxCodeError, TaxRateRefusal, TaxRatesError};
pub use events::{TaxRateChanged, TaxRateDefined, TaxRateRetired, TaxRatesEvent};

/// Id of the one tax-rates aggregate of a tenant.
pub const TAX_RATES_ID: &str = "tax-rates";
/// Most tax codes a tenant may define, retired ones included.
pub const MAX_TAX_RATES: usize = 1_000;
/// Longest tax code, in characters.
pub const MAX_CODE_CHARS: usize = 20;
/// Longest tax rate name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Highest rate, in basis points (10 000 bp = 100 %).
pub const MAX_RATE_BP: i64 = 10_000;
