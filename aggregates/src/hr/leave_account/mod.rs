//! The leave account aggregate (`hr.leave_account`): one employee's leave in one calendar
//! year — the entitlement per leave type and every leave request — so that the balance
//! invariant is kept by the aggregate alone. Events go to topic `prism.hr.leave-account.v1`,
//! key = leave account id ([`leave_account_id_for`], a UUID v5 of employee id and year), Avro
//! namespace `prism.hr`, version `1`.
//!
//! ```text
//! requested → approved → cancelled (before its first day)
//!           ↘ rejected
//!           ↘ cancelled
//! ```
//!
//! - An entitlement is granted or adjusted per type ([`LEAVE_TYPES`]) in working days,
//!   0–[`MAX_ENTITLEMENT_DAYS`], never below the days already pending or approved (409
//!   `entitlement_below_booked`).
//! - A request names its type and first and last day, both in the account's year; its working
//!   days (Monday to Friday, [`working_days`]) are counted, at least one. It may not overlap a
//!   pending or approved request (409 `leave_overlap`, field `start_date`), and for a type with
//!   an entitlement pending + approved + this request ≤ entitlement (409
//!   `insufficient_leave_balance`, field `end_date`). A type without an entitlement is not
//!   limited (sick leave, unpaid leave, unless a tenant grants one).
//! - A pending request is approved or rejected (with a reason); a pending request, or an
//!   approved one before its first day, can be cancelled. Rejected and cancelled days are free
//!   again.
//! - Whether the employee exists and is still employed is checked by the command API (the
//!   employee is another aggregate), as payroll runs do.
//! - Every refusal names its field and records nothing.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::{
    leave_account_id_for, working_days, Balance, LeaveAccount, LeaveRequest, LeaveStatus, LEAVE_TYPES,
    MAX_ENTITLEMENT_DAYS, MAX_REQUESTS, YEARS,
};
pub use commands::{ApproveLeave, CancelLeave, LeaveAccountCommand, RejectLeave, RequestLeave, SetEntitlement};
pub use errors::LeaveAccountError;
pub use events::{
    LeaveAccountEvent, LeaveApproved, LeaveCancelled, LeaveEntitlementSet, LeaveRejected, LeaveRequested,
};
