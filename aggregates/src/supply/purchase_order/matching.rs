//! The three-way match of a vendor's bill: for every order line, the quantity ordered, the
//! quantity received and the quantity billed so far (this bill included), and the price
//! ordered against the price billed. A bill is always recorded; what does not match is
//! flagged ([`Mismatch`]) for accounts payable to resolve.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::aggregate::PurchaseOrderLine;
use super::events::BilledLine;

/// One way an order line fails the three-way match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mismatch {
    /// Less was received than ordered.
    ReceivedShort,
    /// More was billed than received.
    BilledOverReceived,
    /// Less was billed than received.
    BilledUnderReceived,
    /// The bill's unit price is not the order's.
    PriceDiffers,
}

impl Mismatch {
    /// The snake-case name, as on the wire: `"received_short"`, `"price_differs"`…
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Mismatch::ReceivedShort => "received_short",
            Mismatch::BilledOverReceived => "billed_over_received",
            Mismatch::BilledUnderReceived => "billed_under_received",
            Mismatch::PriceDiffers => "price_differs",
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The three-way match of one order line, quantities in thousandths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineMatch {
    /// The order line's 1-based `line_no`.
    pub line_no: i32,
    /// The line's SKU.
    pub sku: String,
    /// Quantity ordered.
    pub ordered_milli: i64,
    /// Quantity received.
    pub received_milli: i64,
    /// Quantity billed, by every bill so far including this one.
    pub billed_milli: i64,
    /// Unit price ordered, minor units.
    pub ordered_unit_price_minor: i64,
    /// Unit price on this bill, minor units; `None` when this bill does not bill the line.
    pub billed_unit_price_minor: Option<i64>,
    /// What does not match, in [`Mismatch`] order; empty when the line matches.
    pub mismatches: Vec<Mismatch>,
}

/// The match of every order line in `lines` once `bill` is billed too.
pub(super) fn three_way_match(lines: &[PurchaseOrderLine], bill: &[BilledLine]) -> Vec<LineMatch> {
    lines
        .iter()
        .map(|line| {
            let billed = bill.iter().find(|billed| billed.line_no == line.line_no);
            let billed_milli = line.billed_milli + billed.map_or(0, |billed| billed.quantity_milli);
            let billed_unit_price_minor = billed.map(|billed| billed.unit_price_minor);
            let mismatches = [
                (line.received_milli < line.ordered_milli, Mismatch::ReceivedShort),
                (billed_milli > line.received_milli, Mismatch::BilledOverReceived),
                (billed_milli < line.received_milli, Mismatch::BilledUnderReceived),
                (billed_unit_price_minor.is_some_and(|price| price != line.unit_price_minor), Mismatch::PriceDiffers),
            ]
            .into_iter()
            .filter_map(|(applies, mismatch)| applies.then_some(mismatch))
            .collect();
            LineMatch {
                line_no: line.line_no,
                sku: line.sku.clone(),
                ordered_milli: line.ordered_milli,
                received_milli: line.received_milli,
                billed_milli,
                ordered_unit_price_minor: line.unit_price_minor,
                billed_unit_price_minor,
                mismatches,
            }
        })
        .collect()
}
