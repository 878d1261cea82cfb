//! The customer aggregate: someone the business sells to — their name, the currency they trade
//! in, the credit they are allowed, the people to talk to (contacts), where to bill and ship
//! (addresses), and custom fields: a bounded JSON object of whatever else a tenant keeps
//! about them.
//!
//! There is one aggregate per customer; its id is the `customer_id` of [`RegisterCustomer`]
//! (the API passes it as the aggregate id), following the supply code rule of [`CodeError`]
//! (`C-1001`). A customer is registered once (**`CustomerRegistered`**, the seed event); until
//! it is deactivated it may be renamed, get and lose contacts and addresses, a new credit limit
//! and custom fields. A deactivated customer takes no further change; it is never deleted.
//!
//! The credit limit is integer minor units of the customer's currency, `None` for no limit.
//! [`check_credit`] is the rule a sales order for the customer is held to: its exposure (what
//! the caller counts as owed and ordered) plus the order may not exceed the limit.
//!
//! Every limit below is enforced in [`Customer::decide`] and tested at the limit.

mod aggregate;
mod commands;
mod credit;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use crate::supply::code::CodeError;
pub use aggregate::Customer;
pub use commands::{AddressInput, ContactInput, CustomerCommand, RegisterCustomer};
pub use credit::{check_credit, CreditLimitExceeded};
pub use errors::CustomerError;
pub use events::{
    Address, Contact, CustomFieldChange, CustomerAddressAdded, CustomerAddressRemoved, CustomerContactAdded,
    CustomerContactRemoved, CustomerCreditLimitChanged, CustomerCustomFieldsSet, CustomerDeactivated, CustomerEvent,
    CustomerRegistered, CustomerRenamed,
};

/// Longest customer or contact name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest free-text field of a contact or address (email, phone, role, address lines, city,
/// postal code, region), in characters.
pub const MAX_TEXT_CHARS: usize = 200;
/// Longest contact or address id, in characters.
pub const MAX_ID_CHARS: usize = 64;
/// Most contacts a customer may have at once.
pub const MAX_CONTACTS: usize = 50;
/// Most addresses a customer may have at once.
pub const MAX_ADDRESSES: usize = 20;
/// Most custom fields a customer may have at once.
pub const MAX_CUSTOM_FIELDS: usize = 50;
/// Longest custom field name, in characters (`a`–`z`, `0`–`9`, `_`, starting with a letter).
pub const MAX_FIELD_NAME_CHARS: usize = 64;
/// Longest custom field value, in characters of its compact JSON text.
pub const MAX_FIELD_VALUE_CHARS: usize = 1_000;
/// Longest reason for deactivating a customer, in characters.
pub const MAX_REASON_CHARS: usize = 500;
/// The kinds an address may be of.
pub const ADDRESS_KINDS: [&str; 3] = ["billing", "shipping", "other"];
