//! Commands to a customer. They carry raw inputs (strings, JSON values as written) so that
//! every rule is decided, and reported with its field, in `decide`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A request to change a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum CustomerCommand {
    /// Register the customer.
    RegisterCustomer(RegisterCustomer),
    /// Change the customer's name.
    RenameCustomer {
        /// The new name; non-blank, at most `MAX_NAME_CHARS` characters, not the current one.
        name: String,
    },
    /// Add a contact.
    AddContact(ContactInput),
    /// Remove a contact by its id.
    RemoveContact {
        /// Id of the contact.
        contact_id: String,
    },
    /// Add an address.
    AddAddress(AddressInput),
    /// Remove an address by its id.
    RemoveAddress {
        /// Id of the address.
        address_id: String,
    },
    /// Replace the credit limit; `None` lifts it. Nothing is recorded when it stays as it is.
    ChangeCreditLimit {
        /// The new limit in minor units of the customer's currency (0 or more); `None`: none.
        #[serde(default)]
        credit_limit_minor: Option<i64>,
    },
    /// Set custom fields: each named field takes its value, a `null` value removes it; fields
    /// not named stay. Nothing is recorded when no field changes.
    SetCustomFields {
        /// Field name → JSON value (`null` removes the field).
        fields: BTreeMap<String, serde_json::Value>,
    },
    /// Stop the customer taking any further change; its history stays.
    DeactivateCustomer {
        /// Why, if given; non-blank, at most `MAX_REASON_CHARS` characters.
        #[serde(default)]
        reason: Option<String>,
    },
}

/// Register a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterCustomer {
    /// The customer id, which is also the aggregate id: a supply-style code (`C-1001`).
    pub customer_id: String,
    /// Display name; non-blank, at most `MAX_NAME_CHARS` characters.
    pub name: String,
    /// ISO-4217 code of the currency the customer trades in and its credit limit is kept in.
    pub currency: String,
    /// Credit limit in minor units of `currency` (0 or more); `None`: no limit.
    #[serde(default)]
    pub credit_limit_minor: Option<i64>,
    /// The first contacts, at most `MAX_CONTACTS`.
    #[serde(default)]
    pub contacts: Vec<ContactInput>,
    /// The first addresses, at most `MAX_ADDRESSES`.
    #[serde(default)]
    pub addresses: Vec<AddressInput>,
}

/// A contact as a command gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// Id of the contact (`A`–`Z`, `a`–`z`, `0`–`9`, `-`, `_`), unique within the customer;
    /// `contact-<n>` when absent.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// Name of the person; non-blank.
    pub name: String,
    /// Email address (one `@` with text either side), if known.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number, if known.
    #[serde(default)]
    pub phone: Option<String>,
    /// What they do for the customer (`buyer`, `accounts payable`), if known.
    #[serde(default)]
    pub role: Option<String>,
}

/// An address as a command gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    /// Id of the address (`A`–`Z`, `a`–`z`, `0`–`9`, `-`, `_`), unique within the customer;
    /// `address-<n>` when absent.
    #[serde(default)]
    pub address_id: Option<String>,
    /// `billing`, `shipping` or `other`.
    pub kind: String,
    /// First line; non-blank.
    pub line1: String,
    /// Second line, if any.
    #[serde(default)]
    pub line2: Option<String>,
    /// City; non-blank.
    pub city: String,
    /// Postal code, if any.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// Region or state, if any.
    #[serde(default)]
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 country code (`DE`), uppercase.
    pub country: String,
}
