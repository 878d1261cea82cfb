//! Human resources (Talent): the people a tenant employs ([`employee`]) — hired into an
//! organisation unit, transferred, paid a salary, terminated — with their personal data kept
//! only as ciphertext under a per-employee key, so that an erasure request is honoured by
//! deleting the key ([`employee::personal`] explains the approach); the payroll runs
//! ([`payroll_run`]) whose approval posts the salary journal entry to finance; each employee's
//! leave per year ([`leave_account`]): entitlements, requests and their approval; and
//! performance reviews ([`performance_review`]), whose written summaries are sealed under the
//! employee's key too; and recruitment ([`job_opening`]): openings, their applicants (their
//! personal data sealed under the applicant's own key) and the hire that becomes an employee.

pub mod employee;
pub mod job_opening;
pub mod leave_account;
pub mod payroll_run;
pub mod performance_review;
