//! The bill-of-materials aggregate (`production.bom`): what one unit of a finished item is made
//! of, versioned. There is one aggregate per finished item; its id is the item's SKU. Events go
//! to topic `prism.production.bom.v1`, key = SKU, Avro namespace `prism.production`, version
//! `1`.
//!
//! - Each `Revise` records a new version ([`BillOfMaterialsRevised`], versions 1, 2, …) with
//!   the whole list of lines: a component SKU and the quantity of it per unit of the item
//!   (positive thousandths). Older versions stay valid for the work orders planned on them.
//! - A revision with exactly the lines of the latest version records nothing and succeeds.
//! - Multi-level: a component may have its own bill. A revision is refused when a component
//!   is the item itself or reaches it through the components' latest bills (a cycle, refused
//!   naming the line and the path), when the levels go deeper than [`MAX_LEVELS`], or when
//!   the walk would read more than [`MAX_BOMS_READ`] bills.
//! - The item and every component must be catalog items. At most [`MAX_LINES`] lines, each
//!   component once; every refusal names its field (`sku`, `lines`, `lines[i].component_sku`,
//!   `lines[i].quantity`, `note`) and records nothing.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::BillOfMaterials;
pub use commands::{BomCommand, BomLineInput, ReviseBillOfMaterials};
pub use errors::BomError;
pub use events::{BillOfMaterialsRevised, BomEvent, BomLine};

/// Most lines of one version.
pub const MAX_LINES: usize = 200;
/// Most levels below an item a revision's walk for cycles descends.
pub const MAX_LEVELS: usize = 16;
/// Most bills of materials a revision's walk for cycles reads.
pub const MAX_BOMS_READ: usize = 1_000;
