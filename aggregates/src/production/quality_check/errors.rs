//! Why a quality-check command was refused: one variant per rule, each naming the JSON path of
//! the input at fault, a stable machine code and its class: 422 invalid input, 409 recorded
//! already, 503 reference data unreadable.

use crate::production::input::InputError;
use crate::refusal::{Refusal, RefusalKind};
use crate::supply::catalog::CatalogError;

/// A quality-check command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QualityCheckError {
    /// The check was recorded already.
    #[error("quality check already recorded")]
    AlreadyRecorded,
    /// Neither a work order nor a receipt named.
    #[error("a quality check inspects a work order's output or a receipt: name one")]
    NothingInspected,
    /// A result other than `pass` or `fail`.
    #[error("result {result:?} is not pass or fail")]
    UnknownResult {
        /// The result given.
        result: String,
    },
    /// A failed check without a quarantine location.
    #[error("a failed check names the quarantine location its goods go to")]
    QuarantineRequired,
    /// A passed check with a quarantine location.
    #[error("a passed check leaves its goods where they are: no quarantine location")]
    QuarantineNotAllowed,
    /// The quarantine location is the inspected one.
    #[error("quarantine location {location} is where the goods are")]
    QuarantineIsLocation {
        /// The location.
        location: String,
    },
    /// An item or location the catalog refuses.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// A text or quantity input breaks its rule.
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Refusal for QualityCheckError {
    fn field(&self) -> Option<String> {
        use QualityCheckError as E;
        let path = match self {
            E::Catalog(catalog) => return catalog.field(),
            E::Input(input) => return input.field(),
            E::AlreadyRecorded => "quality_check_id",
            E::NothingInspected => "work_order_id",
            E::UnknownResult { .. } => "result",
            E::QuarantineRequired | E::QuarantineNotAllowed | E::QuarantineIsLocation { .. } => "quarantine_location",
        };
        Some(path.to_owned())
    }

    fn code(&self) -> &'static str {
        use QualityCheckError as E;
        match self {
            E::AlreadyRecorded => "quality_check_recorded",
            E::NothingInspected => "nothing_inspected",
            E::UnknownResult { .. } => "unknown_result",
            E::QuarantineRequired => "quarantine_required",
            E::QuarantineNotAllowed => "quarantine_not_allowed",
            E::QuarantineIsLocation { .. } => "quarantine_is_location",
            E::Catalog(catalog) => catalog.code(),
            E::Input(input) => input.code(),
        }
    }

    fn kind(&self) -> RefusalKind {
        use QualityCheckError as E;
        match self {
            E::AlreadyRecorded => RefusalKind::Conflict,
            E::Catalog(catalog) => catalog.kind(),
            E::Input(input) => input.kind(),
            E::NothingInspected
            | E::UnknownResult { .. }
            | E::QuarantineRequired
            | E::QuarantineNotAllowed
            | E::QuarantineIsLocation { .. } => RefusalKind::Invalid,
        }
    }
}
