//! Commands to the chart of accounts. They carry raw inputs (strings, optional values) so
//! that every rule is decided, and reported with its field, in `handle`.

use serde::{Deserialize, Serialize};

/// A request to change the chart of accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ChartCommand {
    /// Add an account to the chart.
    OpenAccount(OpenAccount),
    /// Change an account's display name.
    RenameAccount {
        /// Code of an account in the chart.
        code: String,
        /// The new name; non-blank, at most `MAX_NAME_CHARS` characters, not the current one.
        name: String,
    },
    /// Stop an account taking postings; a header only once all its children are archived.
    ArchiveAccount {
        /// Code of an active account in the chart.
        code: String,
    },
    /// Let an archived account take postings again; its parent must be active.
    ReactivateAccount {
        /// Code of an archived account in the chart.
        code: String,
    },
    /// Open every account of [`super::DEFAULT_CHART`], parents first; only into an empty chart.
    LoadDefaultChart,
}

/// Open a new account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenAccount {
    /// Account code; a valid [`crate::finance::account::AccountCode`] not yet in the chart.
    pub code: String,
    /// Display name; non-blank, at most `MAX_NAME_CHARS` characters.
    pub name: String,
    /// `asset`, `liability`, `equity`, `income` or `expense`.
    pub account_type: String,
    /// Code of an active header account of the same type to roll up into.
    #[serde(default)]
    pub parent: Option<String>,
    /// Whether the account only groups others (and takes no postings).
    #[serde(default)]
    pub header: bool,
    /// ISO-4217 code when the account takes only that currency; absent: any currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// Whether the account is cash or a cash equivalent; only asset accounts can be.
    #[serde(default)]
    pub cash: bool,
}
