//! Where an invoice is in its life ([`InvoiceStatus`]): draft → issued → partially paid →
//! paid, or issued → void.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where an invoice is in its life: draft → issued → partially paid → paid, or issued → void.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    /// Recorded, posts nothing, can still be issued.
    Draft,
    /// Issued and posted; nothing paid yet.
    Issued,
    /// Issued, with part of the gross total paid.
    PartiallyPaid,
    /// Issued and paid in full.
    Paid,
    /// Issued, then voided: its posting is reversed.
    Void,
}

impl InvoiceStatus {
    /// `"draft"`, `"issued"`, `"partially_paid"`, `"paid"` or `"void"`, as read models store it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "draft",
            InvoiceStatus::Issued => "issued",
            InvoiceStatus::PartiallyPaid => "partially_paid",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Void => "void",
        }
    }
}

impl fmt::Display for InvoiceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
