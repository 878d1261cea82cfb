//! Human resources (Talent) over REST: the employees ([`employees`]), whose personal data the
//! command API seals under each employee's own key before the hire is stored, and whose key it
//! deletes to honour an erasure request; the payroll runs ([`payroll_runs`]), whose approval
//! the payroll process manager posts to the ledger; each employee's leave ([`leave`]),
//! requested and approved against the year's entitlement; and the performance reviews
//! ([`performance_reviews`]), whose summaries it seals under the reviewed employee's key; and
//! recruitment ([`recruitment`]): job openings and their applicants, whose personal data it
//! seals under each applicant's own key, the key the employee they become keeps.

pub mod employees;
pub mod leave;
pub mod payroll_runs;
pub mod performance_reviews;
pub mod recruitment;
