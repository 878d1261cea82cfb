//! The item aggregate: [`Item::decide`] checks every rule and returns the events, `apply`
//! folds them. Pure — no I/O, no clock, no randomness.
//!
//! Rules are checked in a fixed order and the first broken one is reported. Defining: SKU, not
//! yet defined, name, unit of measure, valuation method, currency, reorder point, reorder
//! quantity, reorder quantity only with a point. Every other command: item defined, not
//! discontinued, then its own inputs — renaming: name, name changed; changing the reorder
//! policy: reorder point, reorder quantity, quantity only with a point (nothing recorded when
//! the policy stays as it is); discontinuing: reason.

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{DefineItem, ItemCommand};
use super::errors::ItemError;
use super::events::{ItemDefined, ItemDiscontinued, ItemEvent, ItemRenamed, ItemReorderPolicyChanged};
use super::{MAX_NAME_CHARS, MAX_REASON_CHARS, MAX_UNIT_CHARS};
use crate::money::Currency;
use crate::quantity::{Quantity, QuantityError};
use crate::supply::code::check_code;
use crate::supply::valuation::ValuationMethod;
use crate::text::check_text;

/// An item of the catalog, folded from its events; the default is an item not yet defined.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    definition: Option<Definition>,
}

/// What a defined item is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Definition {
    sku: String,
    name: String,
    unit_of_measure: String,
    valuation_method: ValuationMethod,
    currency: Currency,
    reorder: ReorderPolicy,
    discontinued: bool,
}

/// When to reorder, in thousandths of the unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct ReorderPolicy {
    point_milli: Option<i64>,
    quantity_milli: Option<i64>,
}

impl ReorderPolicy {
    /// The policy `reorder_point` and `reorder_quantity` describe: a non-negative point, a
    /// positive quantity, and a quantity only with a point.
    fn parse(reorder_point: Option<&Quantity>, reorder_quantity: Option<&Quantity>) -> Result<Self, ItemError> {
        let point_milli = reorder_point.map(non_negative_milli).transpose()?;
        let quantity_milli = reorder_quantity
            .map(Quantity::milli)
            .transpose()
            .map_err(|reason| ItemError::InvalidReorderQuantity { reason })?;
        if quantity_milli.is_some() && point_milli.is_none() {
            return Err(ItemError::ReorderQuantityWithoutPoint);
        }
        Ok(Self { point_milli, quantity_milli })
    }
}

/// A reorder point in thousandths: what [`Quantity::milli`] accepts, and zero written without
/// a sign (`0`, `0.0`, `"0.000"`).
fn non_negative_milli(point: &Quantity) -> Result<i64, ItemError> {
    match point.milli() {
        // `milli` reports a well-formed zero or negative quantity as not positive.
        Err(QuantityError::NotPositive { text }) if text.starts_with('-') => {
            Err(ItemError::NegativeReorderPoint { text })
        }
        Err(QuantityError::NotPositive { .. }) => Ok(0),
        other => other.map_err(|reason| ItemError::InvalidReorderPoint { reason }),
    }
}

impl Item {
    /// The SKU, once defined.
    #[must_use]
    pub fn sku(&self) -> Option<&str> {
        self.definition.as_ref().map(|d| d.sku.as_str())
    }

    /// The display name, once defined.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.definition.as_ref().map(|d| d.name.as_str())
    }

    /// The unit stock is counted in (`each`, `kg`), once defined.
    #[must_use]
    pub fn unit_of_measure(&self) -> Option<&str> {
        self.definition.as_ref().map(|d| d.unit_of_measure.as_str())
    }

    /// How the item's stock is valued, once defined; it never changes.
    #[must_use]
    pub fn valuation_method(&self) -> Option<ValuationMethod> {
        self.definition.as_ref().map(|d| d.valuation_method)
    }

    /// The currency the item's stock is valued in, once defined; it never changes.
    #[must_use]
    pub fn currency(&self) -> Option<Currency> {
        self.definition.as_ref().map(|d| d.currency)
    }

    /// The reorder point in thousandths of the unit; `None` when the item has none (or is not
    /// defined).
    #[must_use]
    pub fn reorder_point_milli(&self) -> Option<i64> {
        self.definition.as_ref().and_then(|d| d.reorder.point_milli)
    }

    /// The quantity to reorder in thousandths of the unit; `None` when not set (or the item is
    /// not defined).
    #[must_use]
    pub fn reorder_quantity_milli(&self) -> Option<i64> {
        self.definition.as_ref().and_then(|d| d.reorder.quantity_milli)
    }

    /// Whether the item has been defined.
    #[must_use]
    pub fn is_defined(&self) -> bool {
        self.definition.is_some()
    }

    /// Whether the item is discontinued: it takes no further change (and, for the stock and
    /// order aggregates to decide, no new receipt or order).
    #[must_use]
    pub fn is_discontinued(&self) -> bool {
        self.definition.as_ref().is_some_and(|d| d.discontinued)
    }

    /// Decides `command` against the current state: the events to record (none for a reorder
    /// policy that stays as it is), or why not. This is the whole of `handle`, callable
    /// without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as an [`ItemError`].
    pub fn decide(&self, command: ItemCommand) -> Result<Vec<ItemEvent>, ItemError> {
        match command {
            ItemCommand::DefineItem(define) => Ok(vec![ItemEvent::ItemDefined(self.decide_define(define)?)]),
            ItemCommand::ChangeReorderPolicy { reorder_point, reorder_quantity } => {
                let definition = self.changeable()?;
                let reorder = ReorderPolicy::parse(reorder_point.as_ref(), reorder_quantity.as_ref())?;
                if reorder == definition.reorder {
                    return Ok(Vec::new());
                }
                Ok(vec![ItemEvent::ItemReorderPolicyChanged(ItemReorderPolicyChanged {
                    sku: definition.sku.clone(),
                    reorder_point_milli: reorder.point_milli,
                    reorder_quantity_milli: reorder.quantity_milli,
                })])
            }
            ItemCommand::RenameItem { name } => {
                let definition = self.changeable()?;
                check_name(&name)?;
                if definition.name == name {
                    return Err(ItemError::NameUnchanged { sku: definition.sku.clone(), name });
                }
                Ok(vec![ItemEvent::ItemRenamed(ItemRenamed { sku: definition.sku.clone(), name })])
            }
            ItemCommand::DiscontinueItem { reason } => {
                let definition = self.changeable()?;
                if let Some(reason) = &reason {
                    check_text(reason, MAX_REASON_CHARS, ItemError::ReasonBlank, |chars, max| {
                        ItemError::ReasonTooLong { chars, max }
                    })?;
                }
                Ok(vec![ItemEvent::ItemDiscontinued(ItemDiscontinued { sku: definition.sku.clone(), reason })])
            }
        }
    }

    fn decide_define(&self, define: DefineItem) -> Result<ItemDefined, ItemError> {
        if let Err(reason) = check_code(&define.sku) {
            return Err(ItemError::InvalidSku { sku: define.sku, reason });
        }
        if let Some(definition) = &self.definition {
            return Err(ItemError::ItemExists { sku: definition.sku.clone() });
        }
        check_name(&define.name)?;
        check_text(&define.unit_of_measure, MAX_UNIT_CHARS, ItemError::UnitBlank, |chars, max| {
            ItemError::UnitTooLong { chars, max }
        })?;
        let valuation_method = ValuationMethod::parse(&define.valuation_method)
            .ok_or_else(|| ItemError::InvalidValuationMethod { valuation_method: define.valuation_method.clone() })?;
        let currency = Currency::parse(&define.currency).map_err(|reason| ItemError::InvalidCurrency { reason })?;
        let reorder = ReorderPolicy::parse(define.reorder_point.as_ref(), define.reorder_quantity.as_ref())?;
        Ok(ItemDefined {
            sku: define.sku,
            name: define.name,
            unit_of_measure: define.unit_of_measure,
            valuation_method: valuation_method.as_str().to_owned(),
            currency: currency.as_str().to_owned(),
            reorder_point_milli: reorder.point_milli,
            reorder_quantity_milli: reorder.quantity_milli,
        })
    }

    /// The definition of an item that may still change, or why it may not: it is not defined
    /// ([`ItemError::ItemNotFound`]) or discontinued ([`ItemError::Discontinued`]).
    fn changeable(&self) -> Result<&Definition, ItemError> {
        let definition = self.definition.as_ref().ok_or(ItemError::ItemNotFound)?;
        if definition.discontinued {
            return Err(ItemError::Discontinued { sku: definition.sku.clone() });
        }
        Ok(definition)
    }

    /// The definition, for folding an event about the item; `decide` records no event about an
    /// item before its `ItemDefined`.
    fn definition_mut(&mut self) -> Option<&mut Definition> {
        debug_assert!(self.definition.is_some(), "event about an undefined item");
        self.definition.as_mut()
    }
}

/// Rejects a blank or over-long name.
fn check_name(name: &str) -> Result<(), ItemError> {
    check_text(name, MAX_NAME_CHARS, ItemError::NameBlank, |chars, max| ItemError::NameTooLong { chars, max })
}

impl Aggregate for Item {
    const TYPE: &'static str = "supply.item";
    type Command = ItemCommand;
    type Event = ItemEvent;
    type Error = ItemError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ItemEvent::ItemDefined(defined) => {
                let valuation_method = ValuationMethod::parse(&defined.valuation_method);
                let currency = Currency::parse(&defined.currency).ok();
                debug_assert!(valuation_method.is_some() && currency.is_some(), "malformed ItemDefined");
                if let (Some(valuation_method), Some(currency)) = (valuation_method, currency) {
                    self.definition = Some(Definition {
                        sku: defined.sku,
                        name: defined.name,
                        unit_of_measure: defined.unit_of_measure,
                        valuation_method,
                        currency,
                        reorder: ReorderPolicy {
                            point_milli: defined.reorder_point_milli,
                            quantity_milli: defined.reorder_quantity_milli,
                        },
                        discontinued: false,
                    });
                }
            }
            ItemEvent::ItemReorderPolicyChanged(changed) => {
                if let Some(definition) = self.definition_mut() {
                    definition.reorder = ReorderPolicy {
                        point_milli: changed.reorder_point_milli,
                        quantity_milli: changed.reorder_quantity_milli,
                    };
                }
            }
            ItemEvent::ItemRenamed(renamed) => {
                if let Some(definition) = self.definition_mut() {
                    definition.name = renamed.name;
                }
            }
            ItemEvent::ItemDiscontinued(_) => {
                if let Some(definition) = self.definition_mut() {
                    debug_assert!(!definition.discontinued, "item {} discontinued twice", definition.sku);
                    definition.discontinued = true;
                }
            }
        }
    }
}
