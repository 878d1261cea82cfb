//! Why a locations command was refused.
//!
//! [`LocationsError`] has one precise variant per rule, each naming the command input at fault
//! ([`Refusal::field`]: `code`, `name`, `kind`, `parent`; `None` when the location's state
//! rather than an input forbids the command), a stable machine code ([`Refusal::code`]) and
//! its class ([`Refusal::kind`]), so the HTTP layer maps it once (422 / 404 / 409).

use super::{CodeError, LocationKind};
use crate::hierarchy::Refused;
use crate::refusal::{Refusal, RefusalKind};

/// A locations command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocationsError {
    /// The code of the location to open is not a valid supply code.
    #[error("code {code:?} is invalid: {reason}")]
    InvalidCode {
        /// The code given.
        code: String,
        /// Which code rule failed.
        reason: CodeError,
    },
    /// A location with this code exists already (closed ones included).
    #[error("location {code} already exists")]
    LocationExists {
        /// The code asked for.
        code: String,
    },
    /// The name is empty or only whitespace.
    #[error("name must not be blank")]
    NameBlank,
    /// The name is too long.
    #[error("name has {chars} characters; at most {max} are allowed")]
    NameTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A rename to the name the location already has.
    #[error("location {code} is already named {name:?}; nothing to change")]
    NameUnchanged {
        /// The location.
        code: String,
        /// Its current (and requested) name.
        name: String,
    },
    /// The kind is not one of the three.
    #[error("kind {kind:?} is not one of warehouse, zone, bin")]
    InvalidKind {
        /// The kind given.
        kind: String,
    },
    /// A zone or bin without a parent.
    #[error("a {kind} needs a parent {expected}")]
    ParentRequired {
        /// The kind of the location to open.
        kind: LocationKind,
        /// The kind its parent must have.
        expected: LocationKind,
    },
    /// A warehouse with a parent: warehouses are the top of the hierarchy.
    #[error("a warehouse has no parent")]
    ParentNotAllowed,
    /// The parent is not among the tenant's locations.
    #[error("parent {parent} is not a location")]
    ParentNotFound {
        /// The parent code given.
        parent: String,
    },
    /// The parent is of the wrong kind: a zone sits in a warehouse, a bin in a zone.
    #[error("parent {parent} is a {parent_kind}; a {kind} sits in a {expected}")]
    ParentKindMismatch {
        /// The parent code given.
        parent: String,
        /// The parent's kind.
        parent_kind: LocationKind,
        /// The kind of the location to open.
        kind: LocationKind,
        /// The kind its parent must have.
        expected: LocationKind,
    },
    /// The parent is closed.
    #[error("parent {parent} is closed")]
    ParentClosed {
        /// The parent code given.
        parent: String,
    },
    /// The tenant already has the most locations allowed.
    #[error("there are already {max} locations, the most allowed")]
    TooManyLocations {
        /// The limit.
        max: usize,
    },
    /// The location addressed is not among the tenant's locations.
    #[error("location {code} does not exist")]
    LocationNotFound {
        /// The code given.
        code: String,
    },
    /// The location addressed is closed: it takes no change.
    #[error("location {code} is closed")]
    LocationClosed {
        /// The location.
        code: String,
    },
    /// Closing a location that still has open children.
    #[error("location {code} has open children {}; close them first", .children.join(", "))]
    HasOpenChildren {
        /// The location.
        code: String,
        /// Codes of its open children, in code order.
        children: Vec<String>,
    },
}

impl From<Refused<LocationKind>> for LocationsError {
    fn from(refused: Refused<LocationKind>) -> Self {
        match refused {
            Refused::Exists { id } => Self::LocationExists { code: id },
            Refused::Full { max } => Self::TooManyLocations { max },
            Refused::NotFound { id } => Self::LocationNotFound { code: id },
            Refused::Closed { id } => Self::LocationClosed { code: id },
            Refused::NameUnchanged { id, name } => Self::NameUnchanged { code: id, name },
            Refused::ParentRequired { kind, expected } => Self::ParentRequired { kind, expected },
            Refused::ParentNotAllowed => Self::ParentNotAllowed,
            Refused::ParentNotFound { parent } => Self::ParentNotFound { parent },
            Refused::ParentKindMismatch { parent, parent_kind, kind, expected } => {
                Self::ParentKindMismatch { parent, parent_kind, kind, expected }
            }
            Refused::ParentClosed { parent } => Self::ParentClosed { parent },
            Refused::HasOpenChildren { id, children } => Self::HasOpenChildren { code: id, children },
        }
    }
}

impl Refusal for LocationsError {
    fn field(&self) -> Option<String> {
        use LocationsError as E;
        let field = match self {
            E::InvalidCode { .. } | E::LocationExists { .. } | E::LocationNotFound { .. } => "code",
            E::NameBlank | E::NameTooLong { .. } | E::NameUnchanged { .. } => "name",
            E::InvalidKind { .. } => "kind",
            E::ParentRequired { .. }
            | E::ParentNotAllowed
            | E::ParentNotFound { .. }
            | E::ParentKindMismatch { .. }
            | E::ParentClosed { .. } => "parent",
            E::TooManyLocations { .. } | E::LocationClosed { .. } | E::HasOpenChildren { .. } => return None,
        };
        Some(field.to_owned())
    }

    fn code(&self) -> &'static str {
        use LocationsError as E;
        match self {
            E::InvalidCode { .. } => "invalid_code",
            E::LocationExists { .. } => "location_exists",
            E::NameBlank => "name_blank",
            E::NameTooLong { .. } => "name_too_long",
            E::NameUnchanged { .. } => "name_unchanged",
            E::InvalidKind { .. } => "invalid_kind",
            E::ParentRequired { .. } => "parent_required",
            E::ParentNotAllowed => "parent_not_allowed",
            E::ParentNotFound { .. } => "parent_not_found",
            E::ParentKindMismatch { .. } => "parent_kind_mismatch",
            E::ParentClosed { .. } => "parent_closed",
            E::TooManyLocations { .. } => "too_many_locations",
            E::LocationNotFound { .. } => "location_not_found",
            E::LocationClosed { .. } => "location_closed",
            E::HasOpenChildren { .. } => "has_open_children",
        }
    }

    fn kind(&self) -> RefusalKind {
        use LocationsError as E;
        match self {
            E::LocationNotFound { .. } => RefusalKind::NotFound,
            E::LocationExists { .. } | E::LocationClosed { .. } | E::HasOpenChildren { .. } => RefusalKind::Conflict,
            E::InvalidCode { .. }
            | E::NameBlank
            | E::NameTooLong { .. }
            | E::NameUnchanged { .. }
            | E::InvalidKind { .. }
            | E::ParentRequired { .. }
            | E::ParentNotAllowed
            | E::ParentNotFound { .. }
            | E::ParentKindMismatch { .. }
            | E::ParentClosed { .. }
            | E::TooManyLocations { .. } => RefusalKind::Invalid,
        }
    }
}
