//! Why an organisation command was refused.
//!
//! [`OrganizationError`] has one precise variant per rule, each naming the command input at
//! fault ([`Refusal::field`]: `unit_id`, `name`, `kind`, `parent`; `None` when the unit's
//! state rather than an input forbids the command), a stable machine code ([`Refusal::code`])
//! and its class ([`Refusal::kind`]), so the HTTP layer maps it once (422 / 404 / 409).

use super::UnitKind;
use crate::hierarchy::Refused;
use crate::refusal::{Refusal, RefusalKind};

/// Why a string is not a unit id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitIdError {
    /// The id is empty.
    #[error("unit_id is empty")]
    Empty,
    /// The id is longer than `MAX_UNIT_ID_CHARS`.
    #[error("unit_id has {chars} characters; at most {max} are allowed")]
    TooLong {
        /// Length of the input in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A character other than `a`–`z`, `0`–`9`, `-` and `_` (uppercase letters included).
    #[error("unit_id contains {found:?} at position {position}; only a-z, 0-9, - and _ are allowed")]
    InvalidCharacter {
        /// The offending character.
        found: char,
        /// Its 0-based character position.
        position: usize,
    },
}

/// An organisation command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganizationError {
    /// The id of the unit to add is not a valid unit id.
    #[error("{reason}")]
    InvalidUnitId {
        /// Which unit-id rule failed.
        reason: UnitIdError,
    },
    /// A unit with this id exists already (closed ones included).
    #[error("unit {unit_id} already exists")]
    UnitExists {
        /// The id asked for.
        unit_id: String,
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
    /// A rename to the name the unit already has.
    #[error("unit {unit_id} is already named {name:?}; nothing to change")]
    NameUnchanged {
        /// The unit.
        unit_id: String,
        /// Its current (and requested) name.
        name: String,
    },
    /// The kind is not one of the three.
    #[error("kind {kind:?} is not one of company, department, team")]
    InvalidKind {
        /// The kind given.
        kind: String,
    },
    /// A department or team without a parent.
    #[error("a {kind} needs a parent {expected}")]
    ParentRequired {
        /// The kind of the unit.
        kind: UnitKind,
        /// The kind its parent must have.
        expected: UnitKind,
    },
    /// A company given a parent: companies are the top of the hierarchy.
    #[error("a company has no parent")]
    ParentNotAllowed,
    /// The parent is not among the tenant's units.
    #[error("parent {parent} is not an organisation unit")]
    ParentNotFound {
        /// The parent id given.
        parent: String,
    },
    /// The parent is of the wrong kind: a department sits under a company, a team under a
    /// department.
    #[error("parent {parent} is a {parent_kind}; a {kind} sits under a {expected}")]
    ParentKindMismatch {
        /// The parent id given.
        parent: String,
        /// The parent's kind.
        parent_kind: UnitKind,
        /// The kind of the unit.
        kind: UnitKind,
        /// The kind its parent must have.
        expected: UnitKind,
    },
    /// The parent is closed.
    #[error("parent {parent} is closed")]
    ParentClosed {
        /// The parent id given.
        parent: String,
    },
    /// A move to the parent the unit already sits under.
    #[error("unit {unit_id} already sits under {parent}; nothing to change")]
    ParentUnchanged {
        /// The unit.
        unit_id: String,
        /// Its current (and requested) parent.
        parent: String,
    },
    /// The tenant already has the most units allowed.
    #[error("there are already {max} organisation units, the most allowed")]
    TooManyUnits {
        /// The limit.
        max: usize,
    },
    /// The unit addressed is not among the tenant's units.
    #[error("unit {unit_id} does not exist")]
    UnitNotFound {
        /// The id given.
        unit_id: String,
    },
    /// The unit addressed is closed: it takes no change.
    #[error("unit {unit_id} is closed")]
    UnitClosed {
        /// The unit.
        unit_id: String,
    },
    /// Closing a unit that still has open units under it.
    #[error("unit {unit_id} has open units {} under it; close them first", .children.join(", "))]
    HasOpenChildren {
        /// The unit.
        unit_id: String,
        /// Ids of the open units directly under it, in id order.
        children: Vec<String>,
    },
}

impl From<Refused<UnitKind>> for OrganizationError {
    fn from(refused: Refused<UnitKind>) -> Self {
        match refused {
            Refused::Exists { id } => Self::UnitExists { unit_id: id },
            Refused::Full { max } => Self::TooManyUnits { max },
            Refused::NotFound { id } => Self::UnitNotFound { unit_id: id },
            Refused::Closed { id } => Self::UnitClosed { unit_id: id },
            Refused::NameUnchanged { id, name } => Self::NameUnchanged { unit_id: id, name },
            Refused::ParentRequired { kind, expected } => Self::ParentRequired { kind, expected },
            Refused::ParentNotAllowed => Self::ParentNotAllowed,
            Refused::ParentNotFound { parent } => Self::ParentNotFound { parent },
            Refused::ParentKindMismatch { parent, parent_kind, kind, expected } => {
                Self::ParentKindMismatch { parent, parent_kind, kind, expected }
            }
            Refused::ParentClosed { parent } => Self::ParentClosed { parent },
            Refused::HasOpenChildren { id, children } => Self::HasOpenChildren { unit_id: id, children },
        }
    }
}

impl Refusal for OrganizationError {
    fn field(&self) -> Option<String> {
        use OrganizationError as E;
        let field = match self {
            E::InvalidUnitId { .. } | E::UnitExists { .. } | E::UnitNotFound { .. } => "unit_id",
            E::NameBlank | E::NameTooLong { .. } | E::NameUnchanged { .. } => "name",
            E::InvalidKind { .. } => "kind",
            E::ParentRequired { .. }
            | E::ParentNotAllowed
            | E::ParentNotFound { .. }
            | E::ParentKindMismatch { .. }
            | E::ParentClosed { .. }
            | E::ParentUnchanged { .. } => "parent",
            E::TooManyUnits { .. } | E::UnitClosed { .. } | E::HasOpenChildren { .. } => return None,
        };
        Some(field.to_owned())
    }

    fn code(&self) -> &'static str {
        use OrganizationError as E;
        match self {
            E::InvalidUnitId { .. } => "invalid_unit_id",
            E::UnitExists { .. } => "unit_exists",
            E::NameBlank => "name_blank",
            E::NameTooLong { .. } => "name_too_long",
            E::NameUnchanged { .. } => "name_unchanged",
            E::InvalidKind { .. } => "invalid_kind",
            E::ParentRequired { .. } => "parent_required",
            E::ParentNotAllowed => "parent_not_allowed",
            E::ParentNotFound { .. } => "parent_not_found",
            E::ParentKindMismatch { .. } => "parent_kind_mismatch",
            E::ParentClosed { .. } => "parent_closed",
            E::ParentUnchanged { .. } => "parent_unchanged",
            E::TooManyUnits { .. } => "too_many_units",
            E::UnitNotFound { .. } => "unit_not_found",
            E::UnitClosed { .. } => "unit_closed",
            E::HasOpenChildren { .. } => "has_open_children",
        }
    }

    fn kind(&self) -> RefusalKind {
        use OrganizationError as E;
        match self {
            E::UnitNotFound { .. } => RefusalKind::NotFound,
            E::UnitExists { .. } | E::UnitClosed { .. } | E::HasOpenChildren { .. } => RefusalKind::Conflict,
            E::InvalidUnitId { .. }
            | E::NameBlank
            | E::NameTooLong { .. }
            | E::NameUnchanged { .. }
            | E::InvalidKind { .. }
            | E::ParentRequired { .. }
            | E::ParentNotAllowed
            | E::ParentNotFound { .. }
            | E::ParentKindMismatch { .. }
            | E::ParentClosed { .. }
            | E::ParentUnchanged { .. }
            | E::TooManyUnits { .. } => RefusalKind::Invalid,
        }
    }
}
