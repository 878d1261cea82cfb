//! Deciding `Draft`: the vendor, currency, requester and priced lines checked and recorded as
//! the seed event, with each line's net and the order total.

use crate::money::Currency;
use crate::supply::order_lines::{check_field, order_lines, MAX_ID_CHARS, MAX_NAME_CHARS};
use crate::supply::purchase_order::aggregate::PurchaseOrder;
use crate::supply::purchase_order::commands::DraftPurchaseOrder;
use crate::supply::purchase_order::errors::PurchaseOrderError;
use crate::supply::purchase_order::events::PurchaseOrderDrafted;

impl PurchaseOrder {
    pub(super) fn decide_draft(&self, draft: DraftPurchaseOrder) -> Result<PurchaseOrderDrafted, PurchaseOrderError> {
        if self.order.is_some() {
            return Err(PurchaseOrderError::AlreadyExists);
        }
        check_field(&draft.vendor_id, MAX_ID_CHARS, "vendor_id")?;
        check_field(&draft.vendor_name, MAX_NAME_CHARS, "vendor_name")?;
        let currency =
            Currency::parse(&draft.currency).map_err(|reason| PurchaseOrderError::InvalidCurrency { reason })?;
        check_field(&draft.requested_by, MAX_ID_CHARS, "requested_by")?;
        let (lines, total_minor) = order_lines(draft.lines)?;
        Ok(PurchaseOrderDrafted {
            order_id: draft.order_id.to_string(),
            vendor_id: draft.vendor_id,
            vendor_name: draft.vendor_name,
            currency: currency.as_str().to_owned(),
            requested_by: draft.requested_by,
            lines,
            total_minor,
        })
    }
}
