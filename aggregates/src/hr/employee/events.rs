//! Facts about an employee. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/hr/` field for field (a test keeps them from drifting); the enum is externally
//! tagged: `{"EmployeeHired": {...}}`. Topic `prism.hr.employee.v1`, key = `employee_id`,
//! version `1`. No event carries personal data in plain text: `EmployeeHired.personal_data`
//! is sealed (see [`super::personal`]).

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// An employee was hired: the seed event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeHired {
    /// Id of the employee (the aggregate id), a UUID.
    pub employee_id: String,
    /// Name, email, birth date and address, sealed under the employee's data key.
    pub personal_data: String,
    /// Id of the organisation unit.
    pub org_unit_id: String,
    /// Id of the linked user, if any.
    pub user_id: Option<String>,
    /// Salary per pay period, minor units of `currency`.
    pub salary_minor: i64,
    /// ISO-4217 code of the salary: the employee's pay currency.
    pub currency: String,
    /// The first day of employment.
    pub hired_on: NaiveDate,
}

/// The employee moved to another organisation unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeTransferred {
    /// Id of the employee.
    pub employee_id: String,
    /// The unit it left.
    pub from_org_unit_id: String,
    /// The unit it is in now.
    pub org_unit_id: String,
    /// The first day in the new unit.
    pub effective_on: NaiveDate,
}

/// The employee is paid another salary from a day on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeSalaryChanged {
    /// Id of the employee.
    pub employee_id: String,
    /// The salary before, minor units of `currency`.
    pub previous_salary_minor: i64,
    /// The salary now, minor units of `currency`.
    pub salary_minor: i64,
    /// ISO-4217 code of both.
    pub currency: String,
    /// The first day it is paid.
    pub effective_on: NaiveDate,
}

/// The employment ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeTerminated {
    /// Id of the employee.
    pub employee_id: String,
    /// The last day of employment.
    pub terminated_on: NaiveDate,
}

/// The employee's data key was deleted: its sealed personal data can no longer be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeePersonalDataErased {
    /// Id of the employee.
    pub employee_id: String,
    /// The day the erasure was honoured.
    pub erased_on: NaiveDate,
}

/// Everything that can happen to an employee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmployeeEvent {
    /// See [`EmployeeHired`].
    EmployeeHired(EmployeeHired),
    /// See [`EmployeeTransferred`].
    EmployeeTransferred(EmployeeTransferred),
    /// See [`EmployeeSalaryChanged`].
    EmployeeSalaryChanged(EmployeeSalaryChanged),
    /// See [`EmployeeTerminated`].
    EmployeeTerminated(EmployeeTerminated),
    /// See [`EmployeePersonalDataErased`].
    EmployeePersonalDataErased(EmployeePersonalDataErased),
}

impl EmployeeEvent {
    /// Version of every employee event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for EmployeeEvent {
    fn event_type(&self) -> String {
        match self {
            EmployeeEvent::EmployeeHired(_) => "EmployeeHired",
            EmployeeEvent::EmployeeTransferred(_) => "EmployeeTransferred",
            EmployeeEvent::EmployeeSalaryChanged(_) => "EmployeeSalaryChanged",
            EmployeeEvent::EmployeeTerminated(_) => "EmployeeTerminated",
            EmployeeEvent::EmployeePersonalDataErased(_) => "EmployeePersonalDataErased",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
