//! Deciding `Place`: the customer, currency, ship-from location and priced lines checked and
//! recorded as the seed event, with each line's net and the order total.

use crate::money::Currency;
use crate::supply::order_lines::{check_field, order_lines, MAX_ID_CHARS, MAX_NAME_CHARS};
use crate::supply::sales_order::aggregate::SalesOrder;
use crate::supply::sales_order::commands::PlaceOrder;
use crate::supply::sales_order::errors::SalesOrderError;
use crate::supply::sales_order::events::OrderPlaced;

impl SalesOrder {
    pub(super) fn decide_place(&self, place: PlaceOrder) -> Result<OrderPlaced, SalesOrderError> {
        if self.order.is_some() {
            return Err(SalesOrderError::AlreadyExists);
        }
        check_field(&place.customer_id, MAX_ID_CHARS, "customer_id")?;
        check_field(&place.customer_name, MAX_NAME_CHARS, "customer_name")?;
        let currency =
            Currency::parse(&place.currency).map_err(|reason| SalesOrderError::InvalidCurrency { reason })?;
        check_field(&place.ship_from, MAX_ID_CHARS, "ship_from")?;
        let (lines, total_minor) = order_lines(place.lines)?;
        Ok(OrderPlaced {
            order_id: place.order_id.to_string(),
            customer_id: place.customer_id,
            customer_name: place.customer_name,
            currency: currency.as_str().to_owned(),
            ship_from: place.ship_from,
            lines,
            total_minor,
        })
    }
}
