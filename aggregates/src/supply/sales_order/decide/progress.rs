//! Deciding the moves that carry no input but the order's status: `Confirm` (from `placed`),
//! `MarkPicked` (from `allocated`), `MarkDelivered` (from `shipped`) — and `Cancel`, refused
//! once anything has shipped.

use super::require;
use crate::supply::order_lines::{check_field, MAX_REASON_CHARS};
use crate::supply::sales_order::aggregate::SalesOrder;
use crate::supply::sales_order::commands::CancelOrder;
use crate::supply::sales_order::errors::SalesOrderError;
use crate::supply::sales_order::events::{OrderCancelled, OrderConfirmed, OrderDelivered, OrderPicked};
use crate::supply::sales_order::status::SalesOrderStatus;

impl SalesOrder {
    pub(super) fn decide_confirm(&self) -> Result<OrderConfirmed, SalesOrderError> {
        let order = self.active()?;
        require(order, "confirm", &[SalesOrderStatus::Placed])?;
        Ok(OrderConfirmed { order_id: order.order_id.clone() })
    }

    pub(super) fn decide_pick(&self) -> Result<OrderPicked, SalesOrderError> {
        let order = self.active()?;
        require(order, "pick", &[SalesOrderStatus::Allocated])?;
        Ok(OrderPicked { order_id: order.order_id.clone() })
    }

    pub(super) fn decide_deliver(&self) -> Result<OrderDelivered, SalesOrderError> {
        let order = self.active()?;
        match order.status.current() {
            SalesOrderStatus::Shipped => Ok(OrderDelivered { order_id: order.order_id.clone() }),
            SalesOrderStatus::Delivered => {
                Err(SalesOrderError::InvalidTransition { action: "deliver", status: order.status.current() })
            }
            status => Err(SalesOrderError::NotFullyShipped { status }),
        }
    }

    pub(super) fn decide_cancel(&self, cancel: CancelOrder) -> Result<OrderCancelled, SalesOrderError> {
        let order = self.active()?;
        if order.status.current().has_shipped() {
            return Err(SalesOrderError::AlreadyShipped { status: order.status.current() });
        }
        check_field(&cancel.reason, MAX_REASON_CHARS, "reason")?;
        Ok(OrderCancelled {
            order_id: order.order_id.clone(),
            reason: cancel.reason,
            cancelled_in: order.status.current().as_str().to_owned(),
        })
    }
}
