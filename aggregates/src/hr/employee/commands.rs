//! Commands to the employee aggregate. They carry raw inputs (strings, wide integers) so that
//! every rule is decided, and reported with its field, in `decide`. The personal data comes
//! sealed: the command API checks and encrypts it before building [`HireEmployee`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A request to change an employee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmployeeCommand {
    /// Hire: the first command of every employee.
    Hire(HireEmployee),
    /// Move to another organisation unit.
    Transfer(TransferEmployee),
    /// Pay another salary from a day on.
    ChangeSalary(ChangeSalary),
    /// End the employment. Final for everything but erasure.
    Terminate(TerminateEmployee),
    /// Honour an erasure request: the personal data becomes unreadable for good.
    ErasePersonalData(ErasePersonalData),
}

/// Hire employee `employee_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HireEmployee {
    /// Id of the employee (the aggregate id), chosen by the API or the client.
    pub employee_id: Uuid,
    /// The personal data, sealed under the employee's data key (see [`super::personal`]);
    /// non-blank, at most `MAX_SEALED_CHARS` characters.
    pub personal_data: String,
    /// Id of the organisation unit; non-blank, at most `MAX_ID_CHARS` characters.
    pub org_unit_id: String,
    /// Id of the user the employee signs in as, if any; non-blank when present.
    pub user_id: Option<String>,
    /// Salary per pay period, minor units of `currency`; positive.
    pub salary_minor: i64,
    /// ISO-4217 code of the salary.
    pub currency: String,
    /// The first day of employment.
    pub hired_on: NaiveDate,
}

/// Move the employee to unit `org_unit_id` from `effective_on`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferEmployee {
    /// Id of the unit; non-blank, at most `MAX_ID_CHARS` characters, not the current one.
    pub org_unit_id: String,
    /// The first day in the new unit; not before the hire day.
    pub effective_on: NaiveDate,
}

/// Pay `salary_minor` from `effective_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeSalary {
    /// The new salary per pay period, minor units of the employee's currency; positive and
    /// not the current one.
    pub salary_minor: i64,
    /// The first day it is paid; not before the hire day.
    pub effective_on: NaiveDate,
}

/// End the employment with `terminated_on` as the last day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerminateEmployee {
    /// The last day of employment; not before the hire day.
    pub terminated_on: NaiveDate,
}

/// Erase the employee's personal data (the command API deletes its data key first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErasePersonalData {
    /// The day the erasure was honoured.
    pub erased_on: NaiveDate,
}
