//! Production (Forge) reads from the `postgres` projector's read model: bills of materials by
//! version and their multi-level explosion ([`boms`]); the work-order status board, each
//! order with its components, and the material requirements of open orders against stock on
//! hand ([`work_orders`]).

pub mod boms;
pub mod work_orders;
