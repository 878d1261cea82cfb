//! Why a customer command was refused.
//!
//! [`CustomerError`] has one precise variant per rule, each naming the command input at fault
//! ([`Refusal::field`]: `customer_id`, `name`, `currency`, `credit_limit_minor`, a contact's or
//! address's own field such as `email` or `contacts[1].email`, `fields.<name>`, `reason`;
//! `None` when the customer's state rather than an input forbids the command), a stable
//! machine code ([`Refusal::code`]) and its class ([`Refusal::kind`]), so the HTTP layer maps
//! it once (422 / 404 / 409).

use super::CodeError;
use crate::money::CurrencyError;
use crate::refusal::{Refusal, RefusalKind};

/// A customer command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomerError {
    /// The customer id is not a valid code.
    #[error("customer_id {customer_id:?} is invalid: {reason}")]
    InvalidCustomerId {
        /// The id given.
        customer_id: String,
        /// Which code rule failed.
        reason: CodeError,
    },
    /// The customer is already registered (deactivated or not).
    #[error("customer {customer_id} already exists")]
    CustomerExists {
        /// The id of the registered customer.
        customer_id: String,
    },
    /// A required text (a name, an address line, a city…) is empty or only whitespace.
    #[error("{field} must not be blank")]
    TextBlank {
        /// JSON path of the input.
        field: String,
    },
    /// A text is too long.
    #[error("{field} has {chars} characters; at most {max} are allowed")]
    TextTooLong {
        /// JSON path of the input.
        field: String,
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A rename to the name the customer already has.
    #[error("customer {customer_id} is already named {name:?}; nothing to change")]
    NameUnchanged {
        /// The customer id.
        customer_id: String,
        /// Its current (and requested) name.
        name: String,
    },
    /// The currency is not an ISO-4217 currency with a minor unit.
    #[error("currency is invalid: {reason}")]
    InvalidCurrency {
        /// Which currency rule failed.
        reason: CurrencyError,
    },
    /// A negative credit limit.
    #[error("credit_limit_minor {credit_limit_minor} is negative; it must be 0 or more")]
    NegativeCreditLimit {
        /// The limit given.
        credit_limit_minor: i64,
    },
    /// An email address without one `@` between two non-empty parts, or with whitespace.
    #[error("{field} {email:?} is not an email address")]
    InvalidEmail {
        /// JSON path of the input.
        field: String,
        /// The address given.
        email: String,
    },
    /// A country that is not two uppercase ASCII letters.
    #[error("{field} {country:?} is not an ISO 3166-1 alpha-2 code such as DE")]
    InvalidCountry {
        /// JSON path of the input.
        field: String,
        /// The code given.
        country: String,
    },
    /// An address kind other than `billing`, `shipping` and `other`.
    #[error("{field} {kind:?} is not one of billing, shipping, other")]
    InvalidAddressKind {
        /// JSON path of the input.
        field: String,
        /// The kind given.
        kind: String,
    },
    /// A contact or address id with a character other than `A`–`Z`, `a`–`z`, `0`–`9`, `-`
    /// and `_`.
    #[error("{field} {id:?} may only have the characters A-Z, a-z, 0-9, - and _")]
    InvalidId {
        /// JSON path of the input.
        field: String,
        /// The id given.
        id: String,
    },
    /// A contact or address id the customer already has (or that the command gives twice).
    #[error("{field} {id:?} is already taken")]
    DuplicateId {
        /// JSON path of the input.
        field: String,
        /// The id.
        id: String,
    },
    /// More contacts than a customer may have.
    #[error("a customer may have at most {max} contacts")]
    TooManyContacts {
        /// The limit.
        max: usize,
    },
    /// More addresses than a customer may have.
    #[error("a customer may have at most {max} addresses")]
    TooManyAddresses {
        /// The limit.
        max: usize,
    },
    /// The customer has no contact of that id.
    #[error("the customer has no contact {contact_id:?}")]
    ContactNotFound {
        /// The id given.
        contact_id: String,
    },
    /// The customer has no address of that id.
    #[error("the customer has no address {address_id:?}")]
    AddressNotFound {
        /// The id given.
        address_id: String,
    },
    /// `SetCustomFields` without any field.
    #[error("fields must name at least one field")]
    NoCustomFields,
    /// A custom field name that is not `a`–`z`, `0`–`9`, `_`, starting with a letter, of at
    /// most `MAX_FIELD_NAME_CHARS` characters.
    #[error("custom field name {name:?} must be 1-{max} characters of a-z, 0-9 and _, starting with a letter")]
    InvalidFieldName {
        /// The name given.
        name: String,
        /// The length limit.
        max: usize,
    },
    /// A custom field value whose JSON text is too long.
    #[error("custom field {name} has {chars} characters of JSON; at most {max} are allowed")]
    FieldValueTooLong {
        /// The field's name.
        name: String,
        /// Length of its compact JSON text in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// More custom fields than a customer may have, once the command's are set.
    #[error("the customer would have {count} custom fields; at most {max} are allowed")]
    TooManyCustomFields {
        /// How many it would have.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The customer addressed has not been registered.
    #[error("the customer is not registered")]
    CustomerNotFound,
    /// The customer is deactivated and takes no further change.
    #[error("customer {customer_id} is deactivated and takes no further change")]
    Deactivated {
        /// The customer id.
        customer_id: String,
    },
}

impl Refusal for CustomerError {
    fn field(&self) -> Option<String> {
        use CustomerError as E;
        let field = match self {
            E::InvalidCustomerId { .. } | E::CustomerExists { .. } => "customer_id",
            E::TextBlank { field }
            | E::TextTooLong { field, .. }
            | E::InvalidEmail { field, .. }
            | E::InvalidCountry { field, .. }
            | E::InvalidAddressKind { field, .. }
            | E::InvalidId { field, .. }
            | E::DuplicateId { field, .. } => return Some(field.clone()),
            E::NameUnchanged { .. } => "name",
            E::InvalidCurrency { .. } => "currency",
            E::NegativeCreditLimit { .. } => "credit_limit_minor",
            E::TooManyContacts { .. } => "contacts",
            E::TooManyAddresses { .. } => "addresses",
            E::ContactNotFound { .. } => "contact_id",
            E::AddressNotFound { .. } => "address_id",
            E::NoCustomFields | E::TooManyCustomFields { .. } => "fields",
            E::InvalidFieldName { name, .. } | E::FieldValueTooLong { name, .. } => {
                return Some(format!("fields.{name}"))
            }
            E::CustomerNotFound | E::Deactivated { .. } => return None,
        };
        Some(field.to_owned())
    }

    fn code(&self) -> &'static str {
        use CustomerError as E;
        match self {
            E::InvalidCustomerId { .. } => "invalid_customer_id",
            E::CustomerExists { .. } => "customer_exists",
            E::TextBlank { .. } => "text_blank",
            E::TextTooLong { .. } => "text_too_long",
            E::NameUnchanged { .. } => "name_unchanged",
            E::InvalidCurrency { .. } => "invalid_currency",
            E::NegativeCreditLimit { .. } => "negative_credit_limit",
            E::InvalidEmail { .. } => "invalid_email",
            E::InvalidCountry { .. } => "invalid_country",
            E::InvalidAddressKind { .. } => "invalid_address_kind",
            E::InvalidId { .. } => "invalid_id",
            E::DuplicateId { .. } => "duplicate_id",
            E::TooManyContacts { .. } => "too_many_contacts",
            E::TooManyAddresses { .. } => "too_many_addresses",
            E::ContactNotFound { .. } => "contact_not_found",
            E::AddressNotFound { .. } => "address_not_found",
            E::NoCustomFields => "no_custom_fields",
            E::InvalidFieldName { .. } => "invalid_field_name",
            E::FieldValueTooLong { .. } => "field_value_too_long",
            E::TooManyCustomFields { .. } => "too_many_custom_fields",
            E::CustomerNotFound => "customer_not_found",
            E::Deactivated { .. } => "customer_deactivated",
        }
    }

    fn kind(&self) -> RefusalKind {
        use CustomerError as E;
        match self {
            E::CustomerNotFound | E::ContactNotFound { .. } | E::AddressNotFound { .. } => RefusalKind::NotFound,
            E::CustomerExists { .. } | E::Deactivated { .. } => RefusalKind::Conflict,
            _ => RefusalKind::Invalid,
        }
    }
}
