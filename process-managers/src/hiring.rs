//! The hiring process manager (recruitment → employees): every `ApplicantHired` hires employee
//! `employee_id` — the applicant's id — in the opening's unit on the terms of the hire, with the
//! application's sealed personal data carried over as it is. The employee id is the applicant
//! id, so the data key the command API created for the application is the employee's key: the
//! ciphertext opens as the employee's, and one erasure covers both. The hire's terms passed the
//! employee's rules when the applicant was hired, so only a changed rule can refuse it now (the
//! event is then dead-lettered). A redelivered hire finds the employee hired already, which
//! counts as done.

use std::sync::Arc;

use prism_aggregates::hr::employee::{Employee, EmployeeCommand, EmployeeError, HireEmployee};
use prism_aggregates::hr::job_opening::{ApplicantHired, JobOpening, JobOpeningEvent};
use prism_command_api::request_context::RequestContext;
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::ProjectionError;
use uuid::Uuid;

use crate::saga::{execute, tenant_of, Reaction};
use crate::stores::EventStores;

/// Name of this process manager (consumer group, dead-letter topic, metrics).
pub const NAME: &str = "hiring";

/// Hires the applicants recruitment hired.
pub struct Hiring {
    stores: Arc<EventStores>,
}

impl Hiring {
    /// The process manager over `stores`.
    #[must_use]
    pub fn new(stores: Arc<EventStores>) -> Self {
        Self { stores }
    }
}

#[async_trait::async_trait]
impl Reaction for Hiring {
    const AGGREGATE_TYPES: &'static [&'static str] = &[<JobOpening as cqrs_es::Aggregate>::TYPE];

    async fn react(&self, event: &ProjectedEvent) -> Result<(), ProjectionError> {
        let DomainEvent::JobOpening(JobOpeningEvent::ApplicantHired(hired)) = &event.event else {
            return Ok(());
        };
        let tenant = tenant_of(&event.envelope)?;
        let command = EmployeeCommand::Hire(employee_hire(hired)?);
        let context = RequestContext::reacting_to(&event.envelope);
        let done = |refusal: &EmployeeError| matches!(refusal, EmployeeError::AlreadyExists);
        execute::<Employee>(&self.stores.employees, &tenant, &hired.employee_id, &command, &context, done).await
    }
}

/// The `HireEmployee` that records `hired` as an employee.
///
/// # Errors
/// When the hire's employee id is not a UUID.
pub fn employee_hire(hired: &ApplicantHired) -> Result<HireEmployee, ProjectionError> {
    Ok(HireEmployee {
        employee_id: Uuid::parse_str(&hired.employee_id)?,
        personal_data: hired.personal_data.clone(),
        org_unit_id: hired.org_unit_id.clone(),
        user_id: hired.user_id.clone(),
        salary_minor: hired.salary_minor,
        currency: hired.currency.clone(),
        hired_on: hired.hired_on,
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn a_hired_applicant_becomes_the_employee_of_the_same_id_with_the_same_sealed_data() {
        let applicant = "0190f0a4-0000-7000-8000-0000000000c2";
        let hired = ApplicantHired {
            job_opening_id: "0190f0a4-0000-7000-8000-0000000000c1".to_owned(),
            applicant_id: applicant.to_owned(),
            employee_id: applicant.to_owned(),
            personal_data: "v1.c2VhbGVk".to_owned(),
            org_unit_id: "plant".to_owned(),
            user_id: Some("ada".to_owned()),
            salary_minor: 350_000,
            currency: "EUR".to_owned(),
            hired_on: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        };
        let hire = employee_hire(&hired).unwrap();
        assert_eq!(hire.employee_id.to_string(), applicant);
        assert_eq!(hire.personal_data, hired.personal_data);
        assert_eq!((hire.org_unit_id.as_str(), hire.user_id.as_deref()), ("plant", Some("ada")));
        assert_eq!((hire.salary_minor, hire.currency.as_str(), hire.hired_on), (350_000, "EUR", hired.hired_on));
        assert_eq!(hire.check_terms().map(|currency| currency.as_str().to_owned()), Ok("EUR".to_owned()));
    }
}
