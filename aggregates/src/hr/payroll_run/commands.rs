//! Commands to the payroll run aggregate, with raw inputs so that every rule is decided, and
//! reported with its field, in `decide`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A request to change a payroll run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayrollRunCommand {
    /// Draft the run: its first command.
    Draft(DraftPayrollRun),
    /// Approve it, for posting.
    Approve(ApprovePayrollRun),
}

/// Draft payroll run `payroll_run_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftPayrollRun {
    /// Id of the run (the aggregate id).
    pub payroll_run_id: Uuid,
    /// The month paid, `YYYY-MM`.
    pub period: String,
    /// The day it is paid.
    pub pay_date: NaiveDate,
    /// ISO-4217 code of every line.
    pub currency: String,
    /// One line per employee; 1–`MAX_LINES`.
    pub lines: Vec<PayrollLineInput>,
}

/// One employee's gross pay in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayrollLineInput {
    /// The employee; once per run.
    pub employee_id: Uuid,
    /// Gross pay, minor units of the run's currency; positive.
    pub gross_minor: i64,
}

/// Approve a drafted run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovePayrollRun {
    /// The day it was approved.
    pub approved_on: NaiveDate,
}
