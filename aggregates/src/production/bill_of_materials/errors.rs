//! Why a bill-of-materials command was refused: one variant per rule, each naming the JSON
//! path of the input at fault, a stable machine code and its class: 422 invalid input, 503
//! reference data unreadable.

use crate::production::input::InputError;
use crate::refusal::{Refusal, RefusalKind};
use crate::supply::catalog::CatalogError;

/// A bill-of-materials command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BomError {
    /// No lines, or more than `MAX_LINES`.
    #[error("a bill of materials has 1 to {max} lines, not {lines}")]
    LineCount {
        /// Lines given.
        lines: usize,
        /// Most lines allowed.
        max: usize,
    },
    /// The same component on two lines.
    #[error("{field}: component {sku} is on an earlier line")]
    DuplicateComponent {
        /// `lines[i].component_sku` of the later line.
        field: String,
        /// The component.
        sku: String,
    },
    /// A component is the item or reaches it through the components' bills.
    #[error("{field}: the item would contain itself: {}", path.join(" → "))]
    Cycle {
        /// `lines[i].component_sku` of the line that closes the cycle.
        field: String,
        /// The SKUs from the item down to the item again.
        path: Vec<String>,
    },
    /// The levels below a component go deeper than allowed, or too many bills to walk.
    #[error("{field}: the levels below it go beyond {limit} (levels or bills read)")]
    TooDeep {
        /// `lines[i].component_sku` of the line.
        field: String,
        /// The limit reached.
        limit: usize,
    },
    /// A bill of materials could not be read.
    #[error("a bill of materials could not be read: {reason}")]
    Unavailable {
        /// Why.
        reason: String,
    },
    /// An item the catalog refuses.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// A text or quantity input breaks its rule.
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Refusal for BomError {
    fn field(&self) -> Option<String> {
        use BomError as E;
        match self {
            E::LineCount { .. } => Some("lines".to_owned()),
            E::DuplicateComponent { field, .. } | E::Cycle { field, .. } | E::TooDeep { field, .. } => {
                Some(field.clone())
            }
            E::Unavailable { .. } => None,
            E::Catalog(catalog) => catalog.field(),
            E::Input(input) => input.field(),
        }
    }

    fn code(&self) -> &'static str {
        use BomError as E;
        match self {
            E::LineCount { .. } => "line_count",
            E::DuplicateComponent { .. } => "duplicate_component",
            E::Cycle { .. } => "bom_cycle",
            E::TooDeep { .. } => "bom_too_deep",
            E::Unavailable { .. } => "bom_unavailable",
            E::Catalog(catalog) => catalog.code(),
            E::Input(input) => input.code(),
        }
    }

    fn kind(&self) -> RefusalKind {
        use BomError as E;
        match self {
            E::Unavailable { .. } => RefusalKind::Unavailable,
            E::Catalog(catalog) => catalog.kind(),
            E::Input(input) => input.kind(),
            E::LineCount { .. } | E::DuplicateComponent { .. } | E::Cycle { .. } | E::TooDeep { .. } => {
                RefusalKind::Invalid
            }
        }
    }
}
