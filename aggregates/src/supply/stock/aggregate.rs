//! The stock aggregate: [`Stock::decide`] checks every rule of the command itself, then reads
//! the item and the locations (through the checks of [`crate::supply::catalog`]) and, only
//! when a movement needs more than is available, the negative-stock setting from
//! [`StockServices`], and returns the events; `handle` records them, `apply` folds them. Pure
//! apart from the services — no clock, no randomness.
//!
//! Rules are checked in a fixed order and the first broken one is reported: the SKU; the
//! command's locations, quantity, unit cost, reservation id, reference or reason, movement id;
//! then whether it was already applied (idempotency) and the reservation it names; then the
//! item (exists, not discontinued for a receipt, same currency), each location (exists, open),
//! what is available, and the valuation (unit cost known, no overflow).
//!
//! `decide` computes each location's stock after the movement with the same functions `apply`
//! folds the event with, so what an event says and what the state becomes cannot differ.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::{
    AdjustStock, IssueStock, ReceiveStock, ReleaseReservation, ReserveStock, StockCommand, TransferStock,
};
use super::errors::StockError;
use super::events::{InventoryUpdated, MovementKind, StockEvent};
use super::services::StockServices;
use super::valuation::{receipt_value, Layer, ValuationRefusal, ValuedStock};
use super::{MAX_ID_CHARS, MAX_LOCATION_CHARS, MAX_REASON_CHARS, MAX_REFERENCE_CHARS, MAX_SKU_CHARS};
use crate::money::Currency;
use crate::quantity::{Quantity, QuantityError};
use crate::supply::catalog::{self, defined_item, CatalogError, ItemTerms};
use crate::supply::valuation::ValuationMethod;
use crate::text::check_text;

/// The id of a movement recorded without a given `movement_id`: UUID v5 in the OID namespace
/// of `"<sku>/stock/<sequence>"`, `sequence` being the aggregate sequence (1-based) of the
/// command's first event. Deterministic, so deciding needs no randomness.
#[must_use]
pub fn movement_id_for(sku: &str, sequence: u64) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{sku}/stock/{sequence}").as_bytes())
}

/// Where a reservation is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReservationStatus {
    /// Holding its quantity.
    Open,
    /// Given up; its quantity is available again.
    Released,
    /// Fulfilled by issues: everything it held was issued.
    Consumed,
}

impl ReservationStatus {
    /// `open`, `released` or `consumed`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ReservationStatus::Open => "open",
            ReservationStatus::Released => "released",
            ReservationStatus::Consumed => "consumed",
        }
    }
}

/// A reservation of stock at one location. Issues against it take from it what they issue,
/// up to what it still holds; it is consumed once it holds nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    /// Code of the location.
    pub location: String,
    /// Quantity reserved, thousandths.
    pub quantity_milli: i64,
    /// Quantity issued against it so far, thousandths; at most `quantity_milli`.
    #[serde(default)]
    pub issued_milli: i64,
    /// The reservation's reference (sales order…).
    pub reference: Option<String>,
    /// Open, released or consumed.
    pub status: ReservationStatus,
}

impl Reservation {
    /// What it still holds: reserved less issued, thousandths (0 once consumed).
    #[must_use]
    pub fn open_milli(&self) -> i64 {
        self.quantity_milli - self.issued_milli
    }
}

/// The stock of the item at one location.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationStock {
    valued: ValuedStock,
    reserved_milli: i64,
}

impl LocationStock {
    /// On hand, thousandths; negative only when negative stock was allowed.
    #[must_use]
    pub fn on_hand_milli(&self) -> i64 {
        self.valued.on_hand_milli()
    }

    /// Reserved by open reservations, thousandths.
    #[must_use]
    pub fn reserved_milli(&self) -> i64 {
        self.reserved_milli
    }

    /// Available to promise: on hand less reserved, thousandths (negative when a count found
    /// less than is reserved, or on hand is negative).
    #[must_use]
    pub fn available_milli(&self) -> i64 {
        self.on_hand_milli().saturating_sub(self.reserved_milli)
    }

    /// Value of what is on hand, minor units of the item's currency.
    #[must_use]
    pub fn value_minor(&self) -> i64 {
        self.valued.value_minor()
    }

    /// The valuation layers, oldest first: FIFO receipt layers, or the one moving-average
    /// layer; none unless on hand is positive. They sum to on hand and value exactly.
    pub fn layers(&self) -> impl ExactSizeIterator<Item = Layer> + '_ {
        self.valued.layers().iter().copied()
    }

    /// After `quantity_milli` came in changing the value by `change_minor` at unit cost `cost`.
    fn moved_in(
        &self,
        method: ValuationMethod,
        quantity_milli: i64,
        change_minor: i64,
        cost: Layer,
    ) -> Result<Self, ValuationRefusal> {
        let valued = self.valued.received(method, quantity_milli, change_minor, cost)?;
        Ok(Self { valued, ..self.clone() })
    }

    /// After `quantity_milli` went out taking `value_minor`.
    fn moved_out(
        &self,
        method: ValuationMethod,
        quantity_milli: i64,
        value_minor: i64,
    ) -> Result<Self, ValuationRefusal> {
        let valued = self.valued.issued(method, quantity_milli, value_minor)?;
        Ok(Self { valued, ..self.clone() })
    }

    /// After the reserved quantity changed by `change_milli`.
    fn reserved_by(&self, change_milli: i64) -> Result<Self, ValuationRefusal> {
        let reserved_milli = self.reserved_milli.checked_add(change_milli).ok_or(ValuationRefusal::Overflow)?;
        Ok(Self { reserved_milli, ..self.clone() })
    }

    /// After the movement `event` records: the one fold of `apply`, which `decide` computes
    /// its events with too.
    fn updated_by(&self, method: ValuationMethod, event: &InventoryUpdated) -> Result<Self, ValuationRefusal> {
        let quantity = event.quantity_change_milli;
        let moved = if quantity > 0 {
            let cost = match event.unit_cost_minor {
                Some(unit_cost_minor) => Layer { quantity_milli: 1_000, value_minor: unit_cost_minor },
                None => Layer { quantity_milli: quantity, value_minor: event.movement_value_minor },
            };
            self.moved_in(method, quantity, event.value_change_minor, cost)?
        } else if quantity < 0 {
            self.moved_out(method, -quantity, -event.value_change_minor)?
        } else {
            self.clone()
        };
        moved.reserved_by(event.reserved_change_milli)
    }
}

/// The stock of one item, folded from its events: per location on hand, reserved, value and
/// layers; the reservations by id; the movement ids recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stock {
    sku: Option<String>,
    currency: Option<Currency>,
    /// The valuation method of the last movement.
    method: Option<ValuationMethod>,
    /// Events applied: the aggregate sequence.
    sequence: u64,
    locations: BTreeMap<String, LocationStock>,
    reservations: BTreeMap<String, Reservation>,
    movement_ids: BTreeSet<String>,
}

/// What every event of one command shares.
struct Movement {
    sku: String,
    movement_id: String,
    valuation: ValuationMethod,
    currency: Currency,
    reference: Option<String>,
}

impl Movement {
    /// The event of a `kind` movement at `location` from `before` to `after`.
    fn event(
        &self,
        kind: MovementKind,
        location: &str,
        before: &LocationStock,
        after: &LocationStock,
        movement_value_minor: i64,
    ) -> InventoryUpdated {
        InventoryUpdated {
            sku: self.sku.clone(),
            movement_id: self.movement_id.clone(),
            movement: kind.as_str().to_owned(),
            location: location.to_owned(),
            counter_location: None,
            valuation: self.valuation.as_str().to_owned(),
            currency: self.currency.as_str().to_owned(),
            quantity_change_milli: after.on_hand_milli() - before.on_hand_milli(),
            reserved_change_milli: after.reserved_milli - before.reserved_milli,
            movement_value_minor,
            value_change_minor: after.value_minor() - before.value_minor(),
            unit_cost_minor: None,
            reservation_id: None,
            reference: self.reference.clone(),
            reason: None,
            on_hand_after_milli: after.on_hand_milli(),
            reserved_after_milli: after.reserved_milli,
            value_after_minor: after.value_minor(),
        }
    }
}

impl Stock {
    /// The item's SKU, once anything was recorded.
    #[must_use]
    pub fn sku(&self) -> Option<&str> {
        self.sku.as_deref()
    }

    /// The currency of the stock's values, once anything was recorded.
    #[must_use]
    pub fn currency(&self) -> Option<Currency> {
        self.currency
    }

    /// Events recorded so far (the aggregate sequence).
    #[must_use]
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// The stock at `location`; `None` where nothing ever moved.
    #[must_use]
    pub fn location(&self, location: &str) -> Option<&LocationStock> {
        self.locations.get(location)
    }

    /// Every location where something moved, by code.
    pub fn locations(&self) -> impl Iterator<Item = (&str, &LocationStock)> {
        self.locations.iter().map(|(code, stock)| (code.as_str(), stock))
    }

    /// On hand at `location`, thousandths (0 where nothing moved).
    #[must_use]
    pub fn on_hand_milli(&self, location: &str) -> i64 {
        self.location(location).map_or(0, LocationStock::on_hand_milli)
    }

    /// Reserved at `location`, thousandths.
    #[must_use]
    pub fn reserved_milli(&self, location: &str) -> i64 {
        self.location(location).map_or(0, LocationStock::reserved_milli)
    }

    /// Available to promise at `location`: on hand less reserved, thousandths.
    #[must_use]
    pub fn available_milli(&self, location: &str) -> i64 {
        self.location(location).map_or(0, LocationStock::available_milli)
    }

    /// Value of what is on hand at `location`, minor units.
    #[must_use]
    pub fn value_minor(&self, location: &str) -> i64 {
        self.location(location).map_or(0, LocationStock::value_minor)
    }

    /// The reservation `reservation_id`, whatever its status.
    #[must_use]
    pub fn reservation(&self, reservation_id: &str) -> Option<&Reservation> {
        self.reservations.get(reservation_id)
    }

    /// Decides `command` against the current state and what `services` report: the events to
    /// record (none for a repeated command), or why not. This is the whole of `handle`,
    /// callable without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`StockError`]; `Unavailable` when a service
    /// fails.
    pub async fn decide(
        &self,
        command: StockCommand,
        services: &dyn StockServices,
    ) -> Result<Vec<StockEvent>, StockError> {
        let events = match command {
            StockCommand::Receive(receive) => self.decide_receive(receive, services).await?,
            StockCommand::Issue(issue) => self.decide_issue(issue, services).await?,
            StockCommand::Transfer(transfer) => self.decide_transfer(transfer, services).await?,
            StockCommand::Adjust(adjust) => self.decide_adjust(adjust, services).await?,
            StockCommand::Reserve(reserve) => self.decide_reserve(reserve, services).await?,
            StockCommand::Release(release) => self.decide_release(&release)?,
        };
        Ok(events.into_iter().map(StockEvent::InventoryUpdated).collect())
    }

    async fn decide_receive(
        &self,
        command: ReceiveStock,
        services: &dyn StockServices,
    ) -> Result<Vec<InventoryUpdated>, StockError> {
        self.check_sku(&command.sku)?;
        check_location(&command.location, "location")?;
        let quantity = positive(&command.quantity, "quantity")?;
        if command.unit_cost_minor < 0 {
            return Err(StockError::NegativeUnitCost { unit_cost_minor: command.unit_cost_minor });
        }
        check_reference(command.reference.as_deref())?;
        check_id(command.movement_id.as_deref(), "movement_id")?;
        if self.applied(command.movement_id.as_deref()) {
            return Ok(vec![]);
        }
        let item = self.item(services, &command.sku, true).await?;
        open_location(services, &command.location, "location").await?;
        let field = "unit_cost_minor";
        let value = receipt_value(quantity, command.unit_cost_minor).ok_or(StockError::Overflow { field })?;
        let before = self.at(&command.location);
        let cost = Layer { quantity_milli: 1_000, value_minor: command.unit_cost_minor };
        let after = bring_in(&before, item.valuation, quantity, value, cost, field)?;
        let movement = self.movement(command.sku, command.movement_id, item, command.reference);
        let event = movement.event(MovementKind::Receipt, &command.location, &before, &after, value);
        Ok(vec![InventoryUpdated { unit_cost_minor: Some(command.unit_cost_minor), ..event }])
    }

    async fn decide_issue(
        &self,
        command: IssueStock,
        services: &dyn StockServices,
    ) -> Result<Vec<InventoryUpdated>, StockError> {
        self.check_sku(&command.sku)?;
        check_location(&command.location, "location")?;
        let quantity = positive(&command.quantity, "quantity")?;
        check_id(command.reservation_id.as_deref(), "reservation_id")?;
        check_reference(command.reference.as_deref())?;
        check_id(command.movement_id.as_deref(), "movement_id")?;
        if self.applied(command.movement_id.as_deref()) {
            return Ok(vec![]);
        }
        let mut reserved = 0;
        if let Some(reservation_id) = &command.reservation_id {
            let reservation = self
                .reservations
                .get(reservation_id)
                .ok_or_else(|| StockError::ReservationNotFound { reservation_id: reservation_id.clone() })?;
            match reservation.status {
                ReservationStatus::Open => {}
                ReservationStatus::Consumed => return Ok(vec![]),
                status @ ReservationStatus::Released => {
                    return Err(StockError::ReservationClosed { reservation_id: reservation_id.clone(), status })
                }
            }
            if reservation.location != command.location {
                return Err(StockError::ReservationLocationMismatch {
                    reservation_id: reservation_id.clone(),
                    reservation_location: reservation.location.clone(),
                    location: command.location,
                });
            }
            reserved = reservation.open_milli();
        }
        let item = self.item(services, &command.sku, false).await?;
        open_location(services, &command.location, "location").await?;
        self.check_available(services, &command.location, reserved, quantity).await?;
        let before = self.at(&command.location);
        let (value, after) = take_out(&before, item.valuation, quantity, &command.location, "quantity")?;
        let consumed = reserved.min(quantity);
        let after = after.reserved_by(-consumed).map_err(|_| StockError::Overflow { field: "quantity" })?;
        let movement = self.movement(command.sku, command.movement_id, item, command.reference);
        let event = movement.event(MovementKind::Issue, &command.location, &before, &after, -value);
        Ok(vec![InventoryUpdated { reservation_id: command.reservation_id, ..event }])
    }

    async fn decide_transfer(
        &self,
        command: TransferStock,
        services: &dyn StockServices,
    ) -> Result<Vec<InventoryUpdated>, StockError> {
        self.check_sku(&command.sku)?;
        check_location(&command.from_location, "from_location")?;
        check_location(&command.to_location, "to_location")?;
        if command.from_location == command.to_location {
            return Err(StockError::SameLocation { location: command.to_location });
        }
        let quantity = positive(&command.quantity, "quantity")?;
        check_reference(command.reference.as_deref())?;
        check_id(command.movement_id.as_deref(), "movement_id")?;
        if self.applied(command.movement_id.as_deref()) {
            return Ok(vec![]);
        }
        let item = self.item(services, &command.sku, false).await?;
        open_location(services, &command.from_location, "from_location").await?;
        open_location(services, &command.to_location, "to_location").await?;
        self.check_available(services, &command.from_location, 0, quantity).await?;
        let (from, to) = (&command.from_location, &command.to_location);
        let from_before = self.at(from);
        let (value, from_after) = take_out(&from_before, item.valuation, quantity, from, "quantity")?;
        let to_before = self.at(to);
        let cost = Layer { quantity_milli: quantity, value_minor: value };
        let to_after = bring_in(&to_before, item.valuation, quantity, value, cost, "quantity")?;
        let movement = self.movement(command.sku.clone(), command.movement_id.clone(), item, command.reference.clone());
        let out = movement.event(MovementKind::TransferOut, from, &from_before, &from_after, -value);
        let arrived = movement.event(MovementKind::TransferIn, to, &to_before, &to_after, value);
        Ok(vec![
            InventoryUpdated { counter_location: Some(to.clone()), ..out },
            InventoryUpdated { counter_location: Some(from.clone()), ..arrived },
        ])
    }

    async fn decide_adjust(
        &self,
        command: AdjustStock,
        services: &dyn StockServices,
    ) -> Result<Vec<InventoryUpdated>, StockError> {
        self.check_sku(&command.sku)?;
        check_location(&command.location, "location")?;
        let counted = count(&command.counted_quantity)?;
        check_text(&command.reason, MAX_REASON_CHARS, StockError::ReasonBlank, |chars, max| {
            StockError::ReasonTooLong { chars, max }
        })?;
        let item = self.item(services, &command.sku, false).await?;
        open_location(services, &command.location, "location").await?;
        let location = &command.location;
        let before = self.at(location);
        let field = "counted_quantity";
        let difference = counted.checked_sub(before.on_hand_milli()).ok_or(StockError::Overflow { field })?;
        let (value, after) = if difference > 0 {
            let value = before.valued.gain_value(difference).map_err(|refusal| refused(refusal, field, location))?;
            let cost = Layer { quantity_milli: difference, value_minor: value };
            (value, bring_in(&before, item.valuation, difference, value, cost, field)?)
        } else if difference < 0 {
            let (value, after) = take_out(&before, item.valuation, -difference, location, field)?;
            (-value, after)
        } else {
            return Ok(vec![]);
        };
        let movement = self.movement(command.sku, None, item, None);
        let event = movement.event(MovementKind::Adjustment, location, &before, &after, value);
        Ok(vec![InventoryUpdated { reason: Some(command.reason), ..event }])
    }

    async fn decide_reserve(
        &self,
        command: ReserveStock,
        services: &dyn StockServices,
    ) -> Result<Vec<InventoryUpdated>, StockError> {
        self.check_sku(&command.sku)?;
        check_location(&command.location, "location")?;
        let quantity = positive(&command.quantity, "quantity")?;
        check_id(Some(&command.reservation_id), "reservation_id")?;
        check_reference(command.reference.as_deref())?;
        if let Some(existing) = self.reservations.get(&command.reservation_id) {
            if existing.location == command.location && existing.quantity_milli == quantity {
                return Ok(vec![]);
            }
            return Err(StockError::ReservationIdTaken { reservation_id: command.reservation_id });
        }
        let item = self.item(services, &command.sku, false).await?;
        open_location(services, &command.location, "location").await?;
        self.check_available(services, &command.location, 0, quantity).await?;
        let before = self.at(&command.location);
        let after = before.reserved_by(quantity).map_err(|_| StockError::Overflow { field: "quantity" })?;
        let movement = self.movement(command.sku, None, item, command.reference);
        let event = movement.event(MovementKind::Reservation, &command.location, &before, &after, 0);
        Ok(vec![InventoryUpdated { reservation_id: Some(command.reservation_id), ..event }])
    }

    fn decide_release(&self, command: &ReleaseReservation) -> Result<Vec<InventoryUpdated>, StockError> {
        self.check_sku(&command.sku)?;
        check_id(Some(&command.reservation_id), "reservation_id")?;
        let reservation_id = &command.reservation_id;
        let not_found = || StockError::ReservationNotFound { reservation_id: reservation_id.clone() };
        let reservation = self.reservations.get(reservation_id).ok_or_else(not_found)?;
        match reservation.status {
            ReservationStatus::Open => {}
            ReservationStatus::Released => return Ok(vec![]),
            status @ ReservationStatus::Consumed => {
                return Err(StockError::ReservationClosed { reservation_id: reservation_id.clone(), status })
            }
        }
        // A reservation was recorded, so the currency and valuation are known.
        let (Some(currency), Some(valuation)) = (self.currency, self.method) else { return Err(not_found()) };
        let before = self.at(&reservation.location);
        let after = before
            .reserved_by(-reservation.open_milli())
            .map_err(|_| StockError::Overflow { field: "reservation_id" })?;
        let movement = Movement {
            sku: command.sku.clone(),
            movement_id: self.movement_id(&command.sku, None),
            valuation,
            currency,
            reference: reservation.reference.clone(),
        };
        let event = movement.event(MovementKind::Release, &reservation.location, &before, &after, 0);
        Ok(vec![InventoryUpdated { reservation_id: Some(reservation_id.clone()), ..event }])
    }

    /// The SKU's own rules, and that it is this stock's.
    fn check_sku(&self, sku: &str) -> Result<(), StockError> {
        check_text(sku, MAX_SKU_CHARS, StockError::SkuBlank, |chars, max| StockError::SkuTooLong { chars, max })?;
        match &self.sku {
            Some(own) if own != sku => Err(StockError::SkuMismatch { sku: sku.to_owned(), stock_sku: own.clone() }),
            _ => Ok(()),
        }
    }

    /// Whether the movement id given was recorded already.
    fn applied(&self, movement_id: Option<&str>) -> bool {
        movement_id.is_some_and(|id| self.movement_ids.contains(id))
    }

    /// The stock at `location` now (empty where nothing moved).
    fn at(&self, location: &str) -> LocationStock {
        self.locations.get(location).cloned().unwrap_or_default()
    }

    /// The id given, or the one derived for the next event.
    fn movement_id(&self, sku: &str, given: Option<String>) -> String {
        given.unwrap_or_else(|| movement_id_for(sku, self.sequence + 1).to_string())
    }

    fn movement(&self, sku: String, given: Option<String>, item: ItemTerms, reference: Option<String>) -> Movement {
        let movement_id = self.movement_id(&sku, given);
        Movement { sku, movement_id, valuation: item.valuation, currency: item.currency, reference }
    }

    /// The item's terms: it exists, takes receipts when `receipt`, and is in the stock's currency.
    async fn item(&self, services: &dyn StockServices, sku: &str, receipt: bool) -> Result<ItemTerms, StockError> {
        let terms = defined_item(services, sku, || "sku".to_owned(), receipt).await.map_err(stock_refusal)?;
        match self.currency {
            Some(stock_currency) if stock_currency != terms.currency => {
                Err(StockError::CurrencyChanged { currency: terms.currency, stock_currency })
            }
            _ => Ok(terms),
        }
    }

    /// `quantity_milli` may leave `location`, of which `reserved_milli` is held for this very
    /// movement: it is available, or negative stock is allowed.
    async fn check_available(
        &self,
        services: &dyn StockServices,
        location: &str,
        reserved_milli: i64,
        quantity_milli: i64,
    ) -> Result<(), StockError> {
        let available_milli = self.available_milli(location).saturating_add(reserved_milli);
        if quantity_milli <= available_milli {
            return Ok(());
        }
        let allowed = services
            .allows_negative_stock()
            .await
            .map_err(|reason| StockError::Unavailable { lookup: "negative stock setting", reason })?;
        if allowed {
            return Ok(());
        }
        Err(StockError::InsufficientStock {
            location: location.to_owned(),
            available_milli,
            requested_milli: quantity_milli,
        })
    }
}

impl Aggregate for Stock {
    const TYPE: &'static str = "supply.stock";
    type Command = StockCommand;
    type Event = StockEvent;
    type Error = StockError;
    type Services = Arc<dyn StockServices>;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let events = self.decide(command, services.as_ref()).await?;
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        let StockEvent::InventoryUpdated(updated) = event;
        self.sequence += 1;
        let (Ok(currency), Some(method), Some(kind)) = (
            Currency::parse(&updated.currency),
            ValuationMethod::parse(&updated.valuation),
            MovementKind::parse(&updated.movement),
        ) else {
            debug_assert!(false, "invalid inventory update {updated:?}");
            return;
        };
        let before = self.at(&updated.location);
        let Ok(after) = before.updated_by(method, &updated) else {
            debug_assert!(false, "inventory update overflows {updated:?}");
            return;
        };
        debug_assert_eq!(
            (after.on_hand_milli(), after.reserved_milli, after.value_minor()),
            (updated.on_hand_after_milli, updated.reserved_after_milli, updated.value_after_minor),
            "inventory update disagrees with the state it applies to"
        );
        self.locations.insert(updated.location.clone(), after);
        self.sku.get_or_insert(updated.sku);
        self.currency = Some(currency);
        self.method = Some(method);
        let InventoryUpdated { movement_id, location, reserved_change_milli, reservation_id, reference, .. } = updated;
        self.movement_ids.insert(movement_id);
        let Some(reservation_id) = reservation_id else { return };
        match kind {
            MovementKind::Reservation => {
                let status = ReservationStatus::Open;
                let quantity_milli = reserved_change_milli;
                let reservation = Reservation { location, quantity_milli, issued_milli: 0, reference, status };
                self.reservations.insert(reservation_id, reservation);
            }
            MovementKind::Release => {
                if let Some(reservation) = self.reservations.get_mut(&reservation_id) {
                    reservation.status = ReservationStatus::Released;
                }
            }
            MovementKind::Issue => {
                if let Some(reservation) = self.reservations.get_mut(&reservation_id) {
                    reservation.issued_milli -= reserved_change_milli;
                    if reservation.open_milli() <= 0 {
                        reservation.status = ReservationStatus::Consumed;
                    }
                }
            }
            _ => {}
        }
    }
}

/// What `quantity_milli` leaving `before` takes (the cost of goods, positive) and the stock
/// after; `field` names the quantity in a refusal.
fn take_out(
    before: &LocationStock,
    method: ValuationMethod,
    quantity_milli: i64,
    location: &str,
    field: &'static str,
) -> Result<(i64, LocationStock), StockError> {
    let refusal = |refusal| refused(refusal, field, location);
    let value = before.valued.outgoing_value(method, quantity_milli).map_err(refusal)?;
    let after = before.moved_out(method, quantity_milli, value).map_err(refusal)?;
    Ok((value, after))
}

/// The stock after `quantity_milli` worth `value_minor` at unit cost `cost` came in to
/// `before` (settling any shortfall first); `field` names what overflows in a refusal.
fn bring_in(
    before: &LocationStock,
    method: ValuationMethod,
    quantity_milli: i64,
    value_minor: i64,
    cost: Layer,
    field: &'static str,
) -> Result<LocationStock, StockError> {
    let overflow = |_| StockError::Overflow { field };
    let change = before.valued.incoming_change(quantity_milli, value_minor).map_err(overflow)?;
    before.moved_in(method, quantity_milli, change, cost).map_err(overflow)
}

/// The stock error of a valuation refusal about `field` at `location`.
fn refused(refusal: ValuationRefusal, field: &'static str, location: &str) -> StockError {
    match refusal {
        ValuationRefusal::Overflow => StockError::Overflow { field },
        ValuationRefusal::NoUnitCost => StockError::NoUnitCost { field, location: location.to_owned() },
    }
}

/// `location`'s own rules, reported as `field`.
fn check_location(location: &str, field: &'static str) -> Result<(), StockError> {
    check_text(location, MAX_LOCATION_CHARS, StockError::LocationBlank { field }, |chars, max| {
        StockError::LocationTooLong { field, chars, max }
    })
}

/// A movement or reservation id's own rules, when given, reported as `field`.
fn check_id(id: Option<&str>, field: &'static str) -> Result<(), StockError> {
    let Some(id) = id else { return Ok(()) };
    check_text(id, MAX_ID_CHARS, StockError::IdBlank { field }, |chars, max| StockError::IdTooLong {
        field,
        chars,
        max,
    })
}

/// A reference's rules, when given.
fn check_reference(reference: Option<&str>) -> Result<(), StockError> {
    let Some(reference) = reference else { return Ok(()) };
    check_text(reference, MAX_REFERENCE_CHARS, StockError::ReferenceBlank, |chars, max| StockError::ReferenceTooLong {
        chars,
        max,
    })
}

/// A positive quantity in thousandths, reported as `field`.
fn positive(quantity: &Quantity, field: &'static str) -> Result<i64, StockError> {
    quantity.milli().map_err(|reason| StockError::InvalidQuantity { field, reason })
}

/// A counted quantity in thousandths: like a quantity, but `0` is a count.
fn count(quantity: &Quantity) -> Result<i64, StockError> {
    match quantity.milli() {
        Ok(milli) => Ok(milli),
        Err(QuantityError::NotPositive { text }) if text.starts_with('-') => Err(StockError::NegativeCount { text }),
        // A well-formed quantity that is not positive and has no sign is zero.
        Err(QuantityError::NotPositive { .. }) => Ok(0),
        Err(reason) => Err(StockError::InvalidQuantity { field: "counted_quantity", reason }),
    }
}

/// Every location the command names must exist and be open.
async fn open_location(services: &dyn StockServices, location: &str, field: &'static str) -> Result<(), StockError> {
    catalog::open_location(services, location, field).await.map_err(stock_refusal)
}

/// A catalog refusal as the stock reports it: an unknown item is the stock's own SKU not
/// found (404), the rest keep their field.
fn stock_refusal(refusal: CatalogError) -> StockError {
    match refusal {
        CatalogError::ItemNotFound { sku, .. } => StockError::ItemNotFound { sku },
        CatalogError::ItemDiscontinued { sku, .. } => StockError::ItemDiscontinued { sku },
        CatalogError::LocationNotFound { field, location } => StockError::LocationNotFound { field, location },
        CatalogError::LocationClosed { field, location } => StockError::LocationClosed { field, location },
        CatalogError::Unavailable { lookup, reason } => StockError::Unavailable { lookup, reason },
    }
}
