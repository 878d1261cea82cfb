//! Human resources (Talent) over REST: the employees ([`employees`]), whose personal data the
//! command API seals under each employee's own key before the hire is stored, and whose key it
//! deletes to honour an erasure request.

pub mod employees;
