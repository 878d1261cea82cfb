//! The job opening state: its positions and hires, its status, and each applicant's stage,
//! sealed personal data and application day. [`JobOpening::decide`] checks a command against it;
//! `apply` folds the events. No clock: days come with the commands.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::{HireApplicant, JobOpeningCommand, PostJobOpening, ReceiveApplication};
use super::errors::JobOpeningError;
use super::events::{
    ApplicantAdvanced, ApplicantHired, ApplicantPersonalDataErased, ApplicantRejected, ApplicationReceived,
    JobOpeningClosed, JobOpeningEvent, JobOpeningPosted,
};
use super::{FILLED_REASON, MAX_APPLICANTS, MAX_POSITIONS};
use crate::crm::input::{check_field, MAX_ID_CHARS, MAX_REASON_CHARS, MAX_TITLE_CHARS};
use crate::hr::employee::HireEmployee;

/// Where an opening stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpeningStatus {
    /// Taking applications and hires.
    Open,
    /// Every position hired. Final.
    Filled,
    /// Closed before it was filled. Final.
    Closed,
}

impl OpeningStatus {
    /// Its name in read models and the API.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            OpeningStatus::Open => "open",
            OpeningStatus::Filled => "filled",
            OpeningStatus::Closed => "closed",
        }
    }
}

impl fmt::Display for OpeningStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an applicant stands, in the order they move through; hired and rejected are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantStage {
    /// Applied, not yet looked at.
    Applied,
    /// Being screened.
    Screening,
    /// Being interviewed.
    Interview,
    /// Offered the job.
    Offered,
    /// Hired. Final.
    Hired,
    /// Rejected. Final.
    Rejected,
}

impl ApplicantStage {
    /// The stages an applicant is advanced to.
    pub const ADVANCED_TO: [ApplicantStage; 3] =
        [ApplicantStage::Screening, ApplicantStage::Interview, ApplicantStage::Offered];

    /// Its name in events, read models and the API.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicantStage::Applied => "applied",
            ApplicantStage::Screening => "screening",
            ApplicantStage::Interview => "interview",
            ApplicantStage::Offered => "offered",
            ApplicantStage::Hired => "hired",
            ApplicantStage::Rejected => "rejected",
        }
    }

    /// The stage named `name`, among all stages.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        use ApplicantStage as S;
        [S::Applied, S::Screening, S::Interview, S::Offered, S::Hired, S::Rejected]
            .into_iter()
            .find(|stage| stage.as_str() == name)
    }

    fn is_final(self) -> bool {
        matches!(self, ApplicantStage::Hired | ApplicantStage::Rejected)
    }
}

impl fmt::Display for ApplicantStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// State of one job opening, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobOpening {
    opening: Option<Opening>,
}

/// An opening once posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Opening {
    job_opening_id: String,
    org_unit_id: String,
    positions: i32,
    hired: i32,
    opened_on: NaiveDate,
    status: OpeningStatus,
    applicants: BTreeMap<Uuid, Applicant>,
}

/// One applicant of an opening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Applicant {
    stage: ApplicantStage,
    personal_data: String,
    applied_on: NaiveDate,
    erased: bool,
}

impl JobOpening {
    /// Its status; `None` before it is posted.
    #[must_use]
    pub fn status(&self) -> Option<OpeningStatus> {
        self.opening.as_ref().map(|opening| opening.status)
    }

    /// How many applicants were hired.
    #[must_use]
    pub fn hired(&self) -> i32 {
        self.opening.as_ref().map_or(0, |opening| opening.hired)
    }

    /// The stage of `applicant_id`; `None` when no such applicant applied.
    #[must_use]
    pub fn stage_of(&self, applicant_id: Uuid) -> Option<ApplicantStage> {
        self.opening.as_ref()?.applicants.get(&applicant_id).map(|applicant| applicant.stage)
    }

    /// Whether an application of `applicant_id` on `applied_on` would be taken, apart from its
    /// personal data: the command API asks before it creates a data key.
    ///
    /// # Errors
    /// Why it would be refused.
    pub fn check_application(&self, applicant_id: Uuid, applied_on: NaiveDate) -> Result<(), JobOpeningError> {
        let opening = self.opening.as_ref().ok_or(JobOpeningError::NotFound)?;
        opening.check_open("receive an application")?;
        if opening.applicants.contains_key(&applicant_id) {
            return Err(JobOpeningError::ApplicantExists);
        }
        if opening.applicants.len() >= MAX_APPLICANTS {
            return Err(JobOpeningError::TooManyApplicants { max: MAX_APPLICANTS });
        }
        if applied_on < opening.opened_on {
            return Err(JobOpeningError::AppliedBeforeOpening { applied_on, opened_on: opening.opened_on });
        }
        Ok(())
    }

    /// What `command` records given this state.
    ///
    /// # Errors
    /// Why the command is refused; nothing is recorded then.
    pub fn decide(&self, command: JobOpeningCommand) -> Result<Vec<JobOpeningEvent>, JobOpeningError> {
        let Some(opening) = &self.opening else {
            return match command {
                JobOpeningCommand::Post(post) => Ok(vec![posted(post)?]),
                _ => Err(JobOpeningError::NotFound),
            };
        };
        let job_opening_id = opening.job_opening_id.clone();
        let event = match command {
            JobOpeningCommand::Post(_) => return Err(JobOpeningError::AlreadyExists),
            JobOpeningCommand::ReceiveApplication(application) => self.received(application)?,
            JobOpeningCommand::Advance { applicant_id, stage } => opening.advanced(applicant_id, &stage)?,
            JobOpeningCommand::Reject { applicant_id, reason } => {
                let applicant = opening.applicant(applicant_id)?;
                if applicant.stage.is_final() {
                    return Err(wrong_stage(applicant.stage, "reject", "an applicant not hired or rejected"));
                }
                check_field("reason", &reason, MAX_REASON_CHARS)?;
                JobOpeningEvent::ApplicantRejected(ApplicantRejected {
                    job_opening_id,
                    applicant_id: applicant_id.to_string(),
                    from_stage: applicant.stage.as_str().to_owned(),
                    reason,
                })
            }
            JobOpeningCommand::Hire(hire) => return opening.hired(hire),
            JobOpeningCommand::EraseApplicant { applicant_id, erased_on } => {
                let applicant = opening.applicant(applicant_id)?;
                if applicant.stage == ApplicantStage::Hired {
                    return Err(wrong_stage(applicant.stage, "erase", "an applicant not hired (erase the employee)"));
                }
                if applicant.erased {
                    return Err(JobOpeningError::ApplicantErased);
                }
                JobOpeningEvent::ApplicantPersonalDataErased(ApplicantPersonalDataErased {
                    job_opening_id,
                    applicant_id: applicant_id.to_string(),
                    erased_on,
                })
            }
            JobOpeningCommand::Close { reason } => {
                opening.check_open("close")?;
                check_field("reason", &reason, MAX_REASON_CHARS)?;
                JobOpeningEvent::JobOpeningClosed(JobOpeningClosed { job_opening_id, filled: false, reason })
            }
        };
        Ok(vec![event])
    }

    /// The `ApplicationReceived` of `application`.
    fn received(&self, application: ReceiveApplication) -> Result<JobOpeningEvent, JobOpeningError> {
        let ReceiveApplication { applicant_id, personal_data, applied_on } = application;
        self.check_application(applicant_id, applied_on)?;
        check_field("personal_data", &personal_data, usize::MAX)?;
        let job_opening_id = self.opening.as_ref().map(|opening| opening.job_opening_id.clone()).unwrap_or_default();
        Ok(JobOpeningEvent::ApplicationReceived(ApplicationReceived {
            job_opening_id,
            applicant_id: applicant_id.to_string(),
            personal_data,
            applied_on,
        }))
    }
}

fn wrong_stage(stage: ApplicantStage, command: &'static str, needs: &'static str) -> JobOpeningError {
    JobOpeningError::WrongStage { stage, command, needs }
}

/// The `JobOpeningPosted` of `post`, once its texts and positions pass.
fn posted(post: PostJobOpening) -> Result<JobOpeningEvent, JobOpeningError> {
    let PostJobOpening { job_opening_id, title, org_unit_id, positions, opened_on } = post;
    check_field("title", &title, MAX_TITLE_CHARS)?;
    check_field("org_unit_id", &org_unit_id, MAX_ID_CHARS)?;
    if !(1..=MAX_POSITIONS).contains(&positions) {
        return Err(JobOpeningError::InvalidPositions { positions, max: MAX_POSITIONS });
    }
    Ok(JobOpeningEvent::JobOpeningPosted(JobOpeningPosted {
        job_opening_id: job_opening_id.to_string(),
        title,
        org_unit_id,
        positions,
        opened_on,
    }))
}

impl Opening {
    /// Refuses `command` unless the opening is open.
    fn check_open(&self, command: &'static str) -> Result<(), JobOpeningError> {
        if self.status != OpeningStatus::Open {
            return Err(JobOpeningError::NotOpen { status: self.status, command });
        }
        Ok(())
    }

    fn applicant(&self, applicant_id: Uuid) -> Result<&Applicant, JobOpeningError> {
        self.applicants.get(&applicant_id).ok_or(JobOpeningError::ApplicantNotFound)
    }

    /// An applicant who may still move: the opening open, the applicant there, not final, not
    /// erased.
    fn movable(&self, applicant_id: Uuid, command: &'static str) -> Result<&Applicant, JobOpeningError> {
        self.check_open(command)?;
        let applicant = self.applicant(applicant_id)?;
        if applicant.stage.is_final() {
            return Err(wrong_stage(applicant.stage, command, "an applicant not hired or rejected"));
        }
        if applicant.erased {
            return Err(JobOpeningError::ApplicantErased);
        }
        Ok(applicant)
    }

    /// The `ApplicantAdvanced` of moving `applicant_id` to `stage`.
    fn advanced(&self, applicant_id: Uuid, stage: &str) -> Result<JobOpeningEvent, JobOpeningError> {
        let applicant = self.movable(applicant_id, "advance")?;
        let to = ApplicantStage::parse(stage)
            .filter(|stage| ApplicantStage::ADVANCED_TO.contains(stage))
            .ok_or_else(|| JobOpeningError::UnknownStage { stage: stage.to_owned() })?;
        if to <= applicant.stage {
            return Err(JobOpeningError::StageNotForward { from: applicant.stage, to });
        }
        Ok(JobOpeningEvent::ApplicantAdvanced(ApplicantAdvanced {
            job_opening_id: self.job_opening_id.clone(),
            applicant_id: applicant_id.to_string(),
            from_stage: applicant.stage.as_str().to_owned(),
            stage: to.as_str().to_owned(),
        }))
    }

    /// The `ApplicantHired` of `hire`, and the `JobOpeningClosed` when it fills the last
    /// position.
    fn hired(&self, hire: HireApplicant) -> Result<Vec<JobOpeningEvent>, JobOpeningError> {
        let HireApplicant { applicant_id, salary_minor, currency, hired_on, user_id } = hire;
        let applicant = self.movable(applicant_id, "hire")?;
        if applicant.stage != ApplicantStage::Offered {
            return Err(wrong_stage(applicant.stage, "hire", "offered"));
        }
        if hired_on < applicant.applied_on {
            return Err(JobOpeningError::HiredBeforeApplication { hired_on, applied_on: applicant.applied_on });
        }
        let terms = HireEmployee {
            employee_id: applicant_id,
            personal_data: applicant.personal_data.clone(),
            org_unit_id: self.org_unit_id.clone(),
            user_id,
            salary_minor,
            currency,
            hired_on,
        };
        let currency = terms.check_terms().map_err(JobOpeningError::Terms)?;
        let mut events = vec![JobOpeningEvent::ApplicantHired(ApplicantHired {
            job_opening_id: self.job_opening_id.clone(),
            applicant_id: applicant_id.to_string(),
            employee_id: applicant_id.to_string(),
            personal_data: terms.personal_data,
            org_unit_id: terms.org_unit_id,
            user_id: terms.user_id,
            salary_minor,
            currency: currency.as_str().to_owned(),
            hired_on,
        })];
        if self.hired + 1 == self.positions {
            events.push(JobOpeningEvent::JobOpeningClosed(JobOpeningClosed {
                job_opening_id: self.job_opening_id.clone(),
                filled: true,
                reason: FILLED_REASON.to_owned(),
            }));
        }
        Ok(events)
    }
}

impl Aggregate for JobOpening {
    const TYPE: &'static str = "hr.job_opening";
    type Command = JobOpeningCommand;
    type Event = JobOpeningEvent;
    type Error = JobOpeningError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        if let JobOpeningEvent::JobOpeningPosted(posted) = event {
            self.opening = Some(Opening {
                job_opening_id: posted.job_opening_id,
                org_unit_id: posted.org_unit_id,
                positions: posted.positions,
                hired: 0,
                opened_on: posted.opened_on,
                status: OpeningStatus::Open,
                applicants: BTreeMap::new(),
            });
            return;
        }
        let Some(opening) = self.opening.as_mut() else { return };
        match event {
            JobOpeningEvent::JobOpeningPosted(_) => {}
            JobOpeningEvent::ApplicationReceived(received) => {
                if let Ok(applicant_id) = Uuid::parse_str(&received.applicant_id) {
                    let applicant = Applicant {
                        stage: ApplicantStage::Applied,
                        personal_data: received.personal_data,
                        applied_on: received.applied_on,
                        erased: false,
                    };
                    opening.applicants.insert(applicant_id, applicant);
                }
            }
            JobOpeningEvent::ApplicantAdvanced(advanced) => {
                if let Some(stage) = ApplicantStage::parse(&advanced.stage) {
                    opening.set_stage(&advanced.applicant_id, stage);
                }
            }
            JobOpeningEvent::ApplicantRejected(rejected) => {
                opening.set_stage(&rejected.applicant_id, ApplicantStage::Rejected);
            }
            JobOpeningEvent::ApplicantHired(hired) => {
                opening.set_stage(&hired.applicant_id, ApplicantStage::Hired);
                opening.hired += 1;
            }
            JobOpeningEvent::ApplicantPersonalDataErased(erased) => {
                if let Some(applicant) = opening.applicant_mut(&erased.applicant_id) {
                    applicant.erased = true;
                }
            }
            JobOpeningEvent::JobOpeningClosed(closed) => {
                opening.status = if closed.filled { OpeningStatus::Filled } else { OpeningStatus::Closed };
            }
        }
    }
}

impl Opening {
    fn applicant_mut(&mut self, applicant_id: &str) -> Option<&mut Applicant> {
        let applicant_id = Uuid::parse_str(applicant_id).ok()?;
        self.applicants.get_mut(&applicant_id)
    }

    fn set_stage(&mut self, applicant_id: &str, stage: ApplicantStage) {
        if let Some(applicant) = self.applicant_mut(applicant_id) {
            applicant.stage = stage;
        }
    }
}
