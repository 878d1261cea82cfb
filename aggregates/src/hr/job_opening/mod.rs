//! The job opening aggregate (`hr.job_opening`): recruitment for some positions in an
//! organisation unit, with the applicants who apply to it. Events go to topic
//! `prism.hr.job-opening.v1`, key = job opening id (a UUID, the aggregate id), Avro namespace
//! `prism.hr`, version `1`. The applicants live inside their opening because the opening alone
//! keeps its invariant: never more hires than positions.
//!
//! - An opening is posted ([`JobOpeningPosted`]) with a title, a unit and 1 to
//!   [`MAX_POSITIONS`] positions.
//! - People apply while it is open ([`ApplicationReceived`]), at most [`MAX_APPLICANTS`] of
//!   them. An applicant's personal data (name, email, birth date, address: the employee's
//!   [`super::employee::PersonalData`]) is sealed by the command API under the applicant's own
//!   data key, so the aggregate, the events, the topic and the read model only hold ciphertext.
//! - An applicant moves forward through the stages `applied` → `screening` → `interview` →
//!   `offered` ([`ApplicantAdvanced`]; stages may be skipped, never gone back to), or is
//!   rejected at any stage before hiring ([`ApplicantRejected`]).
//! - An offered applicant is hired ([`ApplicantHired`]) on terms the employee aggregate accepts
//!   (salary, currency, user). The hiring process manager then hires employee
//!   `employee_id` = the applicant id with the same sealed data, so the employee's data key is
//!   the applicant's and one erasure covers both. The hire that fills the last position also
//!   closes the opening ([`JobOpeningClosed`] with `filled`).
//! - An open opening can be closed with a reason. A closed or filled one still rejects and
//!   erases applicants, nothing else.
//! - An applicant who is not hired can have their personal data erased
//!   ([`ApplicantPersonalDataErased`]; the command API deletes the key first). An erased
//!   applicant can no longer be advanced or hired.
//! - Every refusal names its field (`job_opening_id`, `title`, `org_unit_id`, `positions`,
//!   `applicant_id`, `personal_data`, `applied_on`, `stage`, `reason`, `hired_on` and the hire's
//!   terms) or, when the state forbids the command, none, and records nothing.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::{ApplicantStage, JobOpening, OpeningStatus};
pub use commands::{HireApplicant, JobOpeningCommand, PostJobOpening, ReceiveApplication};
pub use errors::JobOpeningError;
pub use events::{
    ApplicantAdvanced, ApplicantHired, ApplicantPersonalDataErased, ApplicantRejected, ApplicationReceived,
    JobOpeningClosed, JobOpeningEvent, JobOpeningPosted,
};

/// Most positions one opening recruits for.
pub const MAX_POSITIONS: i32 = 1_000;
/// Most applicants one opening takes.
pub const MAX_APPLICANTS: usize = 1_000;
/// The reason a filled opening is closed with.
pub const FILLED_REASON: &str = "all positions filled";
