//! Deciding the ends of a purchase order: `Close` (only once billed) and `Cancel` (refused
//! once any goods have been received).

use crate::supply::order_lines::{check_field, MAX_REASON_CHARS};
use crate::supply::purchase_order::aggregate::PurchaseOrder;
use crate::supply::purchase_order::commands::CancelPurchaseOrder;
use crate::supply::purchase_order::errors::PurchaseOrderError;
use crate::supply::purchase_order::events::{PurchaseOrderCancelled, PurchaseOrderClosed};
use crate::supply::purchase_order::status::PurchaseOrderStatus;

impl PurchaseOrder {
    pub(super) fn decide_close(&self) -> Result<PurchaseOrderClosed, PurchaseOrderError> {
        let order = self.active()?;
        if order.status.current() != PurchaseOrderStatus::Billed {
            return Err(PurchaseOrderError::NotBilled { status: order.status.current() });
        }
        Ok(PurchaseOrderClosed { order_id: order.order_id.clone() })
    }

    pub(super) fn decide_cancel(
        &self,
        cancel: CancelPurchaseOrder,
    ) -> Result<PurchaseOrderCancelled, PurchaseOrderError> {
        let order = self.active()?;
        if order.status.current().has_received() {
            return Err(PurchaseOrderError::GoodsAlreadyReceived { status: order.status.current() });
        }
        check_field(&cancel.reason, MAX_REASON_CHARS, "reason")?;
        Ok(PurchaseOrderCancelled {
            order_id: order.order_id.clone(),
            reason: cancel.reason,
            cancelled_in: order.status.current().as_str().to_owned(),
        })
    }
}
