//! Commands to the locations. They carry raw inputs (strings, optional values) so that every
//! rule is decided, and reported with its field, in `handle`.

use serde::{Deserialize, Serialize};

/// A request to change the tenant's locations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum LocationsCommand {
    /// Open a new warehouse, zone or bin.
    OpenLocation(OpenLocation),
    /// Change an open location's display name.
    RenameLocation {
        /// Code of an open location.
        code: String,
        /// The new name; non-blank, at most `MAX_NAME_CHARS` characters, not the current one.
        name: String,
    },
    /// Close a location for good; only once every child of it is closed.
    CloseLocation {
        /// Code of an open location.
        code: String,
    },
}

/// Open a location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenLocation {
    /// Location code, not yet used (closed locations included): 1–`MAX_CODE_CHARS` characters of
    /// `A`–`Z`, `0`–`9`, `-`, `.` and `_`, starting with a letter or digit.
    pub code: String,
    /// Display name; non-blank, at most `MAX_NAME_CHARS` characters.
    pub name: String,
    /// `warehouse`, `zone` or `bin`.
    pub kind: String,
    /// Code of the open location it sits in: a warehouse for a zone, a zone for a bin; absent
    /// for a warehouse.
    #[serde(default)]
    pub parent: Option<String>,
}
