//! The locations aggregate: where a tenant keeps stock — warehouses, the zones within a
//! warehouse and the bins within a zone.
//!
//! There is one locations aggregate per tenant, [`LOCATIONS_ID`], like the chart of accounts. A
//! warehouse has no parent, a zone's parent is a warehouse and a bin's parent is a zone; every
//! location belongs to one warehouse ([`Location::warehouse`]). Locations are opened, renamed
//! and closed — never deleted or reopened, so history always names a known code. A closed
//! location takes no change and no new children; one is closed only once its children are.
//! Whether stock is still held in a location is the stock aggregate's to know, not this one's:
//! the caller checks it before closing.
//!
//! Codes follow the supply code rule of [`CodeError`] (shared with SKUs). Every limit below is
//! enforced in [`Locations::decide`] and tested at the limit.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::{Location, LocationKind, Locations};
pub use commands::{LocationsCommand, OpenLocation};
pub use errors::LocationsError;
pub use events::{LocationClosed, LocationOpened, LocationRenamed, LocationsEvent};

pub use crate::supply::code::{CodeError, MAX_CODE_CHARS};

/// Id of the one locations aggregate of a tenant.
pub const LOCATIONS_ID: &str = "locations";
/// Most locations a tenant may have, closed ones included.
pub const MAX_LOCATIONS: usize = 10_000;
/// Longest location name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
