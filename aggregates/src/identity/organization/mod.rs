//! The organisation aggregate: how a tenant's people are organised — companies, the
//! departments of a company and the teams of a department. Users name the unit they belong to
//! (`UserCreated.organization_unit`); the command API checks that it is an open unit here.
//!
//! There is one organisation aggregate per tenant, [`ORGANIZATION_ID`], like the chart of
//! accounts, so every rule of the hierarchy is decided from one history. A company has no
//! parent, a department's parent is a company and a team's parent is a department; since the
//! kinds are layered, a unit can never end up under itself. Units are added, renamed, moved
//! (to another parent of the right kind) and closed — never deleted or reopened, so history
//! always names a known unit. A closed unit takes no change and no new children; a unit is
//! closed only once its children are.
//!
//! Unit ids are slugs: 1–[`MAX_UNIT_ID_CHARS`] characters of `a`–`z`, `0`–`9`, `-` and `_`
//! (`acme`, `finance`, `payables-team`). Every limit below is enforced in
//! [`Organization::decide`] and tested at the limit.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::{Organization, Unit, UnitKind};
pub use commands::{AddUnit, OrganizationCommand};
pub use errors::{OrganizationError, UnitIdError};
pub use events::{
    OrganizationEvent, OrganizationUnitAdded, OrganizationUnitClosed, OrganizationUnitMoved, OrganizationUnitRenamed,
};

/// Id of the one organisation aggregate of a tenant.
pub const ORGANIZATION_ID: &str = "organization";
/// Longest unit id, in characters.
pub const MAX_UNIT_ID_CHARS: usize = 40;
/// Longest unit name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Most units a tenant may have, closed ones included.
pub const MAX_UNITS: usize = 10_000;
