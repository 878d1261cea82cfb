//! Facts about a leave account. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/hr/`; the enum is externally tagged. Topic `prism.hr.leave-account.v1`, key =
//! leave account id, version `1`. Every event names the employee and year of its account, and
//! each request event the request's type and working days, so a read model needs no state.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// The entitlement of one leave type was granted or adjusted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveEntitlementSet {
    /// The employee, a UUID.
    pub employee_id: String,
    /// The year of the account.
    pub year: i32,
    /// The leave type.
    pub leave_type: String,
    /// Working days entitled from now on.
    pub days: i32,
    /// Working days entitled before, if any were.
    pub previous_days: Option<i32>,
}

/// Leave was requested; it is pending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveRequested {
    /// The employee, a UUID.
    pub employee_id: String,
    /// The year of the account.
    pub year: i32,
    /// The request, a UUID.
    pub request_id: String,
    /// The leave type.
    pub leave_type: String,
    /// The first day of leave.
    pub start_date: NaiveDate,
    /// The last day of leave.
    pub end_date: NaiveDate,
    /// Mondays to Fridays from the first to the last day.
    pub working_days: i32,
    /// A note for the approver.
    pub note: Option<String>,
}

/// A pending request was approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveApproved {
    /// The employee, a UUID.
    pub employee_id: String,
    /// The year of the account.
    pub year: i32,
    /// The request.
    pub request_id: String,
    /// The leave type.
    pub leave_type: String,
    /// Its working days.
    pub working_days: i32,
    /// The day it was approved.
    pub approved_on: NaiveDate,
}

/// A pending request was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveRejected {
    /// The employee, a UUID.
    pub employee_id: String,
    /// The year of the account.
    pub year: i32,
    /// The request.
    pub request_id: String,
    /// The leave type.
    pub leave_type: String,
    /// Its working days, no longer pending.
    pub working_days: i32,
    /// Why.
    pub reason: String,
    /// The day it was rejected.
    pub rejected_on: NaiveDate,
}

/// A pending or approved request was cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveCancelled {
    /// The employee, a UUID.
    pub employee_id: String,
    /// The year of the account.
    pub year: i32,
    /// The request.
    pub request_id: String,
    /// The leave type.
    pub leave_type: String,
    /// Its working days, given back.
    pub working_days: i32,
    /// Whether it had been approved (else it was pending).
    pub was_approved: bool,
    /// The day it was cancelled.
    pub cancelled_on: NaiveDate,
}

/// Everything that can happen to a leave account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LeaveAccountEvent {
    /// See [`LeaveEntitlementSet`].
    LeaveEntitlementSet(LeaveEntitlementSet),
    /// See [`LeaveRequested`].
    LeaveRequested(LeaveRequested),
    /// See [`LeaveApproved`].
    LeaveApproved(LeaveApproved),
    /// See [`LeaveRejected`].
    LeaveRejected(LeaveRejected),
    /// See [`LeaveCancelled`].
    LeaveCancelled(LeaveCancelled),
}

impl LeaveAccountEvent {
    /// Version of every leave account event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for LeaveAccountEvent {
    fn event_type(&self) -> String {
        match self {
            LeaveAccountEvent::LeaveEntitlementSet(_) => "LeaveEntitlementSet",
            LeaveAccountEvent::LeaveRequested(_) => "LeaveRequested",
            LeaveAccountEvent::LeaveApproved(_) => "LeaveApproved",
            LeaveAccountEvent::LeaveRejected(_) => "LeaveRejected",
            LeaveAccountEvent::LeaveCancelled(_) => "LeaveCancelled",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
