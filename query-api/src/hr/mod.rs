//! Human resources (Talent) reads: the employee directory ([`employees`]), its personal data
//! opened with each employee's key as it is answered, shown as erased once the key is gone; and
//! the payroll runs with whether their salary journal entry is posted ([`payroll_runs`]).

pub mod employees;
pub mod payroll_runs;
