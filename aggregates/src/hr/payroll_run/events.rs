//! Facts about a payroll run. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/hr/`; the enum is externally tagged. Topic `prism.hr.payroll-run.v1`, key =
//! `payroll_run_id`, version `1`.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// One employee's gross pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayrollLine {
    /// The employee.
    pub employee_id: String,
    /// Gross pay, minor units of the run's currency.
    pub gross_minor: i64,
}

/// A payroll run was drafted: the seed event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayrollRunDrafted {
    /// Id of the run (the aggregate id), a UUID.
    pub payroll_run_id: String,
    /// The month paid, `YYYY-MM`.
    pub period: String,
    /// The day it is paid.
    pub pay_date: NaiveDate,
    /// ISO-4217 code of every amount.
    pub currency: String,
    /// One line per employee.
    pub lines: Vec<PayrollLine>,
    /// Sum of the lines' gross pay.
    pub total_minor: i64,
}

/// A payroll run was approved: the payroll process manager posts its journal entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayrollRunApproved {
    /// Id of the run.
    pub payroll_run_id: String,
    /// The month paid.
    pub period: String,
    /// The day it is paid: the date of the journal entry.
    pub pay_date: NaiveDate,
    /// ISO-4217 code of the total.
    pub currency: String,
    /// Sum of the lines' gross pay: the amount posted.
    pub total_minor: i64,
    /// The id the salary journal entry is posted under.
    pub journal_entry_id: String,
    /// The day it was approved.
    pub approved_on: NaiveDate,
}

/// Everything that can happen to a payroll run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayrollRunEvent {
    /// See [`PayrollRunDrafted`].
    PayrollRunDrafted(PayrollRunDrafted),
    /// See [`PayrollRunApproved`].
    PayrollRunApproved(PayrollRunApproved),
}

impl PayrollRunEvent {
    /// Version of every payroll run event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for PayrollRunEvent {
    fn event_type(&self) -> String {
        match self {
            PayrollRunEvent::PayrollRunDrafted(_) => "PayrollRunDrafted",
            PayrollRunEvent::PayrollRunApproved(_) => "PayrollRunApproved",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
