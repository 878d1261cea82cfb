//! The supply settings aggregate: the tenant's policies for stock and purchasing — whether
//! stock may go negative, and above which total a purchase order needs approval.
//!
//! There is one settings aggregate per tenant, [`SUPPLY_SETTINGS_ID`]. Before it is first
//! configured, negative stock is not allowed and there is no approval threshold, which means
//! **every purchase order needs approval**. Once configured, a purchase order needs approval
//! when its total is above the threshold — strictly: a threshold of 0 lets only zero-total
//! orders through — or when it is in another currency than the threshold's (see
//! [`SupplySettings::requires_approval`]). Configuring replaces every setting at once; nothing
//! is recorded when nothing changes.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::SupplySettings;
pub use commands::SupplySettingsCommand;
pub use errors::SupplySettingsError;
pub use events::{SupplySettingsChanged, SupplySettingsEvent};

/// Id of the one supply-settings aggregate of a tenant.
pub const SUPPLY_SETTINGS_ID: &str = "supply-settings";
