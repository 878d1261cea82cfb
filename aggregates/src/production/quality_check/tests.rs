//! Given–when–then tests for every quality-check rule, the error table and the Avro contract.

use std::sync::Arc;

use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::production::input::InputError;
use crate::production::services::{FixedBoms, ProductionServices};
use crate::quantity::{Quantity, QuantityError};
use crate::refusal::RefusalKind;
use crate::supply::catalog::CatalogError;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, fold};

const ID: &str = "0190f0a4-0000-7000-8000-0000000000c1";
const WORK_ORDER: &str = "0190f0a4-0000-7000-8000-0000000000f1";

fn framework() -> TestFramework<QualityCheck> {
    let services: Arc<dyn ProductionServices> = Arc::new(FixedBoms::new(&["BIKE"]).with_open_location("QC-HOLD"));
    TestFramework::with(services)
}

fn failed_input() -> RecordQualityCheck {
    RecordQualityCheck {
        quality_check_id: Uuid::parse_str(ID).unwrap(),
        work_order_id: Some(Uuid::parse_str(WORK_ORDER).unwrap()),
        receipt_reference: None,
        sku: "BIKE".to_owned(),
        location: "WH-1".to_owned(),
        quantity: Quantity::new("2"),
        result: FAIL.to_owned(),
        quarantine_location: Some("QC-HOLD".to_owned()),
        notes: Some("bent forks".to_owned()),
    }
}

fn passed_input() -> RecordQualityCheck {
    RecordQualityCheck { result: PASS.to_owned(), quarantine_location: None, notes: None, ..failed_input() }
}

fn record(input: RecordQualityCheck) -> QualityCheckCommand {
    QualityCheckCommand::Record(input)
}

fn completed(result: &str, quarantine: Option<&str>, notes: Option<&str>) -> QualityCheckEvent {
    QualityCheckEvent::QualityCheckCompleted(QualityCheckCompleted {
        quality_check_id: ID.to_owned(),
        work_order_id: Some(WORK_ORDER.to_owned()),
        receipt_reference: None,
        sku: "BIKE".to_owned(),
        location: "WH-1".to_owned(),
        quantity_milli: 2_000,
        result: result.to_owned(),
        quarantine_location: quarantine.map(str::to_owned),
        notes: notes.map(str::to_owned),
    })
}

#[test]
fn a_failed_check_records_its_quarantine_location_and_a_passed_one_none() {
    framework().given_no_previous_events().when(record(failed_input())).then_expect_events(vec![completed(
        FAIL,
        Some("QC-HOLD"),
        Some("bent forks"),
    )]);
    framework()
        .given_no_previous_events()
        .when(record(passed_input()))
        .then_expect_events(vec![completed(PASS, None, None)]);
    let check: QualityCheck = fold([completed(PASS, None, None)]);
    assert_eq!(check.result(), Some(PASS));
    assert_eq!(QualityCheck::default().result(), None);
}

#[test]
fn a_check_of_a_receipt_needs_no_work_order() {
    let input =
        RecordQualityCheck { work_order_id: None, receipt_reference: Some("PO-7/R1".to_owned()), ..passed_input() };
    let events = assert_accepted(framework(), vec![], record(input));
    let [QualityCheckEvent::QualityCheckCompleted(done)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!((done.work_order_id.as_deref(), done.receipt_reference.as_deref()), (None, Some("PO-7/R1")));
}

#[test]
fn every_rule_is_refused_naming_its_field_and_records_nothing() {
    let cases = [
        (
            RecordQualityCheck { work_order_id: None, ..failed_input() },
            QualityCheckError::NothingInspected,
            "work_order_id",
            "nothing_inspected",
        ),
        (
            RecordQualityCheck { result: "maybe".to_owned(), ..failed_input() },
            QualityCheckError::UnknownResult { result: "maybe".to_owned() },
            "result",
            "unknown_result",
        ),
        (
            RecordQualityCheck { quarantine_location: None, ..failed_input() },
            QualityCheckError::QuarantineRequired,
            "quarantine_location",
            "quarantine_required",
        ),
        (
            RecordQualityCheck { quarantine_location: Some("QC-HOLD".to_owned()), ..passed_input() },
            QualityCheckError::QuarantineNotAllowed,
            "quarantine_location",
            "quarantine_not_allowed",
        ),
        (
            RecordQualityCheck { quarantine_location: Some("WH-1".to_owned()), ..failed_input() },
            QualityCheckError::QuarantineIsLocation { location: "WH-1".to_owned() },
            "quarantine_location",
            "quarantine_is_location",
        ),
        (
            RecordQualityCheck { quantity: Quantity::new("0"), ..failed_input() },
            QualityCheckError::Input(InputError::InvalidQuantity {
                field: "quantity".to_owned(),
                reason: QuantityError::NotPositive { text: "0".to_owned() },
            }),
            "quantity",
            "invalid_quantity",
        ),
        (
            RecordQualityCheck { quarantine_location: Some("SHUT".to_owned()), ..failed_input() },
            QualityCheckError::Catalog(CatalogError::LocationClosed {
                field: "quarantine_location",
                location: "SHUT".to_owned(),
            }),
            "quarantine_location",
            "location_closed",
        ),
        (
            RecordQualityCheck { sku: "CAR".to_owned(), ..failed_input() },
            QualityCheckError::Catalog(CatalogError::ItemNotFound { field: "sku".to_owned(), sku: "CAR".to_owned() }),
            "sku",
            "item_not_found",
        ),
    ];
    for (input, expected, field, code) in cases {
        assert_refused_as(framework(), vec![], record(input), expected, Some(field), code, RefusalKind::Invalid);
    }
    assert_refused_as(
        framework(),
        vec![completed(PASS, None, None)],
        record(passed_input()),
        QualityCheckError::AlreadyRecorded,
        Some("quality_check_id"),
        "quality_check_recorded",
        RefusalKind::Conflict,
    );
}

#[test]
fn every_error_has_a_unique_code_its_field_and_kind() {
    assert_error_table(&[
        (QualityCheckError::AlreadyRecorded, Some("quality_check_id"), RefusalKind::Conflict),
        (QualityCheckError::NothingInspected, Some("work_order_id"), RefusalKind::Invalid),
        (QualityCheckError::UnknownResult { result: "x".to_owned() }, Some("result"), RefusalKind::Invalid),
        (QualityCheckError::QuarantineRequired, Some("quarantine_location"), RefusalKind::Invalid),
        (QualityCheckError::QuarantineNotAllowed, Some("quarantine_location"), RefusalKind::Invalid),
        (
            QualityCheckError::QuarantineIsLocation { location: "A".to_owned() },
            Some("quarantine_location"),
            RefusalKind::Invalid,
        ),
        (
            QualityCheckError::Input(InputError::Blank { field: "notes".to_owned() }),
            Some("notes"),
            RefusalKind::Invalid,
        ),
    ]);
}

#[test]
fn every_event_decide_records_matches_its_schema() {
    const AVSC: &str = include_str!("../../../../schemas/avro/production/QualityCheckCompleted.avsc");
    for input in [failed_input(), passed_input()] {
        for event in assert_accepted(framework(), vec![], record(input)) {
            crate::avro_contract::assert_event_matches_schema(AVSC, &event);
        }
    }
}
