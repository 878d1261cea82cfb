//! Commands to the leave account aggregate, with raw inputs so that every rule is decided, and
//! reported with its field, in `decide`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A request to change an employee's leave account for one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LeaveAccountCommand {
    /// Grant or adjust the entitlement of one leave type.
    SetEntitlement(SetEntitlement),
    /// Request leave.
    Request(RequestLeave),
    /// Approve a pending request.
    Approve(ApproveLeave),
    /// Reject a pending request.
    Reject(RejectLeave),
    /// Cancel a pending request, or an approved one not yet started.
    Cancel(CancelLeave),
}

/// Set the days of `leave_type` the employee is entitled to in `year`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetEntitlement {
    /// The employee whose account it is.
    pub employee_id: Uuid,
    /// The calendar year of the account.
    pub year: i32,
    /// One of [`super::LEAVE_TYPES`].
    pub leave_type: String,
    /// Working days entitled, 0–[`super::MAX_ENTITLEMENT_DAYS`]; not below the days already
    /// pending or approved.
    pub days: i32,
}

/// Request leave from `start_date` to `end_date`, both inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestLeave {
    /// The employee whose account it is.
    pub employee_id: Uuid,
    /// The calendar year of the account; both dates lie in it.
    pub year: i32,
    /// Id of the request, unique in the account.
    pub request_id: Uuid,
    /// One of [`super::LEAVE_TYPES`].
    pub leave_type: String,
    /// The first day of leave.
    pub start_date: NaiveDate,
    /// The last day of leave.
    pub end_date: NaiveDate,
    /// A note for the approver.
    pub note: Option<String>,
}

/// Approve request `request_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApproveLeave {
    /// The request.
    pub request_id: Uuid,
    /// The day it was approved.
    pub approved_on: NaiveDate,
}

/// Reject request `request_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RejectLeave {
    /// The request.
    pub request_id: Uuid,
    /// Why; non-blank.
    pub reason: String,
    /// The day it was rejected.
    pub rejected_on: NaiveDate,
}

/// Cancel request `request_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelLeave {
    /// The request.
    pub request_id: Uuid,
    /// The day it was cancelled: an approved request is cancelled only before it starts.
    pub cancelled_on: NaiveDate,
}
