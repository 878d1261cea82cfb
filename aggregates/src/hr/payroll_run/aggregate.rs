//! The payroll run aggregate's state: a [`PayrollRun`] holds its period, currency, total and
//! whether it is approved; [`PayrollRun::decide`] checks a command against it, `apply` folds.

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::{ApprovePayrollRun, DraftPayrollRun, PayrollRunCommand};
use super::errors::PayrollRunError;
use super::events::{PayrollLine, PayrollRunApproved, PayrollRunDrafted, PayrollRunEvent};
use crate::money::Currency;

/// Most lines of one run.
pub const MAX_LINES: usize = 1_000;

/// State of one payroll run, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayrollRun {
    run: Option<Run>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Run {
    payroll_run_id: String,
    period: String,
    pay_date: NaiveDate,
    currency: String,
    total_minor: i64,
    approved: bool,
}

/// The id of the journal entry posting payroll run `payroll_run_id`: UUID v5 in the OID
/// namespace of `"<payroll run id>/payroll-posting"`.
#[must_use]
pub fn journal_entry_id_for(payroll_run_id: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{payroll_run_id}/payroll-posting").as_bytes())
}

impl PayrollRun {
    /// The total gross pay and its currency; `None` before the draft.
    #[must_use]
    pub fn total(&self) -> Option<(i64, &str)> {
        self.run.as_ref().map(|run| (run.total_minor, run.currency.as_str()))
    }

    /// Whether it is approved.
    #[must_use]
    pub fn is_approved(&self) -> bool {
        self.run.as_ref().is_some_and(|run| run.approved)
    }

    /// What `command` records given this state.
    ///
    /// # Errors
    /// Why the command is refused; nothing is recorded then.
    pub fn decide(&self, command: PayrollRunCommand) -> Result<Vec<PayrollRunEvent>, PayrollRunError> {
        let event = match (&self.run, command) {
            (None, PayrollRunCommand::Draft(draft)) => drafted(draft)?,
            (None, PayrollRunCommand::Approve(_)) => return Err(PayrollRunError::NotFound),
            (Some(_), PayrollRunCommand::Draft(_)) => return Err(PayrollRunError::AlreadyExists),
            (Some(run), PayrollRunCommand::Approve(_)) if run.approved => return Err(PayrollRunError::AlreadyApproved),
            (Some(run), PayrollRunCommand::Approve(ApprovePayrollRun { approved_on })) => {
                PayrollRunEvent::PayrollRunApproved(PayrollRunApproved {
                    payroll_run_id: run.payroll_run_id.clone(),
                    period: run.period.clone(),
                    pay_date: run.pay_date,
                    currency: run.currency.clone(),
                    total_minor: run.total_minor,
                    journal_entry_id: journal_entry_id_for(&run.payroll_run_id).to_string(),
                    approved_on,
                })
            }
        };
        Ok(vec![event])
    }
}

/// Whether `period` is a month `YYYY-MM`.
fn is_month(period: &str) -> bool {
    NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d").is_ok() && period.len() == 7
}

/// The `PayrollRunDrafted` a `Draft` records, once its inputs pass.
fn drafted(draft: DraftPayrollRun) -> Result<PayrollRunEvent, PayrollRunError> {
    if !is_month(&draft.period) {
        return Err(PayrollRunError::InvalidPeriod { period: draft.period });
    }
    let currency = Currency::parse(&draft.currency).map_err(|reason| PayrollRunError::InvalidCurrency { reason })?;
    let count = draft.lines.len();
    if count == 0 || count > MAX_LINES {
        return Err(PayrollRunError::LineCount { count, max: MAX_LINES });
    }
    let mut total: i64 = 0;
    let mut lines = Vec::with_capacity(count);
    for (index, line) in draft.lines.iter().enumerate() {
        if let Some(first) = draft.lines[..index].iter().position(|earlier| earlier.employee_id == line.employee_id) {
            let employee_id = line.employee_id.to_string();
            return Err(PayrollRunError::DuplicateEmployee { index, first, employee_id });
        }
        if line.gross_minor <= 0 {
            return Err(PayrollRunError::InvalidGross { index, gross_minor: line.gross_minor });
        }
        total = total.checked_add(line.gross_minor).ok_or(PayrollRunError::TotalOverflow)?;
        lines.push(PayrollLine { employee_id: line.employee_id.to_string(), gross_minor: line.gross_minor });
    }
    Ok(PayrollRunEvent::PayrollRunDrafted(PayrollRunDrafted {
        payroll_run_id: draft.payroll_run_id.to_string(),
        period: draft.period,
        pay_date: draft.pay_date,
        currency: currency.as_str().to_owned(),
        lines,
        total_minor: total,
    }))
}

impl Aggregate for PayrollRun {
    const TYPE: &'static str = "hr.payroll_run";
    type Command = PayrollRunCommand;
    type Event = PayrollRunEvent;
    type Error = PayrollRunError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            PayrollRunEvent::PayrollRunDrafted(drafted) => {
                debug_assert!(self.run.is_none(), "payroll run {} drafted twice", drafted.payroll_run_id);
                self.run = Some(Run {
                    payroll_run_id: drafted.payroll_run_id,
                    period: drafted.period,
                    pay_date: drafted.pay_date,
                    currency: drafted.currency,
                    total_minor: drafted.total_minor,
                    approved: false,
                });
            }
            PayrollRunEvent::PayrollRunApproved(_) => {
                debug_assert!(self.run.is_some(), "payroll run approved before it was drafted");
                if let Some(run) = self.run.as_mut() {
                    run.approved = true;
                }
            }
        }
    }
}
