//! The employee aggregate (`hr.employee`): one person employed by the tenant. Events go to topic
//! `prism.hr.employee.v1`, key = employee id (a UUID, the aggregate id), Avro namespace
//! `prism.hr`, version `1`.
//!
//! ```text
//! hired → (transferred | salary changed)* → terminated
//!   personal data erased: at any time after hire, once
//! ```
//!
//! - Hiring places the employee in an organisation unit (`org_unit_id`, an id of the identity
//!   organisation aggregate), optionally linked to a user (`user_id`), at a salary in integer
//!   minor units (> 0) of an ISO-4217 currency that stays the employee's pay currency.
//! - The personal fields (name, email, birth date, address: [`PersonalData`]) never reach this
//!   aggregate in plain text: the command API checks them ([`PersonalData::check`]) and seals
//!   them under the employee's own data key before the command is built, so events carry only
//!   the sealed text ([`personal`] explains why and how erasure works).
//! - Transfers and salary changes take effect on a day not before the hire day; terminating
//!   records the last day (not before the hire day), after which every command but erasure is
//!   409 `employee_terminated`.
//! - Erasing the personal data records [`EmployeePersonalDataErased`] once (a second time is
//!   409 `personal_data_erased`); the non-personal facts (unit, salary, dates) stay.
//! - Every refusal names its field (`employee_id`, `org_unit_id`, `user_id`, `salary_minor`,
//!   `currency`, `effective_on`, `terminated_on`, `personal_data`, and for the personal fields
//!   `name`, `email`, `birth_date`, `address`) and records nothing.

mod aggregate;
mod commands;
mod errors;
mod events;
pub mod personal;

#[cfg(test)]
mod tests;

pub use aggregate::Employee;
pub use commands::{
    ChangeSalary, EmployeeCommand, ErasePersonalData, HireEmployee, TerminateEmployee, TransferEmployee,
};
pub use errors::EmployeeError;
pub use events::{
    EmployeeEvent, EmployeeHired, EmployeePersonalDataErased, EmployeeSalaryChanged, EmployeeTerminated,
    EmployeeTransferred,
};
pub use personal::PersonalData;
