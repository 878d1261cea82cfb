//! Production (Forge): versioned, multi-level bills of materials ([`bill_of_materials`], one
//! aggregate per finished item, each revision a new version, a cycle through the levels
//! refused) and the work orders that make an item against one version
//! ([`work_order`]: planned → released → in progress → completed, or scrapped), and the
//! quality checks of their output or of receipts ([`quality_check`]: pass, or fail into
//! quarantine), and the plant's equipment with its maintenance schedule and downtime
//! ([`asset`]). [`input`] holds the input refusals they share and [`services`] what they
//! read beyond their events: the catalog and the bills of materials.

pub mod asset;
pub mod bill_of_materials;
pub mod input;
pub mod quality_check;
pub mod services;
pub mod work_order;
