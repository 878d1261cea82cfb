//! Why an employee command was refused: one precise variant per rule, each naming the JSON
//! path of the input at fault ([`Refusal::field`], `None` when the employee's state forbids the
//! command), a stable machine code and its class: 422 invalid input, 404 no such employee, 409
//! its state forbids the command.

use chrono::NaiveDate;

use crate::crm::input::InputError;
use crate::identity::email::EmailError;
use crate::money::CurrencyError;
use crate::refusal::{Refusal, RefusalKind};

/// An employee command (or the personal data of a hire) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmployeeError {
    /// `Hire` of an employee that already exists.
    #[error("employee already exists")]
    AlreadyExists,
    /// Any command but `Hire` on an employee never hired.
    #[error("employee not found")]
    NotFound,
    /// A transfer, salary change or termination after the employment ended.
    #[error("employee was terminated on {terminated_on}")]
    Terminated {
        /// The last day of employment.
        terminated_on: NaiveDate,
    },
    /// A transfer to the unit the employee is in.
    #[error("employee is already in organisation unit {org_unit_id}")]
    AlreadyInUnit {
        /// The unit.
        org_unit_id: String,
    },
    /// A salary change to the salary paid now.
    #[error("the salary is already {salary_minor}")]
    SalaryUnchanged {
        /// The salary.
        salary_minor: i64,
    },
    /// A second erasure.
    #[error("the employee's personal data is already erased")]
    AlreadyErased,
    /// A salary of zero or less.
    #[error("salary_minor {salary_minor} is not positive")]
    InvalidSalary {
        /// The salary given.
        salary_minor: i64,
    },
    /// The currency is invalid.
    #[error("currency is invalid: {reason}")]
    InvalidCurrency {
        /// Which currency rule failed.
        reason: CurrencyError,
    },
    /// A transfer or salary change before the hire day.
    #[error("effective_on {effective_on} is before the hire day {hired_on}")]
    EffectiveBeforeHire {
        /// The day given.
        effective_on: NaiveDate,
        /// The hire day.
        hired_on: NaiveDate,
    },
    /// A termination before the hire day.
    #[error("terminated_on {terminated_on} is before the hire day {hired_on}")]
    TerminatedBeforeHire {
        /// The day given.
        terminated_on: NaiveDate,
        /// The hire day.
        hired_on: NaiveDate,
    },
    /// The email is not an address.
    #[error("{reason}")]
    InvalidEmail {
        /// Which email rule failed.
        reason: EmailError,
    },
    /// A birth date not before the hire day.
    #[error("birth_date {birth_date} is not before the hire day {hired_on}")]
    InvalidBirthDate {
        /// The birth date given.
        birth_date: NaiveDate,
        /// The hire day.
        hired_on: NaiveDate,
    },
    /// A text input is blank or too long.
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Refusal for EmployeeError {
    fn field(&self) -> Option<String> {
        use EmployeeError as E;
        let path = match self {
            E::NotFound | E::Terminated { .. } | E::SalaryUnchanged { .. } | E::AlreadyErased => return None,
            E::Input(input) => return input.field(),
            E::AlreadyExists => "employee_id",
            E::AlreadyInUnit { .. } => "org_unit_id",
            E::InvalidSalary { .. } => "salary_minor",
            E::InvalidCurrency { .. } => "currency",
            E::EffectiveBeforeHire { .. } => "effective_on",
            E::TerminatedBeforeHire { .. } => "terminated_on",
            E::InvalidEmail { .. } => "email",
            E::InvalidBirthDate { .. } => "birth_date",
        };
        Some(path.to_owned())
    }

    fn code(&self) -> &'static str {
        use EmployeeError as E;
        match self {
            E::AlreadyExists => "employee_exists",
            E::NotFound => "employee_not_found",
            E::Terminated { .. } => "employee_terminated",
            E::AlreadyInUnit { .. } => "already_in_org_unit",
            E::SalaryUnchanged { .. } => "salary_unchanged",
            E::AlreadyErased => "personal_data_erased",
            E::InvalidSalary { .. } => "invalid_salary",
            E::InvalidCurrency { .. } => "invalid_currency",
            E::EffectiveBeforeHire { .. } => "effective_before_hire",
            E::TerminatedBeforeHire { .. } => "terminated_before_hire",
            E::InvalidEmail { .. } => "invalid_email",
            E::InvalidBirthDate { .. } => "invalid_birth_date",
            E::Input(input) => input.code(),
        }
    }

    fn kind(&self) -> RefusalKind {
        use EmployeeError as E;
        match self {
            E::NotFound => RefusalKind::NotFound,
            E::AlreadyExists
            | E::Terminated { .. }
            | E::AlreadyInUnit { .. }
            | E::SalaryUnchanged { .. }
            | E::AlreadyErased => RefusalKind::Conflict,
            E::Input(input) => input.kind(),
            E::InvalidSalary { .. }
            | E::InvalidCurrency { .. }
            | E::EffectiveBeforeHire { .. }
            | E::TerminatedBeforeHire { .. }
            | E::InvalidEmail { .. }
            | E::InvalidBirthDate { .. } => RefusalKind::Invalid,
        }
    }
}
