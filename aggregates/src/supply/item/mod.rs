//! The item aggregate: one stock-keeping unit of the catalog — its name, the unit its stock is
//! counted in, how that stock is valued and in which currency, and when to reorder it.
//!
//! There is one aggregate per item; its id is the SKU (the API must pass the `sku` of
//! [`DefineItem`] as the aggregate id). An item is defined once; its valuation method and
//! currency are fixed then and never change, since every stock movement is valued by them. It
//! can be renamed and get a new reorder policy until it is discontinued, after which it takes
//! no further change. Items are never deleted, so history always names a known SKU.
//!
//! A reorder policy is a reorder point — the stock level, in thousandths of the unit, at or
//! below which the item should be reordered; 0 is allowed — and optionally the quantity to
//! order then (positive). A reorder quantity needs a reorder point; a point alone only flags
//! the item. Both absent: the item is not reordered automatically.
//!
//! SKUs follow the supply code rule of [`CodeError`] (shared with location codes). Every limit
//! below is enforced in [`Item::decide`] and tested at the limit.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use crate::supply::code::{CodeError, MAX_CODE_CHARS};
pub use aggregate::Item;
pub use commands::{DefineItem, ItemCommand};
pub use errors::ItemError;
pub use events::{ItemDefined, ItemDiscontinued, ItemEvent, ItemRenamed, ItemReorderPolicyChanged};

/// Longest item name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest unit of measure (`each`, `kg`, `box of 12`), in characters.
pub const MAX_UNIT_CHARS: usize = 20;
/// Longest reason for discontinuing an item, in characters.
pub const MAX_REASON_CHARS: usize = 500;
