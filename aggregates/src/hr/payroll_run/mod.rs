//! The payroll run aggregate (`hr.payroll_run`): the gross pay of a period, one line per
//! employee, drafted and then approved. Events go to topic `prism.hr.payroll-run.v1`, key =
//! payroll run id (a UUID, the aggregate id), Avro namespace `prism.hr`, version `1`.
//!
//! ```text
//! drafted → approved   (the payroll process manager then posts the salary journal entry)
//! ```
//!
//! - A run is for a period `YYYY-MM`, paid on `pay_date`, in one ISO-4217 currency; it has
//!   1–[`MAX_LINES`] lines, each an employee (once) and its gross pay in minor units (> 0). The
//!   command API fills in a line's gross from the employee's current salary when it is not given.
//! - Approving records the total and the id of the journal entry that posts it
//!   ([`journal_entry_id_for`], a UUID v5 of the run id), so the posting saga is idempotent under
//!   redelivery: a second post of the same entry is refused as already posted. A second
//!   approval is 409 `payroll_run_approved`.
//! - The salary journal entry: Dr `6000` Salaries and wages / Cr `2200` Accrued liabilities (the
//!   payroll liability until it is paid), the total of the run, dated the pay date.
//! - Every refusal names its field (`payroll_run_id`, `period`, `currency`, `lines`,
//!   `lines[i].employee_id`, `lines[i].gross_minor`) and records nothing.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::{journal_entry_id_for, PayrollRun, MAX_LINES};
pub use commands::{ApprovePayrollRun, DraftPayrollRun, PayrollLineInput, PayrollRunCommand};
pub use errors::PayrollRunError;
pub use events::{PayrollLine, PayrollRunApproved, PayrollRunDrafted, PayrollRunEvent};
