//! The credit rule a sales order for a registered customer is held to: the customer's exposure
//! (what it owes and has on order, as the caller counts it) plus the new order may not exceed
//! its credit limit. Pure arithmetic, checked: an overflow counts as over the limit.

use crate::refusal::{Refusal, RefusalKind};

/// An order would take the customer over its credit limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "customer {customer_id}: exposure {exposure_minor} plus this order's {order_total_minor} exceeds the credit limit {credit_limit_minor} {currency}"
)]
pub struct CreditLimitExceeded {
    /// The customer.
    pub customer_id: String,
    /// Its credit limit, minor units of `currency`.
    pub credit_limit_minor: i64,
    /// What it owes and has on order before this order, minor units.
    pub exposure_minor: i64,
    /// This order's total, minor units.
    pub order_total_minor: i64,
    /// The currency of every amount.
    pub currency: String,
}

impl Refusal for CreditLimitExceeded {
    fn field(&self) -> Option<String> {
        Some("customer_id".to_owned())
    }

    fn code(&self) -> &'static str {
        "credit_limit_exceeded"
    }

    fn kind(&self) -> RefusalKind {
        RefusalKind::Invalid
    }
}

/// Whether an order of `order_total_minor` fits within `credit_limit_minor` given the
/// customer's `exposure_minor`: exposure + order ≤ limit. A limit of 0 allows no credit.
///
/// # Errors
/// [`CreditLimitExceeded`] when the sum exceeds the limit (or overflows).
pub fn check_credit(
    customer_id: &str,
    currency: &str,
    credit_limit_minor: i64,
    exposure_minor: i64,
    order_total_minor: i64,
) -> Result<(), CreditLimitExceeded> {
    let fits = exposure_minor.checked_add(order_total_minor).is_some_and(|total| total <= credit_limit_minor);
    if fits {
        return Ok(());
    }
    Err(CreditLimitExceeded {
        customer_id: customer_id.to_owned(),
        credit_limit_minor,
        exposure_minor,
        order_total_minor,
        currency: currency.to_owned(),
    })
}
