//! Given–when–then tests for every purchase order transition and refusal — submitting against
//! the approval threshold, approving one's own order, over-receipts, the three-way match of a
//! bill — the status history and per-line quantities, the error table, serde round trips, and
//! the contract tests that keep events and Avro schemas in step.

use std::sync::Arc;

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::money::Currency;
use crate::quantity::{Quantity, QuantityError};
use crate::refusal::{Refusal, RefusalKind};
use crate::supply::catalog::{CatalogError, CatalogServices, FixedCatalog, ItemTerms, LocationTerms};
use crate::supply::order_lines::{LineQuantity, LineQuantityInput, OrderInputError, OrderLine, OrderLineInput};
use crate::test_support::{assert_error_table, assert_refused_as, date, eur, fold, invalid_currencies, usd};

use PurchaseOrderStatus as S;

// ---------------------------------------------------------------------------------------------
// Services

/// What the approval threshold lookup answers.
#[derive(Debug, Clone, Copy)]
enum Threshold {
    /// This threshold.
    Fixed(Option<(i64, Currency)>),
    /// An error, like a database that is down.
    Down,
    /// Nothing: the command is refused or decided without it, so reading it panics.
    Untouchable,
}

/// Fixed reference data: the approval threshold and the catalog.
struct Fixed {
    threshold: Threshold,
    catalog: FixedCatalog,
}

#[async_trait::async_trait]
impl CatalogServices for Fixed {
    async fn item(&self, sku: &str) -> Result<Option<ItemTerms>, String> {
        self.catalog.item(sku).await
    }

    async fn location(&self, code: &str) -> Result<Option<LocationTerms>, String> {
        self.catalog.location(code).await
    }
}

#[async_trait::async_trait]
impl PurchaseOrderServices for Fixed {
    async fn approval_threshold(&self) -> Result<Option<(i64, Currency)>, String> {
        match self.threshold {
            Threshold::Fixed(threshold) => Ok(threshold),
            Threshold::Down => Err("connection refused".to_owned()),
            Threshold::Untouchable => panic!("approval threshold read for a command that does not need it"),
        }
    }
}

/// Items `BOLT`, `NUT` and the discontinued `OLD`; `WH-1` open, `SHUT` closed.
fn catalog() -> FixedCatalog {
    FixedCatalog::new(&["BOLT", "NUT"])
}

fn framework_over(threshold: Threshold, catalog: FixedCatalog) -> TestFramework<PurchaseOrder> {
    TestFramework::with(Arc::new(Fixed { threshold, catalog }) as Arc<dyn PurchaseOrderServices>)
}

fn framework_with(threshold: Threshold) -> TestFramework<PurchaseOrder> {
    framework_over(threshold, catalog())
}

/// Orders above 1,000.00 EUR need approval. Only `Submit` reads it.
fn framework() -> TestFramework<PurchaseOrder> {
    framework_with(Threshold::Fixed(Some((100_000, eur()))))
}

/// A threshold no command but `Submit` may read.
fn untouched() -> TestFramework<PurchaseOrder> {
    framework_with(Threshold::Untouchable)
}

/// Nothing to read: a command refused on its own rules reads neither the threshold nor the
/// catalog, which is down.
fn unread() -> TestFramework<PurchaseOrder> {
    framework_over(Threshold::Untouchable, catalog().down())
}

fn order_id() -> Uuid {
    Uuid::parse_str("0190f3a2-7c4e-7b1d-9a6e-3f2b1c0d4e5f").unwrap()
}

fn id() -> String {
    order_id().to_string()
}

const BILL: &str = "0190f3a2-0000-7000-8000-000000000011";
const REQUESTER: &str = "u-alice";
const APPROVER: &str = "u-bob";

// ---------------------------------------------------------------------------------------------
// Commands

fn line(sku: &str, quantity: &str, unit_price_minor: i64) -> OrderLineInput {
    OrderLineInput { sku: sku.to_owned(), quantity: Quantity::new(quantity), unit_price_minor }
}

/// 1,000 bolts at 25.00 and 50.5 kg of nuts at 10.00: 25,505.00 EUR.
fn draft_input() -> DraftPurchaseOrder {
    DraftPurchaseOrder {
        order_id: order_id(),
        vendor_id: "V-200".to_owned(),
        vendor_name: "Bolt & Nut GmbH".to_owned(),
        currency: "EUR".to_owned(),
        requested_by: REQUESTER.to_owned(),
        lines: vec![line("BOLT", "1000", 2_500), line("NUT", "50.5", 1_000)],
    }
}

fn draft() -> PurchaseOrderCommand {
    PurchaseOrderCommand::Draft(draft_input())
}

fn approve(approved_by: &str) -> PurchaseOrderCommand {
    PurchaseOrderCommand::Approve(ApprovePurchaseOrder { approved_by: approved_by.to_owned() })
}

fn qty(line_no: i64, quantity: &str) -> LineQuantityInput {
    LineQuantityInput { line_no, quantity: Quantity::new(quantity) }
}

fn receive(receipt_id: &str, lines: Vec<LineQuantityInput>) -> PurchaseOrderCommand {
    receive_at(receipt_id, "WH-1", lines)
}

fn receive_at(receipt_id: &str, location: &str, lines: Vec<LineQuantityInput>) -> PurchaseOrderCommand {
    PurchaseOrderCommand::RecordReceipt(RecordReceipt {
        receipt_id: receipt_id.to_owned(),
        receipt_date: date(2026, 5, 4),
        location: location.to_owned(),
        lines,
    })
}

fn receive_all() -> PurchaseOrderCommand {
    receive("GR-1", vec![qty(1, "1000"), qty(2, "50.5")])
}

fn bill_line(line_no: i64, quantity: &str, unit_price_minor: i64) -> BillLineInput {
    BillLineInput { line_no, quantity: Quantity::new(quantity), unit_price_minor }
}

fn bill(invoice_id: &str, lines: Vec<BillLineInput>) -> PurchaseOrderCommand {
    PurchaseOrderCommand::RecordBill(RecordBill { invoice_id: invoice_id.to_owned(), lines })
}

/// The bill exactly as ordered.
fn bill_as_ordered() -> PurchaseOrderCommand {
    bill(BILL, vec![bill_line(1, "1000", 2_500), bill_line(2, "50.5", 1_000)])
}

fn cancel(reason: &str) -> PurchaseOrderCommand {
    PurchaseOrderCommand::Cancel(CancelPurchaseOrder { reason: reason.to_owned() })
}

// ---------------------------------------------------------------------------------------------
// Events

/// The events `commands` record one after the other from a new order, submitting against the
/// standard threshold; panics on a refusal.
fn history(commands: Vec<PurchaseOrderCommand>) -> Vec<PurchaseOrderEvent> {
    let mut order = PurchaseOrder::default();
    let mut events = Vec::new();
    for command in commands {
        let decided = order.decide(command, Some((100_000, eur())));
        for event in decided.unwrap_or_else(|error| panic!("refused: {error}")) {
            order.apply(event.clone());
            events.push(event);
        }
    }
    events
}

fn drafted() -> PurchaseOrderEvent {
    PurchaseOrderEvent::PurchaseOrderDrafted(PurchaseOrderDrafted {
        order_id: id(),
        vendor_id: "V-200".to_owned(),
        vendor_name: "Bolt & Nut GmbH".to_owned(),
        currency: "EUR".to_owned(),
        requested_by: REQUESTER.to_owned(),
        lines: vec![
            OrderLine {
                line_no: 1,
                sku: "BOLT".to_owned(),
                quantity_milli: 1_000_000,
                unit_price_minor: 2_500,
                net_minor: 2_500_000,
            },
            OrderLine {
                line_no: 2,
                sku: "NUT".to_owned(),
                quantity_milli: 50_500,
                unit_price_minor: 1_000,
                net_minor: 50_500,
            },
        ],
        total_minor: 2_550_500,
    })
}

fn submitted(threshold: Option<(i64, Currency)>, auto_approved: bool) -> PurchaseOrderEvent {
    PurchaseOrderEvent::PurchaseOrderSubmitted(PurchaseOrderSubmitted {
        order_id: id(),
        total_minor: 2_550_500,
        approval_threshold_minor: threshold.map(|(limit, _)| limit),
        approval_threshold_currency: threshold.map(|(_, currency)| currency.as_str().to_owned()),
        auto_approved,
    })
}

fn submitted_for_approval() -> PurchaseOrderEvent {
    submitted(Some((100_000, eur())), false)
}

fn approved() -> PurchaseOrderEvent {
    PurchaseOrderEvent::PurchaseOrderApproved(PurchaseOrderApproved {
        order_id: id(),
        approved_by: APPROVER.to_owned(),
    })
}

fn approved_order() -> Vec<PurchaseOrderEvent> {
    vec![drafted(), submitted_for_approval(), approved()]
}

fn received_line(line_no: i32, sku: &str, quantity_milli: i64) -> LineQuantity {
    LineQuantity { line_no, sku: sku.to_owned(), quantity_milli }
}

fn goods_received(receipt_id: &str, lines: Vec<LineQuantity>, status: PurchaseOrderStatus) -> PurchaseOrderEvent {
    PurchaseOrderEvent::GoodsReceived(GoodsReceived {
        order_id: id(),
        receipt_id: receipt_id.to_owned(),
        receipt_date: date(2026, 5, 4),
        location: "WH-1".to_owned(),
        lines,
        status: status.as_str().to_owned(),
    })
}

fn received_all() -> PurchaseOrderEvent {
    goods_received("GR-1", vec![received_line(1, "BOLT", 1_000_000), received_line(2, "NUT", 50_500)], S::Received)
}

/// 600 of the 1,000 bolts and none of the nuts.
fn received_part() -> PurchaseOrderEvent {
    goods_received("GR-1", vec![received_line(1, "BOLT", 600_000)], S::PartiallyReceived)
}

fn received_order() -> Vec<PurchaseOrderEvent> {
    with(approved_order(), [received_all()])
}

fn billed_order() -> Vec<PurchaseOrderEvent> {
    with(received_order(), history_after(received_order(), bill_as_ordered()))
}

fn with(
    mut events: Vec<PurchaseOrderEvent>,
    more: impl IntoIterator<Item = PurchaseOrderEvent>,
) -> Vec<PurchaseOrderEvent> {
    events.extend(more);
    events
}

/// What `command` records after `given`.
fn history_after(given: Vec<PurchaseOrderEvent>, command: PurchaseOrderCommand) -> Vec<PurchaseOrderEvent> {
    let order: PurchaseOrder = fold(given);
    order.decide(command, None).unwrap_or_else(|error| panic!("refused: {error}"))
}

fn input_error(error: OrderInputError) -> PurchaseOrderError {
    PurchaseOrderError::Input(error)
}

fn transition(action: &'static str, status: PurchaseOrderStatus) -> PurchaseOrderError {
    PurchaseOrderError::InvalidTransition { action, status }
}

fn refused(
    given: Vec<PurchaseOrderEvent>,
    command: PurchaseOrderCommand,
    expected: PurchaseOrderError,
    field: &str,
    code: &str,
) {
    assert_refused_as(unread(), given, command, expected, Some(field), code, RefusalKind::Invalid);
}

fn conflict(given: Vec<PurchaseOrderEvent>, command: PurchaseOrderCommand, expected: PurchaseOrderError, code: &str) {
    assert_refused_as(unread(), given, command, expected, None, code, RefusalKind::Conflict);
}

/// Refused by the catalog once the command's own rules pass.
fn refused_by_catalog(
    given: Vec<PurchaseOrderEvent>,
    command: PurchaseOrderCommand,
    expected: CatalogError,
    field: &str,
    code: &str,
) {
    let expected = PurchaseOrderError::Catalog(expected);
    assert_refused_as(untouched(), given, command, expected, Some(field), code, RefusalKind::Invalid);
}

/// What a catalog that cannot be read refuses `command` with, given `given`: nothing recorded.
fn catalog_unavailable(given: Vec<PurchaseOrderEvent>, command: PurchaseOrderCommand, lookup: &'static str) {
    let expected =
        PurchaseOrderError::Catalog(CatalogError::Unavailable { lookup, reason: "connection refused".into() });
    let framework = framework_over(Threshold::Untouchable, catalog().down());
    assert_refused_as(framework, given, command, expected, None, "catalog_unavailable", RefusalKind::Unavailable);
}

// ---------------------------------------------------------------------------------------------
// Drafting

mod drafting {
    use super::*;

    #[test]
    fn drafting_records_the_lines_with_their_nets_and_the_total() {
        untouched().given_no_previous_events().when(draft()).then_expect_events(vec![drafted()]);
    }

    #[test]
    fn drafting_an_existing_order_is_a_conflict() {
        let expected = PurchaseOrderError::AlreadyExists;
        assert_refused_as(
            untouched(),
            vec![drafted()],
            draft(),
            expected,
            Some("order_id"),
            "already_exists",
            RefusalKind::Conflict,
        );
    }

    fn refused_draft(input: DraftPurchaseOrder, expected: PurchaseOrderError, field: &str, code: &str) {
        refused(vec![], PurchaseOrderCommand::Draft(input), expected, field, code);
    }

    #[test]
    fn vendor_currency_and_requester_must_be_valid() {
        let blank = |field: &str| input_error(OrderInputError::Blank { field: field.to_owned() });
        refused_draft(
            DraftPurchaseOrder { vendor_id: " ".into(), ..draft_input() },
            blank("vendor_id"),
            "vendor_id",
            "blank",
        );
        refused_draft(
            DraftPurchaseOrder { requested_by: String::new(), ..draft_input() },
            blank("requested_by"),
            "requested_by",
            "blank",
        );
        let too_long = OrderInputError::TooLong { field: "vendor_name".into(), chars: 201, max: 200 };
        refused_draft(
            DraftPurchaseOrder { vendor_name: "v".repeat(201), ..draft_input() },
            input_error(too_long),
            "vendor_name",
            "too_long",
        );
        for (code, reason) in invalid_currencies() {
            let input = DraftPurchaseOrder { currency: code.to_owned(), ..draft_input() };
            refused_draft(input, PurchaseOrderError::InvalidCurrency { reason }, "currency", "invalid_currency");
        }
    }

    #[test]
    fn lines_follow_the_shared_rules() {
        for text in ["0", "-3"] {
            let input = DraftPurchaseOrder { lines: vec![line("BOLT", text, 1)], ..draft_input() };
            let reason = QuantityError::NotPositive { text: text.to_owned() };
            let expected = input_error(OrderInputError::InvalidQuantity { field: "lines[0].quantity".into(), reason });
            refused_draft(input, expected, "lines[0].quantity", "invalid_quantity");
        }
        let input = DraftPurchaseOrder { lines: vec![line("BOLT", "1", 1), line("BOLT", "1", 1)], ..draft_input() };
        let expected = input_error(OrderInputError::DuplicateSku { line: 1, sku: "BOLT".into(), first_line: 0 });
        refused_draft(input, expected, "lines[1].sku", "duplicate_sku");
    }

    #[test]
    fn every_line_must_order_a_defined_item_that_still_takes_receipts() {
        let draft_of = |lines| PurchaseOrderCommand::Draft(DraftPurchaseOrder { lines, ..draft_input() });
        let unknown = CatalogError::ItemNotFound { field: "lines[1].sku".into(), sku: "GHOST".into() };
        let command = draft_of(vec![line("BOLT", "1", 1), line("GHOST", "1", 1)]);
        refused_by_catalog(vec![], command, unknown, "lines[1].sku", "item_not_found");
        let discontinued = CatalogError::ItemDiscontinued { field: "lines[0].sku".into(), sku: "OLD".into() };
        let command = draft_of(vec![line("OLD", "1", 1), line("GHOST", "1", 1)]);
        refused_by_catalog(vec![], command, discontinued, "lines[0].sku", "item_discontinued");
    }

    #[test]
    fn a_catalog_that_cannot_be_read_drafts_nothing() {
        catalog_unavailable(vec![], draft(), "item");
    }

    #[test]
    fn every_other_command_on_an_order_never_drafted_is_not_found() {
        for command in [
            PurchaseOrderCommand::Submit,
            approve(APPROVER),
            receive_all(),
            bill_as_ordered(),
            PurchaseOrderCommand::Close,
            cancel("x"),
        ] {
            let expected = PurchaseOrderError::NotFound;
            assert_refused_as(untouched(), vec![], command, expected, None, "not_found", RefusalKind::NotFound);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Submitting and approving

mod approval {
    use super::*;

    fn submit_with(threshold: Option<(i64, Currency)>) -> Vec<PurchaseOrderEvent> {
        framework_with(Threshold::Fixed(threshold))
            .given(vec![drafted()])
            .when(PurchaseOrderCommand::Submit)
            .inspect_result()
            .unwrap()
    }

    #[test]
    fn an_order_above_the_threshold_is_submitted_for_approval() {
        framework()
            .given(vec![drafted()])
            .when(PurchaseOrderCommand::Submit)
            .then_expect_events(vec![submitted_for_approval()]);
        let order: PurchaseOrder = fold(vec![drafted(), submitted_for_approval()]);
        assert_eq!(order.status(), Some(S::Submitted));
    }

    #[test]
    fn an_order_at_or_below_the_threshold_in_its_currency_is_approved_at_once() {
        for limit in [2_550_500, 2_550_501] {
            let threshold = Some((limit, eur()));
            assert_eq!(submit_with(threshold), vec![submitted(threshold, true)]);
        }
        let order: PurchaseOrder = fold(vec![drafted(), submitted(Some((2_550_500, eur())), true)]);
        assert_eq!((order.status(), order.approved_by()), (Some(S::Approved), None));
        assert_eq!(order.status_history(), [S::Draft, S::Approved]);
    }

    #[test]
    fn a_threshold_one_below_the_total_in_another_currency_or_none_needs_approval() {
        for threshold in [Some((2_550_499, eur())), Some((10_000_000, usd())), None] {
            assert_eq!(submit_with(threshold), vec![submitted(threshold, false)], "{threshold:?}");
        }
    }

    #[test]
    fn a_threshold_that_cannot_be_read_is_unavailable_and_records_nothing() {
        let expected = PurchaseOrderError::ThresholdUnavailable { reason: "connection refused".into() };
        assert_refused_as(
            framework_with(Threshold::Down),
            vec![drafted()],
            PurchaseOrderCommand::Submit,
            expected,
            None,
            "approval_threshold_unavailable",
            RefusalKind::Unavailable,
        );
    }

    #[test]
    fn only_a_draft_is_submitted_and_the_threshold_is_not_read_otherwise() {
        conflict(
            vec![drafted(), submitted_for_approval()],
            PurchaseOrderCommand::Submit,
            transition("submit", S::Submitted),
            "invalid_transition",
        );
        conflict(
            approved_order(),
            PurchaseOrderCommand::Submit,
            transition("submit", S::Approved),
            "invalid_transition",
        );
    }

    #[test]
    fn a_submitted_order_is_approved_by_another_user() {
        untouched()
            .given(vec![drafted(), submitted_for_approval()])
            .when(approve(APPROVER))
            .then_expect_events(vec![approved()]);
        let order: PurchaseOrder = fold(approved_order());
        assert_eq!((order.status(), order.approved_by()), (Some(S::Approved), Some(APPROVER)));
    }

    #[test]
    fn approving_ones_own_order_is_refused_naming_the_approver() {
        let expected = PurchaseOrderError::SelfApproval { approved_by: REQUESTER.into() };
        refused(
            vec![drafted(), submitted_for_approval()],
            approve(REQUESTER),
            expected,
            "approved_by",
            "self_approval",
        );
        let blank = input_error(OrderInputError::Blank { field: "approved_by".into() });
        refused(vec![drafted(), submitted_for_approval()], approve(" "), blank, "approved_by", "blank");
    }

    #[test]
    fn only_a_submitted_order_is_approved() {
        conflict(vec![drafted()], approve(APPROVER), transition("approve", S::Draft), "invalid_transition");
        conflict(approved_order(), approve(APPROVER), transition("approve", S::Approved), "invalid_transition");
    }
}

// ---------------------------------------------------------------------------------------------
// Receiving

mod receiving {
    use super::*;

    #[test]
    fn a_receipt_of_part_makes_the_order_partially_received_and_the_rest_received() {
        untouched()
            .given(approved_order())
            .when(receive("GR-1", vec![qty(1, "600")]))
            .then_expect_events(vec![received_part()]);
        let rest = goods_received(
            "GR-2",
            vec![received_line(2, "NUT", 50_500), received_line(1, "BOLT", 400_000)],
            S::Received,
        );
        untouched()
            .given(with(approved_order(), [received_part()]))
            .when(receive("GR-2", vec![qty(2, "50.5"), qty(1, "400")]))
            .then_expect_events(vec![rest]);
    }

    #[test]
    fn a_receipt_of_everything_makes_the_order_received() {
        untouched().given(approved_order()).when(receive_all()).then_expect_events(vec![received_all()]);
    }

    #[test]
    fn receiving_more_than_is_still_to_receive_is_refused() {
        let expected = input_error(OrderInputError::ExceedsOpen {
            line: 0,
            line_no: 1,
            quantity_milli: 400_001,
            open_milli: 400_000,
        });
        let given = with(approved_order(), [received_part()]);
        refused(
            given,
            receive("GR-2", vec![qty(1, "400.001")]),
            expected,
            "lines[0].quantity",
            "exceeds_open_quantity",
        );
    }

    #[test]
    fn receipt_inputs_must_be_valid() {
        let reason = QuantityError::NotPositive { text: "0".into() };
        let expected = input_error(OrderInputError::InvalidQuantity { field: "lines[0].quantity".into(), reason });
        refused(
            approved_order(),
            receive("GR-1", vec![qty(1, "0")]),
            expected,
            "lines[0].quantity",
            "invalid_quantity",
        );
        let expected = input_error(OrderInputError::UnknownLine { line: 0, line_no: 3 });
        refused(approved_order(), receive("GR-1", vec![qty(3, "1")]), expected, "lines[0].line_no", "unknown_line");
        let expected = input_error(OrderInputError::Blank { field: "receipt_id".into() });
        refused(approved_order(), receive("", vec![qty(1, "1")]), expected, "receipt_id", "blank");
        let expected = input_error(OrderInputError::Blank { field: "location".into() });
        refused(approved_order(), receive_at("GR-1", " ", vec![qty(1, "1")]), expected, "location", "blank");
    }

    #[test]
    fn goods_are_received_only_at_an_existing_open_location() {
        let missing = CatalogError::LocationNotFound { field: "location", location: "WH-9".into() };
        let command = receive_at("GR-1", "WH-9", vec![qty(1, "1")]);
        refused_by_catalog(approved_order(), command, missing, "location", "location_not_found");
        let closed = CatalogError::LocationClosed { field: "location", location: "SHUT".into() };
        let command = receive_at("GR-1", "SHUT", vec![qty(1, "1")]);
        refused_by_catalog(approved_order(), command, closed, "location", "location_closed");
    }

    #[test]
    fn a_catalog_that_cannot_be_read_receives_nothing() {
        catalog_unavailable(approved_order(), receive_all(), "location");
    }

    #[test]
    fn a_repeated_receipt_id_records_nothing_and_reads_nothing() {
        unread()
            .given(with(approved_order(), [received_part()]))
            .when(receive("GR-1", vec![qty(1, "600")]))
            .then_expect_events(vec![]);
        unread().given(billed_order()).when(receive_all()).then_expect_events(vec![]);
    }

    #[test]
    fn goods_are_received_only_against_an_approved_or_partially_received_order() {
        let given = vec![drafted(), submitted_for_approval()];
        conflict(given, receive_all(), transition("record a receipt", S::Submitted), "invalid_transition");
        conflict(
            received_order(),
            receive("GR-2", vec![qty(1, "1")]),
            transition("record a receipt", S::Received),
            "invalid_transition",
        );
        conflict(
            billed_order(),
            receive("GR-2", vec![qty(1, "1")]),
            transition("record a receipt", S::Billed),
            "invalid_transition",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Billing: the three-way match

mod billing {
    use super::*;

    fn billed_by(given: Vec<PurchaseOrderEvent>, command: PurchaseOrderCommand) -> PurchaseOrderBilled {
        let events = untouched().given(given).when(command).inspect_result().unwrap();
        let [PurchaseOrderEvent::PurchaseOrderBilled(billed)] = events.as_slice() else { panic!("{events:?}") };
        billed.clone()
    }

    fn line_match(
        line_no: i32,
        sku: &str,
        (ordered, received, billed): (i64, i64, i64),
        (ordered_price, billed_price): (i64, Option<i64>),
        mismatches: Vec<Mismatch>,
    ) -> LineMatch {
        LineMatch {
            line_no,
            sku: sku.to_owned(),
            ordered_milli: ordered,
            received_milli: received,
            billed_milli: billed,
            ordered_unit_price_minor: ordered_price,
            billed_unit_price_minor: billed_price,
            mismatches,
        }
    }

    #[test]
    fn a_bill_as_ordered_and_received_matches_on_every_line() {
        let billed = billed_by(received_order(), bill_as_ordered());
        assert_eq!(
            billed,
            PurchaseOrderBilled {
                order_id: id(),
                invoice_id: BILL.to_owned(),
                lines: vec![
                    BilledLine {
                        line_no: 1,
                        sku: "BOLT".into(),
                        quantity_milli: 1_000_000,
                        unit_price_minor: 2_500,
                        net_minor: 2_500_000
                    },
                    BilledLine {
                        line_no: 2,
                        sku: "NUT".into(),
                        quantity_milli: 50_500,
                        unit_price_minor: 1_000,
                        net_minor: 50_500
                    },
                ],
                bill_total_minor: 2_550_500,
                matches: vec![
                    line_match(1, "BOLT", (1_000_000, 1_000_000, 1_000_000), (2_500, Some(2_500)), vec![]),
                    line_match(2, "NUT", (50_500, 50_500, 50_500), (1_000, Some(1_000)), vec![]),
                ],
                matched: true,
            }
        );
        let order: PurchaseOrder = fold(with(received_order(), [PurchaseOrderEvent::PurchaseOrderBilled(billed)]));
        assert_eq!(order.status(), Some(S::Billed));
        assert_eq!(order.bills().collect::<Vec<_>>(), [(BILL, true)]);
        assert_eq!(order.lines()[0].billed_milli, 1_000_000);
    }

    #[test]
    fn a_short_receipt_billed_as_received_flags_the_quantity_short() {
        let given = with(approved_order(), [received_part()]);
        let billed = billed_by(given, bill(BILL, vec![bill_line(1, "600", 2_500)]));
        assert_eq!(
            billed.matches,
            vec![
                line_match(
                    1,
                    "BOLT",
                    (1_000_000, 600_000, 600_000),
                    (2_500, Some(2_500)),
                    vec![Mismatch::ReceivedShort]
                ),
                line_match(2, "NUT", (50_500, 0, 0), (1_000, None), vec![Mismatch::ReceivedShort]),
            ]
        );
        assert!(!billed.matched);
    }

    #[test]
    fn a_bill_for_more_or_less_than_received_is_flagged_not_refused() {
        let billed =
            billed_by(received_order(), bill(BILL, vec![bill_line(1, "1001", 2_500), bill_line(2, "50", 1_000)]));
        assert_eq!(billed.matches[0].mismatches, [Mismatch::BilledOverReceived]);
        assert_eq!(billed.matches[1].mismatches, [Mismatch::BilledUnderReceived]);
        assert!(!billed.matched);
    }

    #[test]
    fn a_bill_at_another_price_flags_the_price() {
        let billed =
            billed_by(received_order(), bill(BILL, vec![bill_line(1, "1000", 2_600), bill_line(2, "50.5", 1_000)]));
        assert_eq!(
            billed.matches[0],
            line_match(
                1,
                "BOLT",
                (1_000_000, 1_000_000, 1_000_000),
                (2_500, Some(2_600)),
                vec![Mismatch::PriceDiffers]
            )
        );
        assert_eq!(billed.matches[1].mismatches, []);
        assert_eq!(billed.bill_total_minor, 2_650_500);
        assert!(!billed.matched);
    }

    #[test]
    fn a_second_bill_counts_what_earlier_bills_billed() {
        let first = history_after(received_order(), bill(BILL, vec![bill_line(1, "1000", 2_500)]));
        let second = "0190f3a2-0000-7000-8000-000000000012";
        let billed = billed_by(with(received_order(), first), bill(second, vec![bill_line(2, "50.5", 1_000)]));
        assert_eq!(billed.matches[0], line_match(1, "BOLT", (1_000_000, 1_000_000, 1_000_000), (2_500, None), vec![]));
        assert!(billed.matched);
    }

    #[test]
    fn a_repeated_bill_records_nothing_even_once_closed() {
        untouched().given(billed_order()).when(bill_as_ordered()).then_expect_events(vec![]);
        untouched()
            .given(billed_order())
            .when(bill(&BILL.to_uppercase(), vec![bill_line(1, "1", 1)]))
            .then_expect_events(vec![]);
        let closed =
            with(billed_order(), [PurchaseOrderEvent::PurchaseOrderClosed(PurchaseOrderClosed { order_id: id() })]);
        untouched().given(closed).when(bill_as_ordered()).then_expect_events(vec![]);
    }

    #[test]
    fn bill_inputs_must_be_valid() {
        let expected = PurchaseOrderError::InvalidInvoiceId { invoice_id: "BILL-7".into() };
        refused(
            received_order(),
            bill("BILL-7", vec![bill_line(1, "1", 1)]),
            expected,
            "invoice_id",
            "invalid_invoice_id",
        );
        let expected = input_error(OrderInputError::NegativeUnitPrice {
            field: "lines[0].unit_price_minor".into(),
            unit_price_minor: -1,
        });
        refused(
            received_order(),
            bill(BILL, vec![bill_line(1, "1", -1)]),
            expected,
            "lines[0].unit_price_minor",
            "negative_unit_price",
        );
        let expected = input_error(OrderInputError::RepeatedLine { line: 1, line_no: 1 });
        refused(
            received_order(),
            bill(BILL, vec![bill_line(1, "1", 1), bill_line(1, "1", 1)]),
            expected,
            "lines[1].line_no",
            "repeated_line",
        );
        let reason = QuantityError::NotPositive { text: "-1".into() };
        let expected = input_error(OrderInputError::InvalidQuantity { field: "lines[0].quantity".into(), reason });
        refused(
            received_order(),
            bill(BILL, vec![bill_line(1, "-1", 1)]),
            expected,
            "lines[0].quantity",
            "invalid_quantity",
        );
    }

    #[test]
    fn a_bill_is_recorded_only_once_goods_have_arrived() {
        conflict(approved_order(), bill_as_ordered(), transition("record a bill", S::Approved), "invalid_transition");
    }
}

// ---------------------------------------------------------------------------------------------
// Closing and cancelling

mod closing {
    use super::*;

    fn closed() -> PurchaseOrderEvent {
        PurchaseOrderEvent::PurchaseOrderClosed(PurchaseOrderClosed { order_id: id() })
    }

    fn cancelled(cancelled_in: PurchaseOrderStatus) -> PurchaseOrderEvent {
        PurchaseOrderEvent::PurchaseOrderCancelled(PurchaseOrderCancelled {
            order_id: id(),
            reason: "Vendor cannot deliver".into(),
            cancelled_in: cancelled_in.as_str().into(),
        })
    }

    #[test]
    fn only_a_billed_order_is_closed() {
        untouched().given(billed_order()).when(PurchaseOrderCommand::Close).then_expect_events(vec![closed()]);
        for (given, status) in [(approved_order(), S::Approved), (received_order(), S::Received)] {
            conflict(given, PurchaseOrderCommand::Close, PurchaseOrderError::NotBilled { status }, "not_billed");
        }
    }

    #[test]
    fn a_closed_order_takes_no_further_command() {
        for command in [PurchaseOrderCommand::Close, cancel("x"), receive("GR-9", vec![qty(1, "1")]), approve(APPROVER)]
        {
            conflict(with(billed_order(), [closed()]), command, PurchaseOrderError::OrderClosed, "order_closed");
        }
    }

    #[test]
    fn an_order_is_cancelled_before_any_goods_arrive() {
        for (given, status) in [
            (vec![drafted()], S::Draft),
            (vec![drafted(), submitted_for_approval()], S::Submitted),
            (approved_order(), S::Approved),
        ] {
            untouched().given(given).when(cancel("Vendor cannot deliver")).then_expect_events(vec![cancelled(status)]);
        }
    }

    #[test]
    fn cancelling_once_goods_were_received_is_a_conflict_naming_the_status() {
        for (given, status) in [
            (with(approved_order(), [received_part()]), S::PartiallyReceived),
            (received_order(), S::Received),
            (billed_order(), S::Billed),
        ] {
            let expected = PurchaseOrderError::GoodsAlreadyReceived { status };
            assert!(expected.to_string().contains(status.as_str()));
            conflict(given, cancel("late"), expected, "goods_already_received");
        }
    }

    #[test]
    fn the_reason_must_be_given_and_a_cancelled_order_takes_no_further_command() {
        let expected = input_error(OrderInputError::Blank { field: "reason".into() });
        refused(vec![drafted()], cancel(" "), expected, "reason", "blank");
        let given = || vec![drafted(), cancelled(S::Draft)];
        for command in
            [PurchaseOrderCommand::Submit, approve(APPROVER), receive_all(), PurchaseOrderCommand::Close, cancel("x")]
        {
            conflict(given(), command, PurchaseOrderError::OrderCancelled, "order_cancelled");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// State, errors, serde, contract

mod state {
    use super::*;

    /// The whole life of an order: submitted, approved, received in two parts, billed with a
    /// price difference on every line, closed.
    fn lifecycle() -> Vec<PurchaseOrderEvent> {
        history(vec![
            draft(),
            PurchaseOrderCommand::Submit,
            approve(APPROVER),
            receive("GR-1", vec![qty(1, "600")]),
            receive("GR-2", vec![qty(1, "400"), qty(2, "50.5")]),
            bill(BILL, vec![bill_line(1, "1000", 2_600), bill_line(2, "50.5", 990)]),
            PurchaseOrderCommand::Close,
        ])
    }

    #[test]
    fn the_status_history_lists_every_status_once_per_change() {
        let order: PurchaseOrder = fold(lifecycle());
        assert_eq!(
            order.status_history(),
            [S::Draft, S::Submitted, S::Approved, S::PartiallyReceived, S::Received, S::Billed, S::Closed]
        );
        assert_eq!(PurchaseOrder::default().status_history(), []);
    }

    #[test]
    fn getters_read_the_order_and_its_per_line_quantities() {
        let order: PurchaseOrder = fold(lifecycle());
        assert_eq!(order.id(), Some(id().as_str()));
        assert_eq!((order.vendor_id(), order.vendor_name()), (Some("V-200"), Some("Bolt & Nut GmbH")));
        assert_eq!(
            (order.currency(), order.requested_by(), order.approved_by()),
            (Some(eur()), Some(REQUESTER), Some(APPROVER))
        );
        assert_eq!(order.total_minor(), 2_550_500);
        assert_eq!(
            order.lines()[0],
            PurchaseOrderLine {
                line_no: 1,
                sku: "BOLT".into(),
                unit_price_minor: 2_500,
                net_minor: 2_500_000,
                ordered_milli: 1_000_000,
                received_milli: 1_000_000,
                billed_milli: 1_000_000,
            }
        );
        assert_eq!(order.receipts().collect::<Vec<_>>(), ["GR-1", "GR-2"]);
        assert_eq!(order.bills().collect::<Vec<_>>(), [(BILL, false)]);
        let empty = PurchaseOrder::default();
        assert_eq!((empty.id(), empty.status(), empty.lines().len(), empty.total_minor()), (None, None, 0, 0));
    }

    #[test]
    fn statuses_and_mismatches_have_stable_snake_case_names() {
        for status in
            [S::Draft, S::Submitted, S::Approved, S::PartiallyReceived, S::Received, S::Billed, S::Closed, S::Cancelled]
        {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
            assert_eq!(status.to_string(), status.as_str());
        }
        for mismatch in [
            Mismatch::ReceivedShort,
            Mismatch::BilledOverReceived,
            Mismatch::BilledUnderReceived,
            Mismatch::PriceDiffers,
        ] {
            assert_eq!(serde_json::to_value(mismatch).unwrap(), mismatch.as_str());
            assert_eq!(mismatch.to_string(), mismatch.as_str());
        }
    }

    #[test]
    fn error_table() {
        use RefusalKind::{Conflict, Invalid, NotFound, Unavailable};
        assert_error_table(&[
            (PurchaseOrderError::AlreadyExists, Some("order_id"), Conflict),
            (PurchaseOrderError::NotFound, None, NotFound),
            (PurchaseOrderError::OrderCancelled, None, Conflict),
            (PurchaseOrderError::OrderClosed, None, Conflict),
            (PurchaseOrderError::GoodsAlreadyReceived { status: S::Received }, None, Conflict),
            (PurchaseOrderError::NotBilled { status: S::Received }, None, Conflict),
            (PurchaseOrderError::InvalidTransition { action: "approve", status: S::Draft }, None, Conflict),
            (input_error(OrderInputError::UnknownLine { line: 0, line_no: 9 }), Some("lines[0].line_no"), Invalid),
            (
                PurchaseOrderError::InvalidCurrency { reason: invalid_currencies()[1].1.clone() },
                Some("currency"),
                Invalid,
            ),
            (PurchaseOrderError::SelfApproval { approved_by: REQUESTER.into() }, Some("approved_by"), Invalid),
            (PurchaseOrderError::InvalidInvoiceId { invoice_id: "x".into() }, Some("invoice_id"), Invalid),
            (PurchaseOrderError::ThresholdUnavailable { reason: "down".into() }, None, Unavailable),
            (
                PurchaseOrderError::Catalog(CatalogError::ItemDiscontinued {
                    field: "lines[1].sku".into(),
                    sku: "S".into(),
                }),
                Some("lines[1].sku"),
                Invalid,
            ),
            (
                PurchaseOrderError::Catalog(CatalogError::Unavailable { lookup: "location", reason: "down".into() }),
                None,
                Unavailable,
            ),
        ]);
        let wrapped = input_error(OrderInputError::TotalOverflow);
        assert_eq!((wrapped.field().as_deref(), wrapped.code()), (Some("lines"), "total_overflow"));
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        let order: PurchaseOrder = fold(lifecycle());
        let json = serde_json::to_string(&order).unwrap();
        assert_eq!(serde_json::from_str::<PurchaseOrder>(&json).unwrap(), order);
        let empty = serde_json::to_string(&PurchaseOrder::default()).unwrap();
        assert_eq!(serde_json::from_str::<PurchaseOrder>(&empty).unwrap(), PurchaseOrder::default());
    }

    #[test]
    fn commands_deserialize_from_api_json() {
        let json = serde_json::json!({"Draft": {
            "order_id": order_id(),
            "vendor_id": "V-200",
            "vendor_name": "Bolt & Nut GmbH",
            "currency": "EUR",
            "requested_by": REQUESTER,
            "lines": [
                {"sku": "BOLT", "quantity": 1000, "unit_price_minor": 2500},
                {"sku": "NUT", "quantity": "50.5", "unit_price_minor": 1000}
            ]
        }});
        assert_eq!(serde_json::from_value::<PurchaseOrderCommand>(json).unwrap(), draft());
        assert_eq!(
            serde_json::from_value::<PurchaseOrderCommand>(serde_json::json!("Submit")).unwrap(),
            PurchaseOrderCommand::Submit
        );
        let json = serde_json::json!({"RecordBill": {"invoice_id": BILL, "lines": [
            {"line_no": 1, "quantity": 1000, "unit_price_minor": 2500},
            {"line_no": 2, "quantity": 50.5, "unit_price_minor": 1000}
        ]}});
        assert_eq!(serde_json::from_value::<PurchaseOrderCommand>(json).unwrap(), bill_as_ordered());
        let json = serde_json::json!({"Approve": {"approver": APPROVER}});
        assert!(serde_json::from_value::<PurchaseOrderCommand>(json).is_err(), "unknown fields are refused");
    }

    fn one_of_each_event() -> Vec<PurchaseOrderEvent> {
        let mut events = lifecycle();
        events.extend(history(vec![draft(), cancel("Vendor cannot deliver")]).into_iter().skip(1));
        events
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        for event in one_of_each_event() {
            let json = serde_json::to_value(&event).unwrap();
            let object = json.as_object().unwrap();
            assert_eq!(object.len(), 1);
            assert!(object.contains_key(&event.event_type()));
            assert_eq!(serde_json::from_value::<PurchaseOrderEvent>(json).unwrap(), event);
        }
        let json = serde_json::to_value(received_all()).unwrap();
        assert_eq!(json["GoodsReceived"]["receipt_date"], "2026-05-04");
    }

    #[test]
    fn event_types_versions_and_aggregate_type_are_stable() {
        let types: Vec<String> = one_of_each_event().iter().map(DomainEvent::event_type).collect();
        assert_eq!(
            types,
            [
                "PurchaseOrderDrafted",
                "PurchaseOrderSubmitted",
                "PurchaseOrderApproved",
                "GoodsReceived",
                "GoodsReceived",
                "PurchaseOrderBilled",
                "PurchaseOrderClosed",
                "PurchaseOrderCancelled"
            ]
        );
        assert!(one_of_each_event().iter().all(|e| e.event_version() == "1"));
        assert_eq!(PurchaseOrder::TYPE, "supply.purchase_order");
    }

    mod avro_contract {
        //! The serde JSON of each event must have exactly the fields of its Avro schema, with
        //! compatible types, so the wire contract and the Rust types cannot drift.

        use super::*;
        use crate::avro_contract::{assert_event_matches_schema, field_type};

        const DRAFTED: &str = include_str!("../../../../schemas/avro/supply/PurchaseOrderDrafted.avsc");
        const SUBMITTED: &str = include_str!("../../../../schemas/avro/supply/PurchaseOrderSubmitted.avsc");
        const APPROVED: &str = include_str!("../../../../schemas/avro/supply/PurchaseOrderApproved.avsc");
        const RECEIVED: &str = include_str!("../../../../schemas/avro/supply/GoodsReceived.avsc");
        const BILLED: &str = include_str!("../../../../schemas/avro/supply/PurchaseOrderBilled.avsc");
        const CLOSED: &str = include_str!("../../../../schemas/avro/supply/PurchaseOrderClosed.avsc");
        const CANCELLED: &str = include_str!("../../../../schemas/avro/supply/PurchaseOrderCancelled.avsc");
        const ORDER_PLACED: &str = include_str!("../../../../schemas/avro/supply/OrderPlaced.avsc");

        fn schema_of(event: &PurchaseOrderEvent) -> &'static str {
            match event {
                PurchaseOrderEvent::PurchaseOrderDrafted(_) => DRAFTED,
                PurchaseOrderEvent::PurchaseOrderSubmitted(_) => SUBMITTED,
                PurchaseOrderEvent::PurchaseOrderApproved(_) => APPROVED,
                PurchaseOrderEvent::GoodsReceived(_) => RECEIVED,
                PurchaseOrderEvent::PurchaseOrderBilled(_) => BILLED,
                PurchaseOrderEvent::PurchaseOrderClosed(_) => CLOSED,
                PurchaseOrderEvent::PurchaseOrderCancelled(_) => CANCELLED,
            }
        }

        /// Every event decide records — its bill with a mismatch on every line (the checker
        /// needs the mismatch arrays non-empty), its submissions with and without a threshold.
        #[test]
        fn every_event_decide_records_matches_its_schema() {
            let mut events = one_of_each_event();
            events.push(submitted(None, false));
            for event in &events {
                assert_event_matches_schema(schema_of(event), event);
            }
            let mut types: Vec<String> = events.iter().map(DomainEvent::event_type).collect();
            types.sort();
            types.dedup();
            assert_eq!(types.len(), 7, "every event type is checked");
        }

        #[test]
        fn order_lines_are_the_same_record_as_the_sales_orders() {
            assert_eq!(field_type(DRAFTED, "lines")["items"], field_type(ORDER_PLACED, "lines")["items"]);
            assert_eq!(field_type(RECEIVED, "lines")["items"]["name"], "LineQuantity");
            assert_eq!(field_type(BILLED, "matches")["items"]["name"], "LineMatch");
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// How one line departs from the order: received 0.5 short, billed a thousandth off what
    /// was received (−1, 0, +1), billed a minor unit above the ordered price.
    fn arb_departure() -> impl Strategy<Value = (bool, i64, bool)> {
        (any::<bool>(), -1_i64..=1, any::<bool>())
    }

    fn text(milli: i64) -> String {
        format!("{}.{:03}", milli / 1_000, milli % 1_000)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn a_bill_matches_exactly_when_every_line_is_received_and_billed_as_ordered(
            departures in proptest::collection::vec(arb_departure(), 2),
        ) {
            let order: PurchaseOrder = fold(approved_order());
            let mut receipt = Vec::new();
            let mut bill_lines = Vec::new();
            let mut expected = Vec::new();
            for (line, &(short, bill_delta, price_up)) in order.lines().iter().zip(&departures) {
                let received = line.ordered_milli - if short { 500 } else { 0 };
                let billed = received + bill_delta;
                receipt.push(qty(i64::from(line.line_no), &text(received)));
                bill_lines.push(bill_line(i64::from(line.line_no), &text(billed), line.unit_price_minor + i64::from(price_up)));
                let mismatches: Vec<Mismatch> = [
                    (short, Mismatch::ReceivedShort),
                    (bill_delta > 0, Mismatch::BilledOverReceived),
                    (bill_delta < 0, Mismatch::BilledUnderReceived),
                    (price_up, Mismatch::PriceDiffers),
                ]
                .into_iter()
                .filter_map(|(applies, mismatch)| applies.then_some(mismatch))
                .collect();
                expected.push(mismatches);
            }
            let received = history_after(approved_order(), receive("GR-1", receipt));
            let events = history_after(with(approved_order(), received), bill(BILL, bill_lines));
            let [PurchaseOrderEvent::PurchaseOrderBilled(billed)] = events.as_slice() else { panic!("{events:?}") };
            let found: Vec<Vec<Mismatch>> = billed.matches.iter().map(|line| line.mismatches.clone()).collect();
            prop_assert_eq!(&found, &expected);
            prop_assert_eq!(billed.matched, expected.iter().all(Vec::is_empty));
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
    fn allowed_moves(command: &PurchaseOrderCommand) -> &'static [(PurchaseOrderStatus, PurchaseOrderStatus)] {
        match command {
            PurchaseOrderCommand::Draft(_) => &[],
            PurchaseOrderCommand::Submit => &[(S::Draft, S::Submitted), (S::Draft, S::Approved)],
            PurchaseOrderCommand::Approve(_) => &[(S::Submitted, S::Approved)],
            PurchaseOrderCommand::RecordReceipt(_) => {
                &[(S::Approved, S::PartiallyReceived), (S::Approved, S::Received), (S::PartiallyReceived, S::Received)]
            }
            PurchaseOrderCommand::RecordBill(_) => &[(S::PartiallyReceived, S::Billed), (S::Received, S::Billed)],
            PurchaseOrderCommand::Close => &[(S::Billed, S::Closed)],
            PurchaseOrderCommand::Cancel(_) => {
                &[(S::Draft, S::Cancelled), (S::Submitted, S::Cancelled), (S::Approved, S::Cancelled)]
            }
        }
    }

    /// An order's way from draft to closed: submitted for approval, approved, received in two
    /// parts, billed as ordered and closed.
    fn procure_to_pay() -> Vec<PurchaseOrderCommand> {
        vec![
            draft(),
            PurchaseOrderCommand::Submit,
            approve(APPROVER),
            receive("GR-1", vec![qty(1, "400")]),
            receive("GR-2", vec![qty(1, "600"), qty(2, "50.5")]),
            bill_as_ordered(),
            PurchaseOrderCommand::Close,
        ]
    }

    /// Every command of [`draft`]'s order (1,000 bolts, 50.5 kg of nuts, above the approval
    /// threshold) or of a small one approved at once, with quantities and ids around what the
    /// order holds: approval by the requester or another; receipts of part, all or more, at
    /// an open or closed location; bills as ordered or short; a few receipt ids.
    fn arb_command() -> impl Strategy<Value = PurchaseOrderCommand> {
        let small =
            PurchaseOrderCommand::Draft(DraftPurchaseOrder { lines: vec![line("BOLT", "1", 2_500)], ..draft_input() });
        let line_quantities = || {
            prop::sample::select(vec![
                vec![qty(1, "400")],
                vec![qty(1, "1")],
                vec![qty(1, "1000"), qty(2, "50.5")],
                vec![qty(2, "51")],
            ])
        };
        prop_oneof![
            prop::sample::select(vec![draft(), small]),
            Just(PurchaseOrderCommand::Submit),
            prop::sample::select(vec![REQUESTER, APPROVER]).prop_map(approve),
            (prop::sample::select(vec!["GR-1", "GR-2"]), prop::sample::select(vec!["WH-1", "SHUT"]), line_quantities())
                .prop_map(|(receipt, location, lines)| receive_at(receipt, location, lines)),
            prop::sample::select(vec![bill_as_ordered(), bill(BILL, vec![bill_line(1, "1", 2_500)])]),
            Just(PurchaseOrderCommand::Close),
            prop::sample::select(vec!["Vendor out of business", " "]).prop_map(cancel),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, an order only moves along its state machine and its status
        /// history only grows, ending in the status; no line receives more than was ordered;
        /// it is received exactly when every line arrived in full (until billed); nothing is
        /// received once billed, nor before a cancel; no one approves their own order.
        #[test]
        fn an_order_moves_only_along_its_state_machine_and_never_receives_beyond_it(
            commands in commands_along(procure_to_pay(), arb_command()),
        ) {
            let services: Arc<dyn PurchaseOrderServices> =
                Arc::new(Fixed { threshold: Threshold::Fixed(Some((100_000, eur()))), catalog: catalog() });
            check_command_sequence::<PurchaseOrder>(&services, commands, |step| {
                let (before, after) = (step.before.status(), step.after.status());
                check_status_move(before, after, S::Draft, allowed_moves(step.command))?;
                check_status_history(step.before.status_history(), step.after.status_history(), after)?;
                let lines = step.after.lines();
                prop_assert!(lines.iter().all(|line| 0 <= line.received_milli && line.received_milli <= line.ordered_milli));
                let all_received = lines.iter().all(|line| line.received_milli == line.ordered_milli);
                if matches!(after, Some(S::PartiallyReceived | S::Received)) {
                    prop_assert_eq!(after == Some(S::Received), all_received);
                }
                if matches!(before, Some(S::Billed | S::Closed)) {
                    let received = |order: &PurchaseOrder| order.lines().iter().map(|line| line.received_milli).collect::<Vec<_>>();
                    prop_assert_eq!(received(step.after), received(step.before));
                }
                if after == Some(S::Cancelled) {
                    prop_assert!(lines.iter().all(|line| line.received_milli == 0));
                }
                if let (Some(approver), Some(requester)) = (step.after.approved_by(), step.after.requested_by()) {
                    prop_assert_ne!(approver, requester);
                }
                Ok(())
            })?;
        }
    }
}
