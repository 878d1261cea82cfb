//! Deciding `Submit` (a draft; approved at once when its total is at or below an approval
//! threshold in its own currency) and `Approve` (a submitted order, by anyone but its
//! requester).

use super::require;
use crate::money::Currency;
use crate::supply::order_lines::{check_field, MAX_ID_CHARS};
use crate::supply::purchase_order::aggregate::{Order, PurchaseOrder};
use crate::supply::purchase_order::commands::ApprovePurchaseOrder;
use crate::supply::purchase_order::errors::PurchaseOrderError;
use crate::supply::purchase_order::events::{PurchaseOrderApproved, PurchaseOrderSubmitted};
use crate::supply::purchase_order::status::PurchaseOrderStatus;

impl PurchaseOrder {
    /// The draft to submit: the rules of submitting that need no threshold.
    pub(super) fn submittable(&self) -> Result<&Order, PurchaseOrderError> {
        let order = self.active()?;
        require(order, "submit", &[PurchaseOrderStatus::Draft])?;
        Ok(order)
    }

    pub(super) fn decide_submit(
        &self,
        approval_threshold: Option<(i64, Currency)>,
    ) -> Result<PurchaseOrderSubmitted, PurchaseOrderError> {
        let order = self.submittable()?;
        let auto_approved = approval_threshold
            .is_some_and(|(limit, currency)| currency == order.currency && order.total_minor <= limit);
        Ok(PurchaseOrderSubmitted {
            order_id: order.order_id.clone(),
            total_minor: order.total_minor,
            approval_threshold_minor: approval_threshold.map(|(limit, _)| limit),
            approval_threshold_currency: approval_threshold.map(|(_, currency)| currency.as_str().to_owned()),
            auto_approved,
        })
    }

    pub(super) fn decide_approve(
        &self,
        approve: ApprovePurchaseOrder,
    ) -> Result<PurchaseOrderApproved, PurchaseOrderError> {
        let order = self.active()?;
        require(order, "approve", &[PurchaseOrderStatus::Submitted])?;
        check_field(&approve.approved_by, MAX_ID_CHARS, "approved_by")?;
        if approve.approved_by == order.requested_by {
            return Err(PurchaseOrderError::SelfApproval { approved_by: approve.approved_by });
        }
        Ok(PurchaseOrderApproved { order_id: order.order_id.clone(), approved_by: approve.approved_by })
    }
}
