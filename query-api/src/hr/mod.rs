//! Human resources (Talent) reads: the employee directory ([`employees`]), its personal data
//! opened with each employee's key as it is answered, shown as erased once the key is gone.

pub mod employees;
