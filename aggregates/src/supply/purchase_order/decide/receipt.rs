//! Deciding `RecordReceipt`: goods arrive at a location against an approved or partially
//! received order, at most what is still to receive on each line; the same receipt id again
//! records nothing.

use super::require;
use crate::supply::order_lines::{check_field, line_quantities, MAX_ID_CHARS};
use crate::supply::purchase_order::aggregate::PurchaseOrder;
use crate::supply::purchase_order::commands::RecordReceipt;
use crate::supply::purchase_order::errors::PurchaseOrderError;
use crate::supply::purchase_order::events::GoodsReceived;
use crate::supply::purchase_order::status::PurchaseOrderStatus;

impl PurchaseOrder {
    pub(super) fn decide_receipt(&self, receipt: RecordReceipt) -> Result<Option<GoodsReceived>, PurchaseOrderError> {
        let order = self.drafted()?;
        if order.receipts.contains(&receipt.receipt_id) {
            return Ok(None);
        }
        let order = self.active()?;
        let receiving = [PurchaseOrderStatus::Approved, PurchaseOrderStatus::PartiallyReceived];
        require(order, "record a receipt", &receiving)?;
        check_field(&receipt.receipt_id, MAX_ID_CHARS, "receipt_id")?;
        check_field(&receipt.location, MAX_ID_CHARS, "location")?;
        let lines = line_quantities(&receipt.lines, &order.lines, |line| line.ordered_milli - line.received_milli)?;
        Ok(Some(GoodsReceived {
            order_id: order.order_id.clone(),
            receipt_id: receipt.receipt_id,
            receipt_date: receipt.receipt_date,
            location: receipt.location,
            status: order.status_after_receiving(&lines).as_str().to_owned(),
            lines,
        }))
    }
}
