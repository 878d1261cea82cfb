//! Why a work-order command was refused: one variant per rule, each naming the JSON path of
//! the input at fault (`None` when the order's status forbids the command), a stable machine
//! code and its class: 422 invalid input, 404 no such order, 409 its status forbids the
//! command, 503 reference data unreadable.

use super::WorkOrderStatus;
use crate::production::input::InputError;
use crate::refusal::{Refusal, RefusalKind};
use crate::supply::catalog::CatalogError;

/// A work-order command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkOrderError {
    /// `Plan` on a work order that already exists.
    #[error("work order already exists")]
    AlreadyExists,
    /// Any command but `Plan` on a work order never planned.
    #[error("work order not found")]
    NotFound,
    /// The order's status forbids the command.
    #[error("work order is {status}: {command} needs it {needs}")]
    WrongStatus {
        /// Its status.
        status: WorkOrderStatus,
        /// The command refused: `release`, `start`, `complete` or `scrap`.
        command: &'static str,
        /// The status or statuses the command needs.
        needs: &'static str,
    },
    /// The item has no bill of materials, or not that version.
    #[error("item {sku} has no bill of materials{}", version.map(|v| format!(" version {v}")).unwrap_or_default())]
    BomNotFound {
        /// The item.
        sku: String,
        /// The version asked for.
        version: Option<i32>,
    },
    /// A component's requirement is beyond what a quantity may be.
    #[error("the requirement of component {component_sku} is too large")]
    RequirementTooLarge {
        /// The component.
        component_sku: String,
    },
    /// A bill of materials could not be read.
    #[error("a bill of materials could not be read: {reason}")]
    Unavailable {
        /// Why.
        reason: String,
    },
    /// An item or location the catalog refuses.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// A text or quantity input breaks its rule.
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Refusal for WorkOrderError {
    fn field(&self) -> Option<String> {
        use WorkOrderError as E;
        let path = match self {
            E::NotFound | E::WrongStatus { .. } | E::Unavailable { .. } => return None,
            E::Catalog(catalog) => return catalog.field(),
            E::Input(input) => return input.field(),
            E::AlreadyExists => "work_order_id",
            E::BomNotFound { version: Some(_), .. } => "bom_version",
            E::BomNotFound { version: None, .. } => "sku",
            E::RequirementTooLarge { .. } => "quantity",
        };
        Some(path.to_owned())
    }

    fn code(&self) -> &'static str {
        use WorkOrderError as E;
        match self {
            E::AlreadyExists => "work_order_exists",
            E::NotFound => "work_order_not_found",
            E::WrongStatus { .. } => "wrong_status",
            E::BomNotFound { .. } => "bom_not_found",
            E::RequirementTooLarge { .. } => "requirement_too_large",
            E::Unavailable { .. } => "bom_unavailable",
            E::Catalog(catalog) => catalog.code(),
            E::Input(input) => input.code(),
        }
    }

    fn kind(&self) -> RefusalKind {
        use WorkOrderError as E;
        match self {
            E::NotFound => RefusalKind::NotFound,
            E::AlreadyExists | E::WrongStatus { .. } => RefusalKind::Conflict,
            E::Unavailable { .. } => RefusalKind::Unavailable,
            E::Catalog(catalog) => catalog.kind(),
            E::Input(input) => input.kind(),
            E::BomNotFound { .. } | E::RequirementTooLarge { .. } => RefusalKind::Invalid,
        }
    }
}
