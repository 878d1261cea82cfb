//! The payroll process manager (payroll → ledger): every `PayrollRunApproved` posts the run's
//! salary journal entry — Dr `6000` Salaries and wages / Cr `2200` Accrued liabilities (the
//! payroll liability until the pay is paid out), the run's total in its currency, dated its pay
//! date, with the run id as source reference. The entry's id is the one the approval names
//! (`journal_entry_id_for` the run, a UUID v5), so a redelivered approval is refused as already
//! posted, which counts as done. The tenant needs accounts `6000` and `2200` (the default chart
//! has them) and an open period on the pay date; otherwise the posting is refused and the event
//! dead-lettered. No personal data is involved: an employee's erasure changes nothing posted.

use std::sync::Arc;

use prism_aggregates::finance::chart::default_accounts as accounts;
use prism_aggregates::finance::journal_entry::{
    JournalEntry, JournalEntryCommand, JournalEntryError, JournalLineInput, PostJournalEntry,
};
use prism_aggregates::hr::payroll_run::{PayrollRun, PayrollRunApproved, PayrollRunEvent};
use prism_command_api::request_context::RequestContext;
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::ProjectionError;
use uuid::Uuid;

use crate::saga::{execute, tenant_of, Reaction};
use crate::stores::EventStores;

/// Name of this process manager (consumer group, dead-letter topic, metrics).
pub const NAME: &str = "payroll";

/// Posts approved payroll runs to the ledger.
pub struct Payroll {
    stores: Arc<EventStores>,
}

impl Payroll {
    /// The process manager over `stores`.
    #[must_use]
    pub fn new(stores: Arc<EventStores>) -> Self {
        Self { stores }
    }
}

#[async_trait::async_trait]
impl Reaction for Payroll {
    const AGGREGATE_TYPES: &'static [&'static str] = &[<PayrollRun as cqrs_es::Aggregate>::TYPE];

    async fn react(&self, event: &ProjectedEvent) -> Result<(), ProjectionError> {
        let DomainEvent::PayrollRun(PayrollRunEvent::PayrollRunApproved(approved)) = &event.event else {
            return Ok(());
        };
        let tenant = tenant_of(&event.envelope)?;
        let entry = posting(&event.envelope.tenant, approved)?;
        let id = entry.entry_id.to_string();
        let context = RequestContext::reacting_to(&event.envelope);
        let posted = |refusal: &JournalEntryError| matches!(refusal, JournalEntryError::AlreadyPosted);
        let command = JournalEntryCommand::Post(entry);
        execute::<JournalEntry>(&self.stores.journal_entries, &tenant, &id, &command, &context, posted).await
    }
}

/// The salary journal entry of `approved`, a run of `tenant`.
///
/// # Errors
/// When the approval's journal entry id is not a UUID.
pub fn posting(tenant: &str, approved: &PayrollRunApproved) -> Result<PostJournalEntry, ProjectionError> {
    let line = |account: &str, debit: Option<i64>, credit: Option<i64>| JournalLineInput {
        account: account.to_owned(),
        debit,
        credit,
        currency: approved.currency.clone(),
        memo: None,
    };
    let total = approved.total_minor;
    Ok(PostJournalEntry {
        entry_id: Uuid::parse_str(&approved.journal_entry_id)?,
        tenant: tenant.to_owned(),
        entry_date: approved.pay_date,
        description: format!("Payroll {}", approved.period),
        source_reference: Some(format!("payroll-run:{}", approved.payroll_run_id)),
        lines: vec![
            line(accounts::SALARIES_AND_WAGES, Some(total), None),
            line(accounts::ACCRUED_LIABILITIES, None, Some(total)),
        ],
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use prism_aggregates::hr::payroll_run::journal_entry_id_for;

    use super::*;

    #[test]
    fn an_approved_run_posts_its_total_from_salaries_to_accrued_liabilities_under_the_id_it_names() {
        let run_id = "0190f0a4-0000-7000-8000-0000000000b1";
        let approved = PayrollRunApproved {
            payroll_run_id: run_id.to_owned(),
            period: "2026-01".to_owned(),
            pay_date: NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
            currency: "EUR".to_owned(),
            total_minor: 920_050,
            journal_entry_id: journal_entry_id_for(run_id).to_string(),
            approved_on: NaiveDate::from_ymd_opt(2026, 1, 28).unwrap(),
        };
        let entry = posting("acme", &approved).unwrap();
        assert_eq!(entry.entry_id, journal_entry_id_for(run_id));
        assert_eq!(entry.entry_date, approved.pay_date);
        let sides: Vec<(&str, Option<i64>, Option<i64>)> =
            entry.lines.iter().map(|l| (l.account.as_str(), l.debit, l.credit)).collect();
        assert_eq!(sides, [("6000", Some(920_050), None), ("2200", None, Some(920_050))]);
    }
}
