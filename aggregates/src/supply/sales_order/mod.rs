//! The sales order aggregate (`supply.sales_order`): an order a customer places, from placed
//! through confirmation, stock allocation, picking and (partial) shipments to delivery — or
//! cancelled before anything ships — with returns, the invoices raised per shipment and the
//! payments received. Events go to topic `prism.supply.sales-order.v1`, key = order id (a
//! UUID, the aggregate id), Avro namespace `prism.supply`, version `1`.
//!
//! ```text
//! placed → confirmed ⇄ (allocation with back-orders) → allocated → picked
//!        → partially_shipped → shipped → delivered
//! placed | confirmed | allocated | picked → cancelled
//! ```
//!
//! - Items are referred to by SKU and the ship-from location by its code, both checked against
//!   the catalog ([`crate::supply::catalog::CatalogServices`], the aggregate's services) once
//!   the command's own rules pass: placing needs every line's item defined (422
//!   `item_not_found` on `lines[i].sku`; a discontinued item may still be sold) and the
//!   ship-from location existing and open (422 `location_not_found` / `location_closed` on
//!   `ship_from`); a catalog that cannot be read is a 503 (`catalog_unavailable`) and records
//!   nothing. Stock itself is reserved and issued by the order-to-cash saga.
//! - `OrderPlaced` carries each line's net (quantity × unit price, rounded half away from zero
//!   by [`crate::finance::invoice::net_amount_minor`]) and the order total.
//! - `RecordAllocation` (from the saga, status `confirmed`) gives every line's reserved and
//!   back-ordered quantity, summing to the ordered one. Everything reserved: `allocated`.
//!   Anything back-ordered: the order stays `confirmed` with its back-orders recorded
//!   ([`SalesOrder::back_ordered`]), and the saga records a new allocation when stock arrives.
//!   A line's reserved quantity never goes down: a stale report (from a saga reaction racing
//!   another) keeps what is recorded, and one that so changes nothing records nothing.
//!   Only an `allocated` order is picked.
//! - Shipments go out from `picked` or `partially_shipped`, at most what is still to ship per
//!   line; the order is `shipped` when every line has shipped in full. Only a `shipped` order
//!   is delivered. Returns, once anything shipped, take at most what shipped less what was
//!   returned, and leave the status as it is.
//! - Cancelling is refused once anything has shipped (409 `already_shipped`).
//! - Money leaves the status as it is: `LinkInvoice` links one invoice per shipment,
//!   `MarkPaid` records payments up to the total ([`SalesOrder::is_fully_paid`]).
//! - Shipment, return and payment ids are client- or saga-given (non-blank, at most
//!   [`crate::supply::order_lines::MAX_ID_CHARS`]); a command repeating one already applied records nothing, as does a
//!   repeated invoice link or allocation.
//!
//! Every limit is enforced in [`SalesOrder::decide`] and tested at the limit.

mod aggregate;
mod commands;
mod decide;
mod errors;
mod events;
mod status;

#[cfg(test)]
mod tests;

pub use aggregate::{SalesOrder, SalesOrderLine};
pub use commands::{
    AllocationLineInput, CancelOrder, LinkInvoice, MarkPaid, PlaceOrder, RecordAllocation, RecordReturn,
    RecordShipment, SalesOrderCommand,
};
pub use errors::SalesOrderError;
pub use events::{
    AllocatedLine, OrderAllocated, OrderCancelled, OrderConfirmed, OrderDelivered, OrderInvoiced, OrderPaid,
    OrderPicked, OrderPlaced, OrderReturned, OrderShipped, SalesOrderEvent,
};
pub use status::SalesOrderStatus;
