//! Commands to the organisation. They carry raw inputs (strings, optional values) so that
//! every rule is decided, and reported with its field, in `handle`.

use serde::{Deserialize, Serialize};

/// A request to change the tenant's organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum OrganizationCommand {
    /// Add a company, a department or a team.
    AddUnit(AddUnit),
    /// Change an open unit's display name.
    RenameUnit {
        /// Id of an open unit.
        unit_id: String,
        /// The new name; non-blank, at most `MAX_NAME_CHARS` characters, not the current one.
        name: String,
    },
    /// Put a department under another company, or a team under another department.
    MoveUnit {
        /// Id of an open department or team.
        unit_id: String,
        /// Id of the open unit it is to sit under: a company for a department, a department
        /// for a team; not its current parent.
        parent: String,
    },
    /// Close a unit for good; only once every unit under it is closed.
    CloseUnit {
        /// Id of an open unit.
        unit_id: String,
    },
}

/// Add a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddUnit {
    /// Unit id, not yet used (closed units included): 1–`MAX_UNIT_ID_CHARS` characters of
    /// `a`–`z`, `0`–`9`, `-` and `_`.
    pub unit_id: String,
    /// Display name; non-blank, at most `MAX_NAME_CHARS` characters.
    pub name: String,
    /// `company`, `department` or `team`.
    pub kind: String,
    /// Id of the open unit it sits under: a company for a department, a department for a
    /// team; absent for a company.
    #[serde(default)]
    pub parent: Option<String>,
}
