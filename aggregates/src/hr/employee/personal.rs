//! An employee's personal data and how it is kept so that an erasure request can be honoured
//! in an append-only event store (crypto-shredding).
//!
//! Events are never edited, and they are copied to Kafka, to read models and to replays, so
//! personal data written into an event in plain text could never be taken back. Instead:
//!
//! 1. **Sealed before it is stored.** The command API checks the [`PersonalData`] of a hire
//!    ([`PersonalData::check`]), creates the employee's own random 256-bit data key in the
//!    tenant's key table (`hr_personal_data_keys`, outside the event store and never
//!    published), and seals the JSON of the data with AES-256-GCM under that key, the employee
//!    id bound in as associated data (`prism_platform::personal_data`). Only the sealed text
//!    reaches the aggregate, the event store, the outbox, the Kafka topic and every replay.
//! 2. **Opened when read.** The read model keeps the sealed text too; the query API opens it
//!    with the key from the key table as it answers.
//! 3. **Erased by deleting the key.** `POST /v1/employees/{id}/erase` deletes the key, then
//!    records `EmployeePersonalDataErased`. Every copy of the sealed text — stored events, the
//!    topic, backups of either, a rebuilt read model — is from then on ciphertext without a
//!    key, and the read models show the personal fields as erased. The non-personal facts (unit,
//!    salary, dates, the linked user id) are plain fields, so the ledger effects of the
//!    employment (payroll journal entries) stay as they are and stay balanced.
//!
//! The aggregate itself never sees the plain data: it decides from the non-personal facts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::EmployeeError;
use crate::crm::input::check_field;
use crate::identity::email::Email;

/// Most characters of a name.
pub const MAX_NAME_CHARS: usize = 200;
/// Most characters of an address.
pub const MAX_ADDRESS_CHARS: usize = 1_000;

/// What is personal about an employee: kept only sealed under the employee's data key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonalData {
    /// Full name; non-blank, at most [`MAX_NAME_CHARS`] characters.
    pub name: String,
    /// Email address, of the form `name@domain.tld` ([`Email::parse`]).
    pub email: String,
    /// Day of birth; before the hire day.
    pub birth_date: NaiveDate,
    /// Postal address as one text; non-blank, at most [`MAX_ADDRESS_CHARS`] characters.
    pub address: String,
}

impl PersonalData {
    /// Checks the data of an employee hired on `hired_on`.
    ///
    /// # Errors
    /// The first rule broken, naming its field (`name`, `email`, `birth_date`, `address`).
    pub fn check(&self, hired_on: NaiveDate) -> Result<(), EmployeeError> {
        check_field("name", &self.name, MAX_NAME_CHARS)?;
        Email::parse(&self.email).map_err(|reason| EmployeeError::InvalidEmail { reason })?;
        if self.birth_date >= hired_on {
            return Err(EmployeeError::InvalidBirthDate { birth_date: self.birth_date, hired_on });
        }
        check_field("address", &self.address, MAX_ADDRESS_CHARS)?;
        Ok(())
    }
}
