//! The customer aggregate: [`Customer::decide`] checks every rule and returns the events,
//! `apply` folds them. Pure — no I/O, no clock, no randomness.
//!
//! Rules are checked in a fixed order and the first broken one is reported. Registering:
//! customer id, not yet registered, name, currency, credit limit, contacts (how many, then
//! each in order), addresses (likewise). Every other command: customer registered, not
//! deactivated, then its own inputs. A contact is checked id, name, email, phone, role; an
//! address id, kind, line1, line2, city, postal code, region, country. A contact or address
//! given without an id gets `contact-<n>` / `address-<n>`, the first number not yet taken, so
//! the same events always fold to the same ids.

use std::collections::BTreeMap;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{AddressInput, ContactInput, CustomerCommand, RegisterCustomer};
use super::errors::CustomerError;
use super::events::{
    Address, Contact, CustomFieldChange, CustomerAddressAdded, CustomerAddressRemoved, CustomerContactAdded,
    CustomerContactRemoved, CustomerCreditLimitChanged, CustomerCustomFieldsSet, CustomerDeactivated, CustomerEvent,
    CustomerRegistered, CustomerRenamed,
};
use super::{
    ADDRESS_KINDS, MAX_ADDRESSES, MAX_CONTACTS, MAX_CUSTOM_FIELDS, MAX_FIELD_NAME_CHARS, MAX_FIELD_VALUE_CHARS,
    MAX_ID_CHARS, MAX_NAME_CHARS, MAX_REASON_CHARS, MAX_TEXT_CHARS,
};
use crate::money::Currency;
use crate::supply::code::check_code;
use crate::text::check_text;

/// A customer, folded from its events; the default is a customer not yet registered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    profile: Option<Profile>,
}

/// What a registered customer is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Profile {
    customer_id: String,
    name: String,
    currency: Currency,
    credit_limit_minor: Option<i64>,
    contacts: Vec<Contact>,
    addresses: Vec<Address>,
    /// Field name → compact JSON text of its value.
    custom_fields: BTreeMap<String, String>,
    active: bool,
}

impl Customer {
    /// The customer id, once registered.
    #[must_use]
    pub fn customer_id(&self) -> Option<&str> {
        self.profile.as_ref().map(|p| p.customer_id.as_str())
    }

    /// The display name, once registered.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.profile.as_ref().map(|p| p.name.as_str())
    }

    /// The currency the customer trades in and its credit limit is kept in, once registered.
    #[must_use]
    pub fn currency(&self) -> Option<Currency> {
        self.profile.as_ref().map(|p| p.currency)
    }

    /// The credit limit in minor units of [`Customer::currency`]; `None` when there is none
    /// (or the customer is not registered).
    #[must_use]
    pub fn credit_limit_minor(&self) -> Option<i64> {
        self.profile.as_ref().and_then(|p| p.credit_limit_minor)
    }

    /// The contacts, in the order they were added.
    #[must_use]
    pub fn contacts(&self) -> &[Contact] {
        self.profile.as_ref().map_or(&[], |p| p.contacts.as_slice())
    }

    /// The addresses, in the order they were added.
    #[must_use]
    pub fn addresses(&self) -> &[Address] {
        self.profile.as_ref().map_or(&[], |p| p.addresses.as_slice())
    }

    /// The custom fields: name → compact JSON text of the value.
    #[must_use]
    pub fn custom_fields(&self) -> Option<&BTreeMap<String, String>> {
        self.profile.as_ref().map(|p| &p.custom_fields)
    }

    /// Whether the customer has been registered.
    #[must_use]
    pub fn is_registered(&self) -> bool {
        self.profile.is_some()
    }

    /// Whether the customer is registered and not deactivated.
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.profile.as_ref().is_some_and(|p| p.active)
    }

    /// Decides `command` against the current state: the events to record (none for a credit
    /// limit or custom fields that stay as they are), or why not. This is the whole of
    /// `handle`, callable without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`CustomerError`].
    pub fn decide(&self, command: CustomerCommand) -> Result<Vec<CustomerEvent>, CustomerError> {
        let event = match command {
            CustomerCommand::RegisterCustomer(register) => {
                CustomerEvent::CustomerRegistered(self.decide_register(register)?)
            }
            CustomerCommand::RenameCustomer { name } => {
                let profile = self.changeable()?;
                check_required(&name, "name", MAX_NAME_CHARS)?;
                if profile.name == name {
                    return Err(CustomerError::NameUnchanged { customer_id: profile.customer_id.clone(), name });
                }
                CustomerEvent::CustomerRenamed(CustomerRenamed { customer_id: profile.customer_id.clone(), name })
            }
            CustomerCommand::AddContact(input) => {
                let profile = self.changeable()?;
                if profile.contacts.len() >= MAX_CONTACTS {
                    return Err(CustomerError::TooManyContacts { max: MAX_CONTACTS });
                }
                let contact = check_contact(input, "", &profile.contacts)?;
                CustomerEvent::CustomerContactAdded(CustomerContactAdded {
                    customer_id: profile.customer_id.clone(),
                    contact,
                })
            }
            CustomerCommand::RemoveContact { contact_id } => {
                let profile = self.changeable()?;
                if !profile.contacts.iter().any(|c| c.contact_id == contact_id) {
                    return Err(CustomerError::ContactNotFound { contact_id });
                }
                CustomerEvent::CustomerContactRemoved(CustomerContactRemoved {
                    customer_id: profile.customer_id.clone(),
                    contact_id,
                })
            }
            CustomerCommand::AddAddress(input) => {
                let profile = self.changeable()?;
                if profile.addresses.len() >= MAX_ADDRESSES {
                    return Err(CustomerError::TooManyAddresses { max: MAX_ADDRESSES });
                }
                let address = check_address(input, "", &profile.addresses)?;
                CustomerEvent::CustomerAddressAdded(CustomerAddressAdded {
                    customer_id: profile.customer_id.clone(),
                    address,
                })
            }
            CustomerCommand::RemoveAddress { address_id } => {
                let profile = self.changeable()?;
                if !profile.addresses.iter().any(|a| a.address_id == address_id) {
                    return Err(CustomerError::AddressNotFound { address_id });
                }
                CustomerEvent::CustomerAddressRemoved(CustomerAddressRemoved {
                    customer_id: profile.customer_id.clone(),
                    address_id,
                })
            }
            CustomerCommand::ChangeCreditLimit { credit_limit_minor } => {
                let profile = self.changeable()?;
                check_credit_limit(credit_limit_minor)?;
                if profile.credit_limit_minor == credit_limit_minor {
                    return Ok(Vec::new());
                }
                CustomerEvent::CustomerCreditLimitChanged(CustomerCreditLimitChanged {
                    customer_id: profile.customer_id.clone(),
                    credit_limit_minor,
                    currency: profile.currency.as_str().to_owned(),
                })
            }
            CustomerCommand::SetCustomFields { fields } => {
                let profile = self.changeable()?;
                let changes = custom_field_changes(&profile.custom_fields, fields)?;
                if changes.is_empty() {
                    return Ok(Vec::new());
                }
                CustomerEvent::CustomerCustomFieldsSet(CustomerCustomFieldsSet {
                    customer_id: profile.customer_id.clone(),
                    fields: changes,
                })
            }
            CustomerCommand::DeactivateCustomer { reason } => {
                let profile = self.changeable()?;
                if let Some(reason) = &reason {
                    check_required(reason, "reason", MAX_REASON_CHARS)?;
                }
                CustomerEvent::CustomerDeactivated(CustomerDeactivated {
                    customer_id: profile.customer_id.clone(),
                    reason,
                })
            }
        };
        Ok(vec![event])
    }

    fn decide_register(&self, register: RegisterCustomer) -> Result<CustomerRegistered, CustomerError> {
        if let Err(reason) = check_code(&register.customer_id) {
            return Err(CustomerError::InvalidCustomerId { customer_id: register.customer_id, reason });
        }
        if let Some(profile) = &self.profile {
            return Err(CustomerError::CustomerExists { customer_id: profile.customer_id.clone() });
        }
        check_required(&register.name, "name", MAX_NAME_CHARS)?;
        let currency =
            Currency::parse(&register.currency).map_err(|reason| CustomerError::InvalidCurrency { reason })?;
        check_credit_limit(register.credit_limit_minor)?;
        if register.contacts.len() > MAX_CONTACTS {
            return Err(CustomerError::TooManyContacts { max: MAX_CONTACTS });
        }
        let mut contacts = Vec::with_capacity(register.contacts.len());
        for (i, input) in register.contacts.into_iter().enumerate() {
            let contact = check_contact(input, &format!("contacts[{i}]."), &contacts)?;
            contacts.push(contact);
        }
        if register.addresses.len() > MAX_ADDRESSES {
            return Err(CustomerError::TooManyAddresses { max: MAX_ADDRESSES });
        }
        let mut addresses = Vec::with_capacity(register.addresses.len());
        for (i, input) in register.addresses.into_iter().enumerate() {
            let address = check_address(input, &format!("addresses[{i}]."), &addresses)?;
            addresses.push(address);
        }
        Ok(CustomerRegistered {
            customer_id: register.customer_id,
            name: register.name,
            currency: currency.as_str().to_owned(),
            credit_limit_minor: register.credit_limit_minor,
            contacts,
            addresses,
        })
    }

    /// The profile of a customer that may still change, or why it may not: it is not
    /// registered ([`CustomerError::CustomerNotFound`]) or deactivated
    /// ([`CustomerError::Deactivated`]).
    fn changeable(&self) -> Result<&Profile, CustomerError> {
        let profile = self.profile.as_ref().ok_or(CustomerError::CustomerNotFound)?;
        if !profile.active {
            return Err(CustomerError::Deactivated { customer_id: profile.customer_id.clone() });
        }
        Ok(profile)
    }

    /// The profile, for folding an event about the customer; `decide` records no event about
    /// a customer before its `CustomerRegistered`.
    fn profile_mut(&mut self) -> Option<&mut Profile> {
        debug_assert!(self.profile.is_some(), "event about an unregistered customer");
        self.profile.as_mut()
    }
}

/// Refuses a blank or over-long required text at `field`.
fn check_required(text: &str, field: &str, max: usize) -> Result<(), CustomerError> {
    check_text(text, max, CustomerError::TextBlank { field: field.to_owned() }, |chars, max| {
        CustomerError::TextTooLong { field: field.to_owned(), chars, max }
    })
}

/// Refuses an optional text at `field` that is given but blank or over-long.
fn check_optional(text: Option<&String>, field: &str, max: usize) -> Result<(), CustomerError> {
    text.map_or(Ok(()), |text| check_required(text, field, max))
}

/// Refuses a negative credit limit.
fn check_credit_limit(credit_limit_minor: Option<i64>) -> Result<(), CustomerError> {
    match credit_limit_minor {
        Some(credit_limit_minor) if credit_limit_minor < 0 => {
            Err(CustomerError::NegativeCreditLimit { credit_limit_minor })
        }
        _ => Ok(()),
    }
}

/// The id `given` (checked at `field`: 1–[`MAX_ID_CHARS`] characters of `A`–`Z`, `a`–`z`,
/// `0`–`9`, `-` and `_`, not among `taken`), or `<prefix>-<n>` with the first `n` from 1 not
/// taken.
fn pick_id(given: Option<String>, field: &str, prefix: &str, taken: &[&str]) -> Result<String, CustomerError> {
    let Some(id) = given else {
        let free = (1..).map(|n| format!("{prefix}-{n}")).find(|id| !taken.contains(&id.as_str()));
        return Ok(free.unwrap_or_default());
    };
    check_required(&id, field, MAX_ID_CHARS)?;
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(CustomerError::InvalidId { field: field.to_owned(), id });
    }
    if taken.contains(&id.as_str()) {
        return Err(CustomerError::DuplicateId { field: field.to_owned(), id });
    }
    Ok(id)
}

/// The contact `input` describes, its inputs reported at `<prefix><field>`, its id not among
/// `existing`'s.
fn check_contact(input: ContactInput, prefix: &str, existing: &[Contact]) -> Result<Contact, CustomerError> {
    let at = |field: &str| format!("{prefix}{field}");
    let taken: Vec<&str> = existing.iter().map(|c| c.contact_id.as_str()).collect();
    let contact_id = pick_id(input.contact_id, &at("contact_id"), "contact", &taken)?;
    check_required(&input.name, &at("name"), MAX_NAME_CHARS)?;
    if let Some(email) = &input.email {
        check_required(email, &at("email"), MAX_TEXT_CHARS)?;
        if !is_email(email) {
            return Err(CustomerError::InvalidEmail { field: at("email"), email: email.clone() });
        }
    }
    check_optional(input.phone.as_ref(), &at("phone"), MAX_TEXT_CHARS)?;
    check_optional(input.role.as_ref(), &at("role"), MAX_TEXT_CHARS)?;
    Ok(Contact { contact_id, name: input.name, email: input.email, phone: input.phone, role: input.role })
}

/// Whether `email` is one `@` with non-empty text either side and no whitespace.
fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty() && !domain.is_empty() && !domain.contains('@') && !email.chars().any(char::is_whitespace)
}

/// The address `input` describes, its inputs reported at `<prefix><field>`, its id not among
/// `existing`'s.
fn check_address(input: AddressInput, prefix: &str, existing: &[Address]) -> Result<Address, CustomerError> {
    let at = |field: &str| format!("{prefix}{field}");
    let taken: Vec<&str> = existing.iter().map(|a| a.address_id.as_str()).collect();
    let address_id = pick_id(input.address_id, &at("address_id"), "address", &taken)?;
    if !ADDRESS_KINDS.contains(&input.kind.as_str()) {
        return Err(CustomerError::InvalidAddressKind { field: at("kind"), kind: input.kind });
    }
    check_required(&input.line1, &at("line1"), MAX_TEXT_CHARS)?;
    check_optional(input.line2.as_ref(), &at("line2"), MAX_TEXT_CHARS)?;
    check_required(&input.city, &at("city"), MAX_TEXT_CHARS)?;
    check_optional(input.postal_code.as_ref(), &at("postal_code"), MAX_TEXT_CHARS)?;
    check_optional(input.region.as_ref(), &at("region"), MAX_TEXT_CHARS)?;
    if input.country.len() != 2 || !input.country.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(CustomerError::InvalidCountry { field: at("country"), country: input.country });
    }
    Ok(Address {
        address_id,
        kind: input.kind,
        line1: input.line1,
        line2: input.line2,
        city: input.city,
        postal_code: input.postal_code,
        region: input.region,
        country: input.country,
    })
}

/// The changes that setting `fields` makes to `current`, by name: a value whose JSON differs
/// from the current one's is set, a `null` for a field that exists removes it, anything else
/// changes nothing.
fn custom_field_changes(
    current: &BTreeMap<String, String>,
    fields: BTreeMap<String, serde_json::Value>,
) -> Result<Vec<CustomFieldChange>, CustomerError> {
    if fields.is_empty() {
        return Err(CustomerError::NoCustomFields);
    }
    let mut changes = Vec::new();
    let mut count = current.len();
    for (name, value) in fields {
        if !is_field_name(&name) {
            return Err(CustomerError::InvalidFieldName { name, max: MAX_FIELD_NAME_CHARS });
        }
        let value_json = (!value.is_null()).then(|| value.to_string());
        if let Some(json) = &value_json {
            let chars = json.chars().count();
            if chars > MAX_FIELD_VALUE_CHARS {
                return Err(CustomerError::FieldValueTooLong { name, chars, max: MAX_FIELD_VALUE_CHARS });
            }
        }
        let existing = current.get(&name);
        match (existing, &value_json) {
            (None, None) => continue,
            (Some(old), Some(new)) if old == new => continue,
            (None, Some(_)) => count += 1,
            (Some(_), None) => count -= 1,
            (Some(_), Some(_)) => {}
        }
        changes.push(CustomFieldChange { name, value_json });
    }
    if count > MAX_CUSTOM_FIELDS {
        return Err(CustomerError::TooManyCustomFields { count, max: MAX_CUSTOM_FIELDS });
    }
    Ok(changes)
}

/// Whether `name` is 1–[`MAX_FIELD_NAME_CHARS`] characters of `a`–`z`, `0`–`9` and `_`,
/// starting with a letter.
fn is_field_name(name: &str) -> bool {
    name.len() <= MAX_FIELD_NAME_CHARS
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Aggregate for Customer {
    const TYPE: &'static str = "crm.customer";
    type Command = CustomerCommand;
    type Event = CustomerEvent;
    type Error = CustomerError;
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
        if let CustomerEvent::CustomerRegistered(registered) = event {
            let currency = Currency::parse(&registered.currency).ok();
            debug_assert!(currency.is_some(), "malformed CustomerRegistered");
            if let Some(currency) = currency {
                self.profile = Some(Profile {
                    customer_id: registered.customer_id,
                    name: registered.name,
                    currency,
                    credit_limit_minor: registered.credit_limit_minor,
                    contacts: registered.contacts,
                    addresses: registered.addresses,
                    custom_fields: BTreeMap::new(),
                    active: true,
                });
            }
            return;
        }
        let Some(profile) = self.profile_mut() else { return };
        match event {
            CustomerEvent::CustomerRegistered(_) => {}
            CustomerEvent::CustomerRenamed(renamed) => profile.name = renamed.name,
            CustomerEvent::CustomerContactAdded(added) => profile.contacts.push(added.contact),
            CustomerEvent::CustomerContactRemoved(removed) => {
                profile.contacts.retain(|c| c.contact_id != removed.contact_id);
            }
            CustomerEvent::CustomerAddressAdded(added) => profile.addresses.push(added.address),
            CustomerEvent::CustomerAddressRemoved(removed) => {
                profile.addresses.retain(|a| a.address_id != removed.address_id);
            }
            CustomerEvent::CustomerCreditLimitChanged(changed) => {
                profile.credit_limit_minor = changed.credit_limit_minor;
            }
            CustomerEvent::CustomerCustomFieldsSet(set) => {
                for change in set.fields {
                    match change.value_json {
                        Some(json) => profile.custom_fields.insert(change.name, json),
                        None => profile.custom_fields.remove(&change.name),
                    };
                }
            }
            CustomerEvent::CustomerDeactivated(_) => {
                debug_assert!(profile.active, "customer {} deactivated twice", profile.customer_id);
                profile.active = false;
            }
        }
    }
}
