//! Human resources (Talent) over REST: the employees ([`employees`]), whose personal data the
//! command API seals under each employee's own key before the hire is stored, and whose key it
//! deletes to honour an erasure request; and the payroll runs ([`payroll_runs`]), whose approval
//! the payroll process manager posts to the ledger; and each employee's leave ([`leave`]),
//! requested and approved against the year's entitlement.

pub mod employees;
pub mod leave;
pub mod payroll_runs;
