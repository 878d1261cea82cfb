//! The leave account aggregate's state: a [`LeaveAccount`] holds one employee's entitlements
//! and leave requests of one year; [`LeaveAccount::decide`] checks a command against them —
//! the balance invariant included — and `apply` folds the events.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::{CancelLeave, LeaveAccountCommand, RejectLeave, RequestLeave, SetEntitlement};
use super::errors::LeaveAccountError;
use super::events::{
    LeaveAccountEvent, LeaveApproved, LeaveCancelled, LeaveEntitlementSet, LeaveRejected, LeaveRequested,
};
use crate::crm::input::{check_field, MAX_REASON_CHARS};

/// The leave types an entitlement or a request names.
pub const LEAVE_TYPES: [&str; 5] = ["annual", "sick", "unpaid", "parental", "compassionate"];
/// Most working days of one entitlement.
pub const MAX_ENTITLEMENT_DAYS: i32 = 366;
/// Most requests of one account (a year).
pub const MAX_REQUESTS: usize = 400;
/// The years a leave account may be for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The id of employee `employee_id`'s leave account for `year`: UUID v5 in the OID namespace
/// of `"<employee id>/leave/<year>"`.
#[must_use]
pub fn leave_account_id_for(employee_id: Uuid, year: i32) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{employee_id}/leave/{year}").as_bytes())
}

/// The working days (Monday to Friday) from `start` to `end`, both inclusive; 0 when `end`
/// is before `start`.
#[must_use]
pub fn working_days(start: NaiveDate, end: NaiveDate) -> i32 {
    let days = start.iter_days().take_while(|day| *day <= end).filter(|day| day.weekday().number_from_monday() <= 5);
    i32::try_from(days.count()).unwrap_or(i32::MAX)
}

/// Where a leave request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveStatus {
    /// Requested, awaiting a decision: its days count against the balance.
    Pending,
    /// Approved: its days are taken.
    Approved,
    /// Rejected: its days are free again.
    Rejected,
    /// Cancelled: its days are free again.
    Cancelled,
}

impl LeaveStatus {
    /// The status as the read model and the API spell it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            LeaveStatus::Pending => "pending",
            LeaveStatus::Approved => "approved",
            LeaveStatus::Rejected => "rejected",
            LeaveStatus::Cancelled => "cancelled",
        }
    }

    /// Whether its days count against the balance.
    #[must_use]
    pub fn is_booked(self) -> bool {
        matches!(self, LeaveStatus::Pending | LeaveStatus::Approved)
    }
}

/// One leave request of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveRequest {
    /// Its id.
    pub request_id: String,
    /// Its leave type.
    pub leave_type: String,
    /// The first day of leave.
    pub start_date: NaiveDate,
    /// The last day of leave.
    pub end_date: NaiveDate,
    /// Its working days.
    pub working_days: i32,
    /// Where it stands.
    pub status: LeaveStatus,
}

/// The balance of one leave type: entitled (if any entitlement is set), pending, approved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balance {
    /// Working days entitled; `None` when no entitlement is set (the type is not limited).
    pub entitled: Option<i32>,
    /// Working days of pending requests.
    pub pending: i32,
    /// Working days of approved requests.
    pub approved: i32,
}

impl Balance {
    /// Entitled less pending and approved; `None` for a type without entitlement.
    #[must_use]
    pub fn remaining(&self) -> Option<i32> {
        self.entitled.map(|entitled| entitled - self.pending - self.approved)
    }
}

/// State of one leave account, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveAccount {
    account: Option<Account>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Account {
    employee_id: String,
    year: i32,
    entitlements: BTreeMap<String, i32>,
    requests: Vec<LeaveRequest>,
}

impl LeaveAccount {
    /// The employee whose leave it is; `None` before its first event.
    #[must_use]
    pub fn employee_id(&self) -> Option<&str> {
        self.account.as_ref().map(|account| account.employee_id.as_str())
    }

    /// The balance of `leave_type`.
    #[must_use]
    pub fn balance(&self, leave_type: &str) -> Balance {
        let Some(account) = &self.account else { return Balance::default() };
        let mut balance = Balance { entitled: account.entitlements.get(leave_type).copied(), ..Balance::default() };
        for request in account.requests.iter().filter(|request| request.leave_type == leave_type) {
            match request.status {
                LeaveStatus::Pending => balance.pending += request.working_days,
                LeaveStatus::Approved => balance.approved += request.working_days,
                LeaveStatus::Rejected | LeaveStatus::Cancelled => {}
            }
        }
        balance
    }

    /// Every request, in the order requested.
    #[must_use]
    pub fn requests(&self) -> &[LeaveRequest] {
        self.account.as_ref().map_or(&[], |account| account.requests.as_slice())
    }

    /// Request `request_id`, if the account has it.
    #[must_use]
    pub fn request(&self, request_id: &str) -> Option<&LeaveRequest> {
        self.requests().iter().find(|request| request.request_id == request_id)
    }

    /// The leave types with an entitlement and their days.
    #[must_use]
    pub fn entitlements(&self) -> Vec<(&str, i32)> {
        self.account.as_ref().map_or_else(Vec::new, |account| {
            account.entitlements.iter().map(|(leave_type, days)| (leave_type.as_str(), *days)).collect()
        })
    }

    /// What `command` records given this state.
    ///
    /// # Errors
    /// Why the command is refused; nothing is recorded then.
    pub fn decide(&self, command: LeaveAccountCommand) -> Result<Vec<LeaveAccountEvent>, LeaveAccountError> {
        let event = match command {
            LeaveAccountCommand::SetEntitlement(set) => self.entitlement_set(set)?,
            LeaveAccountCommand::Request(request) => self.requested(request)?,
            LeaveAccountCommand::Approve(approve) => {
                let (account, request) = self.pending(approve.request_id)?;
                LeaveAccountEvent::LeaveApproved(LeaveApproved {
                    employee_id: account.employee_id.clone(),
                    year: account.year,
                    request_id: request.request_id.clone(),
                    leave_type: request.leave_type.clone(),
                    working_days: request.working_days,
                    approved_on: approve.approved_on,
                })
            }
            LeaveAccountCommand::Reject(RejectLeave { request_id, reason, rejected_on }) => {
                check_field("reason", &reason, MAX_REASON_CHARS)?;
                let (account, request) = self.pending(request_id)?;
                LeaveAccountEvent::LeaveRejected(LeaveRejected {
                    employee_id: account.employee_id.clone(),
                    year: account.year,
                    request_id: request.request_id.clone(),
                    leave_type: request.leave_type.clone(),
                    working_days: request.working_days,
                    reason,
                    rejected_on,
                })
            }
            LeaveAccountCommand::Cancel(cancel) => self.cancelled(cancel)?,
        };
        Ok(vec![event])
    }

    /// Refuses a year out of range, or another employee's or year's command on this account.
    fn check_account(&self, employee_id: Uuid, year: i32) -> Result<(), LeaveAccountError> {
        if !YEARS.contains(&year) {
            return Err(LeaveAccountError::InvalidYear { year });
        }
        match &self.account {
            Some(account) if account.employee_id != employee_id.to_string() || account.year != year => {
                Err(LeaveAccountError::WrongAccount)
            }
            _ => Ok(()),
        }
    }

    /// The `LeaveEntitlementSet` a `SetEntitlement` records.
    fn entitlement_set(&self, set: SetEntitlement) -> Result<LeaveAccountEvent, LeaveAccountError> {
        self.check_account(set.employee_id, set.year)?;
        check_leave_type(&set.leave_type)?;
        if !(0..=MAX_ENTITLEMENT_DAYS).contains(&set.days) {
            return Err(LeaveAccountError::InvalidDays { days: set.days, max: MAX_ENTITLEMENT_DAYS });
        }
        let balance = self.balance(&set.leave_type);
        let booked = balance.pending + balance.approved;
        if set.days < booked {
            return Err(LeaveAccountError::EntitlementBelowBooked { days: set.days, booked });
        }
        Ok(LeaveAccountEvent::LeaveEntitlementSet(LeaveEntitlementSet {
            employee_id: set.employee_id.to_string(),
            year: set.year,
            leave_type: set.leave_type,
            days: set.days,
            previous_days: balance.entitled,
        }))
    }

    /// The `LeaveRequested` a `Request` records, once the request fits the year, the other
    /// requests and the balance.
    fn requested(&self, request: RequestLeave) -> Result<LeaveAccountEvent, LeaveAccountError> {
        use LeaveAccountError as E;
        self.check_account(request.employee_id, request.year)?;
        check_leave_type(&request.leave_type)?;
        if let Some(note) = &request.note {
            check_field("note", note, MAX_REASON_CHARS)?;
        }
        let request_id = request.request_id.to_string();
        if self.request(&request_id).is_some() {
            return Err(E::RequestExists { request_id });
        }
        let (start_date, end_date) = (request.start_date, request.end_date);
        if end_date < start_date {
            return Err(E::EndBeforeStart { start_date, end_date });
        }
        for (field, date) in [("start_date", start_date), ("end_date", end_date)] {
            if date.year() != request.year {
                return Err(E::OutsideYear { field, date, year: request.year });
            }
        }
        let days = working_days(start_date, end_date);
        if days == 0 {
            return Err(E::NoWorkingDays { start_date, end_date });
        }
        let booked = self.requests().iter().filter(|other| other.status.is_booked());
        if let Some(other) = booked.clone().find(|other| other.start_date <= end_date && start_date <= other.end_date) {
            let (start_date, end_date) = (other.start_date, other.end_date);
            return Err(E::Overlap { request_id: other.request_id.clone(), start_date, end_date });
        }
        let balance = self.balance(&request.leave_type);
        if let (Some(entitled), Some(remaining)) = (balance.entitled, balance.remaining()) {
            if days > remaining {
                return Err(E::InsufficientBalance { requested: days, remaining, entitled });
            }
        }
        if self.requests().len() >= MAX_REQUESTS {
            return Err(E::TooManyRequests { max: MAX_REQUESTS });
        }
        Ok(LeaveAccountEvent::LeaveRequested(LeaveRequested {
            employee_id: request.employee_id.to_string(),
            year: request.year,
            request_id,
            leave_type: request.leave_type,
            start_date,
            end_date,
            working_days: days,
            note: request.note,
        }))
    }

    /// The account and request `request_id`, or why there is none.
    fn find(&self, request_id: Uuid) -> Result<(&Account, &LeaveRequest), LeaveAccountError> {
        let request_id = request_id.to_string();
        self.account
            .as_ref()
            .and_then(|account| Some((account, account.requests.iter().find(|r| r.request_id == request_id)?)))
            .ok_or(LeaveAccountError::RequestNotFound { request_id })
    }

    /// The account and pending request `request_id`, or why there is none.
    fn pending(&self, request_id: Uuid) -> Result<(&Account, &LeaveRequest), LeaveAccountError> {
        let (account, request) = self.find(request_id)?;
        if request.status != LeaveStatus::Pending {
            let request_id = request.request_id.clone();
            return Err(LeaveAccountError::NotPending { request_id, status: request.status.as_str() });
        }
        Ok((account, request))
    }

    /// The `LeaveCancelled` a `Cancel` records: of a pending request, or an approved one
    /// before its first day.
    fn cancelled(&self, cancel: CancelLeave) -> Result<LeaveAccountEvent, LeaveAccountError> {
        let (account, request) = self.find(cancel.request_id)?;
        let request_id = request.request_id.clone();
        match request.status {
            LeaveStatus::Rejected | LeaveStatus::Cancelled => {
                return Err(LeaveAccountError::AlreadyClosed { request_id, status: request.status.as_str() });
            }
            LeaveStatus::Approved if request.start_date <= cancel.cancelled_on => {
                let (start_date, cancelled_on) = (request.start_date, cancel.cancelled_on);
                return Err(LeaveAccountError::AlreadyStarted { request_id, start_date, cancelled_on });
            }
            LeaveStatus::Pending | LeaveStatus::Approved => {}
        }
        Ok(LeaveAccountEvent::LeaveCancelled(LeaveCancelled {
            employee_id: account.employee_id.clone(),
            year: account.year,
            request_id,
            leave_type: request.leave_type.clone(),
            working_days: request.working_days,
            was_approved: request.status == LeaveStatus::Approved,
            cancelled_on: cancel.cancelled_on,
        }))
    }

    /// The account, opened for `employee_id` and `year` by its first event.
    fn account_mut(&mut self, employee_id: &str, year: i32) -> &mut Account {
        self.account.get_or_insert_with(|| Account {
            employee_id: employee_id.to_owned(),
            year,
            entitlements: BTreeMap::new(),
            requests: Vec::new(),
        })
    }

    /// Moves request `request_id` to `status`.
    fn set_status(&mut self, request_id: &str, status: LeaveStatus) {
        let request = self.account.as_mut().and_then(|a| a.requests.iter_mut().find(|r| r.request_id == request_id));
        debug_assert!(request.is_some(), "leave request {request_id} decided before it was requested");
        if let Some(request) = request {
            request.status = status;
        }
    }
}

/// Refuses a leave type not in [`LEAVE_TYPES`].
fn check_leave_type(leave_type: &str) -> Result<(), LeaveAccountError> {
    if LEAVE_TYPES.contains(&leave_type) {
        Ok(())
    } else {
        Err(LeaveAccountError::UnknownLeaveType { leave_type: leave_type.to_owned() })
    }
}

impl Aggregate for LeaveAccount {
    const TYPE: &'static str = "hr.leave_account";
    type Command = LeaveAccountCommand;
    type Event = LeaveAccountEvent;
    type Error = LeaveAccountError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            LeaveAccountEvent::LeaveEntitlementSet(set) => {
                self.account_mut(&set.employee_id, set.year).entitlements.insert(set.leave_type, set.days);
            }
            LeaveAccountEvent::LeaveRequested(requested) => {
                self.account_mut(&requested.employee_id, requested.year).requests.push(LeaveRequest {
                    request_id: requested.request_id,
                    leave_type: requested.leave_type,
                    start_date: requested.start_date,
                    end_date: requested.end_date,
                    working_days: requested.working_days,
                    status: LeaveStatus::Pending,
                });
            }
            LeaveAccountEvent::LeaveApproved(approved) => self.set_status(&approved.request_id, LeaveStatus::Approved),
            LeaveAccountEvent::LeaveRejected(rejected) => self.set_status(&rejected.request_id, LeaveStatus::Rejected),
            LeaveAccountEvent::LeaveCancelled(cancelled) => {
                self.set_status(&cancelled.request_id, LeaveStatus::Cancelled);
            }
        }
    }
}
