//! Deciding the money side, which leaves the status as it is: `LinkInvoice` links the invoice
//! raised for a recorded shipment (once; the same link again records nothing), `MarkPaid`
//! records a payment of at most what is unpaid (once per payment id).

use uuid::Uuid;

use crate::supply::order_lines::{check_field, MAX_ID_CHARS};
use crate::supply::sales_order::aggregate::SalesOrder;
use crate::supply::sales_order::commands::{LinkInvoice, MarkPaid};
use crate::supply::sales_order::errors::SalesOrderError;
use crate::supply::sales_order::events::{OrderInvoiced, OrderPaid};

impl SalesOrder {
    pub(super) fn decide_link_invoice(&self, link: LinkInvoice) -> Result<Option<OrderInvoiced>, SalesOrderError> {
        let order = self.placed()?;
        check_field(&link.shipment_id, MAX_ID_CHARS, "shipment_id")?;
        let Some(linked) = order.shipments.get(&link.shipment_id) else {
            return Err(SalesOrderError::UnknownShipment { shipment_id: link.shipment_id });
        };
        let Ok(invoice_id) = Uuid::parse_str(&link.invoice_id).map(|uuid| uuid.to_string()) else {
            return Err(SalesOrderError::InvalidInvoiceId { invoice_id: link.invoice_id });
        };
        match linked {
            Some(existing) if *existing == invoice_id => Ok(None),
            Some(existing) => Err(SalesOrderError::ShipmentAlreadyInvoiced {
                shipment_id: link.shipment_id,
                invoice_id: existing.clone(),
            }),
            None => {
                Ok(Some(OrderInvoiced { order_id: order.order_id.clone(), shipment_id: link.shipment_id, invoice_id }))
            }
        }
    }

    pub(super) fn decide_paid(&self, paid: MarkPaid) -> Result<Option<OrderPaid>, SalesOrderError> {
        let order = self.placed()?;
        if order.payments.contains_key(&paid.payment_id) {
            return Ok(None);
        }
        let order = self.active()?;
        check_field(&paid.payment_id, MAX_ID_CHARS, "payment_id")?;
        let amount_minor = paid.amount_minor;
        if amount_minor <= 0 {
            return Err(SalesOrderError::NonPositiveAmount { amount_minor });
        }
        let paid_before = order.paid_minor();
        let unpaid_minor = order.total_minor - paid_before;
        if amount_minor > unpaid_minor {
            return Err(SalesOrderError::OverPaid { amount_minor, unpaid_minor });
        }
        let paid_total_minor = paid_before + amount_minor;
        Ok(Some(OrderPaid {
            order_id: order.order_id.clone(),
            payment_id: paid.payment_id,
            amount_minor,
            paid_total_minor,
            fully_paid: paid_total_minor == order.total_minor,
        }))
    }
}
