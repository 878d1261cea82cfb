//! Production (Forge) reads from the `postgres` projector's read model: bills of materials by
//! version and their multi-level explosion ([`boms`]); the work-order status board, each
//! order with its components, and the material requirements of open orders against stock on
//! hand ([`work_orders`]); the quality checks recorded ([`quality_checks`]). Yield and scrap
//! rates come from the `timescale` projector's time series ([`yield_rates`]); plant equipment,
//! its maintenance and downtime from the `postgres` projector's ([`assets`]).

pub mod assets;
pub mod boms;
pub mod quality_checks;
pub mod work_orders;
pub mod yield_rates;
