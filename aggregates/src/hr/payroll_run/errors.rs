//! Why a payroll run command was refused: one variant per rule, each naming the JSON path of
//! the input at fault, a stable machine code and its class (422, 404, 409).

use crate::money::CurrencyError;
use crate::refusal::{Refusal, RefusalKind};

/// A payroll run command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayrollRunError {
    /// `Draft` of a run that exists.
    #[error("payroll run already exists")]
    AlreadyExists,
    /// `Approve` of a run never drafted.
    #[error("payroll run not found")]
    NotFound,
    /// `Approve` of an approved run.
    #[error("payroll run is already approved")]
    AlreadyApproved,
    /// A period not of the form `YYYY-MM`.
    #[error("period {period:?} is not a month YYYY-MM")]
    InvalidPeriod {
        /// The period given.
        period: String,
    },
    /// The currency is invalid.
    #[error("currency is invalid: {reason}")]
    InvalidCurrency {
        /// Which currency rule failed.
        reason: CurrencyError,
    },
    /// No lines, or more than allowed.
    #[error("a payroll run has 1 to {max} lines; {count} given")]
    LineCount {
        /// Lines given.
        count: usize,
        /// Lines allowed.
        max: usize,
    },
    /// An employee on two lines.
    #[error("employee {employee_id} is on lines {first} and {index}")]
    DuplicateEmployee {
        /// Index of the second line.
        index: usize,
        /// Index of the first.
        first: usize,
        /// The employee.
        employee_id: String,
    },
    /// A gross pay of zero or less.
    #[error("lines[{index}].gross_minor {gross_minor} is not positive")]
    InvalidGross {
        /// Index of the line.
        index: usize,
        /// The amount given.
        gross_minor: i64,
    },
    /// The total does not fit in 64 bits.
    #[error("the total of the lines overflows")]
    TotalOverflow,
}

impl Refusal for PayrollRunError {
    fn field(&self) -> Option<String> {
        use PayrollRunError as E;
        match self {
            E::NotFound | E::AlreadyApproved => None,
            E::AlreadyExists => Some("payroll_run_id".to_owned()),
            E::InvalidPeriod { .. } => Some("period".to_owned()),
            E::InvalidCurrency { .. } => Some("currency".to_owned()),
            E::LineCount { .. } | E::TotalOverflow => Some("lines".to_owned()),
            E::DuplicateEmployee { index, .. } => Some(format!("lines[{index}].employee_id")),
            E::InvalidGross { index, .. } => Some(format!("lines[{index}].gross_minor")),
        }
    }

    fn code(&self) -> &'static str {
        use PayrollRunError as E;
        match self {
            E::AlreadyExists => "payroll_run_exists",
            E::NotFound => "payroll_run_not_found",
            E::AlreadyApproved => "payroll_run_approved",
            E::InvalidPeriod { .. } => "invalid_period",
            E::InvalidCurrency { .. } => "invalid_currency",
            E::LineCount { .. } => "line_count",
            E::DuplicateEmployee { .. } => "duplicate_employee",
            E::InvalidGross { .. } => "invalid_gross",
            E::TotalOverflow => "total_overflow",
        }
    }

    fn kind(&self) -> RefusalKind {
        use PayrollRunError as E;
        match self {
            E::NotFound => RefusalKind::NotFound,
            E::AlreadyExists | E::AlreadyApproved => RefusalKind::Conflict,
            E::InvalidPeriod { .. }
            | E::InvalidCurrency { .. }
            | E::LineCount { .. }
            | E::DuplicateEmployee { .. }
            | E::InvalidGross { .. }
            | E::TotalOverflow => RefusalKind::Invalid,
        }
    }
}
