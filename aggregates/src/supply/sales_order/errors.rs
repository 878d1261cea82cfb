//! Why a sales order command was refused: one precise variant per rule, each naming the JSON
//! path of the input at fault ([`Refusal::field`], or `None` when the order's state rather
//! than an input forbids the command), a stable machine code ([`Refusal::code`]) and its class
//! ([`Refusal::kind`]): 422 invalid input, 404 no such order, 409 the order's state forbids it,
//! 503 the catalog could not be read.

use super::SalesOrderStatus;
use crate::money::CurrencyError;
use crate::refusal::{Refusal, RefusalKind};
use crate::supply::catalog::CatalogError;
use crate::supply::order_lines::OrderInputError;

/// A sales order command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SalesOrderError {
    /// `Place` on an order that already exists.
    #[error("order already exists")]
    AlreadyExists,
    /// Any command but `Place` on an order that was never placed.
    #[error("order not found")]
    NotFound,
    /// Any command but an idempotent redelivery on a cancelled order.
    #[error("order is cancelled")]
    OrderCancelled,
    /// `Cancel` once anything has shipped.
    #[error("order is {status}; an order cannot be cancelled once anything has shipped")]
    AlreadyShipped {
        /// Its status.
        status: SalesOrderStatus,
    },
    /// `MarkDelivered` before everything has shipped.
    #[error("order is {status}; only a fully shipped order can be delivered")]
    NotFullyShipped {
        /// Its status.
        status: SalesOrderStatus,
    },
    /// A command the order's status does not allow.
    #[error("cannot {action}: order is {status}")]
    InvalidTransition {
        /// What was asked, e.g. `confirm`.
        action: &'static str,
        /// Its status.
        status: SalesOrderStatus,
    },
    /// An input breaks a rule both orders share (lines, quantities, text).
    #[error(transparent)]
    Input(#[from] OrderInputError),
    /// The order names an item or location the catalog refuses, or the catalog could not be
    /// read.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The currency is invalid.
    #[error("currency is invalid: {reason}")]
    InvalidCurrency {
        /// Which currency rule failed.
        reason: CurrencyError,
    },
    /// An allocation line whose reserved and back-ordered quantities do not add up to the
    /// ordered quantity.
    #[error(
        "lines[{line}]: reserved {reserved_milli} + back-ordered {back_ordered_milli} thousandths is not the \
         {ordered_milli} ordered on line {line_no}"
    )]
    AllocationMismatch {
        /// 0-based index in the command's lines.
        line: usize,
        /// The order line.
        line_no: i32,
        /// Reserved, thousandths.
        reserved_milli: i64,
        /// Back-ordered, thousandths.
        back_ordered_milli: i64,
        /// Ordered, thousandths.
        ordered_milli: i64,
    },
    /// An allocation that leaves out an order line.
    #[error("the allocation leaves out line {line_no}; every line must be allocated")]
    AllocationIncomplete {
        /// The first order line left out.
        line_no: i32,
    },
    /// `LinkInvoice` for a shipment the order does not have.
    #[error("shipment {shipment_id} is not a shipment of this order")]
    UnknownShipment {
        /// The shipment id given.
        shipment_id: String,
    },
    /// `LinkInvoice` with an invoice id that is not a UUID.
    #[error("invoice_id {invoice_id:?} is not a UUID")]
    InvalidInvoiceId {
        /// The id given.
        invoice_id: String,
    },
    /// `LinkInvoice` for a shipment already linked to another invoice.
    #[error("shipment {shipment_id} is already invoiced by {invoice_id}")]
    ShipmentAlreadyInvoiced {
        /// The shipment.
        shipment_id: String,
        /// The invoice it is linked to.
        invoice_id: String,
    },
    /// `MarkPaid` with a zero or negative amount.
    #[error("amount_minor must be positive, got {amount_minor}")]
    NonPositiveAmount {
        /// The amount given.
        amount_minor: i64,
    },
    /// `MarkPaid` with more than is unpaid on the order.
    #[error("amount_minor {amount_minor} is more than the {unpaid_minor} unpaid on the order")]
    OverPaid {
        /// The amount given.
        amount_minor: i64,
        /// What is unpaid.
        unpaid_minor: i64,
    },
}

impl Refusal for SalesOrderError {
    fn field(&self) -> Option<String> {
        use SalesOrderError as E;
        let path = match self {
            E::NotFound
            | E::OrderCancelled
            | E::AlreadyShipped { .. }
            | E::NotFullyShipped { .. }
            | E::InvalidTransition { .. } => return None,
            E::Input(input) => return input.field(),
            E::Catalog(catalog) => return catalog.field(),
            E::AlreadyExists => "order_id".to_owned(),
            E::InvalidCurrency { .. } => "currency".to_owned(),
            E::AllocationMismatch { line, .. } => format!("lines[{line}]"),
            E::AllocationIncomplete { .. } => "lines".to_owned(),
            E::UnknownShipment { .. } | E::ShipmentAlreadyInvoiced { .. } => "shipment_id".to_owned(),
            E::InvalidInvoiceId { .. } => "invoice_id".to_owned(),
            E::NonPositiveAmount { .. } | E::OverPaid { .. } => "amount_minor".to_owned(),
        };
        Some(path)
    }

    fn code(&self) -> &'static str {
        use SalesOrderError as E;
        match self {
            E::AlreadyExists => "already_exists",
            E::NotFound => "not_found",
            E::OrderCancelled => "order_cancelled",
            E::AlreadyShipped { .. } => "already_shipped",
            E::NotFullyShipped { .. } => "not_fully_shipped",
            E::InvalidTransition { .. } => "invalid_transition",
            E::Input(input) => input.code(),
            E::Catalog(catalog) => catalog.code(),
            E::InvalidCurrency { .. } => "invalid_currency",
            E::AllocationMismatch { .. } => "allocation_mismatch",
            E::AllocationIncomplete { .. } => "allocation_incomplete",
            E::UnknownShipment { .. } => "unknown_shipment",
            E::InvalidInvoiceId { .. } => "invalid_invoice_id",
            E::ShipmentAlreadyInvoiced { .. } => "shipment_already_invoiced",
            E::NonPositiveAmount { .. } => "non_positive_amount",
            E::OverPaid { .. } => "over_paid",
        }
    }

    fn kind(&self) -> RefusalKind {
        use SalesOrderError as E;
        match self {
            E::NotFound => RefusalKind::NotFound,
            E::AlreadyExists
            | E::OrderCancelled
            | E::AlreadyShipped { .. }
            | E::NotFullyShipped { .. }
            | E::InvalidTransition { .. }
            | E::ShipmentAlreadyInvoiced { .. } => RefusalKind::Conflict,
            E::Input(input) => input.kind(),
            E::Catalog(catalog) => catalog.kind(),
            _ => RefusalKind::Invalid,
        }
    }
}
