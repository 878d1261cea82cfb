//! The catalog the supply aggregates are decided against: what they need to know of an item
//! (valuation, currency, whether it is discontinued) and of a location (whether it is open),
//! read through [`CatalogServices`] — the command side implements it over the item and
//! locations aggregates' events, tests use fixed data — and the checks the stock and the sales
//! and purchase orders share, each refused with one [`CatalogError`] naming the input at fault.
//!
//! Every check reads the catalog, so an aggregate runs them only once the command's own rules
//! have passed. A lookup that fails is [`RefusalKind::Unavailable`]: nothing is recorded and a
//! retry may succeed.

use crate::money::Currency;
use crate::refusal::{Refusal, RefusalKind};
use crate::supply::order_lines::OrderLine;
use crate::supply::valuation::ValuationMethod;

/// What the supply aggregates need to know of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemTerms {
    /// How the item's stock is valued.
    pub valuation: ValuationMethod,
    /// The currency its costs and values are kept in.
    pub currency: Currency,
    /// A discontinued item takes no more receipts; what remains may still be issued and sold.
    pub discontinued: bool,
}

/// What the supply aggregates need to know of a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocationTerms {
    /// Whether the location takes movements.
    pub open: bool,
}

/// The tenant's items and locations, as a command is decided against them.
#[async_trait::async_trait]
pub trait CatalogServices: Send + Sync {
    /// The terms of the item `sku`; `None` when there is no such item.
    ///
    /// # Errors
    /// A description of why it could not be read (database unreachable…).
    async fn item(&self, sku: &str) -> Result<Option<ItemTerms>, String>;

    /// Whether the location `code` exists (`None`: it does not) and is open.
    ///
    /// # Errors
    /// A description of why it could not be read.
    async fn location(&self, code: &str) -> Result<Option<LocationTerms>, String>;
}

/// A command names an item or location the catalog refuses, or the catalog could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// There is no such item.
    #[error("{field}: item {sku} does not exist")]
    ItemNotFound {
        /// JSON path of the SKU (`sku`, `lines[1].sku`).
        field: String,
        /// The SKU.
        sku: String,
    },
    /// A discontinued item where receipts are expected.
    #[error("{field}: item {sku} is discontinued and takes no receipts")]
    ItemDiscontinued {
        /// JSON path of the SKU.
        field: String,
        /// The SKU.
        sku: String,
    },
    /// There is no such location.
    #[error("{field} {location} does not exist")]
    LocationNotFound {
        /// `location`, `ship_from`, `from_location` or `to_location`.
        field: &'static str,
        /// The code given.
        location: String,
    },
    /// The location is closed.
    #[error("{field} {location} is closed")]
    LocationClosed {
        /// `location`, `ship_from`, `from_location` or `to_location`.
        field: &'static str,
        /// The code given.
        location: String,
    },
    /// The catalog could not be read; nothing was recorded.
    #[error("the {lookup} could not be read: {reason}")]
    Unavailable {
        /// `item` or `location`.
        lookup: &'static str,
        /// What failed.
        reason: String,
    },
}

impl Refusal for CatalogError {
    fn field(&self) -> Option<String> {
        use CatalogError as E;
        match self {
            E::ItemNotFound { field, .. } | E::ItemDiscontinued { field, .. } => Some(field.clone()),
            E::LocationNotFound { field, .. } | E::LocationClosed { field, .. } => Some((*field).to_owned()),
            E::Unavailable { .. } => None,
        }
    }

    fn code(&self) -> &'static str {
        use CatalogError as E;
        match self {
            E::ItemNotFound { .. } => "item_not_found",
            E::ItemDiscontinued { .. } => "item_discontinued",
            E::LocationNotFound { .. } => "location_not_found",
            E::LocationClosed { .. } => "location_closed",
            E::Unavailable { .. } => "catalog_unavailable",
        }
    }

    fn kind(&self) -> RefusalKind {
        match self {
            CatalogError::Unavailable { .. } => RefusalKind::Unavailable,
            _ => RefusalKind::Invalid,
        }
    }
}

/// The terms of the item `sku`, named `field` in a refusal: it exists and, when `receipt`,
/// is not discontinued.
///
/// # Errors
/// `ItemNotFound`, `ItemDiscontinued`, or `Unavailable` when the item cannot be read.
pub async fn defined_item(
    catalog: &dyn CatalogServices,
    sku: &str,
    field: impl FnOnce() -> String,
    receipt: bool,
) -> Result<ItemTerms, CatalogError> {
    let terms = catalog.item(sku).await.map_err(|reason| CatalogError::Unavailable { lookup: "item", reason })?;
    match terms {
        None => Err(CatalogError::ItemNotFound { field: field(), sku: sku.to_owned() }),
        Some(terms) if receipt && terms.discontinued => {
            Err(CatalogError::ItemDiscontinued { field: field(), sku: sku.to_owned() })
        }
        Some(terms) => Ok(terms),
    }
}

/// Every line's item, in line order, as [`defined_item`]; a refusal names the line's 0-based
/// index in the command (`lines[2].sku`).
///
/// # Errors
/// The first line's refusal.
pub async fn defined_line_items(
    catalog: &dyn CatalogServices,
    lines: &[OrderLine],
    receipt: bool,
) -> Result<(), CatalogError> {
    for (index, line) in lines.iter().enumerate() {
        defined_item(catalog, &line.sku, || format!("lines[{index}].sku"), receipt).await?;
    }
    Ok(())
}

/// The location `code`, named `field` in a refusal, exists and is open.
///
/// # Errors
/// `LocationNotFound`, `LocationClosed`, or `Unavailable` when the location cannot be read.
pub async fn open_location(catalog: &dyn CatalogServices, code: &str, field: &'static str) -> Result<(), CatalogError> {
    let terms =
        catalog.location(code).await.map_err(|reason| CatalogError::Unavailable { lookup: "location", reason })?;
    match terms {
        None => Err(CatalogError::LocationNotFound { field, location: code.to_owned() }),
        Some(terms) if !terms.open => Err(CatalogError::LocationClosed { field, location: code.to_owned() }),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
pub(crate) use fixed::FixedCatalog;

#[cfg(test)]
mod fixed {
    use std::collections::BTreeMap;

    use super::{CatalogServices, ItemTerms, LocationTerms};
    use crate::supply::valuation::ValuationMethod;
    use crate::test_support::eur;

    /// A fixed catalog for tests: items by SKU, locations by code; `down`, every lookup fails
    /// like a database that is down.
    #[derive(Debug, Clone)]
    pub(crate) struct FixedCatalog {
        items: BTreeMap<String, ItemTerms>,
        locations: BTreeMap<&'static str, LocationTerms>,
        down: bool,
    }

    impl FixedCatalog {
        /// Items `skus` and the discontinued `OLD` (FIFO, in EUR); location `WH-1` open,
        /// `SHUT` closed.
        pub(crate) fn new(skus: &[&str]) -> Self {
            let terms = |discontinued| ItemTerms { valuation: ValuationMethod::Fifo, currency: eur(), discontinued };
            let mut items: BTreeMap<_, _> = skus.iter().map(|sku| ((*sku).to_owned(), terms(false))).collect();
            items.insert("OLD".to_owned(), terms(true));
            let locations =
                BTreeMap::from([("WH-1", LocationTerms { open: true }), ("SHUT", LocationTerms { open: false })]);
            Self { items, locations, down: false }
        }

        /// Every lookup failing.
        pub(crate) fn down(self) -> Self {
            Self { down: true, ..self }
        }

        fn up(&self) -> Result<(), String> {
            if self.down {
                return Err("connection refused".to_owned());
            }
            Ok(())
        }
    }

    #[async_trait::async_trait]
    impl CatalogServices for FixedCatalog {
        async fn item(&self, sku: &str) -> Result<Option<ItemTerms>, String> {
            self.up()?;
            Ok(self.items.get(sku).copied())
        }

        async fn location(&self, code: &str) -> Result<Option<LocationTerms>, String> {
            self.up()?;
            Ok(self.locations.get(code).copied())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_error_table;

    #[test]
    fn error_table() {
        use RefusalKind::{Invalid, Unavailable};
        assert_error_table(&[
            (
                CatalogError::ItemNotFound { field: "lines[1].sku".into(), sku: "S".into() },
                Some("lines[1].sku"),
                Invalid,
            ),
            (CatalogError::ItemDiscontinued { field: "sku".into(), sku: "S".into() }, Some("sku"), Invalid),
            (CatalogError::LocationNotFound { field: "ship_from", location: "L".into() }, Some("ship_from"), Invalid),
            (CatalogError::LocationClosed { field: "location", location: "L".into() }, Some("location"), Invalid),
            (CatalogError::Unavailable { lookup: "item", reason: "down".into() }, None, Unavailable),
        ]);
    }
}
