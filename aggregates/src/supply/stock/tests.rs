//! Given–when–then tests for every stock rule at its limits, both valuation methods (the
//! worked example, partial FIFO layers, rounding), transfers, count adjustments, reservations,
//! idempotent redelivery, negative stock, unavailable services; the error table; serde; the
//! contract test that keeps `InventoryUpdated` and its Avro schema in step; and property tests
//! of the stock's invariants over random command sequences.

use std::collections::BTreeMap;
use std::sync::Arc;

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};

use super::*;
use crate::money::Currency;
use crate::quantity::{Quantity, QuantityError, MAX_QUANTITY_UNITS};
use crate::refusal::RefusalKind;
use crate::supply::valuation::ValuationMethod;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, eur, fold, usd};

const SKU: &str = "SKU-1";
const A: &str = "A";
const B: &str = "B";
const CLOSED: &str = "CLOSED";

const FIFO: ValuationMethod = ValuationMethod::Fifo;
const AVERAGE: ValuationMethod = ValuationMethod::MovingAverage;

/// Fixed reference data: the item `SKU` (or none), locations by code with whether they are
/// open, the negative-stock setting, and which lookup, if any, fails like a database that is
/// down (`item`, `location` or `setting`).
#[derive(Debug, Clone)]
struct Fixed {
    item: Option<ItemTerms>,
    locations: BTreeMap<&'static str, bool>,
    negative: bool,
    down: Option<&'static str>,
}

impl Fixed {
    /// The item valued by `method` in EUR; `A` and `B` open, `CLOSED` closed; no negative stock.
    fn new(method: ValuationMethod) -> Self {
        Self {
            item: Some(ItemTerms { valuation: method, currency: eur(), discontinued: false }),
            locations: BTreeMap::from([(A, true), (B, true), (CLOSED, false)]),
            negative: false,
            down: None,
        }
    }

    fn negative(self) -> Self {
        Self { negative: true, ..self }
    }

    fn down(self, lookup: &'static str) -> Self {
        Self { down: Some(lookup), ..self }
    }

    fn fails(&self, lookup: &str) -> Result<(), String> {
        if self.down == Some(lookup) {
            return Err("connection refused".to_owned());
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl CatalogServices for Fixed {
    async fn item(&self, sku: &str) -> Result<Option<ItemTerms>, String> {
        self.fails("item")?;
        Ok(self.item.filter(|_| sku == SKU))
    }

    async fn location(&self, code: &str) -> Result<Option<LocationTerms>, String> {
        self.fails("location")?;
        Ok(self.locations.get(code).map(|&open| LocationTerms { open }))
    }
}

#[async_trait::async_trait]
impl StockServices for Fixed {
    async fn allows_negative_stock(&self) -> Result<bool, String> {
        self.fails("setting")?;
        Ok(self.negative)
    }
}

/// Services that must not be called: the command is refused on its own structure first.
struct Untouchable;

#[async_trait::async_trait]
impl CatalogServices for Untouchable {
    async fn item(&self, _sku: &str) -> Result<Option<ItemTerms>, String> {
        panic!("item read for a command refused on its own");
    }

    async fn location(&self, _code: &str) -> Result<Option<LocationTerms>, String> {
        panic!("location read for a command refused on its own");
    }
}

#[async_trait::async_trait]
impl StockServices for Untouchable {
    async fn allows_negative_stock(&self) -> Result<bool, String> {
        panic!("setting read for a command refused on its own");
    }
}

fn framework_with(services: impl StockServices + 'static) -> TestFramework<Stock> {
    TestFramework::with(Arc::new(services) as Arc<dyn StockServices>)
}

fn framework(method: ValuationMethod) -> TestFramework<Stock> {
    framework_with(Fixed::new(method))
}

/// The events `commands`, run one after the other against `services`, record.
fn run(services: &Fixed, commands: Vec<StockCommand>) -> Vec<StockEvent> {
    let mut events = Vec::new();
    for command in commands {
        let recorded = assert_accepted(framework_with(services.clone()), events.clone(), command);
        events.extend(recorded);
    }
    events
}

fn receive(location: &str, quantity: &str, unit_cost_minor: i64) -> ReceiveStock {
    ReceiveStock {
        sku: SKU.to_owned(),
        location: location.to_owned(),
        quantity: Quantity::new(quantity),
        unit_cost_minor,
        reference: None,
        movement_id: None,
    }
}

fn issue(location: &str, quantity: &str) -> IssueStock {
    IssueStock {
        sku: SKU.to_owned(),
        location: location.to_owned(),
        quantity: Quantity::new(quantity),
        reservation_id: None,
        reference: None,
        movement_id: None,
    }
}

fn transfer(from: &str, to: &str, quantity: &str) -> TransferStock {
    TransferStock {
        sku: SKU.to_owned(),
        from_location: from.to_owned(),
        to_location: to.to_owned(),
        quantity: Quantity::new(quantity),
        reference: None,
        movement_id: None,
    }
}

fn adjust(location: &str, counted: &str) -> AdjustStock {
    AdjustStock {
        sku: SKU.to_owned(),
        location: location.to_owned(),
        counted_quantity: Quantity::new(counted),
        reason: "cycle count".to_owned(),
    }
}

fn reserve(location: &str, quantity: &str, reservation_id: &str) -> ReserveStock {
    ReserveStock {
        sku: SKU.to_owned(),
        location: location.to_owned(),
        quantity: Quantity::new(quantity),
        reservation_id: reservation_id.to_owned(),
        reference: Some("SO-1".to_owned()),
    }
}

fn release(reservation_id: &str) -> ReleaseReservation {
    ReleaseReservation { sku: SKU.to_owned(), reservation_id: reservation_id.to_owned() }
}

/// Receipts at `A` of 10 @ 100 and 20 @ 120: the issue's worked example.
fn worked_receipts() -> Vec<StockCommand> {
    vec![StockCommand::Receive(receive(A, "10", 100)), StockCommand::Receive(receive(A, "20", 120))]
}

fn history(method: ValuationMethod, commands: Vec<StockCommand>) -> Vec<StockEvent> {
    run(&Fixed::new(method), commands)
}

/// The one `InventoryUpdated` `command` records given `given`.
fn one(framework: TestFramework<Stock>, given: Vec<StockEvent>, command: StockCommand) -> InventoryUpdated {
    let mut events = assert_accepted(framework, given, command);
    assert_eq!(events.len(), 1, "{events:?}");
    let Some(StockEvent::InventoryUpdated(updated)) = events.pop() else { unreachable!() };
    updated
}

fn payloads(events: Vec<StockEvent>) -> Vec<InventoryUpdated> {
    events.into_iter().map(|StockEvent::InventoryUpdated(updated)| updated).collect()
}

fn refused(
    framework: TestFramework<Stock>,
    given: Vec<StockEvent>,
    command: StockCommand,
    expected: StockError,
    field: Option<&str>,
    code: &str,
    kind: RefusalKind,
) {
    assert_refused_as(framework, given, command, expected, field, code, kind);
}

fn layers(stock: &Stock, location: &str) -> Vec<(i64, i64)> {
    stock
        .location(location)
        .map_or_else(Vec::new, |at| at.layers().map(|l| (l.quantity_milli, l.value_minor)).collect())
}

mod receipts {
    use super::*;

    #[test]
    fn a_receipt_records_quantity_value_and_totals() {
        let updated = one(
            framework(FIFO),
            vec![],
            StockCommand::Receive(ReceiveStock {
                reference: Some("PO-7".to_owned()),
                movement_id: Some("GRN-1".to_owned()),
                ..receive(A, "2.5", 1_234)
            }),
        );
        assert_eq!(
            updated,
            InventoryUpdated {
                sku: SKU.to_owned(),
                movement_id: "GRN-1".to_owned(),
                movement: "receipt".to_owned(),
                location: A.to_owned(),
                counter_location: None,
                valuation: "fifo".to_owned(),
                currency: "EUR".to_owned(),
                quantity_change_milli: 2_500,
                reserved_change_milli: 0,
                movement_value_minor: 3_085,
                value_change_minor: 3_085,
                unit_cost_minor: Some(1_234),
                reservation_id: None,
                reference: Some("PO-7".to_owned()),
                reason: None,
                on_hand_after_milli: 2_500,
                reserved_after_milli: 0,
                value_after_minor: 3_085,
            }
        );
    }

    #[test]
    fn receipt_value_rounds_half_away_from_zero_and_a_zero_cost_is_accepted() {
        // 0.5 × 3 = 1.5 → 2; 0.001 × 499 = 0.499 → 0; 0.001 × 500 = 0.5 → 1.
        for (quantity, cost, value) in [("0.5", 3, 2), ("0.001", 499, 0), ("0.001", 500, 1), ("7", 0, 0)] {
            let updated = one(framework(FIFO), vec![], StockCommand::Receive(receive(A, quantity, cost)));
            assert_eq!(updated.movement_value_minor, value, "{quantity} @ {cost}");
        }
    }

    #[test]
    fn without_a_movement_id_the_id_derives_from_sku_and_sequence() {
        let given = history(FIFO, vec![StockCommand::Receive(receive(A, "1", 1))]);
        let updated = one(framework(FIFO), given, StockCommand::Receive(receive(A, "1", 1)));
        assert_eq!(updated.movement_id, movement_id_for(SKU, 2).to_string());
        assert_ne!(movement_id_for(SKU, 2), movement_id_for(SKU, 1));
        assert_ne!(movement_id_for(SKU, 2), movement_id_for("SKU-2", 2));
    }

    #[test]
    fn a_negative_unit_cost_is_refused() {
        refused(
            framework_with(Untouchable),
            vec![],
            StockCommand::Receive(receive(A, "1", -1)),
            StockError::NegativeUnitCost { unit_cost_minor: -1 },
            Some("unit_cost_minor"),
            "negative_unit_cost",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_value_beyond_64_bits_is_refused_as_overflow() {
        let max = MAX_QUANTITY_UNITS.to_string();
        refused(
            framework(FIFO),
            vec![],
            StockCommand::Receive(receive(A, &max, i64::MAX)),
            StockError::Overflow { field: "unit_cost_minor" },
            Some("unit_cost_minor"),
            "overflow",
            RefusalKind::Invalid,
        );
        // 10⁹ units at 9·10⁹ is 9·10¹⁸ and fits; a second such receipt makes the total overflow.
        let given = history(FIFO, vec![StockCommand::Receive(receive(A, &max, 9_000_000_000))]);
        refused(
            framework(FIFO),
            given,
            StockCommand::Receive(receive(A, &max, 9_000_000_000)),
            StockError::Overflow { field: "unit_cost_minor" },
            Some("unit_cost_minor"),
            "overflow",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_discontinued_item_takes_no_receipt_but_its_stock_may_be_issued() {
        let given = history(FIFO, vec![StockCommand::Receive(receive(A, "5", 10))]);
        let mut services = Fixed::new(FIFO);
        services.item = services.item.map(|item| ItemTerms { discontinued: true, ..item });
        refused(
            framework_with(services.clone()),
            given.clone(),
            StockCommand::Receive(receive(A, "1", 10)),
            StockError::ItemDiscontinued { sku: SKU.to_owned() },
            Some("sku"),
            "item_discontinued",
            RefusalKind::Invalid,
        );
        let updated = one(framework_with(services), given, StockCommand::Issue(issue(A, "5")));
        assert_eq!((updated.on_hand_after_milli, updated.value_after_minor), (0, 0));
    }
}

mod valuation {
    use super::*;

    #[test]
    fn the_worked_example_costs_1600_under_fifo_and_1700_under_moving_average() {
        for (method, cogs) in [(FIFO, 1_600), (AVERAGE, 1_700)] {
            let given = history(method, worked_receipts());
            let updated = one(framework(method), given.clone(), StockCommand::Issue(issue(A, "15")));
            assert_eq!(updated.movement_value_minor, -cogs, "{method}");
            assert_eq!(updated.value_change_minor, -cogs, "{method}");
            assert_eq!(updated.quantity_change_milli, -15_000);
            assert_eq!(updated.on_hand_after_milli, 15_000);
            assert_eq!(updated.value_after_minor, 3_400 - cogs);
            assert_eq!(updated.valuation, method.as_str());
            let mut events = given;
            events.push(StockEvent::InventoryUpdated(updated));
            let stock: Stock = fold(events);
            let expected = match method {
                ValuationMethod::Fifo => vec![(15_000, 1_800)],
                ValuationMethod::MovingAverage => vec![(15_000, 1_700)],
            };
            assert_eq!(layers(&stock, A), expected, "{method}");
        }
    }

    #[test]
    fn fifo_keeps_one_layer_per_receipt_and_consumes_the_oldest_first() {
        let mut commands = worked_receipts();
        commands.push(StockCommand::Receive(receive(A, "5", 130)));
        commands.push(StockCommand::Issue(issue(A, "12")));
        let stock: Stock = fold(history(FIFO, commands));
        // 10 @ 100 gone; 2 of 20 @ 120 taken (240): 18 left worth 2160; 5 @ 130 untouched.
        assert_eq!(layers(&stock, A), vec![(18_000, 2_160), (5_000, 650)]);
        assert_eq!(stock.value_minor(A), 2_810);
    }

    #[test]
    fn a_partial_fifo_layer_rounds_half_away_from_zero_and_keeps_the_exact_remainder() {
        // 0.003 @ 3333 = 9.999 → a layer (3, 10); taking thirds: 3.33 → 3, then 7 / 2 = 3.5 → 4,
        // then the last 3: every minor unit is accounted for.
        let given = history(FIFO, vec![StockCommand::Receive(receive(A, "0.003", 3_333))]);
        let mut events = given;
        let mut taken = Vec::new();
        for _ in 0..3 {
            let updated = one(framework(FIFO), events.clone(), StockCommand::Issue(issue(A, "0.001")));
            taken.push(-updated.movement_value_minor);
            events.push(StockEvent::InventoryUpdated(updated));
            let stock: Stock = fold(events.clone());
            assert_eq!(stock.value_minor(A), layers(&stock, A).iter().map(|l| l.1).sum::<i64>());
        }
        assert_eq!(taken, vec![3, 4, 3]);
    }

    #[test]
    fn moving_average_rounds_half_away_from_zero_and_issuing_all_takes_the_whole_value() {
        // 3 units worth 10: one unit is 3.33 → 3; of 2 left worth 7, one is 3.5 → 4; last one 3.
        let given = history(AVERAGE, vec![StockCommand::Receive(receive(A, "0.003", 3_333))]);
        let mut events = given;
        let mut taken = Vec::new();
        for _ in 0..3 {
            let updated = one(framework(AVERAGE), events.clone(), StockCommand::Issue(issue(A, "0.001")));
            taken.push(-updated.movement_value_minor);
            events.push(StockEvent::InventoryUpdated(updated));
        }
        assert_eq!(taken, vec![3, 4, 3]);
        let stock: Stock = fold(events);
        assert_eq!((stock.on_hand_milli(A), stock.value_minor(A)), (0, 0));
        assert!(layers(&stock, A).is_empty());
    }

    #[test]
    fn moving_average_merges_receipts_into_one_layer() {
        let stock: Stock = fold(history(AVERAGE, worked_receipts()));
        assert_eq!(layers(&stock, A), vec![(30_000, 3_400)]);
    }
}

mod issues {
    use super::*;

    #[test]
    fn issuing_more_than_available_is_refused_naming_quantity_with_what_is_available() {
        let given = history(FIFO, worked_receipts());
        assert_accepted(framework(FIFO), given.clone(), StockCommand::Issue(issue(A, "30")));
        let expected =
            StockError::InsufficientStock { location: A.to_owned(), available_milli: 30_000, requested_milli: 30_001 };
        assert!(expected.to_string().contains("30.001 exceeds the 30 available"), "{expected}");
        refused(
            framework(FIFO),
            given,
            StockCommand::Issue(issue(A, "30.001")),
            expected,
            Some("quantity"),
            "insufficient_stock",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn an_issue_where_nothing_was_received_is_refused() {
        refused(
            framework(FIFO),
            vec![],
            StockCommand::Issue(issue(B, "1")),
            StockError::InsufficientStock { location: B.to_owned(), available_milli: 0, requested_milli: 1_000 },
            Some("quantity"),
            "insufficient_stock",
            RefusalKind::Invalid,
        );
    }
}

mod transfers {
    use super::*;

    #[test]
    fn a_transfer_records_out_then_in_with_the_same_id_and_reference_and_keeps_the_total_value() {
        for (method, moved) in [(FIFO, 1_600), (AVERAGE, 1_700)] {
            let given = history(method, worked_receipts());
            let command = TransferStock {
                reference: Some("TO-9".to_owned()),
                movement_id: Some("T-1".to_owned()),
                ..transfer(A, B, "15")
            };
            let events = assert_accepted(framework(method), given.clone(), StockCommand::Transfer(command));
            let legs = payloads(events.clone());
            assert_eq!(legs.len(), 2);
            let (out, arrived) = (&legs[0], &legs[1]);
            assert_eq!((out.movement.as_str(), arrived.movement.as_str()), ("transfer_out", "transfer_in"));
            assert_eq!((out.location.as_str(), arrived.location.as_str()), (A, B));
            assert_eq!((out.counter_location.as_deref(), arrived.counter_location.as_deref()), (Some(B), Some(A)));
            assert_eq!((out.movement_id.as_str(), arrived.movement_id.as_str()), ("T-1", "T-1"));
            assert_eq!((out.reference.as_deref(), arrived.reference.as_deref()), (Some("TO-9"), Some("TO-9")));
            assert_eq!((out.quantity_change_milli, arrived.quantity_change_milli), (-15_000, 15_000));
            assert_eq!((out.value_change_minor, arrived.value_change_minor), (-moved, moved));
            let stock: Stock = fold(given.into_iter().chain(events));
            assert_eq!(stock.value_minor(A) + stock.value_minor(B), 3_400, "{method}");
            assert_eq!(layers(&stock, B), vec![(15_000, moved)]);
            assert_eq!(stock.on_hand_milli(B), 15_000);
        }
    }

    #[test]
    fn a_transfer_without_an_id_shares_the_id_derived_for_its_first_leg() {
        let given = history(FIFO, worked_receipts());
        let legs = payloads(assert_accepted(framework(FIFO), given, StockCommand::Transfer(transfer(A, B, "1"))));
        let id = movement_id_for(SKU, 3).to_string();
        assert_eq!((legs[0].movement_id.as_str(), legs[1].movement_id.as_str()), (id.as_str(), id.as_str()));
    }

    #[test]
    fn a_transfer_to_the_same_location_is_refused() {
        refused(
            framework_with(Untouchable),
            vec![],
            StockCommand::Transfer(transfer(A, A, "1")),
            StockError::SameLocation { location: A.to_owned() },
            Some("to_location"),
            "same_location",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_transfer_needs_both_locations_open_and_enough_at_the_source() {
        let given = history(FIFO, worked_receipts());
        refused(
            framework(FIFO),
            given.clone(),
            StockCommand::Transfer(transfer("NOWHERE", B, "1")),
            StockError::LocationNotFound { field: "from_location", location: "NOWHERE".to_owned() },
            Some("from_location"),
            "location_not_found",
            RefusalKind::Invalid,
        );
        refused(
            framework(FIFO),
            given.clone(),
            StockCommand::Transfer(transfer(A, CLOSED, "1")),
            StockError::LocationClosed { field: "to_location", location: CLOSED.to_owned() },
            Some("to_location"),
            "location_closed",
            RefusalKind::Invalid,
        );
        refused(
            framework(FIFO),
            given,
            StockCommand::Transfer(transfer(A, B, "31")),
            StockError::InsufficientStock { location: A.to_owned(), available_milli: 30_000, requested_milli: 31_000 },
            Some("quantity"),
            "insufficient_stock",
            RefusalKind::Invalid,
        );
    }
}

mod adjustments {
    use super::*;

    fn adjusted(method: ValuationMethod, counted: &str) -> InventoryUpdated {
        one(framework(method), history(method, worked_receipts()), StockCommand::Adjust(adjust(A, counted)))
    }

    #[test]
    fn a_gain_is_booked_at_the_average_cost_of_what_is_on_hand() {
        // 30 worth 3400: 3 more are worth 340, under either method.
        for method in [FIFO, AVERAGE] {
            let updated = adjusted(method, "33");
            assert_eq!(updated.movement, "adjustment");
            assert_eq!(updated.reason.as_deref(), Some("cycle count"));
            assert_eq!((updated.quantity_change_milli, updated.value_change_minor), (3_000, 340));
            assert_eq!((updated.on_hand_after_milli, updated.value_after_minor), (33_000, 3_740));
        }
    }

    #[test]
    fn a_loss_is_valued_like_an_issue() {
        assert_eq!(adjusted(FIFO, "25").value_change_minor, -500);
        // 3400 × 5 / 30 = 566.67 → 567.
        assert_eq!(adjusted(AVERAGE, "25").value_change_minor, -567);
    }

    #[test]
    fn a_count_of_zero_takes_the_whole_value() {
        let updated = adjusted(FIFO, "0");
        assert_eq!((updated.quantity_change_milli, updated.value_change_minor), (-30_000, -3_400));
        assert_eq!((updated.on_hand_after_milli, updated.value_after_minor), (0, 0));
    }

    #[test]
    fn a_count_equal_to_on_hand_records_nothing() {
        let events = assert_accepted(
            framework(FIFO),
            history(FIFO, worked_receipts()),
            StockCommand::Adjust(adjust(A, "30.000")),
        );
        assert_eq!(events, vec![]);
        assert_eq!(assert_accepted(framework(FIFO), vec![], StockCommand::Adjust(adjust(A, "0"))), vec![]);
    }

    #[test]
    fn a_gain_where_nothing_is_on_hand_uses_the_last_unit_cost_or_is_refused_without_one() {
        let given =
            history(FIFO, vec![StockCommand::Receive(receive(A, "2", 150)), StockCommand::Issue(issue(A, "2"))]);
        let updated = one(framework(FIFO), given, StockCommand::Adjust(adjust(A, "3")));
        assert_eq!(updated.value_change_minor, 450);
        refused(
            framework(FIFO),
            vec![],
            StockCommand::Adjust(adjust(B, "1")),
            StockError::NoUnitCost { field: "counted_quantity", location: B.to_owned() },
            Some("counted_quantity"),
            "no_unit_cost",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_negative_count_and_a_malformed_one_are_refused() {
        refused(
            framework_with(Untouchable),
            vec![],
            StockCommand::Adjust(adjust(A, "-1")),
            StockError::NegativeCount { text: "-1".to_owned() },
            Some("counted_quantity"),
            "negative_count",
            RefusalKind::Invalid,
        );
        refused(
            framework_with(Untouchable),
            vec![],
            StockCommand::Adjust(adjust(A, "1.0001")),
            StockError::InvalidQuantity {
                field: "counted_quantity",
                reason: QuantityError::TooManyDecimals { text: "1.0001".to_owned(), max: 3 },
            },
            Some("counted_quantity"),
            "invalid_quantity",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn the_reason_is_required_non_blank_and_at_most_the_limit() {
        let with_reason = |reason: String| StockCommand::Adjust(AdjustStock { reason, ..adjust(A, "31") });
        let given = history(FIFO, worked_receipts());
        assert_accepted(framework(FIFO), given.clone(), with_reason("r".repeat(MAX_REASON_CHARS)));
        for (reason, expected, code) in [
            (" ".to_owned(), StockError::ReasonBlank, "reason_blank"),
            (
                "r".repeat(MAX_REASON_CHARS + 1),
                StockError::ReasonTooLong { chars: MAX_REASON_CHARS + 1, max: MAX_REASON_CHARS },
                "reason_too_long",
            ),
        ] {
            let command = with_reason(reason);
            refused(framework_with(Untouchable), vec![], command, expected, Some("reason"), code, RefusalKind::Invalid);
        }
    }
}

mod reservations {
    use super::*;

    /// 10 on hand at A, 4 of them reserved under `R1`.
    fn reserved() -> Vec<StockEvent> {
        history(FIFO, vec![StockCommand::Receive(receive(A, "10", 100)), StockCommand::Reserve(reserve(A, "4", "R1"))])
    }

    #[test]
    fn a_reservation_holds_quantity_and_leaves_the_rest_available() {
        let stock: Stock = fold(reserved());
        assert_eq!((stock.on_hand_milli(A), stock.reserved_milli(A), stock.available_milli(A)), (10_000, 4_000, 6_000));
        assert_eq!(stock.value_minor(A), 1_000);
        let reservation = stock.reservation("R1").unwrap();
        assert_eq!(
            reservation,
            &Reservation {
                location: A.to_owned(),
                quantity_milli: 4_000,
                issued_milli: 0,
                reference: Some("SO-1".to_owned()),
                status: ReservationStatus::Open,
            }
        );
        assert_eq!(stock.reservation("R2"), None);
    }

    #[test]
    fn issuing_or_reserving_beyond_what_is_available_is_refused() {
        assert_accepted(framework(FIFO), reserved(), StockCommand::Issue(issue(A, "6")));
        refused(
            framework(FIFO),
            reserved(),
            StockCommand::Issue(issue(A, "6.001")),
            StockError::InsufficientStock { location: A.to_owned(), available_milli: 6_000, requested_milli: 6_001 },
            Some("quantity"),
            "insufficient_stock",
            RefusalKind::Invalid,
        );
        assert_accepted(framework(FIFO), reserved(), StockCommand::Reserve(reserve(A, "6", "R2")));
        refused(
            framework(FIFO),
            reserved(),
            StockCommand::Reserve(reserve(A, "6.001", "R2")),
            StockError::InsufficientStock { location: A.to_owned(), available_milli: 6_000, requested_milli: 6_001 },
            Some("quantity"),
            "insufficient_stock",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn an_issue_against_a_reservation_takes_what_it_issues_and_the_rest_stays_reserved() {
        let command = IssueStock {
            reservation_id: Some("R1".to_owned()),
            movement_id: Some("SHIP-1/1".to_owned()),
            ..issue(A, "3")
        };
        let updated = one(framework(FIFO), reserved(), StockCommand::Issue(command.clone()));
        assert_eq!((updated.quantity_change_milli, updated.reserved_change_milli), (-3_000, -3_000));
        assert_eq!((updated.on_hand_after_milli, updated.reserved_after_milli), (7_000, 1_000));
        assert_eq!(updated.reservation_id.as_deref(), Some("R1"));
        let mut events = reserved();
        events.push(StockEvent::InventoryUpdated(updated));
        let stock: Stock = fold(events.clone());
        let reservation = stock.reservation("R1").unwrap();
        assert_eq!(
            (reservation.status, reservation.issued_milli, reservation.open_milli()),
            (ReservationStatus::Open, 3_000, 1_000)
        );
        assert_eq!((stock.reserved_milli(A), stock.available_milli(A)), (1_000, 6_000));
        // Redelivered, it records nothing.
        assert_eq!(assert_accepted(framework(FIFO), events.clone(), StockCommand::Issue(command)), vec![]);
        // The same reservation repeated records nothing either, though part of it was issued.
        assert_eq!(
            assert_accepted(framework(FIFO), events.clone(), StockCommand::Reserve(reserve(A, "4", "R1"))),
            vec![]
        );
        // The rest (1) plus the 6 available may be issued against it, not more.
        let beyond = IssueStock { reservation_id: Some("R1".to_owned()), ..issue(A, "7.001") };
        refused(
            framework(FIFO),
            events.clone(),
            StockCommand::Issue(beyond),
            StockError::InsufficientStock { location: A.to_owned(), available_milli: 7_000, requested_milli: 7_001 },
            Some("quantity"),
            "insufficient_stock",
            RefusalKind::Invalid,
        );
        // A release frees what it still holds.
        let released = one(framework(FIFO), events.clone(), StockCommand::Release(release("R1")));
        assert_eq!((released.reserved_change_milli, released.reserved_after_milli), (-1_000, 0));
        // The second shipment issues the rest: the reservation is consumed.
        let rest = IssueStock { reservation_id: Some("R1".to_owned()), ..issue(A, "1") };
        let updated = one(framework(FIFO), events.clone(), StockCommand::Issue(rest.clone()));
        assert_eq!((updated.reserved_change_milli, updated.reserved_after_milli), (-1_000, 0));
        events.push(StockEvent::InventoryUpdated(updated));
        let stock: Stock = fold(events.clone());
        let reservation = stock.reservation("R1").unwrap();
        assert_eq!((reservation.status, reservation.open_milli()), (ReservationStatus::Consumed, 0));
        assert_eq!((stock.on_hand_milli(A), stock.reserved_milli(A), stock.available_milli(A)), (6_000, 0, 6_000));
        // Consumed, an issue against it records nothing and a release is refused.
        assert_eq!(assert_accepted(framework(FIFO), events.clone(), StockCommand::Issue(rest)), vec![]);
        refused(
            framework(FIFO),
            events,
            StockCommand::Release(release("R1")),
            StockError::ReservationClosed { reservation_id: "R1".to_owned(), status: ReservationStatus::Consumed },
            Some("reservation_id"),
            "reservation_closed",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn an_issue_beyond_its_reservation_consumes_it_and_takes_the_rest_from_what_is_available() {
        // Its 4 plus the 6 available: 10 may be issued against it, not more.
        let all = IssueStock { reservation_id: Some("R1".to_owned()), ..issue(A, "10") };
        let updated = one(framework(FIFO), reserved(), StockCommand::Issue(all));
        assert_eq!((updated.quantity_change_milli, updated.reserved_change_milli), (-10_000, -4_000));
        let mut events = reserved();
        events.push(StockEvent::InventoryUpdated(updated));
        let stock: Stock = fold(events);
        assert_eq!(stock.reservation("R1").unwrap().status, ReservationStatus::Consumed);
        assert_eq!((stock.on_hand_milli(A), stock.reserved_milli(A)), (0, 0));
        let more = IssueStock { reservation_id: Some("R1".to_owned()), ..issue(A, "10.001") };
        refused(
            framework(FIFO),
            reserved(),
            StockCommand::Issue(more),
            StockError::InsufficientStock { location: A.to_owned(), available_milli: 10_000, requested_milli: 10_001 },
            Some("quantity"),
            "insufficient_stock",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn an_issue_against_a_reservation_elsewhere_unknown_or_released_is_refused() {
        let elsewhere = IssueStock { reservation_id: Some("R1".to_owned()), ..issue(B, "1") };
        refused(
            framework(FIFO),
            reserved(),
            StockCommand::Issue(elsewhere),
            StockError::ReservationLocationMismatch {
                reservation_id: "R1".to_owned(),
                reservation_location: A.to_owned(),
                location: B.to_owned(),
            },
            Some("location"),
            "reservation_location_mismatch",
            RefusalKind::Invalid,
        );
        let unknown = IssueStock { reservation_id: Some("R9".to_owned()), ..issue(A, "1") };
        refused(
            framework(FIFO),
            reserved(),
            StockCommand::Issue(unknown),
            StockError::ReservationNotFound { reservation_id: "R9".to_owned() },
            Some("reservation_id"),
            "reservation_not_found",
            RefusalKind::NotFound,
        );
        let mut released = reserved();
        released.extend(assert_accepted(framework(FIFO), reserved(), StockCommand::Release(release("R1"))));
        let against = IssueStock { reservation_id: Some("R1".to_owned()), ..issue(A, "1") };
        refused(
            framework(FIFO),
            released,
            StockCommand::Issue(against),
            StockError::ReservationClosed { reservation_id: "R1".to_owned(), status: ReservationStatus::Released },
            Some("reservation_id"),
            "reservation_closed",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn a_release_frees_the_quantity_once_and_needs_no_service() {
        let updated = one(framework_with(Untouchable), reserved(), StockCommand::Release(release("R1")));
        assert_eq!(updated.movement, "release");
        assert_eq!(
            (updated.reserved_change_milli, updated.quantity_change_milli, updated.value_change_minor),
            (-4_000, 0, 0)
        );
        assert_eq!(updated.reference.as_deref(), Some("SO-1"));
        let mut events = reserved();
        events.push(StockEvent::InventoryUpdated(updated));
        let stock: Stock = fold(events.clone());
        assert_eq!(stock.reservation("R1").unwrap().status, ReservationStatus::Released);
        assert_eq!(stock.available_milli(A), 10_000);
        assert_eq!(assert_accepted(framework_with(Untouchable), events, StockCommand::Release(release("R1"))), vec![]);
        refused(
            framework_with(Untouchable),
            vec![],
            StockCommand::Release(release("R1")),
            StockError::ReservationNotFound { reservation_id: "R1".to_owned() },
            Some("reservation_id"),
            "reservation_not_found",
            RefusalKind::NotFound,
        );
    }

    #[test]
    fn repeating_a_reservation_records_nothing_and_reusing_its_id_otherwise_conflicts() {
        assert_eq!(
            assert_accepted(framework(FIFO), reserved(), StockCommand::Reserve(reserve(A, "4.0", "R1"))),
            vec![]
        );
        for other in [reserve(A, "3", "R1"), reserve(B, "4", "R1")] {
            refused(
                framework(FIFO),
                reserved(),
                StockCommand::Reserve(other),
                StockError::ReservationIdTaken { reservation_id: "R1".to_owned() },
                Some("reservation_id"),
                "reservation_id_taken",
                RefusalKind::Conflict,
            );
        }
    }
}

mod idempotency {
    use super::*;

    #[test]
    fn a_movement_id_already_recorded_records_nothing() {
        let with_id = |id: &str| Some(id.to_owned());
        let commands = [
            StockCommand::Receive(ReceiveStock { movement_id: with_id("M-1"), ..receive(A, "10", 100) }),
            StockCommand::Issue(IssueStock { movement_id: with_id("M-2"), ..issue(A, "10") }),
            StockCommand::Transfer(TransferStock { movement_id: with_id("M-3"), ..transfer(A, B, "10") }),
        ];
        let services = Fixed::new(FIFO);
        let given = run(&services, vec![StockCommand::Receive(receive(A, "10", 100)), commands[0].clone()]);
        let given = run_on(&services, given, commands[2].clone());
        let given = run_on(&services, given, StockCommand::Transfer(transfer(B, A, "10")));
        let given = run_on(&services, given, commands[1].clone());
        let stock: Stock = fold(given.clone());
        for command in commands {
            // Repeated even where its stock is gone: nothing is recorded, nothing is refused.
            assert_eq!(assert_accepted(framework(FIFO), given.clone(), command), vec![]);
        }
        assert_eq!(stock.on_hand_milli(A), 10_000);
    }

    fn run_on(services: &Fixed, mut given: Vec<StockEvent>, command: StockCommand) -> Vec<StockEvent> {
        given.extend(assert_accepted(framework_with(services.clone()), given.clone(), command));
        given
    }

    #[test]
    fn a_repeated_movement_is_recognized_before_any_service_is_read() {
        let given = history(
            FIFO,
            vec![StockCommand::Receive(ReceiveStock { movement_id: Some("M-1".to_owned()), ..receive(A, "1", 1) })],
        );
        let repeat = StockCommand::Receive(ReceiveStock { movement_id: Some("M-1".to_owned()), ..receive(A, "1", 1) });
        assert_eq!(assert_accepted(framework_with(Untouchable), given, repeat), vec![]);
    }
}

mod negative_stock {
    use super::*;

    #[test]
    fn when_allowed_on_hand_goes_negative_and_the_shortfall_is_valued_at_the_last_unit_cost() {
        let services = Fixed::new(FIFO).negative();
        let given = run(&services, vec![StockCommand::Receive(receive(A, "10", 100))]);
        let updated = one(framework_with(services.clone()), given.clone(), StockCommand::Issue(issue(A, "15")));
        // 10 from stock at 100 and 5 short at the last cost, 100.
        assert_eq!(
            (updated.movement_value_minor, updated.on_hand_after_milli, updated.value_after_minor),
            (-1_500, -5_000, -500)
        );
        let mut events = given;
        events.push(StockEvent::InventoryUpdated(updated));
        let stock: Stock = fold(events.clone());
        assert_eq!((stock.on_hand_milli(A), stock.available_milli(A)), (-5_000, -5_000));
        assert!(layers(&stock, A).is_empty());
        // 10 more at 120 settle the 5 short at the 500 they were issued at; 5 @ 120 remain.
        let received = one(framework_with(services), events.clone(), StockCommand::Receive(receive(A, "10", 120)));
        assert_eq!((received.movement_value_minor, received.value_change_minor), (1_200, 1_100));
        assert_eq!((received.on_hand_after_milli, received.value_after_minor), (5_000, 600));
        events.push(StockEvent::InventoryUpdated(received));
        assert_eq!(layers(&fold(events), A), vec![(5_000, 600)]);
    }

    #[test]
    fn a_receipt_covering_part_of_a_shortfall_settles_it_pro_rata() {
        let services = Fixed::new(AVERAGE).negative();
        let given =
            run(&services, vec![StockCommand::Receive(receive(A, "1", 300)), StockCommand::Issue(issue(A, "4"))]);
        // On hand −3 worth −900; 1 in at 500 settles a third of it: +300.
        let received = one(framework_with(services), given, StockCommand::Receive(receive(A, "1", 500)));
        assert_eq!(
            (received.value_change_minor, received.on_hand_after_milli, received.value_after_minor),
            (300, -2_000, -600)
        );
    }

    #[test]
    fn when_allowed_reservations_may_exceed_what_is_available() {
        let services = Fixed::new(FIFO).negative();
        let given = run(&services, vec![StockCommand::Receive(receive(A, "1", 100))]);
        let updated = one(framework_with(services), given, StockCommand::Reserve(reserve(A, "5", "R1")));
        assert_eq!(updated.reserved_after_milli, 5_000);
    }

    #[test]
    fn a_shortfall_where_no_unit_cost_is_known_is_refused() {
        refused(
            framework_with(Fixed::new(FIFO).negative()),
            vec![],
            StockCommand::Issue(issue(B, "1")),
            StockError::NoUnitCost { field: "quantity", location: B.to_owned() },
            Some("quantity"),
            "no_unit_cost",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn the_setting_is_read_only_when_more_than_is_available_is_needed() {
        let services = Fixed::new(FIFO).down("setting");
        let given = run(&Fixed::new(FIFO), vec![StockCommand::Receive(receive(A, "10", 100))]);
        assert_accepted(framework_with(services.clone()), given.clone(), StockCommand::Issue(issue(A, "10")));
        refused(
            framework_with(services),
            given,
            StockCommand::Issue(issue(A, "11")),
            StockError::Unavailable { lookup: "negative stock setting", reason: "connection refused".to_owned() },
            None,
            "stock_services_unavailable",
            RefusalKind::Unavailable,
        );
    }
}

mod reference_data {
    use super::*;

    #[test]
    fn an_unknown_item_is_not_found() {
        let services = Fixed { item: None, ..Fixed::new(FIFO) };
        for command in [
            StockCommand::Receive(receive(A, "1", 1)),
            StockCommand::Issue(issue(A, "1")),
            StockCommand::Transfer(transfer(A, B, "1")),
            StockCommand::Adjust(adjust(A, "1")),
            StockCommand::Reserve(reserve(A, "1", "R1")),
        ] {
            refused(
                framework_with(services.clone()),
                vec![],
                command,
                StockError::ItemNotFound { sku: SKU.to_owned() },
                Some("sku"),
                "item_not_found",
                RefusalKind::NotFound,
            );
        }
    }

    #[test]
    fn locations_must_exist_and_be_open() {
        for (location, expected, code) in [
            (
                "NOWHERE",
                StockError::LocationNotFound { field: "location", location: "NOWHERE".to_owned() },
                "location_not_found",
            ),
            (CLOSED, StockError::LocationClosed { field: "location", location: CLOSED.to_owned() }, "location_closed"),
        ] {
            for command in [
                StockCommand::Receive(receive(location, "1", 1)),
                StockCommand::Issue(issue(location, "1")),
                StockCommand::Adjust(adjust(location, "1")),
                StockCommand::Reserve(reserve(location, "1", "R1")),
            ] {
                refused(
                    framework(FIFO),
                    vec![],
                    command,
                    expected.clone(),
                    Some("location"),
                    code,
                    RefusalKind::Invalid,
                );
            }
        }
    }

    #[test]
    fn an_item_whose_currency_changed_conflicts_with_its_stock() {
        let given = history(FIFO, vec![StockCommand::Receive(receive(A, "1", 1))]);
        let mut services = Fixed::new(FIFO);
        services.item = services.item.map(|item| ItemTerms { currency: usd(), ..item });
        refused(
            framework_with(services),
            given,
            StockCommand::Receive(receive(A, "1", 1)),
            StockError::CurrencyChanged { currency: usd(), stock_currency: eur() },
            None,
            "currency_changed",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn a_lookup_that_fails_is_a_503_unavailable_refusal() {
        for (lookup, named) in [("item", "item"), ("location", "location")] {
            refused(
                framework_with(Fixed::new(FIFO).down(lookup)),
                vec![],
                StockCommand::Receive(receive(A, "1", 1)),
                StockError::Unavailable { lookup: named, reason: "connection refused".to_owned() },
                None,
                "stock_services_unavailable",
                RefusalKind::Unavailable,
            );
        }
    }
}

mod command_structure {
    use super::*;

    fn untouched(command: StockCommand, expected: StockError, field: &str, code: &str) {
        refused(framework_with(Untouchable), vec![], command, expected, Some(field), code, RefusalKind::Invalid);
    }

    #[test]
    fn the_sku_is_non_blank_at_most_the_limit_and_the_stocks_own() {
        let at_limit = "S".repeat(MAX_SKU_CHARS);
        let services = Fixed { item: None, ..Fixed::new(FIFO) };
        // At the limit the SKU passes its own rules and reaches the item lookup.
        refused(
            framework_with(services),
            vec![],
            StockCommand::Receive(ReceiveStock { sku: at_limit.clone(), ..receive(A, "1", 1) }),
            StockError::ItemNotFound { sku: at_limit },
            Some("sku"),
            "item_not_found",
            RefusalKind::NotFound,
        );
        untouched(
            StockCommand::Receive(ReceiveStock { sku: "S".repeat(MAX_SKU_CHARS + 1), ..receive(A, "1", 1) }),
            StockError::SkuTooLong { chars: MAX_SKU_CHARS + 1, max: MAX_SKU_CHARS },
            "sku",
            "sku_too_long",
        );
        untouched(
            StockCommand::Release(ReleaseReservation { sku: " ".to_owned(), ..release("R1") }),
            StockError::SkuBlank,
            "sku",
            "sku_blank",
        );
        refused(
            framework_with(Untouchable),
            history(FIFO, vec![StockCommand::Receive(receive(A, "1", 1))]),
            StockCommand::Issue(IssueStock { sku: "SKU-2".to_owned(), ..issue(A, "1") }),
            StockError::SkuMismatch { sku: "SKU-2".to_owned(), stock_sku: SKU.to_owned() },
            Some("sku"),
            "sku_mismatch",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn locations_are_non_blank_and_at_most_the_limit() {
        let long = "L".repeat(MAX_LOCATION_CHARS + 1);
        let too_long =
            |field| StockError::LocationTooLong { field, chars: MAX_LOCATION_CHARS + 1, max: MAX_LOCATION_CHARS };
        untouched(
            StockCommand::Receive(receive("", "1", 1)),
            StockError::LocationBlank { field: "location" },
            "location",
            "location_blank",
        );
        untouched(StockCommand::Issue(issue(&long, "1")), too_long("location"), "location", "location_too_long");
        untouched(
            StockCommand::Transfer(transfer(&long, A, "1")),
            too_long("from_location"),
            "from_location",
            "location_too_long",
        );
        untouched(
            StockCommand::Transfer(transfer(A, " ", "1")),
            StockError::LocationBlank { field: "to_location" },
            "to_location",
            "location_blank",
        );
        // At the limit the code passes its own rules and reaches the location lookup.
        let at_limit = "L".repeat(MAX_LOCATION_CHARS);
        refused(
            framework(FIFO),
            vec![],
            StockCommand::Receive(receive(&at_limit, "1", 1)),
            StockError::LocationNotFound { field: "location", location: at_limit.clone() },
            Some("location"),
            "location_not_found",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn quantities_are_positive_with_at_most_three_decimals_and_the_most_units() {
        let max = MAX_QUANTITY_UNITS.to_string();
        let updated = one(framework(FIFO), vec![], StockCommand::Receive(receive(A, &max, 1)));
        assert_eq!(updated.quantity_change_milli, MAX_QUANTITY_UNITS * 1_000);
        let smallest = one(framework(FIFO), vec![], StockCommand::Receive(receive(A, "0.001", 1)));
        assert_eq!(smallest.quantity_change_milli, 1);
        let invalid = |text: &str, reason| {
            untouched(
                StockCommand::Receive(receive(A, text, 1)),
                StockError::InvalidQuantity { field: "quantity", reason },
                "quantity",
                "invalid_quantity",
            );
        };
        invalid("0", QuantityError::NotPositive { text: "0".to_owned() });
        invalid("-1", QuantityError::NotPositive { text: "-1".to_owned() });
        invalid("0.0001", QuantityError::TooManyDecimals { text: "0.0001".to_owned(), max: 3 });
        invalid(
            "1000000000.001",
            QuantityError::TooLarge { text: "1000000000.001".to_owned(), max: MAX_QUANTITY_UNITS },
        );
        invalid("ten", QuantityError::Malformed { text: "ten".to_owned() });
        for command in [
            StockCommand::Issue(issue(A, "0")),
            StockCommand::Transfer(transfer(A, B, "0")),
            StockCommand::Reserve(reserve(A, "0", "R1")),
        ] {
            untouched(
                command,
                StockError::InvalidQuantity {
                    field: "quantity",
                    reason: QuantityError::NotPositive { text: "0".to_owned() },
                },
                "quantity",
                "invalid_quantity",
            );
        }
    }

    #[test]
    fn ids_are_non_blank_and_at_most_the_limit() {
        let at_limit = "M".repeat(MAX_ID_CHARS);
        let updated = one(
            framework(FIFO),
            vec![],
            StockCommand::Receive(ReceiveStock { movement_id: Some(at_limit.clone()), ..receive(A, "1", 1) }),
        );
        assert_eq!(updated.movement_id, at_limit);
        let long = "M".repeat(MAX_ID_CHARS + 1);
        let too_long = |field| StockError::IdTooLong { field, chars: MAX_ID_CHARS + 1, max: MAX_ID_CHARS };
        untouched(
            StockCommand::Issue(IssueStock { movement_id: Some(long.clone()), ..issue(A, "1") }),
            too_long("movement_id"),
            "movement_id",
            "id_too_long",
        );
        untouched(
            StockCommand::Transfer(TransferStock { movement_id: Some(" ".to_owned()), ..transfer(A, B, "1") }),
            StockError::IdBlank { field: "movement_id" },
            "movement_id",
            "id_blank",
        );
        untouched(
            StockCommand::Reserve(reserve(A, "1", &long)),
            too_long("reservation_id"),
            "reservation_id",
            "id_too_long",
        );
        untouched(
            StockCommand::Issue(IssueStock { reservation_id: Some(String::new()), ..issue(A, "1") }),
            StockError::IdBlank { field: "reservation_id" },
            "reservation_id",
            "id_blank",
        );
        untouched(
            StockCommand::Release(release("")),
            StockError::IdBlank { field: "reservation_id" },
            "reservation_id",
            "id_blank",
        );
    }

    #[test]
    fn references_are_non_blank_and_at_most_the_limit() {
        let at_limit = "R".repeat(MAX_REFERENCE_CHARS);
        let updated = one(
            framework(FIFO),
            vec![],
            StockCommand::Receive(ReceiveStock { reference: Some(at_limit.clone()), ..receive(A, "1", 1) }),
        );
        assert_eq!(updated.reference, Some(at_limit));
        untouched(
            StockCommand::Receive(ReceiveStock {
                reference: Some("R".repeat(MAX_REFERENCE_CHARS + 1)),
                ..receive(A, "1", 1)
            }),
            StockError::ReferenceTooLong { chars: MAX_REFERENCE_CHARS + 1, max: MAX_REFERENCE_CHARS },
            "reference",
            "reference_too_long",
        );
        untouched(
            StockCommand::Reserve(ReserveStock { reference: Some("\t".to_owned()), ..reserve(A, "1", "R1") }),
            StockError::ReferenceBlank,
            "reference",
            "reference_blank",
        );
    }

    #[test]
    fn every_error_names_its_field_code_and_kind() {
        use StockError as E;
        let text = || "x".to_owned();
        assert_error_table(&[
            (E::SkuBlank, Some("sku"), RefusalKind::Invalid),
            (E::SkuTooLong { chars: 2, max: 1 }, Some("sku"), RefusalKind::Invalid),
            (E::SkuMismatch { sku: text(), stock_sku: text() }, Some("sku"), RefusalKind::Conflict),
            (E::LocationBlank { field: "from_location" }, Some("from_location"), RefusalKind::Invalid),
            (E::LocationTooLong { field: "location", chars: 2, max: 1 }, Some("location"), RefusalKind::Invalid),
            (
                E::InvalidQuantity { field: "quantity", reason: QuantityError::Malformed { text: text() } },
                Some("quantity"),
                RefusalKind::Invalid,
            ),
            (E::NegativeCount { text: text() }, Some("counted_quantity"), RefusalKind::Invalid),
            (E::NegativeUnitCost { unit_cost_minor: -1 }, Some("unit_cost_minor"), RefusalKind::Invalid),
            (E::ReferenceBlank, Some("reference"), RefusalKind::Invalid),
            (E::ReferenceTooLong { chars: 2, max: 1 }, Some("reference"), RefusalKind::Invalid),
            (E::ReasonBlank, Some("reason"), RefusalKind::Invalid),
            (E::ReasonTooLong { chars: 2, max: 1 }, Some("reason"), RefusalKind::Invalid),
            (E::IdBlank { field: "movement_id" }, Some("movement_id"), RefusalKind::Invalid),
            (E::IdTooLong { field: "reservation_id", chars: 2, max: 1 }, Some("reservation_id"), RefusalKind::Invalid),
            (E::SameLocation { location: text() }, Some("to_location"), RefusalKind::Invalid),
            (E::ReservationIdTaken { reservation_id: text() }, Some("reservation_id"), RefusalKind::Conflict),
            (E::ReservationNotFound { reservation_id: text() }, Some("reservation_id"), RefusalKind::NotFound),
            (
                E::ReservationClosed { reservation_id: text(), status: ReservationStatus::Released },
                Some("reservation_id"),
                RefusalKind::Conflict,
            ),
            (
                E::ReservationLocationMismatch {
                    reservation_id: text(),
                    reservation_location: text(),
                    location: text(),
                },
                Some("location"),
                RefusalKind::Invalid,
            ),
            (E::ItemNotFound { sku: text() }, Some("sku"), RefusalKind::NotFound),
            (E::ItemDiscontinued { sku: text() }, Some("sku"), RefusalKind::Invalid),
            (E::CurrencyChanged { currency: usd(), stock_currency: eur() }, None, RefusalKind::Conflict),
            (E::LocationNotFound { field: "to_location", location: text() }, Some("to_location"), RefusalKind::Invalid),
            (E::LocationClosed { field: "location", location: text() }, Some("location"), RefusalKind::Invalid),
            (
                E::InsufficientStock { location: text(), available_milli: 1, requested_milli: 2 },
                Some("quantity"),
                RefusalKind::Invalid,
            ),
            (E::NoUnitCost { field: "quantity", location: text() }, Some("quantity"), RefusalKind::Invalid),
            (E::Overflow { field: "unit_cost_minor" }, Some("unit_cost_minor"), RefusalKind::Invalid),
            (E::Unavailable { lookup: "item", reason: text() }, None, RefusalKind::Unavailable),
        ]);
    }
}

mod serde_and_names {
    use super::*;

    #[test]
    fn commands_read_quantities_as_numbers_or_strings_and_refuse_unknown_fields() {
        let json = serde_json::json!({"Receive": {"sku": SKU, "location": A, "quantity": 2.5, "unit_cost_minor": 100}});
        let command: StockCommand = serde_json::from_value(json).unwrap();
        assert_eq!(command, StockCommand::Receive(receive(A, "2.5", 100)));
        let json = serde_json::json!({"Adjust": {"sku": SKU, "location": A, "counted_quantity": "0", "reason": "cycle count"}});
        assert_eq!(serde_json::from_value::<StockCommand>(json).unwrap(), StockCommand::Adjust(adjust(A, "0")));
        let json = serde_json::json!({"Release": {"sku": SKU, "reservation_id": "R1", "extra": 1}});
        assert!(serde_json::from_value::<StockCommand>(json).is_err());
        let json = serde_json::json!({"Adjust": {"sku": SKU, "location": A, "counted_quantity": "1"}});
        assert!(serde_json::from_value::<StockCommand>(json).is_err(), "the reason is required");
        let all = [
            StockCommand::Issue(issue(A, "1")),
            StockCommand::Transfer(transfer(A, B, "1")),
            StockCommand::Reserve(reserve(A, "1", "R1")),
            StockCommand::Release(release("R1")),
        ];
        for command in all {
            let json = serde_json::to_value(&command).unwrap();
            assert_eq!(serde_json::from_value::<StockCommand>(json).unwrap(), command);
        }
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        let event = history(FIFO, vec![StockCommand::Receive(receive(A, "1", 5))]).remove(0);
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["InventoryUpdated"]["movement"], "receipt");
        assert_eq!(json["InventoryUpdated"]["unit_cost_minor"], 5);
        assert_eq!(serde_json::from_value::<StockEvent>(json).unwrap(), event);
    }

    #[test]
    fn event_type_version_aggregate_type_and_movement_names_are_stable() {
        let event = history(FIFO, vec![StockCommand::Receive(receive(A, "1", 5))]).remove(0);
        assert_eq!(event.event_type(), "InventoryUpdated");
        assert_eq!(event.event_version(), "1");
        assert_eq!(Stock::TYPE, "supply.stock");
        let names: Vec<&str> = MovementKind::ALL.iter().map(|kind| kind.as_str()).collect();
        assert_eq!(names, ["receipt", "issue", "transfer_out", "transfer_in", "adjustment", "reservation", "release"]);
        for kind in MovementKind::ALL {
            assert_eq!(MovementKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        assert_eq!(MovementKind::parse("Receipt"), None);
        assert_eq!(ReservationStatus::Consumed.as_str(), "consumed");
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        let mut commands = worked_receipts();
        commands.push(StockCommand::Reserve(reserve(A, "2", "R1")));
        commands.push(StockCommand::Transfer(transfer(A, B, "3")));
        let stock: Stock = fold(history(FIFO, commands));
        let json = serde_json::to_string(&stock).unwrap();
        assert_eq!(serde_json::from_str::<Stock>(&json).unwrap(), stock);
        assert_eq!(stock.sku(), Some(SKU));
        assert_eq!(stock.currency(), Some(Currency::parse("EUR").unwrap()));
        assert_eq!(stock.sequence(), 5);
        assert_eq!(stock.locations().map(|(code, _)| code).collect::<Vec<_>>(), [A, B]);
    }
}

mod avro_contract {
    //! The serde JSON of `InventoryUpdated` must have exactly the fields of its Avro schema,
    //! with compatible types, so the wire contract and the Rust type cannot drift.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const INVENTORY_UPDATED_AVSC: &str = include_str!("../../../../schemas/avro/supply/InventoryUpdated.avsc");

    #[test]
    fn every_kind_of_movement_decide_records_matches_the_schema() {
        let commands = vec![
            StockCommand::Receive(ReceiveStock {
                reference: Some("PO-1".to_owned()),
                movement_id: Some("M-1".to_owned()),
                ..receive(A, "10", 100)
            }),
            StockCommand::Issue(issue(A, "1")),
            StockCommand::Transfer(transfer(A, B, "2")),
            StockCommand::Adjust(adjust(A, "6")),
            StockCommand::Reserve(reserve(A, "1", "R1")),
            StockCommand::Release(release("R1")),
            StockCommand::Reserve(reserve(A, "1", "R2")),
            StockCommand::Issue(IssueStock { reservation_id: Some("R2".to_owned()), ..issue(A, "1") }),
        ];
        let events = history(FIFO, commands);
        let kinds: std::collections::BTreeSet<String> =
            payloads(events.clone()).into_iter().map(|updated| updated.movement).collect();
        assert_eq!(kinds.len(), MovementKind::ALL.len(), "{kinds:?}");
        for event in &events {
            assert_event_matches_schema(INVENTORY_UPDATED_AVSC, event);
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::check_command_sequence;

    /// A command over locations `A` and `B` with small quantities, as `(kind, location,
    /// quantity in thousandths, cost or reservation number)`.
    fn arb_command() -> impl Strategy<Value = StockCommand> {
        let location = prop_oneof![Just(A), Just(B)];
        (0_u8..7, location, 1_i64..=20_000, 0_i64..=1_000).prop_map(|(kind, location, milli, n)| {
            let quantity = format!("{}.{:03}", milli / 1_000, milli % 1_000);
            let other = if location == A { B } else { A };
            let reservation = format!("R{}", n % 4);
            match kind {
                0 | 1 => StockCommand::Receive(receive(location, &quantity, n)),
                2 => StockCommand::Issue(issue(location, &quantity)),
                3 => StockCommand::Transfer(transfer(location, other, &quantity)),
                4 => StockCommand::Adjust(adjust(location, &format!("{}.{:03}", n / 100, n % 100))),
                5 => StockCommand::Reserve(reserve(location, &quantity, &reservation)),
                _ => {
                    if n % 2 == 0 {
                        StockCommand::Release(release(&reservation))
                    } else {
                        StockCommand::Issue(IssueStock {
                            reservation_id: Some(reservation),
                            ..issue(location, &quantity)
                        })
                    }
                }
            }
        })
    }

    /// The reservations the generated commands can make (`R0` … `R3`) that are open.
    fn open_reservations(stock: &Stock) -> impl Iterator<Item = &Reservation> {
        (0..4)
            .filter_map(|n| stock.reservation(&format!("R{n}")))
            .filter(|reservation| reservation.status == ReservationStatus::Open)
    }

    /// Each reservation issued at most what it reserved, is consumed exactly when it holds
    /// nothing more (an open one holds something), and once released or consumed stays as it
    /// was.
    fn check_reservations(before: &Stock, after: &Stock) -> Result<(), TestCaseError> {
        for id in (0..4).map(|n| format!("R{n}")) {
            let Some(reservation) = after.reservation(&id) else { continue };
            prop_assert!(
                (0..=reservation.quantity_milli).contains(&reservation.issued_milli),
                "{}: {:?}",
                id,
                reservation
            );
            match reservation.status {
                ReservationStatus::Open => prop_assert!(reservation.open_milli() > 0, "{}: {:?}", id, reservation),
                ReservationStatus::Consumed => prop_assert_eq!(reservation.open_milli(), 0, "{}", id),
                ReservationStatus::Released => {}
            }
            if let Some(old) = before.reservation(&id).filter(|old| old.status != ReservationStatus::Open) {
                prop_assert_eq!(reservation, old, "{} changed once closed", id);
            }
        }
        Ok(())
    }

    /// Value equals the sum of the layers, which hold all of a positive on hand; none is left
    /// of a value without quantity.
    fn assert_layers_hold_the_totals(stock: &Stock) -> Result<(), TestCaseError> {
        for (code, at) in stock.locations() {
            let (quantity, value) = at.layers().fold((0, 0), |(q, v), l| (q + l.quantity_milli, v + l.value_minor));
            prop_assert!(at.layers().all(|l| l.quantity_milli > 0), "{code}: empty layer");
            if at.on_hand_milli() > 0 {
                prop_assert_eq!((quantity, value), (at.on_hand_milli(), at.value_minor()), "{}", code);
            } else {
                prop_assert_eq!(at.layers().len(), 0, "{}", code);
            }
            if at.on_hand_milli() == 0 {
                prop_assert_eq!(at.value_minor(), 0, "{}", code);
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Without negative stock, whatever is attempted, on hand, reserved and value never go
        /// below zero, what is reserved at a location is what its open reservations still
        /// hold, value equals the sum of the remaining layers, what the events say the totals
        /// are is what the state holds, and the events' value changes add up to the value
        /// held; a reservation never issues more than it reserved, is consumed only once it
        /// holds nothing more, and once released or consumed never changes.
        #[test]
        fn on_hand_never_goes_negative_and_value_is_the_sum_of_the_layers(
            fifo in any::<bool>(),
            commands in proptest::collection::vec(arb_command(), 1..40),
        ) {
            let services: Arc<dyn StockServices> = Arc::new(Fixed::new(if fifo { FIFO } else { AVERAGE }));
            let mut value_changes = 0_i64;
            check_command_sequence::<Stock>(&services, commands, |step| {
                let stock = step.after;
                for StockEvent::InventoryUpdated(updated) in step.events() {
                    value_changes += updated.value_change_minor;
                    prop_assert_eq!(stock.on_hand_milli(&updated.location), updated.on_hand_after_milli);
                    prop_assert_eq!(stock.value_minor(&updated.location), updated.value_after_minor);
                }
                for (code, at) in stock.locations() {
                    prop_assert!(at.on_hand_milli() >= 0, "{}: on hand {}", code, at.on_hand_milli());
                    prop_assert!(at.value_minor() >= 0, "{}: value {}", code, at.value_minor());
                    prop_assert!(at.reserved_milli() >= 0, "{}: reserved {}", code, at.reserved_milli());
                    let held: i64 = open_reservations(stock).filter(|r| r.location == code).map(Reservation::open_milli).sum();
                    prop_assert_eq!(at.reserved_milli(), held, "{}", code);
                }
                check_reservations(step.before, stock)?;
                assert_layers_hold_the_totals(stock)?;
                let total: i64 = stock.locations().map(|(_, at)| at.value_minor()).sum();
                prop_assert_eq!(total, value_changes);
                Ok(())
            })?;
        }

        /// With negative stock, the layers still hold every positive on hand exactly and a
        /// location at zero is worth nothing.
        #[test]
        fn with_negative_stock_the_layers_still_hold_the_totals(
            fifo in any::<bool>(),
            commands in proptest::collection::vec(arb_command(), 1..40),
        ) {
            let services: Arc<dyn StockServices> = Arc::new(Fixed::new(if fifo { FIFO } else { AVERAGE }).negative());
            check_command_sequence::<Stock>(&services, commands, |step| {
                check_reservations(step.before, step.after)?;
                assert_layers_hold_the_totals(step.after)
            })?;
        }
    }
}

mod arithmetic {
    use super::super::valuation::{mul_div, receipt_value};

    #[test]
    fn mul_div_rounds_half_away_from_zero_exactly_and_refuses_overflow() {
        assert_eq!(mul_div(3, 1, 2), Some(2));
        assert_eq!(mul_div(-3, 1, 2), Some(-2));
        assert_eq!(mul_div(3, 1, -2), Some(-2));
        assert_eq!(mul_div(5, 1, 4), Some(1));
        assert_eq!(mul_div(-5, 1, 4), Some(-1));
        // The i128 intermediate holds i64::MAX²; only the result must fit.
        assert_eq!(mul_div(i64::MAX, i64::MAX, i64::MAX), Some(i64::MAX));
        assert_eq!(mul_div(i64::MAX, 2, 1), None);
        assert_eq!(mul_div(1, 1, 0), None);
        // 1.5 units at 3 = 4.5 → 5.
        assert_eq!(receipt_value(1_500, 3), Some(5));
    }
}
