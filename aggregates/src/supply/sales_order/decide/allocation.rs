//! Deciding `RecordAllocation`: what the order-to-cash saga reserved and back-ordered for
//! every line (reserved + back-ordered = ordered). A fully reserved order becomes `allocated`;
//! one with back-orders stays `confirmed`, its back-orders recorded, until the saga records a
//! new allocation.
//!
//! Reservations of an order only grow until it ships or is cancelled, so a line's reserved
//! quantity never goes down: a report reserving less than is recorded on a line (one decided
//! by a saga reaction that loaded the order before a concurrent one recorded more) keeps the
//! recorded quantity. An allocation that, so merged, equals the recorded one records nothing —
//! whatever the status, so a stale report on an order allocated meanwhile is not refused.

use super::require;
use crate::quantity::{Quantity, QuantityError};
use crate::supply::order_lines::{line_indexes, OrderInputError};
use crate::supply::sales_order::aggregate::{Order, SalesOrder};
use crate::supply::sales_order::commands::{AllocationLineInput, RecordAllocation};
use crate::supply::sales_order::errors::SalesOrderError;
use crate::supply::sales_order::events::{AllocatedLine, OrderAllocated};
use crate::supply::sales_order::status::SalesOrderStatus;

impl SalesOrder {
    pub(super) fn decide_allocation(
        &self,
        allocation: &RecordAllocation,
    ) -> Result<Option<OrderAllocated>, SalesOrderError> {
        let order = self.active()?;
        let lines = keep_recorded_reservations(order, allocated_lines(order, &allocation.lines)?);
        let unchanged = order.lines.iter().zip(&lines).all(|(line, allocated)| {
            (line.reserved_milli, line.back_ordered_milli) == (allocated.reserved_milli, allocated.back_ordered_milli)
        });
        if unchanged {
            return Ok(None);
        }
        require(order, "record an allocation", &[SalesOrderStatus::Confirmed])?;
        Ok(Some(OrderAllocated {
            order_id: order.order_id.clone(),
            fully_reserved: lines.iter().all(|line| line.back_ordered_milli == 0),
            lines,
        }))
    }
}

/// Every line's allocation checked against the order and sorted by `line_no`.
fn allocated_lines(order: &Order, inputs: &[AllocationLineInput]) -> Result<Vec<AllocatedLine>, SalesOrderError> {
    let indexes = line_indexes(inputs.iter().map(|input| input.line_no), order.lines.len())?;
    let mut lines = Vec::with_capacity(inputs.len());
    for (line, (input, &index)) in inputs.iter().zip(&indexes).enumerate() {
        let order_line = &order.lines[index];
        let reserved_milli =
            non_negative_milli(&input.reserved_quantity, || format!("lines[{line}].reserved_quantity"))?;
        let back_ordered_milli =
            non_negative_milli(&input.back_ordered_quantity, || format!("lines[{line}].back_ordered_quantity"))?;
        if reserved_milli.checked_add(back_ordered_milli) != Some(order_line.ordered_milli) {
            return Err(SalesOrderError::AllocationMismatch {
                line,
                line_no: order_line.line_no,
                reserved_milli,
                back_ordered_milli,
                ordered_milli: order_line.ordered_milli,
            });
        }
        lines.push(AllocatedLine {
            line_no: order_line.line_no,
            sku: order_line.sku.clone(),
            reserved_milli,
            back_ordered_milli,
        });
    }
    if let Some(missing) = order.lines.iter().enumerate().find(|(index, _)| !indexes.contains(index)) {
        return Err(SalesOrderError::AllocationIncomplete { line_no: missing.1.line_no });
    }
    lines.sort_by_key(|line| line.line_no);
    Ok(lines)
}

/// `lines` (sorted by `line_no`, one per order line) with each line's reserved quantity at
/// least what the order has recorded as reserved on it, the rest back-ordered.
fn keep_recorded_reservations(order: &Order, mut lines: Vec<AllocatedLine>) -> Vec<AllocatedLine> {
    for (recorded, line) in order.lines.iter().zip(&mut lines) {
        if recorded.reserved_milli > line.reserved_milli {
            line.reserved_milli = recorded.reserved_milli;
            line.back_ordered_milli = recorded.ordered_milli - recorded.reserved_milli;
        }
    }
    lines
}

/// The quantity at `field` in thousandths, zero allowed (`"0"`, `"0.000"`).
fn non_negative_milli(quantity: &Quantity, field: impl FnOnce() -> String) -> Result<i64, OrderInputError> {
    match quantity.milli() {
        Err(QuantityError::NotPositive { .. }) if !quantity.as_str().starts_with('-') => Ok(0),
        result => result.map_err(|reason| OrderInputError::InvalidQuantity { field: field(), reason }),
    }
}
