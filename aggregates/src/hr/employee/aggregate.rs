//! The employee aggregate's state: an [`Employee`] holds the non-personal facts of its
//! employment once hired, its getters read them, [`Employee::decide`] checks a command against
//! them and returns the events to record, and `apply` folds them. No I/O, no clock, no keys:
//! the personal data arrives sealed and is recorded as it is.

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{
    ChangeSalary, EmployeeCommand, ErasePersonalData, HireEmployee, TerminateEmployee, TransferEmployee,
};
use super::errors::EmployeeError;
use super::events::{
    EmployeeEvent, EmployeeHired, EmployeePersonalDataErased, EmployeeSalaryChanged, EmployeeTerminated,
    EmployeeTransferred,
};
use crate::crm::input::{check_field, MAX_ID_CHARS};
use crate::money::Currency;

/// Most characters of the sealed personal data (its plain fields are bounded well below).
pub const MAX_SEALED_CHARS: usize = 8_192;

/// State of one employee, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employee {
    employment: Option<Employment>,
}

/// The non-personal facts of an employment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Employment {
    employee_id: String,
    org_unit_id: String,
    #[serde(default)]
    user_id: Option<String>,
    salary_minor: i64,
    currency: String,
    hired_on: NaiveDate,
    terminated_on: Option<NaiveDate>,
    erased: bool,
}

impl Employee {
    /// The unit the employee is in; `None` before the hire.
    #[must_use]
    pub fn org_unit_id(&self) -> Option<&str> {
        self.employment.as_ref().map(|e| e.org_unit_id.as_str())
    }

    /// The user the employee signs in as, if linked; `None` before the hire.
    #[must_use]
    pub fn user_id(&self) -> Option<&str> {
        self.employment.as_ref().and_then(|e| e.user_id.as_deref())
    }

    /// The salary per pay period in minor units and its currency; `None` before the hire.
    #[must_use]
    pub fn salary(&self) -> Option<(i64, &str)> {
        self.employment.as_ref().map(|e| (e.salary_minor, e.currency.as_str()))
    }

    /// The last day of employment once terminated.
    #[must_use]
    pub fn terminated_on(&self) -> Option<NaiveDate> {
        self.employment.as_ref().and_then(|e| e.terminated_on)
    }

    /// Whether the personal data has been erased.
    #[must_use]
    pub fn is_erased(&self) -> bool {
        self.employment.as_ref().is_some_and(|e| e.erased)
    }

    /// What `command` records given this state.
    ///
    /// # Errors
    /// Why the command is refused; nothing is recorded then.
    pub fn decide(&self, command: EmployeeCommand) -> Result<Vec<EmployeeEvent>, EmployeeError> {
        let Some(employment) = &self.employment else {
            return match command {
                EmployeeCommand::Hire(hire) => Ok(vec![hired(hire)?]),
                _ => Err(EmployeeError::NotFound),
            };
        };
        let after_termination_too = matches!(command, EmployeeCommand::Hire(_) | EmployeeCommand::ErasePersonalData(_));
        if let (Some(terminated_on), false) = (employment.terminated_on, after_termination_too) {
            return Err(EmployeeError::Terminated { terminated_on });
        }
        let event = match command {
            EmployeeCommand::Hire(_) => return Err(EmployeeError::AlreadyExists),
            EmployeeCommand::ErasePersonalData(ErasePersonalData { erased_on }) => {
                if employment.erased {
                    return Err(EmployeeError::AlreadyErased);
                }
                EmployeeEvent::EmployeePersonalDataErased(EmployeePersonalDataErased {
                    employee_id: employment.employee_id.clone(),
                    erased_on,
                })
            }
            EmployeeCommand::Transfer(transfer) => employment.transferred(transfer)?,
            EmployeeCommand::ChangeSalary(change) => employment.salary_changed(change)?,
            EmployeeCommand::Terminate(TerminateEmployee { terminated_on }) => {
                if terminated_on < employment.hired_on {
                    return Err(EmployeeError::TerminatedBeforeHire { terminated_on, hired_on: employment.hired_on });
                }
                EmployeeEvent::EmployeeTerminated(EmployeeTerminated {
                    employee_id: employment.employee_id.clone(),
                    terminated_on,
                })
            }
        };
        Ok(vec![event])
    }
}

/// The `EmployeeHired` a `Hire` records, once its inputs pass.
fn hired(hire: HireEmployee) -> Result<EmployeeEvent, EmployeeError> {
    check_field("personal_data", &hire.personal_data, MAX_SEALED_CHARS)?;
    let currency = hire.check_terms()?;
    Ok(EmployeeEvent::EmployeeHired(EmployeeHired {
        employee_id: hire.employee_id.to_string(),
        personal_data: hire.personal_data,
        org_unit_id: hire.org_unit_id,
        user_id: hire.user_id,
        salary_minor: hire.salary_minor,
        currency: currency.as_str().to_owned(),
        hired_on: hire.hired_on,
    }))
}

impl HireEmployee {
    /// Checks the terms of the hire — everything but the sealed personal data — so that the
    /// command API refuses bad terms before it creates a data key; the pay currency parsed.
    ///
    /// # Errors
    /// The first rule broken, naming its field (`org_unit_id`, `user_id`, `salary_minor`,
    /// `currency`).
    pub fn check_terms(&self) -> Result<Currency, EmployeeError> {
        check_field("org_unit_id", &self.org_unit_id, MAX_ID_CHARS)?;
        if let Some(user_id) = &self.user_id {
            check_field("user_id", user_id, MAX_ID_CHARS)?;
        }
        check_salary(self.salary_minor)?;
        Currency::parse(&self.currency).map_err(|reason| EmployeeError::InvalidCurrency { reason })
    }
}

/// Refuses a salary of zero or less.
fn check_salary(salary_minor: i64) -> Result<(), EmployeeError> {
    if salary_minor <= 0 {
        return Err(EmployeeError::InvalidSalary { salary_minor });
    }
    Ok(())
}

impl Employment {
    /// Refuses a day before the hire day.
    fn check_effective(&self, effective_on: NaiveDate) -> Result<(), EmployeeError> {
        if effective_on < self.hired_on {
            return Err(EmployeeError::EffectiveBeforeHire { effective_on, hired_on: self.hired_on });
        }
        Ok(())
    }

    /// The `EmployeeTransferred` a `Transfer` records.
    fn transferred(&self, transfer: TransferEmployee) -> Result<EmployeeEvent, EmployeeError> {
        check_field("org_unit_id", &transfer.org_unit_id, MAX_ID_CHARS)?;
        if transfer.org_unit_id == self.org_unit_id {
            return Err(EmployeeError::AlreadyInUnit { org_unit_id: transfer.org_unit_id });
        }
        self.check_effective(transfer.effective_on)?;
        Ok(EmployeeEvent::EmployeeTransferred(EmployeeTransferred {
            employee_id: self.employee_id.clone(),
            from_org_unit_id: self.org_unit_id.clone(),
            org_unit_id: transfer.org_unit_id,
            effective_on: transfer.effective_on,
        }))
    }

    /// The `EmployeeSalaryChanged` a `ChangeSalary` records.
    fn salary_changed(&self, change: ChangeSalary) -> Result<EmployeeEvent, EmployeeError> {
        check_salary(change.salary_minor)?;
        if change.salary_minor == self.salary_minor {
            return Err(EmployeeError::SalaryUnchanged { salary_minor: change.salary_minor });
        }
        self.check_effective(change.effective_on)?;
        Ok(EmployeeEvent::EmployeeSalaryChanged(EmployeeSalaryChanged {
            employee_id: self.employee_id.clone(),
            previous_salary_minor: self.salary_minor,
            salary_minor: change.salary_minor,
            currency: self.currency.clone(),
            effective_on: change.effective_on,
        }))
    }
}

impl Aggregate for Employee {
    const TYPE: &'static str = "hr.employee";
    type Command = EmployeeCommand;
    type Event = EmployeeEvent;
    type Error = EmployeeError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use EmployeeEvent as E;
        if let E::EmployeeHired(hired) = event {
            debug_assert!(self.employment.is_none(), "employee {} hired twice", hired.employee_id);
            self.employment = Some(Employment {
                employee_id: hired.employee_id,
                org_unit_id: hired.org_unit_id,
                user_id: hired.user_id,
                salary_minor: hired.salary_minor,
                currency: hired.currency,
                hired_on: hired.hired_on,
                terminated_on: None,
                erased: false,
            });
            return;
        }
        debug_assert!(self.employment.is_some(), "employee event before EmployeeHired");
        let Some(employment) = self.employment.as_mut() else { return };
        match event {
            E::EmployeeHired(_) => {}
            E::EmployeeTransferred(transferred) => employment.org_unit_id = transferred.org_unit_id,
            E::EmployeeSalaryChanged(changed) => employment.salary_minor = changed.salary_minor,
            E::EmployeeTerminated(terminated) => employment.terminated_on = Some(terminated.terminated_on),
            E::EmployeePersonalDataErased(_) => employment.erased = true,
        }
    }
}
