//! Deciding `RecordShipment` (from `picked` or `partially_shipped`; at most what is still to
//! ship on each line) and `RecordReturn` (once anything shipped; at most what shipped and is
//! not yet returned). Each is recorded once per id: repeating it records nothing.

use super::require;
use crate::supply::order_lines::{check_field, line_quantities, MAX_ID_CHARS};
use crate::supply::sales_order::aggregate::SalesOrder;
use crate::supply::sales_order::commands::{RecordReturn, RecordShipment};
use crate::supply::sales_order::errors::SalesOrderError;
use crate::supply::sales_order::events::{OrderReturned, OrderShipped};
use crate::supply::sales_order::status::SalesOrderStatus;

impl SalesOrder {
    pub(super) fn decide_shipment(&self, shipment: RecordShipment) -> Result<Option<OrderShipped>, SalesOrderError> {
        let order = self.placed()?;
        if order.shipments.contains_key(&shipment.shipment_id) {
            return Ok(None);
        }
        let order = self.active()?;
        require(order, "record a shipment", &[SalesOrderStatus::Picked, SalesOrderStatus::PartiallyShipped])?;
        check_field(&shipment.shipment_id, MAX_ID_CHARS, "shipment_id")?;
        let lines = line_quantities(&shipment.lines, &order.lines, |line| line.ordered_milli - line.shipped_milli)?;
        Ok(Some(OrderShipped {
            order_id: order.order_id.clone(),
            shipment_id: shipment.shipment_id,
            ship_date: shipment.ship_date,
            ship_from: order.ship_from.clone(),
            status: order.status_after_shipping(&lines).as_str().to_owned(),
            lines,
        }))
    }

    pub(super) fn decide_return(&self, record: RecordReturn) -> Result<Option<OrderReturned>, SalesOrderError> {
        let order = self.placed()?;
        if order.returns.contains(&record.return_id) {
            return Ok(None);
        }
        let order = self.active()?;
        if !order.status.current().has_shipped() {
            return Err(SalesOrderError::InvalidTransition {
                action: "record a return",
                status: order.status.current(),
            });
        }
        check_field(&record.return_id, MAX_ID_CHARS, "return_id")?;
        let lines = line_quantities(&record.lines, &order.lines, |line| line.shipped_milli - line.returned_milli)?;
        Ok(Some(OrderReturned {
            order_id: order.order_id.clone(),
            return_id: record.return_id,
            return_date: record.return_date,
            lines,
        }))
    }
}
