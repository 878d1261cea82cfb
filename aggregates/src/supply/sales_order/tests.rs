//! Given–when–then tests for every sales order transition and refusal, the status history and
//! per-line quantities, the error table, serde round trips, and the contract tests that keep
//! events and Avro schemas in step.

use std::sync::Arc;

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::quantity::{Quantity, QuantityError};
use crate::refusal::{Refusal, RefusalKind};
use crate::supply::catalog::{CatalogError, CatalogServices, FixedCatalog};
use crate::supply::order_lines::{LineQuantity, LineQuantityInput, OrderInputError, OrderLine, OrderLineInput};
use crate::test_support::{assert_error_table, assert_refused_as, date, eur, fold, invalid_currencies};

use SalesOrderStatus as S;

/// Items `WIDGET`, `CABLE` and the discontinued `OLD`; `WH-1` open, `SHUT` closed.
fn catalog() -> FixedCatalog {
    FixedCatalog::new(&["WIDGET", "CABLE"])
}

fn framework_with(catalog: FixedCatalog) -> TestFramework<SalesOrder> {
    TestFramework::with(Arc::new(catalog) as Arc<dyn CatalogServices>)
}

fn framework() -> TestFramework<SalesOrder> {
    framework_with(catalog())
}

fn order_id() -> Uuid {
    Uuid::parse_str("0190f3a2-7c4e-7b1d-9a6e-3f2b1c0d4e5f").unwrap()
}

fn id() -> String {
    order_id().to_string()
}

const INVOICE: &str = "0190f3a2-0000-7000-8000-000000000001";

// ---------------------------------------------------------------------------------------------
// Commands

fn line(sku: &str, quantity: &str, unit_price_minor: i64) -> OrderLineInput {
    OrderLineInput { sku: sku.to_owned(), quantity: Quantity::new(quantity), unit_price_minor }
}

/// 10 widgets at 12.50 and 2.5 m of cable at 9.99 (24.975 → 24.98), from `WH-1`.
fn place_input() -> PlaceOrder {
    PlaceOrder {
        order_id: order_id(),
        customer_id: "C-100".to_owned(),
        customer_name: "Acme Ltd".to_owned(),
        currency: "EUR".to_owned(),
        ship_from: "WH-1".to_owned(),
        lines: vec![line("WIDGET", "10", 1_250), line("CABLE", "2.5", 999)],
    }
}

fn place() -> SalesOrderCommand {
    SalesOrderCommand::Place(place_input())
}

fn alloc(line_no: i64, reserved: &str, back_ordered: &str) -> AllocationLineInput {
    AllocationLineInput {
        line_no,
        reserved_quantity: Quantity::new(reserved),
        back_ordered_quantity: Quantity::new(back_ordered),
    }
}

fn allocate(lines: Vec<AllocationLineInput>) -> SalesOrderCommand {
    SalesOrderCommand::RecordAllocation(RecordAllocation { lines })
}

fn allocate_all() -> SalesOrderCommand {
    allocate(vec![alloc(1, "10", "0"), alloc(2, "2.5", "0")])
}

/// Line 1: 4 of 10 reserved, 6 back-ordered; line 2 reserved in full.
fn allocate_short() -> SalesOrderCommand {
    allocate(vec![alloc(2, "2.5", "0"), alloc(1, "4", "6")])
}

fn qty(line_no: i64, quantity: &str) -> LineQuantityInput {
    LineQuantityInput { line_no, quantity: Quantity::new(quantity) }
}

fn ship(shipment_id: &str, lines: Vec<LineQuantityInput>) -> SalesOrderCommand {
    SalesOrderCommand::RecordShipment(RecordShipment {
        shipment_id: shipment_id.to_owned(),
        ship_date: date(2026, 4, 2),
        lines,
    })
}

fn ship_all() -> SalesOrderCommand {
    ship("SH-1", vec![qty(1, "10"), qty(2, "2.5")])
}

fn cancel(reason: &str) -> SalesOrderCommand {
    SalesOrderCommand::Cancel(CancelOrder { reason: reason.to_owned() })
}

fn return_of(return_id: &str, lines: Vec<LineQuantityInput>) -> SalesOrderCommand {
    SalesOrderCommand::RecordReturn(RecordReturn {
        return_id: return_id.to_owned(),
        return_date: date(2026, 4, 20),
        lines,
    })
}

fn link(shipment_id: &str, invoice_id: &str) -> SalesOrderCommand {
    SalesOrderCommand::LinkInvoice(LinkInvoice {
        shipment_id: shipment_id.to_owned(),
        invoice_id: invoice_id.to_owned(),
    })
}

fn pay(payment_id: &str, amount_minor: i64) -> SalesOrderCommand {
    SalesOrderCommand::MarkPaid(MarkPaid { payment_id: payment_id.to_owned(), amount_minor })
}

/// The whole life of an order: back-ordered, allocated, picked, shipped in two parts,
/// delivered, part returned, invoiced, paid.
fn order_to_cash() -> Vec<SalesOrderCommand> {
    vec![
        place(),
        SalesOrderCommand::Confirm,
        allocate_short(),
        allocate_all(),
        SalesOrderCommand::MarkPicked,
        ship("SH-1", vec![qty(1, "4")]),
        ship("SH-2", vec![qty(1, "6"), qty(2, "2.5")]),
        SalesOrderCommand::MarkDelivered,
        return_of("R-1", vec![qty(1, "1")]),
        link("SH-1", INVOICE),
        pay("P-1", 14_998),
    ]
}

// ---------------------------------------------------------------------------------------------
// Events

/// The events `commands` record one after the other from a new order; panics on a refusal.
fn history(commands: Vec<SalesOrderCommand>) -> Vec<SalesOrderEvent> {
    let mut order = SalesOrder::default();
    let mut events = Vec::new();
    for command in commands {
        for event in order.decide(command).unwrap_or_else(|error| panic!("refused: {error}")) {
            order.apply(event.clone());
            events.push(event);
        }
    }
    events
}

fn placed() -> SalesOrderEvent {
    SalesOrderEvent::OrderPlaced(OrderPlaced {
        order_id: id(),
        customer_id: "C-100".to_owned(),
        customer_name: "Acme Ltd".to_owned(),
        currency: "EUR".to_owned(),
        ship_from: "WH-1".to_owned(),
        lines: vec![
            OrderLine {
                line_no: 1,
                sku: "WIDGET".to_owned(),
                quantity_milli: 10_000,
                unit_price_minor: 1_250,
                net_minor: 12_500,
            },
            OrderLine {
                line_no: 2,
                sku: "CABLE".to_owned(),
                quantity_milli: 2_500,
                unit_price_minor: 999,
                net_minor: 2_498,
            },
        ],
        total_minor: 14_998,
    })
}

fn confirmed() -> SalesOrderEvent {
    SalesOrderEvent::OrderConfirmed(OrderConfirmed { order_id: id() })
}

fn allocated_line(line_no: i32, sku: &str, reserved_milli: i64, back_ordered_milli: i64) -> AllocatedLine {
    AllocatedLine { line_no, sku: sku.to_owned(), reserved_milli, back_ordered_milli }
}

fn allocated() -> SalesOrderEvent {
    SalesOrderEvent::OrderAllocated(OrderAllocated {
        order_id: id(),
        lines: vec![allocated_line(1, "WIDGET", 10_000, 0), allocated_line(2, "CABLE", 2_500, 0)],
        fully_reserved: true,
    })
}

fn picked() -> SalesOrderEvent {
    SalesOrderEvent::OrderPicked(OrderPicked { order_id: id() })
}

fn shipped_line(line_no: i32, sku: &str, quantity_milli: i64) -> LineQuantity {
    LineQuantity { line_no, sku: sku.to_owned(), quantity_milli }
}

fn shipped(shipment_id: &str, lines: Vec<LineQuantity>, status: SalesOrderStatus) -> SalesOrderEvent {
    SalesOrderEvent::OrderShipped(OrderShipped {
        order_id: id(),
        shipment_id: shipment_id.to_owned(),
        ship_date: date(2026, 4, 2),
        ship_from: "WH-1".to_owned(),
        lines,
        status: status.as_str().to_owned(),
    })
}

fn shipped_all() -> SalesOrderEvent {
    shipped("SH-1", vec![shipped_line(1, "WIDGET", 10_000), shipped_line(2, "CABLE", 2_500)], S::Shipped)
}

fn shipped_part() -> SalesOrderEvent {
    shipped("SH-1", vec![shipped_line(1, "WIDGET", 4_000)], S::PartiallyShipped)
}

fn delivered() -> SalesOrderEvent {
    SalesOrderEvent::OrderDelivered(OrderDelivered { order_id: id() })
}

/// Placed, confirmed, allocated in full and picked.
fn picked_order() -> Vec<SalesOrderEvent> {
    vec![placed(), confirmed(), allocated(), picked()]
}

/// Picked and shipped in full.
fn shipped_order() -> Vec<SalesOrderEvent> {
    let mut events = picked_order();
    events.push(shipped_all());
    events
}

fn with(mut events: Vec<SalesOrderEvent>, more: impl IntoIterator<Item = SalesOrderEvent>) -> Vec<SalesOrderEvent> {
    events.extend(more);
    events
}

fn input_error(error: OrderInputError) -> SalesOrderError {
    SalesOrderError::Input(error)
}

fn invalid_quantity(field: &str, text: &str) -> SalesOrderError {
    input_error(OrderInputError::InvalidQuantity {
        field: field.to_owned(),
        reason: QuantityError::NotPositive { text: text.to_owned() },
    })
}

// ---------------------------------------------------------------------------------------------
// Placing

mod placing {
    use super::*;

    #[test]
    fn placing_records_the_lines_with_their_nets_and_the_total() {
        framework().given_no_previous_events().when(place()).then_expect_events(vec![placed()]);
    }

    #[test]
    fn placing_an_existing_order_is_a_conflict() {
        assert_refused_as(
            framework(),
            vec![placed()],
            place(),
            SalesOrderError::AlreadyExists,
            Some("order_id"),
            "already_exists",
            RefusalKind::Conflict,
        );
    }

    /// Refused on the command's own rules, before the catalog is read: it is down.
    fn refused(input: PlaceOrder, expected: SalesOrderError, field: &str, code: &str) {
        let command = SalesOrderCommand::Place(input);
        let framework = framework_with(catalog().down());
        assert_refused_as(framework, vec![], command, expected, Some(field), code, RefusalKind::Invalid);
    }

    fn refused_by_catalog(input: PlaceOrder, expected: CatalogError, field: &str, code: &str) {
        let (command, expected) = (SalesOrderCommand::Place(input), SalesOrderError::Catalog(expected));
        assert_refused_as(framework(), vec![], command, expected, Some(field), code, RefusalKind::Invalid);
    }

    #[test]
    fn every_line_must_sell_a_defined_item_discontinued_or_not() {
        let input = PlaceOrder { lines: vec![line("WIDGET", "1", 1), line("GHOST", "1", 1)], ..place_input() };
        let unknown = CatalogError::ItemNotFound { field: "lines[1].sku".into(), sku: "GHOST".into() };
        refused_by_catalog(input, unknown, "lines[1].sku", "item_not_found");
        let input = PlaceOrder { lines: vec![line("OLD", "1", 1)], ..place_input() };
        let placed = framework().given_no_previous_events().when(SalesOrderCommand::Place(input)).inspect_result();
        assert_eq!(placed.map(|events| events.len()), Ok(1), "what is left of a discontinued item is sold");
    }

    #[test]
    fn the_order_must_ship_from_an_existing_open_location_checked_before_the_items() {
        let input = PlaceOrder { ship_from: "WH-9".into(), lines: vec![line("GHOST", "1", 1)], ..place_input() };
        let missing = CatalogError::LocationNotFound { field: "ship_from", location: "WH-9".into() };
        refused_by_catalog(input, missing, "ship_from", "location_not_found");
        let closed = CatalogError::LocationClosed { field: "ship_from", location: "SHUT".into() };
        refused_by_catalog(
            PlaceOrder { ship_from: "SHUT".into(), ..place_input() },
            closed,
            "ship_from",
            "location_closed",
        );
    }

    #[test]
    fn a_catalog_that_cannot_be_read_places_nothing_and_may_be_retried() {
        let expected = SalesOrderError::Catalog(CatalogError::Unavailable {
            lookup: "location",
            reason: "connection refused".into(),
        });
        let (framework, code) = (framework_with(catalog().down()), "catalog_unavailable");
        assert_refused_as(framework, vec![], place(), expected, None, code, RefusalKind::Unavailable);
        // only placing reads the catalog
        let framework = framework_with(catalog().down());
        framework.given(vec![placed()]).when(SalesOrderCommand::Confirm).then_expect_events(vec![confirmed()]);
    }

    #[test]
    fn customer_and_location_must_be_given_within_their_limits() {
        let blank = |field: &str| input_error(OrderInputError::Blank { field: field.to_owned() });
        refused(PlaceOrder { customer_id: " ".into(), ..place_input() }, blank("customer_id"), "customer_id", "blank");
        refused(
            PlaceOrder { customer_name: String::new(), ..place_input() },
            blank("customer_name"),
            "customer_name",
            "blank",
        );
        refused(PlaceOrder { ship_from: "\t".into(), ..place_input() }, blank("ship_from"), "ship_from", "blank");
        let too_long = OrderInputError::TooLong { field: "customer_name".into(), chars: 201, max: 200 };
        refused(
            PlaceOrder { customer_name: "n".repeat(201), ..place_input() },
            input_error(too_long),
            "customer_name",
            "too_long",
        );
        let placed = history(vec![SalesOrderCommand::Place(PlaceOrder {
            customer_id: "c".repeat(100),
            customer_name: "n".repeat(200),
            ship_from: "l".repeat(100),
            ..place_input()
        })]);
        assert_eq!(placed.len(), 1, "at the limits");
    }

    #[test]
    fn an_invalid_currency_is_refused() {
        for (code, reason) in invalid_currencies() {
            let input = PlaceOrder { currency: code.to_owned(), ..place_input() };
            refused(input, SalesOrderError::InvalidCurrency { reason }, "currency", "invalid_currency");
        }
    }

    #[test]
    fn zero_or_negative_quantities_are_refused() {
        for text in ["0", "-1", "0.000"] {
            let input = PlaceOrder { lines: vec![line("A", "1", 1), line("B", text, 1)], ..place_input() };
            refused(input, invalid_quantity("lines[1].quantity", text), "lines[1].quantity", "invalid_quantity");
        }
    }

    #[test]
    fn a_sku_on_two_lines_a_negative_price_and_no_lines_are_refused() {
        let input = PlaceOrder { lines: vec![line("A", "1", 1), line("A", "2", 1)], ..place_input() };
        let duplicate = OrderInputError::DuplicateSku { line: 1, sku: "A".into(), first_line: 0 };
        refused(input, input_error(duplicate), "lines[1].sku", "duplicate_sku");
        let input = PlaceOrder { lines: vec![line("A", "1", -5)], ..place_input() };
        let negative =
            OrderInputError::NegativeUnitPrice { field: "lines[0].unit_price_minor".into(), unit_price_minor: -5 };
        refused(input, input_error(negative), "lines[0].unit_price_minor", "negative_unit_price");
        let input = PlaceOrder { lines: vec![], ..place_input() };
        refused(input, input_error(OrderInputError::TooFewLines { count: 0, min: 1 }), "lines", "too_few_lines");
        let input = PlaceOrder { lines: (0..201).map(|i| line(&format!("S{i}"), "1", 1)).collect(), ..place_input() };
        refused(input, input_error(OrderInputError::TooManyLines { count: 201, max: 200 }), "lines", "too_many_lines");
    }

    #[test]
    fn every_other_command_on_an_order_never_placed_is_not_found() {
        let commands = vec![
            SalesOrderCommand::Confirm,
            allocate_all(),
            SalesOrderCommand::MarkPicked,
            ship_all(),
            SalesOrderCommand::MarkDelivered,
            cancel("x"),
            return_of("R-1", vec![qty(1, "1")]),
            link("SH-1", INVOICE),
            pay("P-1", 1),
        ];
        for command in commands {
            let expected = SalesOrderError::NotFound;
            assert_refused_as(framework(), vec![], command, expected, None, "not_found", RefusalKind::NotFound);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Confirming, allocating, picking

mod fulfilment {
    use super::*;

    fn transition(action: &'static str, status: SalesOrderStatus) -> SalesOrderError {
        SalesOrderError::InvalidTransition { action, status }
    }

    fn conflict(given: Vec<SalesOrderEvent>, command: SalesOrderCommand, expected: SalesOrderError, code: &str) {
        assert_refused_as(framework(), given, command, expected, None, code, RefusalKind::Conflict);
    }

    #[test]
    fn a_placed_order_is_confirmed_once() {
        framework().given(vec![placed()]).when(SalesOrderCommand::Confirm).then_expect_events(vec![confirmed()]);
        let given = vec![placed(), confirmed()];
        conflict(given, SalesOrderCommand::Confirm, transition("confirm", S::Confirmed), "invalid_transition");
    }

    #[test]
    fn an_allocation_reserving_everything_makes_the_order_allocated() {
        framework().given(vec![placed(), confirmed()]).when(allocate_all()).then_expect_events(vec![allocated()]);
        let order: SalesOrder = fold(vec![placed(), confirmed(), allocated()]);
        assert_eq!(order.status(), Some(S::Allocated));
        assert!(!order.back_ordered());
    }

    #[test]
    fn an_allocation_with_back_orders_keeps_the_order_confirmed_and_records_them() {
        let expected = SalesOrderEvent::OrderAllocated(OrderAllocated {
            order_id: id(),
            lines: vec![allocated_line(1, "WIDGET", 4_000, 6_000), allocated_line(2, "CABLE", 2_500, 0)],
            fully_reserved: false,
        });
        framework()
            .given(vec![placed(), confirmed()])
            .when(allocate_short())
            .then_expect_events(vec![expected.clone()]);
        let order: SalesOrder = fold(vec![placed(), confirmed(), expected.clone()]);
        assert_eq!(order.status(), Some(S::Confirmed));
        assert!(order.back_ordered());
        assert_eq!((order.lines()[0].reserved_milli, order.lines()[0].back_ordered_milli), (4_000, 6_000));
        // the saga allocates again once the stock arrives
        framework()
            .given(vec![placed(), confirmed(), expected])
            .when(allocate_all())
            .then_expect_events(vec![allocated()]);
    }

    #[test]
    fn zero_is_a_valid_reserved_or_back_ordered_quantity() {
        let command = allocate(vec![alloc(1, "0", "10"), alloc(2, "0.000", "2.5")]);
        let events = framework().given(vec![placed(), confirmed()]).when(command).inspect_result().unwrap();
        let [SalesOrderEvent::OrderAllocated(allocated)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(allocated.lines[0], allocated_line(1, "WIDGET", 0, 10_000));
        assert!(!allocated.fully_reserved);
    }

    #[test]
    fn a_redelivered_allocation_records_nothing() {
        framework().given(vec![placed(), confirmed(), allocated()]).when(allocate_all()).then_expect_events(vec![]);
        framework().given(picked_order()).when(allocate_all()).then_expect_events(vec![]);
        let short = history(vec![place(), SalesOrderCommand::Confirm, allocate_short()]);
        framework().given(short).when(allocate_short()).then_expect_events(vec![]);
    }

    #[test]
    fn an_allocation_is_only_recorded_for_a_confirmed_order() {
        conflict(vec![placed()], allocate_all(), transition("record an allocation", S::Placed), "invalid_transition");
        // once allocated, every line is reserved in full and any report merges to just that
        let given = vec![placed(), confirmed(), allocated(), picked()];
        let nothing_reserved = allocate(vec![alloc(1, "0", "10"), alloc(2, "0", "2.5")]);
        framework().given(given.clone()).when(allocate_all()).then_expect_events(vec![]);
        framework().given(given).when(nothing_reserved).then_expect_events(vec![]);
    }

    #[test]
    fn a_stale_allocation_never_takes_back_what_is_recorded_as_reserved() {
        let first = SalesOrderEvent::OrderAllocated(OrderAllocated {
            order_id: id(),
            lines: vec![allocated_line(1, "WIDGET", 0, 10_000), allocated_line(2, "CABLE", 2_500, 0)],
            fully_reserved: false,
        });
        let given = vec![placed(), confirmed(), first.clone()];
        // a reaction that loaded the order before the first allocation reports line 1 only
        let stale = allocate(vec![alloc(1, "10", "0"), alloc(2, "0", "2.5")]);
        framework().given(given.clone()).when(stale).then_expect_events(vec![allocated()]);
        // one that saw nothing reserved yet records nothing
        let staler = allocate(vec![alloc(1, "0", "10"), alloc(2, "0", "2.5")]);
        framework().given(given).when(staler).then_expect_events(vec![]);
        // and once the order is allocated, a stale short report is not refused either
        framework()
            .given(vec![placed(), confirmed(), first, allocated()])
            .when(allocate_short())
            .then_expect_events(vec![]);
    }

    #[test]
    fn every_line_must_be_allocated_exactly_as_ordered() {
        let given = || vec![placed(), confirmed()];
        let refused = |command, expected, field: &str, code: &str| {
            assert_refused_as(framework(), given(), command, expected, Some(field), code, RefusalKind::Invalid);
        };
        let mismatch = SalesOrderError::AllocationMismatch {
            line: 1,
            line_no: 2,
            reserved_milli: 2_000,
            back_ordered_milli: 0,
            ordered_milli: 2_500,
        };
        refused(allocate(vec![alloc(1, "10", "0"), alloc(2, "2", "0")]), mismatch, "lines[1]", "allocation_mismatch");
        let incomplete = SalesOrderError::AllocationIncomplete { line_no: 1 };
        refused(allocate(vec![alloc(2, "2.5", "0")]), incomplete, "lines", "allocation_incomplete");
        let unknown = input_error(OrderInputError::UnknownLine { line: 2, line_no: 3 });
        refused(
            allocate(vec![alloc(1, "10", "0"), alloc(2, "2.5", "0"), alloc(3, "1", "0")]),
            unknown,
            "lines[2].line_no",
            "unknown_line",
        );
        let repeated = input_error(OrderInputError::RepeatedLine { line: 1, line_no: 1 });
        refused(
            allocate(vec![alloc(1, "10", "0"), alloc(1, "10", "0")]),
            repeated,
            "lines[1].line_no",
            "repeated_line",
        );
        refused(
            allocate(vec![alloc(1, "11", "-1"), alloc(2, "2.5", "0")]),
            invalid_quantity("lines[0].back_ordered_quantity", "-1"),
            "lines[0].back_ordered_quantity",
            "invalid_quantity",
        );
        refused(
            allocate(vec![]),
            input_error(OrderInputError::TooFewLines { count: 0, min: 1 }),
            "lines",
            "too_few_lines",
        );
    }

    #[test]
    fn only_an_allocated_order_is_picked() {
        framework()
            .given(vec![placed(), confirmed(), allocated()])
            .when(SalesOrderCommand::MarkPicked)
            .then_expect_events(vec![picked()]);
        let short = history(vec![place(), SalesOrderCommand::Confirm, allocate_short()]);
        conflict(short, SalesOrderCommand::MarkPicked, transition("pick", S::Confirmed), "invalid_transition");
        conflict(picked_order(), SalesOrderCommand::MarkPicked, transition("pick", S::Picked), "invalid_transition");
    }
}

// ---------------------------------------------------------------------------------------------
// Shipping, delivering, returning

mod shipping {
    use super::*;

    #[test]
    fn a_shipment_of_part_of_the_order_makes_it_partially_shipped_and_the_rest_shipped() {
        framework()
            .given(picked_order())
            .when(ship("SH-1", vec![qty(1, "4")]))
            .then_expect_events(vec![shipped_part()]);
        let rest = shipped("SH-2", vec![shipped_line(2, "CABLE", 2_500), shipped_line(1, "WIDGET", 6_000)], S::Shipped);
        framework()
            .given(with(picked_order(), [shipped_part()]))
            .when(ship("SH-2", vec![qty(2, "2.5"), qty(1, "6")]))
            .then_expect_events(vec![rest]);
    }

    #[test]
    fn a_shipment_in_full_makes_the_order_shipped() {
        framework().given(picked_order()).when(ship_all()).then_expect_events(vec![shipped_all()]);
    }

    #[test]
    fn shipping_more_than_ordered_less_shipped_is_refused_naming_the_quantity() {
        let expected =
            input_error(OrderInputError::ExceedsOpen { line: 0, line_no: 1, quantity_milli: 6_001, open_milli: 6_000 });
        let given = with(picked_order(), [shipped_part()]);
        let command = ship("SH-2", vec![qty(1, "6.001")]);
        assert_refused_as(
            framework(),
            given,
            command,
            expected,
            Some("lines[0].quantity"),
            "exceeds_open_quantity",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn shipment_lines_must_be_known_positive_and_the_id_given() {
        let refused = |command, expected, field: &str, code: &str| {
            assert_refused_as(framework(), picked_order(), command, expected, Some(field), code, RefusalKind::Invalid);
        };
        refused(
            ship("SH-1", vec![qty(1, "0")]),
            invalid_quantity("lines[0].quantity", "0"),
            "lines[0].quantity",
            "invalid_quantity",
        );
        refused(
            ship("SH-1", vec![qty(1, "-2")]),
            invalid_quantity("lines[0].quantity", "-2"),
            "lines[0].quantity",
            "invalid_quantity",
        );
        let unknown = input_error(OrderInputError::UnknownLine { line: 1, line_no: 7 });
        refused(ship("SH-1", vec![qty(1, "1"), qty(7, "1")]), unknown, "lines[1].line_no", "unknown_line");
        let blank = input_error(OrderInputError::Blank { field: "shipment_id".into() });
        refused(ship(" ", vec![qty(1, "1")]), blank, "shipment_id", "blank");
        let too_long = input_error(OrderInputError::TooLong { field: "shipment_id".into(), chars: 101, max: 100 });
        refused(ship(&"s".repeat(101), vec![qty(1, "1")]), too_long, "shipment_id", "too_long");
    }

    #[test]
    fn a_repeated_shipment_id_records_nothing() {
        framework()
            .given(with(picked_order(), [shipped_part()]))
            .when(ship("SH-1", vec![qty(1, "4")]))
            .then_expect_events(vec![]);
        framework().given(shipped_order()).when(ship_all()).then_expect_events(vec![]);
        framework().given(with(shipped_order(), [delivered()])).when(ship_all()).then_expect_events(vec![]);
    }

    #[test]
    fn only_a_picked_or_partially_shipped_order_ships() {
        let transition = |status| SalesOrderError::InvalidTransition { action: "record a shipment", status };
        for (given, status) in [(vec![placed(), confirmed(), allocated()], S::Allocated), (shipped_order(), S::Shipped)]
        {
            let command = ship("SH-9", vec![qty(1, "1")]);
            assert_refused_as(
                framework(),
                given,
                command,
                transition(status),
                None,
                "invalid_transition",
                RefusalKind::Conflict,
            );
        }
    }

    #[test]
    fn only_a_fully_shipped_order_is_delivered() {
        framework().given(shipped_order()).when(SalesOrderCommand::MarkDelivered).then_expect_events(vec![delivered()]);
        for (given, status) in
            [(picked_order(), S::Picked), (with(picked_order(), [shipped_part()]), S::PartiallyShipped)]
        {
            let expected = SalesOrderError::NotFullyShipped { status };
            let command = SalesOrderCommand::MarkDelivered;
            assert_refused_as(framework(), given, command, expected, None, "not_fully_shipped", RefusalKind::Conflict);
        }
        let expected = SalesOrderError::InvalidTransition { action: "deliver", status: S::Delivered };
        let given = with(shipped_order(), [delivered()]);
        assert_refused_as(
            framework(),
            given,
            SalesOrderCommand::MarkDelivered,
            expected,
            None,
            "invalid_transition",
            RefusalKind::Conflict,
        );
    }

    fn returned(return_id: &str, lines: Vec<LineQuantity>) -> SalesOrderEvent {
        SalesOrderEvent::OrderReturned(OrderReturned {
            order_id: id(),
            return_id: return_id.to_owned(),
            return_date: date(2026, 4, 20),
            lines,
        })
    }

    #[test]
    fn goods_shipped_can_be_returned_up_to_what_shipped_and_the_status_stays() {
        let first = returned("R-1", vec![shipped_line(2, "CABLE", 1_000)]);
        framework()
            .given(shipped_order())
            .when(return_of("R-1", vec![qty(2, "1")]))
            .then_expect_events(vec![first.clone()]);
        let order: SalesOrder = fold(with(shipped_order(), [first.clone()]));
        assert_eq!((order.status(), order.lines()[1].returned_milli), (Some(S::Shipped), 1_000));
        let expected =
            input_error(OrderInputError::ExceedsOpen { line: 0, line_no: 2, quantity_milli: 1_501, open_milli: 1_500 });
        let given = with(shipped_order(), [first.clone()]);
        let command = return_of("R-2", vec![qty(2, "1.501")]);
        assert_refused_as(
            framework(),
            given,
            command,
            expected,
            Some("lines[0].quantity"),
            "exceeds_open_quantity",
            RefusalKind::Invalid,
        );
        // a part shipment's return is limited by what shipped of the line, not ordered
        let expected =
            input_error(OrderInputError::ExceedsOpen { line: 0, line_no: 2, quantity_milli: 1, open_milli: 0 });
        let given = with(picked_order(), [shipped_part()]);
        let command = return_of("R-1", vec![qty(2, "0.001")]);
        assert_refused_as(
            framework(),
            given,
            command,
            expected,
            Some("lines[0].quantity"),
            "exceeds_open_quantity",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_repeated_return_id_records_nothing() {
        let given = with(shipped_order(), [returned("R-1", vec![shipped_line(2, "CABLE", 1_000)])]);
        framework().given(given).when(return_of("R-1", vec![qty(2, "1")])).then_expect_events(vec![]);
    }

    #[test]
    fn nothing_is_returned_before_anything_shipped() {
        let expected = SalesOrderError::InvalidTransition { action: "record a return", status: S::Picked };
        let command = return_of("R-1", vec![qty(1, "1")]);
        assert_refused_as(
            framework(),
            picked_order(),
            command,
            expected,
            None,
            "invalid_transition",
            RefusalKind::Conflict,
        );
        let blank = input_error(OrderInputError::Blank { field: "return_id".into() });
        let command = return_of("", vec![qty(1, "1")]);
        assert_refused_as(
            framework(),
            shipped_order(),
            command,
            blank,
            Some("return_id"),
            "blank",
            RefusalKind::Invalid,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Cancelling

mod cancelling {
    use super::*;

    fn cancelled(cancelled_in: SalesOrderStatus) -> SalesOrderEvent {
        SalesOrderEvent::OrderCancelled(OrderCancelled {
            order_id: id(),
            reason: "Customer changed their mind".to_owned(),
            cancelled_in: cancelled_in.as_str().to_owned(),
        })
    }

    #[test]
    fn an_order_is_cancelled_in_any_status_before_anything_shipped() {
        for (given, status) in [
            (vec![placed()], S::Placed),
            (vec![placed(), confirmed()], S::Confirmed),
            (vec![placed(), confirmed(), allocated()], S::Allocated),
            (picked_order(), S::Picked),
        ] {
            framework()
                .given(given)
                .when(cancel("Customer changed their mind"))
                .then_expect_events(vec![cancelled(status)]);
        }
    }

    #[test]
    fn cancelling_a_shipped_order_is_a_conflict_naming_its_status() {
        for (given, status) in [
            (with(picked_order(), [shipped_part()]), S::PartiallyShipped),
            (shipped_order(), S::Shipped),
            (with(shipped_order(), [delivered()]), S::Delivered),
        ] {
            let expected = SalesOrderError::AlreadyShipped { status };
            assert!(expected.to_string().contains(status.as_str()));
            assert_refused_as(
                framework(),
                given,
                cancel("late"),
                expected,
                None,
                "already_shipped",
                RefusalKind::Conflict,
            );
        }
    }

    #[test]
    fn the_reason_must_be_given_within_its_limit() {
        let blank = input_error(OrderInputError::Blank { field: "reason".into() });
        assert_refused_as(
            framework(),
            vec![placed()],
            cancel(" "),
            blank,
            Some("reason"),
            "blank",
            RefusalKind::Invalid,
        );
        let too_long = input_error(OrderInputError::TooLong { field: "reason".into(), chars: 501, max: 500 });
        let command = cancel(&"r".repeat(501));
        assert_refused_as(
            framework(),
            vec![placed()],
            command,
            too_long,
            Some("reason"),
            "too_long",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_cancelled_order_takes_no_further_command() {
        let given = || vec![placed(), cancelled(S::Placed)];
        for command in [
            SalesOrderCommand::Confirm,
            allocate_all(),
            SalesOrderCommand::MarkPicked,
            ship_all(),
            SalesOrderCommand::MarkDelivered,
            cancel("again"),
            return_of("R-1", vec![qty(1, "1")]),
            pay("P-1", 1),
        ] {
            let expected = SalesOrderError::OrderCancelled;
            assert_refused_as(framework(), given(), command, expected, None, "order_cancelled", RefusalKind::Conflict);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Invoices and payments

mod settlement {
    use super::*;

    fn invoiced(shipment_id: &str) -> SalesOrderEvent {
        SalesOrderEvent::OrderInvoiced(OrderInvoiced {
            order_id: id(),
            shipment_id: shipment_id.to_owned(),
            invoice_id: INVOICE.to_owned(),
        })
    }

    fn paid(payment_id: &str, amount_minor: i64, paid_total_minor: i64) -> SalesOrderEvent {
        SalesOrderEvent::OrderPaid(OrderPaid {
            order_id: id(),
            payment_id: payment_id.to_owned(),
            amount_minor,
            paid_total_minor,
            fully_paid: paid_total_minor == 14_998,
        })
    }

    #[test]
    fn the_invoice_of_a_shipment_is_linked_once_and_a_repeat_records_nothing() {
        framework().given(shipped_order()).when(link("SH-1", INVOICE)).then_expect_events(vec![invoiced("SH-1")]);
        let given = with(shipped_order(), [invoiced("SH-1")]);
        framework().given(given.clone()).when(link("SH-1", INVOICE)).then_expect_events(vec![]);
        framework().given(given).when(link("SH-1", &INVOICE.to_uppercase())).then_expect_events(vec![]);
        let order: SalesOrder = fold(with(shipped_order(), [invoiced("SH-1")]));
        assert_eq!(order.shipments().collect::<Vec<_>>(), [("SH-1", Some(INVOICE))]);
        assert_eq!(order.status(), Some(S::Shipped));
    }

    #[test]
    fn linking_another_invoice_an_unknown_shipment_or_a_malformed_invoice_id_is_refused() {
        let given = with(shipped_order(), [invoiced("SH-1")]);
        let other = "0190f3a2-0000-7000-8000-000000000002";
        let expected =
            SalesOrderError::ShipmentAlreadyInvoiced { shipment_id: "SH-1".into(), invoice_id: INVOICE.into() };
        assert_refused_as(
            framework(),
            given,
            link("SH-1", other),
            expected,
            Some("shipment_id"),
            "shipment_already_invoiced",
            RefusalKind::Conflict,
        );
        let expected = SalesOrderError::UnknownShipment { shipment_id: "SH-9".into() };
        assert_refused_as(
            framework(),
            shipped_order(),
            link("SH-9", INVOICE),
            expected,
            Some("shipment_id"),
            "unknown_shipment",
            RefusalKind::Invalid,
        );
        let expected = SalesOrderError::InvalidInvoiceId { invoice_id: "INV-1".into() };
        assert_refused_as(
            framework(),
            shipped_order(),
            link("SH-1", "INV-1"),
            expected,
            Some("invoice_id"),
            "invalid_invoice_id",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn payments_are_recorded_up_to_the_total_leaving_the_status_as_it_is() {
        framework()
            .given(shipped_order())
            .when(pay("P-1", 10_000))
            .then_expect_events(vec![paid("P-1", 10_000, 10_000)]);
        let given = with(shipped_order(), [paid("P-1", 10_000, 10_000)]);
        framework().given(given.clone()).when(pay("P-2", 4_998)).then_expect_events(vec![paid("P-2", 4_998, 14_998)]);
        let order: SalesOrder = fold(with(given.clone(), [paid("P-2", 4_998, 14_998)]));
        assert!(order.is_fully_paid());
        assert_eq!((order.paid_minor(), order.status()), (14_998, Some(S::Shipped)));
        let expected = SalesOrderError::OverPaid { amount_minor: 4_999, unpaid_minor: 4_998 };
        assert_refused_as(
            framework(),
            given,
            pay("P-2", 4_999),
            expected,
            Some("amount_minor"),
            "over_paid",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_prepayment_is_recorded_before_shipping() {
        framework()
            .given(vec![placed()])
            .when(pay("P-1", 14_998))
            .then_expect_events(vec![paid("P-1", 14_998, 14_998)]);
    }

    #[test]
    fn a_repeated_payment_id_records_nothing() {
        let given = with(shipped_order(), [paid("P-1", 10_000, 10_000)]);
        framework().given(given).when(pay("P-1", 10_000)).then_expect_events(vec![]);
    }

    #[test]
    fn a_zero_or_negative_payment_and_a_blank_payment_id_are_refused() {
        for amount_minor in [0, -1] {
            let expected = SalesOrderError::NonPositiveAmount { amount_minor };
            assert_refused_as(
                framework(),
                vec![placed()],
                pay("P-1", amount_minor),
                expected,
                Some("amount_minor"),
                "non_positive_amount",
                RefusalKind::Invalid,
            );
        }
        let expected = input_error(OrderInputError::Blank { field: "payment_id".into() });
        assert_refused_as(
            framework(),
            vec![placed()],
            pay(" ", 1),
            expected,
            Some("payment_id"),
            "blank",
            RefusalKind::Invalid,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// State, errors, serde, contract

mod state {
    use super::*;

    /// The events of [`order_to_cash`].
    fn lifecycle() -> Vec<SalesOrderEvent> {
        history(order_to_cash())
    }

    #[test]
    fn the_status_history_lists_every_status_once_per_change() {
        let order: SalesOrder = fold(lifecycle());
        assert_eq!(
            order.status_history(),
            [S::Placed, S::Confirmed, S::Allocated, S::Picked, S::PartiallyShipped, S::Shipped, S::Delivered]
        );
        assert_eq!(SalesOrder::default().status_history(), []);
        let cancelled: SalesOrder = fold(history(vec![place(), SalesOrderCommand::Confirm, cancel("x")]));
        assert_eq!(cancelled.status_history(), [S::Placed, S::Confirmed, S::Cancelled]);
    }

    #[test]
    fn getters_read_the_order_and_its_per_line_quantities() {
        let order: SalesOrder = fold(lifecycle());
        assert_eq!(order.id(), Some(id().as_str()));
        assert_eq!((order.customer_id(), order.customer_name()), (Some("C-100"), Some("Acme Ltd")));
        assert_eq!((order.currency(), order.ship_from()), (Some(eur()), Some("WH-1")));
        assert_eq!(order.total_minor(), 14_998);
        assert_eq!(
            order.lines()[0],
            SalesOrderLine {
                line_no: 1,
                sku: "WIDGET".into(),
                unit_price_minor: 1_250,
                net_minor: 12_500,
                ordered_milli: 10_000,
                reserved_milli: 10_000,
                back_ordered_milli: 0,
                shipped_milli: 10_000,
                returned_milli: 1_000,
            }
        );
        assert_eq!((order.lines()[1].shipped_milli, order.lines()[1].returned_milli), (2_500, 0));
        assert_eq!(order.shipments().collect::<Vec<_>>(), [("SH-1", Some(INVOICE)), ("SH-2", None)]);
        assert_eq!(order.returns().collect::<Vec<_>>(), ["R-1"]);
        assert_eq!(order.payments().collect::<Vec<_>>(), [("P-1", 14_998)]);
        assert!(order.is_fully_paid());
        let empty = SalesOrder::default();
        assert_eq!((empty.id(), empty.status(), empty.lines().len(), empty.total_minor()), (None, None, 0, 0));
        assert!(!empty.is_fully_paid());
    }

    #[test]
    fn statuses_have_stable_snake_case_names() {
        let all = [
            S::Placed,
            S::Confirmed,
            S::Allocated,
            S::Picked,
            S::PartiallyShipped,
            S::Shipped,
            S::Delivered,
            S::Cancelled,
        ];
        for status in all {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
            assert_eq!(status.to_string(), status.as_str());
        }
        assert_eq!(S::PartiallyShipped.as_str(), "partially_shipped");
    }

    #[test]
    fn error_table() {
        use RefusalKind::{Conflict, Invalid, NotFound, Unavailable};
        let unknown_item = CatalogError::ItemNotFound { field: "lines[0].sku".into(), sku: "S".into() };
        let unavailable = CatalogError::Unavailable { lookup: "item", reason: "down".into() };
        assert_error_table(&[
            (SalesOrderError::AlreadyExists, Some("order_id"), Conflict),
            (SalesOrderError::Catalog(unknown_item), Some("lines[0].sku"), Invalid),
            (SalesOrderError::Catalog(unavailable), None, Unavailable),
            (SalesOrderError::NotFound, None, NotFound),
            (SalesOrderError::OrderCancelled, None, Conflict),
            (SalesOrderError::AlreadyShipped { status: S::Shipped }, None, Conflict),
            (SalesOrderError::NotFullyShipped { status: S::Picked }, None, Conflict),
            (SalesOrderError::InvalidTransition { action: "pick", status: S::Placed }, None, Conflict),
            (input_error(OrderInputError::TooFewLines { count: 0, min: 1 }), Some("lines"), Invalid),
            (SalesOrderError::InvalidCurrency { reason: invalid_currencies()[0].1.clone() }, Some("currency"), Invalid),
            (
                SalesOrderError::AllocationMismatch {
                    line: 1,
                    line_no: 2,
                    reserved_milli: 1,
                    back_ordered_milli: 1,
                    ordered_milli: 3,
                },
                Some("lines[1]"),
                Invalid,
            ),
            (SalesOrderError::AllocationIncomplete { line_no: 2 }, Some("lines"), Invalid),
            (SalesOrderError::UnknownShipment { shipment_id: "S".into() }, Some("shipment_id"), Invalid),
            (SalesOrderError::InvalidInvoiceId { invoice_id: "x".into() }, Some("invoice_id"), Invalid),
            (
                SalesOrderError::ShipmentAlreadyInvoiced { shipment_id: "S".into(), invoice_id: INVOICE.into() },
                Some("shipment_id"),
                Conflict,
            ),
            (SalesOrderError::NonPositiveAmount { amount_minor: 0 }, Some("amount_minor"), Invalid),
            (SalesOrderError::OverPaid { amount_minor: 2, unpaid_minor: 1 }, Some("amount_minor"), Invalid),
        ]);
        let wrapped =
            input_error(OrderInputError::ExceedsOpen { line: 0, line_no: 1, quantity_milli: 2, open_milli: 1 });
        assert_eq!((wrapped.field().as_deref(), wrapped.code()), (Some("lines[0].quantity"), "exceeds_open_quantity"));
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        let order: SalesOrder = fold(lifecycle());
        let json = serde_json::to_string(&order).unwrap();
        assert_eq!(serde_json::from_str::<SalesOrder>(&json).unwrap(), order);
        let empty = serde_json::to_string(&SalesOrder::default()).unwrap();
        assert_eq!(serde_json::from_str::<SalesOrder>(&empty).unwrap(), SalesOrder::default());
    }

    #[test]
    fn commands_deserialize_from_api_json() {
        let json = serde_json::json!({"Place": {
            "order_id": order_id(),
            "customer_id": "C-100",
            "customer_name": "Acme Ltd",
            "currency": "EUR",
            "ship_from": "WH-1",
            "lines": [
                {"sku": "WIDGET", "quantity": 10, "unit_price_minor": 1250},
                {"sku": "CABLE", "quantity": "2.5", "unit_price_minor": 999}
            ]
        }});
        assert_eq!(serde_json::from_value::<SalesOrderCommand>(json).unwrap(), place());
        assert_eq!(
            serde_json::from_value::<SalesOrderCommand>(serde_json::json!("Confirm")).unwrap(),
            SalesOrderCommand::Confirm
        );
        let json = serde_json::json!({"RecordAllocation": {"lines": [
            {"line_no": 2, "reserved_quantity": 2.5, "back_ordered_quantity": 0},
            {"line_no": 1, "reserved_quantity": "4", "back_ordered_quantity": "6"}
        ]}});
        assert_eq!(serde_json::from_value::<SalesOrderCommand>(json).unwrap(), allocate_short());
        let json = serde_json::json!({"RecordShipment": {"shipment_id": "SH-1", "ship_date": "2026-04-02",
            "lines": [{"line_no": 1, "quantity": 10}, {"line_no": 2, "quantity": 2.5}]}});
        assert_eq!(serde_json::from_value::<SalesOrderCommand>(json).unwrap(), ship_all());
        let json = serde_json::json!({"MarkPaid": {"payment_id": "P-1", "amount": 5}});
        assert!(serde_json::from_value::<SalesOrderCommand>(json).is_err(), "unknown fields are refused");
    }

    fn one_of_each_event() -> Vec<SalesOrderEvent> {
        let mut events = lifecycle();
        events.push(SalesOrderEvent::OrderCancelled(OrderCancelled {
            order_id: id(),
            reason: "x".into(),
            cancelled_in: "placed".into(),
        }));
        events
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        for event in one_of_each_event() {
            let json = serde_json::to_value(&event).unwrap();
            let object = json.as_object().unwrap();
            assert_eq!(object.len(), 1);
            assert!(object.contains_key(&event.event_type()));
            assert_eq!(serde_json::from_value::<SalesOrderEvent>(json).unwrap(), event);
        }
        let json = serde_json::to_value(shipped_all()).unwrap();
        assert_eq!(json["OrderShipped"]["ship_date"], "2026-04-02");
        assert_eq!(json["OrderShipped"]["status"], "shipped");
    }

    #[test]
    fn event_types_versions_and_aggregate_type_are_stable() {
        let mut types: Vec<String> = one_of_each_event().iter().map(DomainEvent::event_type).collect();
        types.sort();
        types.dedup();
        assert_eq!(
            types,
            [
                "OrderAllocated",
                "OrderCancelled",
                "OrderConfirmed",
                "OrderDelivered",
                "OrderInvoiced",
                "OrderPaid",
                "OrderPicked",
                "OrderPlaced",
                "OrderReturned",
                "OrderShipped"
            ]
        );
        assert!(one_of_each_event().iter().all(|e| e.event_version() == "1"));
        assert_eq!(SalesOrder::TYPE, "supply.sales_order");
    }

    mod avro_contract {
        //! The serde JSON of each event must have exactly the fields of its Avro schema, with
        //! compatible types, so the wire contract and the Rust types cannot drift.

        use super::*;
        use crate::avro_contract::{assert_event_matches_schema, field_type};

        const PLACED: &str = include_str!("../../../../schemas/avro/supply/OrderPlaced.avsc");
        const CONFIRMED: &str = include_str!("../../../../schemas/avro/supply/OrderConfirmed.avsc");
        const ALLOCATED: &str = include_str!("../../../../schemas/avro/supply/OrderAllocated.avsc");
        const PICKED: &str = include_str!("../../../../schemas/avro/supply/OrderPicked.avsc");
        const SHIPPED: &str = include_str!("../../../../schemas/avro/supply/OrderShipped.avsc");
        const DELIVERED: &str = include_str!("../../../../schemas/avro/supply/OrderDelivered.avsc");
        const CANCELLED: &str = include_str!("../../../../schemas/avro/supply/OrderCancelled.avsc");
        const RETURNED: &str = include_str!("../../../../schemas/avro/supply/OrderReturned.avsc");
        const INVOICED: &str = include_str!("../../../../schemas/avro/supply/OrderInvoiced.avsc");
        const PAID: &str = include_str!("../../../../schemas/avro/supply/OrderPaid.avsc");

        fn schema_of(event: &SalesOrderEvent) -> &'static str {
            match event {
                SalesOrderEvent::OrderPlaced(_) => PLACED,
                SalesOrderEvent::OrderConfirmed(_) => CONFIRMED,
                SalesOrderEvent::OrderAllocated(_) => ALLOCATED,
                SalesOrderEvent::OrderPicked(_) => PICKED,
                SalesOrderEvent::OrderShipped(_) => SHIPPED,
                SalesOrderEvent::OrderDelivered(_) => DELIVERED,
                SalesOrderEvent::OrderCancelled(_) => CANCELLED,
                SalesOrderEvent::OrderReturned(_) => RETURNED,
                SalesOrderEvent::OrderInvoiced(_) => INVOICED,
                SalesOrderEvent::OrderPaid(_) => PAID,
            }
        }

        #[test]
        fn every_event_decide_records_matches_its_schema() {
            let mut events = lifecycle();
            events.extend(history(vec![place(), cancel("Customer changed their mind")]));
            for event in &events {
                assert_event_matches_schema(schema_of(event), event);
            }
            let mut types: Vec<String> = events.iter().map(DomainEvent::event_type).collect();
            types.sort();
            types.dedup();
            assert_eq!(types.len(), 10, "every event type is checked");
        }

        #[test]
        fn nested_line_records_are_named_alike_across_events() {
            assert_eq!(field_type(PLACED, "lines")["items"]["name"], "OrderLine");
            assert_eq!(field_type(ALLOCATED, "lines")["items"]["name"], "AllocatedLine");
            assert_eq!(field_type(SHIPPED, "lines")["items"]["name"], "LineQuantity");
            let field_names = |avsc: &str| -> Vec<serde_json::Value> {
                let fields = field_type(avsc, "lines")["items"]["fields"].clone();
                fields.as_array().unwrap().iter().map(|field| field["name"].clone()).collect()
            };
            assert_eq!(field_names(RETURNED), field_names(SHIPPED));
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn shipments_never_exceed_the_order_and_it_is_shipped_exactly_when_every_line_is(
            parts in proptest::collection::vec((1_i64..=2, 1_i64..=4_000), 1..12),
        ) {
            let mut order: SalesOrder = fold(picked_order());
            for (n, (line_no, milli)) in parts.into_iter().enumerate() {
                let line = &order.lines()[usize::try_from(line_no - 1).unwrap()];
                let open = line.ordered_milli - line.shipped_milli;
                let text = format!("{}.{:03}", milli / 1_000, milli % 1_000);
                let was_shipped = order.status() == Some(S::Shipped);
                match order.decide(ship(&format!("SH-{n}"), vec![qty(line_no, &text)])) {
                    Ok(events) => {
                        prop_assert!(milli <= open && !was_shipped);
                        events.into_iter().for_each(|event| order.apply(event));
                    }
                    Err(error) => prop_assert!(milli > open || was_shipped, "{}", error),
                }
                prop_assert!(order.lines().iter().all(|line| line.shipped_milli <= line.ordered_milli));
                let all_shipped = order.lines().iter().all(|line| line.shipped_milli == line.ordered_milli);
                prop_assert_eq!(order.status() == Some(S::Shipped), all_shipped);
            }
        }
    }
}

mod command_sequence_properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{
        check_command_sequence, check_status_history, check_status_move, commands_along, SEQUENCE_CASES,
    };

    /// The status changes each command may make; every other command leaves the status as it is.
    fn allowed_moves(command: &SalesOrderCommand) -> &'static [(SalesOrderStatus, SalesOrderStatus)] {
        match command {
            SalesOrderCommand::Confirm => &[(S::Placed, S::Confirmed)],
            SalesOrderCommand::RecordAllocation(_) => &[(S::Confirmed, S::Allocated)],
            SalesOrderCommand::MarkPicked => &[(S::Allocated, S::Picked)],
            SalesOrderCommand::RecordShipment(_) => {
                &[(S::Picked, S::PartiallyShipped), (S::Picked, S::Shipped), (S::PartiallyShipped, S::Shipped)]
            }
            SalesOrderCommand::MarkDelivered => &[(S::Shipped, S::Delivered)],
            SalesOrderCommand::Cancel(_) => &[
                (S::Placed, S::Cancelled),
                (S::Confirmed, S::Cancelled),
                (S::Allocated, S::Cancelled),
                (S::Picked, S::Cancelled),
            ],
            SalesOrderCommand::Place(_)
            | SalesOrderCommand::RecordReturn(_)
            | SalesOrderCommand::LinkInvoice(_)
            | SalesOrderCommand::MarkPaid(_) => &[],
        }
    }

    /// Every command of [`place`]'s order (10 widgets, 2.5 m of cable, total 149.98) with
    /// quantities, ids and amounts around what the order holds: allocations in full, short,
    /// missing a line or over the order; shipments and returns of part, all or more; a few
    /// shipment, return and payment ids so that redeliveries happen.
    fn arb_command() -> impl Strategy<Value = SalesOrderCommand> {
        let line_quantities = || {
            prop::sample::select(vec![
                vec![qty(1, "4")],
                vec![qty(1, "6"), qty(2, "2.5")],
                vec![qty(1, "10"), qty(2, "2.5")],
                vec![qty(2, "3")],
                vec![],
            ])
        };
        let id = || prop::sample::select(vec!["1", "2", "3"]);
        prop_oneof![
            prop::sample::select(vec![
                place(),
                SalesOrderCommand::Place(PlaceOrder { lines: vec![], ..place_input() })
            ]),
            Just(SalesOrderCommand::Confirm),
            prop::sample::select(vec![
                allocate_all(),
                allocate_short(),
                allocate(vec![alloc(1, "10", "0")]),
                allocate(vec![alloc(1, "11", "0"), alloc(2, "2.5", "0")]),
            ]),
            Just(SalesOrderCommand::MarkPicked),
            (id(), line_quantities()).prop_map(|(n, lines)| ship(&format!("SH-{n}"), lines)),
            Just(SalesOrderCommand::MarkDelivered),
            prop::sample::select(vec!["Customer changed their mind", " "]).prop_map(cancel),
            (id(), line_quantities()).prop_map(|(n, lines)| return_of(&format!("RT-{n}"), lines)),
            id().prop_map(|n| link(&format!("SH-{n}"), INVOICE)),
            (id(), prop::sample::select(vec![0_i64, 1, 7_499, 14_998, 14_999]))
                .prop_map(|(n, amount)| pay(&format!("PAY-{n}"), amount)),
        ]
    }

    /// Per line: nothing returned beyond what shipped nor shipped beyond what was ordered; an
    /// allocation accounts for exactly what was ordered; what is reserved never goes down.
    fn check_lines(before: &SalesOrder, after: &SalesOrder) -> Result<(), TestCaseError> {
        for line in after.lines() {
            prop_assert!(0 <= line.returned_milli && line.returned_milli <= line.shipped_milli, "{:?}", line);
            prop_assert!(line.shipped_milli <= line.ordered_milli, "{:?}", line);
            let allocated = line.reserved_milli + line.back_ordered_milli;
            prop_assert!(allocated == 0 || allocated == line.ordered_milli, "{:?}", line);
        }
        for (old, new) in before.lines().iter().zip(after.lines()) {
            prop_assert!(new.reserved_milli >= old.reserved_milli, "{:?} → {:?}", old, new);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, an order only moves along its state machine, its status
        /// history only grows, ending in the status; lines keep returned ≤ shipped ≤ ordered
        /// and reserved never goes down; it is (or was) shipped exactly when every line has
        /// shipped in full; a cancelled order has shipped nothing; payments never exceed the
        /// total; an invoice is only linked to a shipment that was recorded.
        #[test]
        fn an_order_moves_only_along_its_state_machine_and_never_ships_or_is_paid_beyond_it(
            commands in commands_along(order_to_cash(), arb_command()),
        ) {
            let services: Arc<dyn CatalogServices> = Arc::new(catalog());
            check_command_sequence::<SalesOrder>(&services, commands, |step| {
                let after = step.after.status();
                check_status_move(step.before.status(), after, S::Placed, allowed_moves(step.command))?;
                check_status_history(step.before.status_history(), step.after.status_history(), after)?;
                check_lines(step.before, step.after)?;
                let all_shipped = step.after.lines().iter().all(|line| line.shipped_milli == line.ordered_milli);
                if let Some(status) = after {
                    prop_assert_eq!(matches!(status, S::Shipped | S::Delivered), all_shipped, "{:?}", status);
                }
                if after == Some(S::Cancelled) {
                    prop_assert!(step.after.lines().iter().all(|line| line.shipped_milli == 0));
                }
                prop_assert!(step.after.paid_minor() <= step.after.total_minor());
                for (shipment, _) in step.after.shipments() {
                    let shipped_now = step.events().iter().any(
                        |event| matches!(event, SalesOrderEvent::OrderShipped(shipped) if shipped.shipment_id == shipment),
                    );
                    prop_assert!(shipped_now || step.before.shipments().any(|(known, _)| known == shipment), "{}", shipment);
                }
                Ok(())
            })?;
        }
    }
}
