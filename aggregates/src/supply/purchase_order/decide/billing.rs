//! Deciding `RecordBill`: the vendor's bill, once goods have been received, recorded with its
//! three-way match ([`three_way_match`]); mismatches are flagged, never refused. The same bill
//! (invoice id) again records nothing.

use uuid::Uuid;

use super::require;
use crate::supply::order_lines::{line_indexes, priced, total_minor, OrderInputError};
use crate::supply::purchase_order::aggregate::{Order, PurchaseOrder};
use crate::supply::purchase_order::commands::{BillLineInput, RecordBill};
use crate::supply::purchase_order::errors::PurchaseOrderError;
use crate::supply::purchase_order::events::{BilledLine, PurchaseOrderBilled};
use crate::supply::purchase_order::matching::three_way_match;
use crate::supply::purchase_order::status::PurchaseOrderStatus;

impl PurchaseOrder {
    pub(super) fn decide_bill(&self, bill: RecordBill) -> Result<Option<PurchaseOrderBilled>, PurchaseOrderError> {
        let order = self.drafted()?;
        let Ok(invoice_id) = Uuid::parse_str(&bill.invoice_id).map(|uuid| uuid.to_string()) else {
            return Err(PurchaseOrderError::InvalidInvoiceId { invoice_id: bill.invoice_id });
        };
        if order.bills.contains_key(&invoice_id) {
            return Ok(None);
        }
        let order = self.active()?;
        let billable =
            [PurchaseOrderStatus::PartiallyReceived, PurchaseOrderStatus::Received, PurchaseOrderStatus::Billed];
        require(order, "record a bill", &billable)?;
        let lines = billed_lines(order, &bill.lines)?;
        let bill_total_minor = total_minor(lines.iter().map(|line| line.net_minor))?;
        let matches = three_way_match(&order.lines, &lines);
        Ok(Some(PurchaseOrderBilled {
            order_id: order.order_id.clone(),
            invoice_id,
            lines,
            bill_total_minor,
            matched: matches.iter().all(|line| line.mismatches.is_empty()),
            matches,
        }))
    }
}

/// The bill's lines checked against the order: line numbers, then each quantity, unit price
/// and net.
fn billed_lines(order: &Order, inputs: &[BillLineInput]) -> Result<Vec<BilledLine>, OrderInputError> {
    let indexes = line_indexes(inputs.iter().map(|input| input.line_no), order.lines.len())?;
    inputs
        .iter()
        .zip(indexes)
        .enumerate()
        .map(|(line, (input, index))| {
            let (quantity_milli, unit_price_minor, net_minor) = priced(line, &input.quantity, input.unit_price_minor)?;
            let order_line = &order.lines[index];
            Ok(BilledLine {
                line_no: order_line.line_no,
                sku: order_line.sku.clone(),
                quantity_milli,
                unit_price_minor,
                net_minor,
            })
        })
        .collect()
}
