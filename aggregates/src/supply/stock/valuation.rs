//! The value of an item's stock at one location, in exact integer arithmetic (`i128`
//! intermediates; a result beyond `i64` is an overflow, never a wrap).
//!
//! A location keeps its on-hand quantity and value and, while on hand is positive, the layers
//! that make them up: their quantities and values always sum to the totals exactly.
//! - FIFO: each receipt adds a layer `{quantity_milli, value_minor}`; an issue consumes the
//!   oldest first. Taking part of a layer takes `value × taken / quantity` rounded half away
//!   from zero, and the layer keeps the exact remainder.
//! - Moving average: one layer holding the totals; an issue takes
//!   `total_value × quantity / total_quantity` rounded half away from zero.
//! - Issuing the whole of what is on hand takes the whole value, so nothing is ever left of a
//!   value without quantity.
//!
//! Negative stock: what an issue takes beyond on hand (the shortfall) is valued at the last
//! known unit cost — that of the location's last receipt, transfer in or count gain — and on
//! hand and value go negative, with no layers. Goods coming in then first settle the shortfall
//! at the value it was issued at (pro rata when partly); only what is left over forms a layer,
//! at its share of the incoming value. The stock value thus changes by something other than
//! the incoming value: the difference is a price variance.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::supply::valuation::ValuationMethod;

/// Quantity received at one cost: a FIFO receipt layer, the one moving-average layer, or a unit
/// cost (`value_minor` per `quantity_milli`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layer {
    /// Quantity, thousandths of the unit; positive.
    pub quantity_milli: i64,
    /// Its value, minor units.
    pub value_minor: i64,
}

/// Why a valuation could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ValuationRefusal {
    /// A quantity or value does not fit in an `i64`.
    Overflow,
    /// Stock must be valued below zero, or a gain at a location without stock, and the
    /// location has no known unit cost.
    NoUnitCost,
}

/// `a × b / c` rounded half away from zero, exactly; `None` when it overflows `i64` or `c` is 0.
pub(super) fn mul_div(a: i64, b: i64, c: i64) -> Option<i64> {
    let numerator = i128::from(a).checked_mul(i128::from(b))?;
    let denominator = i128::from(c);
    if denominator == 0 {
        return None;
    }
    let (quotient, remainder) = (numerator / denominator, numerator % denominator);
    let rounded = if remainder.unsigned_abs() * 2 >= denominator.unsigned_abs() {
        quotient + numerator.signum() * denominator.signum()
    } else {
        quotient
    };
    i64::try_from(rounded).ok()
}

/// The value of `quantity_milli` at `unit_cost_minor` per unit: `quantity × cost / 1000`,
/// rounded half away from zero; `None` on overflow.
pub(super) fn receipt_value(quantity_milli: i64, unit_cost_minor: i64) -> Option<i64> {
    mul_div(quantity_milli, unit_cost_minor, 1_000)
}

/// On hand, value and layers at one location.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct ValuedStock {
    on_hand_milli: i64,
    value_minor: i64,
    /// Oldest first; empty unless on hand is positive; they sum to the totals.
    layers: VecDeque<Layer>,
    /// Cost of the last goods that came in, to value a shortfall or a gain with.
    last_cost: Option<Layer>,
}

impl ValuedStock {
    pub(super) fn on_hand_milli(&self) -> i64 {
        self.on_hand_milli
    }

    pub(super) fn value_minor(&self) -> i64 {
        self.value_minor
    }

    pub(super) fn layers(&self) -> &VecDeque<Layer> {
        &self.layers
    }

    /// The value of `quantity_milli` more at the average cost of what is on hand or, with none
    /// on hand, at the last known unit cost: what a count gain is booked at.
    pub(super) fn gain_value(&self, quantity_milli: i64) -> Result<i64, ValuationRefusal> {
        if self.on_hand_milli > 0 {
            return mul_div(self.value_minor, quantity_milli, self.on_hand_milli).ok_or(ValuationRefusal::Overflow);
        }
        self.at_last_cost(quantity_milli)
    }

    fn at_last_cost(&self, quantity_milli: i64) -> Result<i64, ValuationRefusal> {
        let cost = self.last_cost.ok_or(ValuationRefusal::NoUnitCost)?;
        mul_div(cost.value_minor, quantity_milli, cost.quantity_milli).ok_or(ValuationRefusal::Overflow)
    }

    /// How much the value changes when `quantity_milli` worth `value_minor` comes in: the value
    /// itself, unless on hand is negative and the shortfall is settled first.
    pub(super) fn incoming_change(&self, quantity_milli: i64, value_minor: i64) -> Result<i64, ValuationRefusal> {
        if self.on_hand_milli >= 0 {
            return Ok(value_minor);
        }
        let short = -self.on_hand_milli;
        let covered = quantity_milli.min(short);
        let settled = if covered == short {
            -self.value_minor
        } else {
            mul_div(-self.value_minor, covered, short).ok_or(ValuationRefusal::Overflow)?
        };
        let covered_share = mul_div(value_minor, covered, quantity_milli).ok_or(ValuationRefusal::Overflow)?;
        settled.checked_add(value_minor - covered_share).ok_or(ValuationRefusal::Overflow)
    }

    /// The stock after `quantity_milli` came in changing the value by `change_minor` (from
    /// [`Self::incoming_change`]) at the unit cost `cost`.
    pub(super) fn received(
        &self,
        method: ValuationMethod,
        quantity_milli: i64,
        change_minor: i64,
        cost: Layer,
    ) -> Result<Self, ValuationRefusal> {
        let on_hand_milli = self.on_hand_milli.checked_add(quantity_milli).ok_or(ValuationRefusal::Overflow)?;
        let value_minor = self.value_minor.checked_add(change_minor).ok_or(ValuationRefusal::Overflow)?;
        let layers = match (self.on_hand_milli >= 0, method) {
            (true, ValuationMethod::Fifo) => {
                let mut layers = self.layers.clone();
                layers.push_back(Layer { quantity_milli, value_minor: change_minor });
                layers
            }
            _ => single_layer(on_hand_milli, value_minor),
        };
        Ok(Self { on_hand_milli, value_minor, layers, last_cost: Some(cost) })
    }

    /// The value `quantity_milli` going out takes (positive: the cost of goods): the oldest
    /// layers (FIFO) or the average (moving average) of what is on hand, and any shortfall
    /// beyond it at the last known unit cost.
    pub(super) fn outgoing_value(&self, method: ValuationMethod, quantity_milli: i64) -> Result<i64, ValuationRefusal> {
        let from_stock = quantity_milli.min(self.on_hand_milli.max(0));
        let stock_value = if from_stock == self.on_hand_milli {
            self.value_minor
        } else {
            match method {
                ValuationMethod::Fifo => take_oldest(&self.layers, from_stock).0,
                ValuationMethod::MovingAverage => {
                    mul_div(self.value_minor, from_stock, self.on_hand_milli).ok_or(ValuationRefusal::Overflow)?
                }
            }
        };
        let shortfall = quantity_milli - from_stock;
        if shortfall == 0 {
            return Ok(stock_value);
        }
        stock_value.checked_add(self.at_last_cost(shortfall)?).ok_or(ValuationRefusal::Overflow)
    }

    /// The stock after `quantity_milli` went out taking `value_minor` (from
    /// [`Self::outgoing_value`]).
    pub(super) fn issued(
        &self,
        method: ValuationMethod,
        quantity_milli: i64,
        value_minor: i64,
    ) -> Result<Self, ValuationRefusal> {
        let on_hand_milli = self.on_hand_milli.checked_sub(quantity_milli).ok_or(ValuationRefusal::Overflow)?;
        let value_after = self.value_minor.checked_sub(value_minor).ok_or(ValuationRefusal::Overflow)?;
        let layers = match method {
            ValuationMethod::Fifo if on_hand_milli > 0 => take_oldest(&self.layers, quantity_milli).1,
            _ => single_layer(on_hand_milli, value_after),
        };
        Ok(Self { on_hand_milli, value_minor: value_after, layers, last_cost: self.last_cost })
    }
}

/// The one layer holding `quantity_milli` worth `value_minor`, none unless it is positive.
fn single_layer(quantity_milli: i64, value_minor: i64) -> VecDeque<Layer> {
    if quantity_milli > 0 {
        VecDeque::from([Layer { quantity_milli, value_minor }])
    } else {
        VecDeque::new()
    }
}

/// Takes `quantity_milli` (at most their total) from the oldest of `layers`: the value taken
/// and the layers left, a partly taken layer keeping the exact remainder of its value.
fn take_oldest(layers: &VecDeque<Layer>, quantity_milli: i64) -> (i64, VecDeque<Layer>) {
    let mut left = layers.clone();
    let (mut wanted, mut taken) = (quantity_milli, 0_i64);
    while wanted > 0 {
        let Some(oldest) = left.front_mut() else { break };
        if oldest.quantity_milli <= wanted {
            wanted -= oldest.quantity_milli;
            taken += oldest.value_minor;
            left.pop_front();
        } else {
            // |value × wanted / quantity| ≤ |value| with wanted < quantity: fits an i64.
            let part = mul_div(oldest.value_minor, wanted, oldest.quantity_milli).unwrap_or(oldest.value_minor);
            oldest.quantity_milli -= wanted;
            oldest.value_minor -= part;
            taken += part;
            wanted = 0;
        }
    }
    (taken, left)
}
