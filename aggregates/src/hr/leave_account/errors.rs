//! Why a leave account command was refused: one variant per rule, each naming the JSON path of
//! the input at fault, a stable machine code and its class (422, 404, 409).

use chrono::NaiveDate;

use crate::crm::input::InputError;
use crate::refusal::{Refusal, RefusalKind};

/// A leave account command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeaveAccountError {
    /// A year out of range.
    #[error("year {year} is not between 2000 and 2100")]
    InvalidYear {
        /// The year given.
        year: i32,
    },
    /// A command for another employee or year than the account's.
    #[error("this leave account is another employee's or year's")]
    WrongAccount,
    /// A leave type not in the catalogue.
    #[error("leave type {leave_type:?} is not one of annual, sick, unpaid, parental, compassionate")]
    UnknownLeaveType {
        /// The type given.
        leave_type: String,
    },
    /// An entitlement out of range.
    #[error("an entitlement is 0 to {max} days; {days} given")]
    InvalidDays {
        /// The days given.
        days: i32,
        /// Days allowed.
        max: i32,
    },
    /// An entitlement below what is already pending or approved.
    #[error("{booked} days of this type are pending or approved; the entitlement cannot be {days}")]
    EntitlementBelowBooked {
        /// The days given.
        days: i32,
        /// Pending and approved days.
        booked: i32,
    },
    /// A request id already in the account.
    #[error("leave request {request_id} already exists")]
    RequestExists {
        /// The request.
        request_id: String,
    },
    /// A request that ends before it starts.
    #[error("end_date {end_date} is before start_date {start_date}")]
    EndBeforeStart {
        /// The first day given.
        start_date: NaiveDate,
        /// The last day given.
        end_date: NaiveDate,
    },
    /// A date outside the account's year.
    #[error("{field} {date} is not in {year}")]
    OutsideYear {
        /// `start_date` or `end_date`.
        field: &'static str,
        /// The date given.
        date: NaiveDate,
        /// The account's year.
        year: i32,
    },
    /// A request of weekend days only.
    #[error("no working day (Monday to Friday) from {start_date} to {end_date}")]
    NoWorkingDays {
        /// The first day given.
        start_date: NaiveDate,
        /// The last day given.
        end_date: NaiveDate,
    },
    /// Days overlapping a pending or approved request.
    #[error("the days overlap leave request {request_id} ({start_date} to {end_date})")]
    Overlap {
        /// The request overlapped.
        request_id: String,
        /// Its first day.
        start_date: NaiveDate,
        /// Its last day.
        end_date: NaiveDate,
    },
    /// More days than remain of the type's entitlement.
    #[error("{requested} working days requested, {remaining} remain of the {entitled} entitled")]
    InsufficientBalance {
        /// Working days of the request.
        requested: i32,
        /// Entitled less pending and approved.
        remaining: i32,
        /// The entitlement.
        entitled: i32,
    },
    /// Too many requests in one account.
    #[error("a leave account holds at most {max} requests")]
    TooManyRequests {
        /// Requests allowed.
        max: usize,
    },
    /// A request id not in the account.
    #[error("leave request {request_id} not found")]
    RequestNotFound {
        /// The request.
        request_id: String,
    },
    /// Approving or rejecting a request that is no longer pending.
    #[error("leave request {request_id} is {status}, not pending")]
    NotPending {
        /// The request.
        request_id: String,
        /// Its status.
        status: &'static str,
    },
    /// Cancelling a rejected or cancelled request.
    #[error("leave request {request_id} is already {status}")]
    AlreadyClosed {
        /// The request.
        request_id: String,
        /// Its status.
        status: &'static str,
    },
    /// Cancelling an approved request on or after its first day.
    #[error("approved leave request {request_id} started on {start_date}; it cannot be cancelled on {cancelled_on}")]
    AlreadyStarted {
        /// The request.
        request_id: String,
        /// Its first day.
        start_date: NaiveDate,
        /// The day of the cancellation.
        cancelled_on: NaiveDate,
    },
    /// A note or reason that is blank or too long.
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Refusal for LeaveAccountError {
    fn field(&self) -> Option<String> {
        use LeaveAccountError as E;
        let field = match self {
            E::InvalidYear { .. } => "year",
            E::WrongAccount => "employee_id",
            E::UnknownLeaveType { .. } => "leave_type",
            E::InvalidDays { .. } | E::EntitlementBelowBooked { .. } => "days",
            E::RequestExists { .. }
            | E::TooManyRequests { .. }
            | E::RequestNotFound { .. }
            | E::NotPending { .. }
            | E::AlreadyClosed { .. } => "request_id",
            E::EndBeforeStart { .. } | E::NoWorkingDays { .. } | E::InsufficientBalance { .. } => "end_date",
            E::OutsideYear { field, .. } => field,
            E::Overlap { .. } => "start_date",
            E::AlreadyStarted { .. } => "cancelled_on",
            E::Input(input) => return input.field(),
        };
        Some(field.to_owned())
    }

    fn code(&self) -> &'static str {
        use LeaveAccountError as E;
        match self {
            E::InvalidYear { .. } => "invalid_year",
            E::WrongAccount => "wrong_leave_account",
            E::UnknownLeaveType { .. } => "unknown_leave_type",
            E::InvalidDays { .. } => "invalid_days",
            E::EntitlementBelowBooked { .. } => "entitlement_below_booked",
            E::RequestExists { .. } => "leave_request_exists",
            E::EndBeforeStart { .. } => "end_before_start",
            E::OutsideYear { .. } => "outside_year",
            E::NoWorkingDays { .. } => "no_working_days",
            E::Overlap { .. } => "leave_overlap",
            E::InsufficientBalance { .. } => "insufficient_leave_balance",
            E::TooManyRequests { .. } => "too_many_leave_requests",
            E::RequestNotFound { .. } => "leave_request_not_found",
            E::NotPending { .. } => "leave_request_not_pending",
            E::AlreadyClosed { .. } => "leave_request_closed",
            E::AlreadyStarted { .. } => "leave_started",
            E::Input(input) => input.code(),
        }
    }

    fn kind(&self) -> RefusalKind {
        use LeaveAccountError as E;
        match self {
            E::RequestNotFound { .. } => RefusalKind::NotFound,
            E::EntitlementBelowBooked { .. }
            | E::RequestExists { .. }
            | E::Overlap { .. }
            | E::InsufficientBalance { .. }
            | E::TooManyRequests { .. }
            | E::NotPending { .. }
            | E::AlreadyClosed { .. }
            | E::AlreadyStarted { .. } => RefusalKind::Conflict,
            E::InvalidYear { .. }
            | E::WrongAccount
            | E::UnknownLeaveType { .. }
            | E::InvalidDays { .. }
            | E::EndBeforeStart { .. }
            | E::OutsideYear { .. }
            | E::NoWorkingDays { .. } => RefusalKind::Invalid,
            E::Input(input) => input.kind(),
        }
    }
}
