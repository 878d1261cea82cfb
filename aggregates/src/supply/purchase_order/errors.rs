//! Why a purchase order command was refused: one precise variant per rule, each naming the
//! JSON path of the input at fault ([`Refusal::field`], or `None` when the order's state rather
//! than an input forbids the command), a stable machine code ([`Refusal::code`]) and its class
//! ([`Refusal::kind`]): 422 invalid input, 404 no such order, 409 the order's state forbids it,
//! 503 the approval threshold or the catalog could not be read.

use super::PurchaseOrderStatus;
use crate::money::CurrencyError;
use crate::refusal::{Refusal, RefusalKind};
use crate::supply::catalog::CatalogError;
use crate::supply::order_lines::OrderInputError;

/// A purchase order command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PurchaseOrderError {
    /// `Draft` on an order that already exists.
    #[error("purchase order already exists")]
    AlreadyExists,
    /// Any command but `Draft` on an order that was never drafted.
    #[error("purchase order not found")]
    NotFound,
    /// Any command but an idempotent redelivery on a cancelled order.
    #[error("purchase order is cancelled")]
    OrderCancelled,
    /// Any command but an idempotent redelivery on a closed order.
    #[error("purchase order is closed")]
    OrderClosed,
    /// `Cancel` once goods have been received.
    #[error("purchase order is {status}; an order cannot be cancelled once goods have been received")]
    GoodsAlreadyReceived {
        /// Its status.
        status: PurchaseOrderStatus,
    },
    /// `Close` before the order is billed.
    #[error("purchase order is {status}; only a billed order can be closed")]
    NotBilled {
        /// Its status.
        status: PurchaseOrderStatus,
    },
    /// A command the order's status does not allow.
    #[error("cannot {action}: purchase order is {status}")]
    InvalidTransition {
        /// What was asked, e.g. `approve`.
        action: &'static str,
        /// Its status.
        status: PurchaseOrderStatus,
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
    /// The approver is the requester.
    #[error("{approved_by} requested the order and cannot approve it")]
    SelfApproval {
        /// The approver given.
        approved_by: String,
    },
    /// `RecordBill` with an invoice id that is not a UUID.
    #[error("invoice_id {invoice_id:?} is not a UUID")]
    InvalidInvoiceId {
        /// The id given.
        invoice_id: String,
    },
    /// The approval threshold could not be read; nothing was recorded.
    #[error("the approval threshold could not be read: {reason}")]
    ThresholdUnavailable {
        /// What failed.
        reason: String,
    },
}

impl Refusal for PurchaseOrderError {
    fn field(&self) -> Option<String> {
        use PurchaseOrderError as E;
        let path = match self {
            E::NotFound
            | E::OrderCancelled
            | E::OrderClosed
            | E::GoodsAlreadyReceived { .. }
            | E::NotBilled { .. }
            | E::InvalidTransition { .. }
            | E::ThresholdUnavailable { .. } => return None,
            E::Input(input) => return input.field(),
            E::Catalog(catalog) => return catalog.field(),
            E::AlreadyExists => "order_id",
            E::InvalidCurrency { .. } => "currency",
            E::SelfApproval { .. } => "approved_by",
            E::InvalidInvoiceId { .. } => "invoice_id",
        };
        Some(path.to_owned())
    }

    fn code(&self) -> &'static str {
        use PurchaseOrderError as E;
        match self {
            E::AlreadyExists => "already_exists",
            E::NotFound => "not_found",
            E::OrderCancelled => "order_cancelled",
            E::OrderClosed => "order_closed",
            E::GoodsAlreadyReceived { .. } => "goods_already_received",
            E::NotBilled { .. } => "not_billed",
            E::InvalidTransition { .. } => "invalid_transition",
            E::Input(input) => input.code(),
            E::Catalog(catalog) => catalog.code(),
            E::InvalidCurrency { .. } => "invalid_currency",
            E::SelfApproval { .. } => "self_approval",
            E::InvalidInvoiceId { .. } => "invalid_invoice_id",
            E::ThresholdUnavailable { .. } => "approval_threshold_unavailable",
        }
    }

    fn kind(&self) -> RefusalKind {
        use PurchaseOrderError as E;
        match self {
            E::NotFound => RefusalKind::NotFound,
            E::ThresholdUnavailable { .. } => RefusalKind::Unavailable,
            E::AlreadyExists
            | E::OrderCancelled
            | E::OrderClosed
            | E::GoodsAlreadyReceived { .. }
            | E::NotBilled { .. }
            | E::InvalidTransition { .. } => RefusalKind::Conflict,
            E::Input(input) => input.kind(),
            E::Catalog(catalog) => catalog.kind(),
            E::InvalidCurrency { .. } | E::SelfApproval { .. } | E::InvalidInvoiceId { .. } => RefusalKind::Invalid,
        }
    }
}
