//! Given–when–then tests for every invoice rule at its limits, worked examples of the amounts
//! and postings of each kind, the books checks, property tests that every issue posting
//! balances with the control account taking the gross total, and the contract test that keeps
//! events and Avro schemas in step.

use std::sync::Arc;

use chrono::NaiveDate;
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::finance::account::AccountCodeError;
use crate::finance::books::{Books, BooksSource};
use crate::finance::chart::AccountOpened;
use crate::finance::journal_entry::{lines_balance, PostedLine};
use crate::finance::tax::{TaxRateChanged, TaxRateDefined, TaxRateRetired, TaxRatesEvent};
use crate::money::CurrencyError;
use crate::quantity::{Quantity, QuantityError};
use crate::refusal::RefusalKind;
use crate::test_support::{
    account, archive_account, assert_error_table, assert_refused_as, books_with_accounts, close_period, date, eur,
    fold, invalid_currencies, lock_period, open_account, open_calendar_year, posted_line, usd, Unreachable,
};

fn invoice_id() -> Uuid {
    Uuid::parse_str("0190f3a2-7c4e-7b1d-9a6e-3f2b1c0d4e5f").unwrap()
}

fn id() -> String {
    invoice_id().to_string()
}

/// Id of the invoice the credit notes of the examples credit.
fn credited_id() -> String {
    "0190f3a2-0000-7000-8000-000000000001".to_owned()
}

// ---------------------------------------------------------------------------------------------
// Books

fn define_rate(books: &mut Books, code: &str, rate_bp: i32, sales_account: &str, purchase_account: &str) {
    books.apply_tax_rates(TaxRatesEvent::TaxRateDefined(TaxRateDefined {
        code: code.to_owned(),
        name: format!("Tax {code}"),
        rate_bp,
        sales_account: sales_account.to_owned(),
        purchase_account: purchase_account.to_owned(),
    }));
}

/// Books with `accounts` open as plain asset accounts, the calendar year 2026 open in monthly
/// periods labelled `2026-01`…`2026-12`, and no tax rate.
fn books_of_2026<'a>(accounts: impl IntoIterator<Item = &'a str>) -> Books {
    let mut books = books_with_accounts(accounts);
    open_calendar_year(&mut books, 2026);
    books
}

/// The examples' books: receivables `1100`, payables `2000`, income `4000`/`4100`, expenses
/// `6100`/`6300`, VAT payable `2100`, VAT receivable `1400`, reduced-rate tax accounts
/// `2110`/`1410`; 2026 open by month; tax codes `VAT20` (20 %) and `VAT5` (5 %) collecting in
/// `2100`/`1400`, `RED7` (7 %) in `2110`/`1410`, `ZERO` (0 %) in accounts the chart lacks,
/// `OLD` retired.
fn test_books() -> Books {
    let mut books = books_of_2026(["1100", "1400", "1410", "2000", "2100", "2110", "4000", "4100", "6100", "6300"]);
    define_rate(&mut books, "VAT20", 2000, "2100", "1400");
    define_rate(&mut books, "VAT5", 500, "2100", "1400");
    define_rate(&mut books, "RED7", 700, "2110", "1410");
    define_rate(&mut books, "ZERO", 0, "8888", "9999");
    define_rate(&mut books, "OLD", 1600, "2100", "1400");
    books.apply_tax_rates(TaxRatesEvent::TaxRateRetired(TaxRateRetired { code: "OLD".to_owned() }));
    books
}

fn framework_with(books: Books) -> TestFramework<Invoice> {
    TestFramework::with(Arc::new(books) as Arc<dyn BooksSource>)
}

fn framework() -> TestFramework<Invoice> {
    framework_with(test_books())
}

fn books_with(change: impl FnOnce(&mut Books)) -> TestFramework<Invoice> {
    let mut books = test_books();
    change(&mut books);
    framework_with(books)
}

fn unreachable_books() -> TestFramework<Invoice> {
    TestFramework::with(Arc::new(Unreachable) as Arc<dyn BooksSource>)
}

// ---------------------------------------------------------------------------------------------
// Commands

fn line(description: &str, quantity: &str, unit_price: i64, account: &str, tax_code: Option<&str>) -> InvoiceLineInput {
    InvoiceLineInput {
        description: description.to_owned(),
        quantity: Quantity::new(quantity),
        unit_price,
        account: account.to_owned(),
        tax_code: tax_code.map(str::to_owned),
    }
}

/// 3 consulting days at 1,500.00 EUR, VAT 20 %.
fn consulting() -> InvoiceLineInput {
    line("Consulting day", "3", 150_000, "4000", Some("VAT20"))
}

fn draft_input(kind: InvoiceKind, lines: Vec<InvoiceLineInput>) -> DraftInvoice {
    DraftInvoice {
        invoice_id: invoice_id(),
        kind: kind.as_str().to_owned(),
        number: None,
        counterparty_id: "cust-42".to_owned(),
        counterparty_name: "Acme Ltd".to_owned(),
        currency: "EUR".to_owned(),
        control_account: None,
        credits_invoice_id: kind.is_credit_note().then(credited_id),
        lines,
    }
}

fn draft(input: DraftInvoice) -> InvoiceCommand {
    InvoiceCommand::Draft(input)
}

fn draft_of(kind: InvoiceKind, lines: Vec<InvoiceLineInput>) -> InvoiceCommand {
    draft(draft_input(kind, lines))
}

fn issue_on(issue_date: NaiveDate) -> InvoiceCommand {
    InvoiceCommand::Issue(IssueInvoice { issue_date, due_date: None })
}

fn issue() -> InvoiceCommand {
    issue_on(date(2026, 3, 31))
}

fn pay(payment_id: &str, amount_minor: i64) -> InvoiceCommand {
    InvoiceCommand::ApplyPayment(ApplyPayment {
        payment_id: payment_id.to_owned(),
        amount_minor,
        payment_date: date(2026, 4, 15),
    })
}

fn void_on(void_date: NaiveDate, reason: &str) -> InvoiceCommand {
    InvoiceCommand::Void(VoidInvoice { reason: reason.to_owned(), void_date })
}

fn void() -> InvoiceCommand {
    void_on(date(2026, 4, 2), "Sent to the wrong customer")
}

// ---------------------------------------------------------------------------------------------
// Events

/// [`posted_line`] with `memo`.
fn posted(line_no: i32, account: &str, debit_minor: i64, credit_minor: i64, memo: &str) -> PostedLine {
    PostedLine { memo: Some(memo.to_owned()), ..posted_line(line_no, account, debit_minor, credit_minor) }
}

fn drafted_payload() -> InvoiceDrafted {
    InvoiceDrafted {
        invoice_id: id(),
        kind: "customer_invoice".to_owned(),
        number: "INV-0190F3A2".to_owned(),
        counterparty_id: "cust-42".to_owned(),
        counterparty_name: "Acme Ltd".to_owned(),
        currency: "EUR".to_owned(),
        control_account: "1100".to_owned(),
        credits_invoice_id: None,
        lines: vec![DraftLine {
            line_no: 1,
            description: "Consulting day".to_owned(),
            quantity_milli: 3_000,
            unit_price_minor: 150_000,
            account: "4000".to_owned(),
            tax_code: Some("VAT20".to_owned()),
        }],
    }
}

/// The event `draft_of(CustomerInvoice, vec![consulting()])` records.
fn drafted() -> InvoiceEvent {
    InvoiceEvent::InvoiceDrafted(drafted_payload())
}

fn generated_payload() -> InvoiceGenerated {
    InvoiceGenerated {
        invoice_id: id(),
        kind: "customer_invoice".to_owned(),
        number: "INV-0190F3A2".to_owned(),
        counterparty_id: "cust-42".to_owned(),
        counterparty_name: "Acme Ltd".to_owned(),
        currency: "EUR".to_owned(),
        issue_date: date(2026, 3, 31),
        due_date: date(2026, 4, 30),
        credits_invoice_id: None,
        lines: vec![InvoiceLine {
            line_no: 1,
            description: "Consulting day".to_owned(),
            quantity_milli: 3_000,
            unit_price_minor: 150_000,
            net_minor: 450_000,
            account: "4000".to_owned(),
            tax_code: Some("VAT20".to_owned()),
            tax_rate_bp: 2000,
            tax_minor: 90_000,
        }],
        net_total_minor: 450_000,
        tax_total_minor: 90_000,
        gross_total_minor: 540_000,
        entry_id: issue_entry_id_for(&id()).to_string(),
        posting: vec![
            posted(1, "1100", 540_000, 0, "INV-0190F3A2"),
            posted(2, "4000", 0, 450_000, "Consulting day"),
            posted(3, "2100", 0, 90_000, "VAT20"),
        ],
    }
}

/// The event `issue()` records after `drafted()`: 3 × 1,500.00 at 20 % = 4,500.00 + 900.00.
fn generated() -> InvoiceEvent {
    InvoiceEvent::InvoiceGenerated(generated_payload())
}

fn payment_applied(payment_id: &str, amount_minor: i64, open_after_minor: i64) -> InvoiceEvent {
    InvoiceEvent::InvoicePaymentApplied(InvoicePaymentApplied {
        invoice_id: id(),
        payment_id: payment_id.to_owned(),
        amount_minor,
        payment_date: date(2026, 4, 15),
        open_after_minor,
    })
}

fn voided() -> InvoiceEvent {
    InvoiceEvent::InvoiceVoided(InvoiceVoided {
        invoice_id: id(),
        reason: "Sent to the wrong customer".to_owned(),
        void_date: date(2026, 4, 2),
        entry_id: void_entry_id_for(&id()).to_string(),
        posting: vec![
            posted(1, "1100", 0, 540_000, "INV-0190F3A2"),
            posted(2, "4000", 450_000, 0, "Consulting day"),
            posted(3, "2100", 90_000, 0, "VAT20"),
        ],
    })
}

/// The events `commands` record one after the other against the test books.
fn history(commands: Vec<InvoiceCommand>) -> Vec<InvoiceEvent> {
    let books = test_books();
    let mut invoice = Invoice::default();
    let mut events = Vec::new();
    for command in commands {
        for event in invoice.decide(command, &books).unwrap() {
            invoice.apply(event.clone());
            events.push(event);
        }
    }
    events
}

/// The one event `command` records given `given` against `framework`.
fn only_event(framework: TestFramework<Invoice>, given: Vec<InvoiceEvent>, command: InvoiceCommand) -> InvoiceEvent {
    match framework.given(given).when(command).inspect_result() {
        Ok(mut events) if events.len() == 1 => events.remove(0),
        other => panic!("expected one event, got {other:?}"),
    }
}

fn drafted_by(command: InvoiceCommand) -> InvoiceDrafted {
    match only_event(framework(), vec![], command) {
        InvoiceEvent::InvoiceDrafted(drafted) => drafted,
        other => panic!("expected InvoiceDrafted, got {other:?}"),
    }
}

/// The `InvoiceGenerated` of issuing `draft` on `issue_date` against `framework`.
fn generated_by(framework: TestFramework<Invoice>, draft: InvoiceCommand, issue_date: NaiveDate) -> InvoiceGenerated {
    match only_event(framework, history(vec![draft]), issue_on(issue_date)) {
        InvoiceEvent::InvoiceGenerated(generated) => generated,
        other => panic!("expected InvoiceGenerated, got {other:?}"),
    }
}

/// Given `given`, when `command`, then `expected` against `framework` — and the error names
/// `field`, `code` and `kind`: [`assert_refused_as`] with the three as one mapping, spelt
/// [`invalid`], [`conflict`] or [`NOT_FOUND`].
fn assert_refused_by(
    framework: TestFramework<Invoice>,
    given: Vec<InvoiceEvent>,
    command: InvoiceCommand,
    expected: InvoiceError,
    (field, code, kind): (Option<&str>, &str, RefusalKind),
) {
    assert_refused_as(framework, given, command, expected, field, code, kind);
}

fn assert_refused(
    given: Vec<InvoiceEvent>,
    command: InvoiceCommand,
    expected: InvoiceError,
    mapping: (Option<&str>, &str, RefusalKind),
) {
    assert_refused_by(framework(), given, command, expected, mapping);
}

/// `(field, code, Invalid)`.
fn invalid<'a>(field: &'a str, code: &'a str) -> (Option<&'a str>, &'a str, RefusalKind) {
    (Some(field), code, RefusalKind::Invalid)
}

/// `(None, code, Conflict)`.
fn conflict(code: &str) -> (Option<&str>, &str, RefusalKind) {
    (None, code, RefusalKind::Conflict)
}

const NOT_FOUND: (Option<&str>, &str, RefusalKind) = (None, "not_found", RefusalKind::NotFound);

mod drafting {
    use super::*;

    fn with_lines(lines: Vec<InvoiceLineInput>) -> InvoiceCommand {
        draft_of(InvoiceKind::CustomerInvoice, lines)
    }

    fn with(change: impl FnOnce(&mut DraftInvoice)) -> InvoiceCommand {
        let mut input = draft_input(InvoiceKind::CustomerInvoice, vec![consulting()]);
        change(&mut input);
        draft(input)
    }

    #[test]
    fn drafting_records_invoice_drafted_with_a_generated_number_and_the_default_control_account() {
        framework()
            .given_no_previous_events()
            .when(draft_of(InvoiceKind::CustomerInvoice, vec![consulting()]))
            .then_expect_events(vec![drafted()]);
    }

    #[test]
    fn each_kind_has_its_number_prefix_and_default_control_account() {
        let expected = [
            (InvoiceKind::CustomerInvoice, "INV-0190F3A2", "1100"),
            (InvoiceKind::VendorBill, "BILL-0190F3A2", "2000"),
            (InvoiceKind::CustomerCreditNote, "CN-0190F3A2", "1100"),
            (InvoiceKind::VendorCreditNote, "VCN-0190F3A2", "2000"),
        ];
        for (kind, number, control) in expected {
            let drafted = drafted_by(draft_of(kind, vec![consulting()]));
            assert_eq!(drafted.kind, kind.as_str());
            assert_eq!(drafted.number, number);
            assert_eq!(drafted.control_account, control);
        }
    }

    #[test]
    fn a_given_number_and_control_account_are_kept() {
        let drafted = drafted_by(with(|input| {
            input.number = Some("INV-2026-0042".to_owned());
            input.control_account = Some("1105".to_owned());
        }));
        assert_eq!(drafted.number, "INV-2026-0042");
        assert_eq!(drafted.control_account, "1105");
    }

    #[test]
    fn drafting_posts_nothing_and_needs_no_books() {
        let events = unreachable_books()
            .given_no_previous_events()
            .when(draft_of(InvoiceKind::CustomerInvoice, vec![line("Unknown stuff", "1", 1, "7777", Some("NOPE"))]))
            .inspect_result();
        assert!(events.is_ok(), "{events:?}");
    }

    #[test]
    fn drafting_an_existing_invoice_is_a_conflict() {
        for given in [vec![drafted()], vec![drafted(), generated()], vec![drafted(), generated(), voided()]] {
            assert_refused(
                given,
                draft_of(InvoiceKind::CustomerInvoice, vec![consulting()]),
                InvoiceError::AlreadyExists,
                (Some("invoice_id"), "already_exists", RefusalKind::Conflict),
            );
        }
    }

    #[test]
    fn an_unknown_kind_is_rejected() {
        for kind in ["invoice", "Customer_Invoice", "", "credit_note"] {
            assert_refused(
                vec![],
                with(|input| input.kind = kind.to_owned()),
                InvoiceError::InvalidKind { kind: kind.to_owned() },
                invalid("kind", "invalid_kind"),
            );
        }
    }

    #[test]
    fn a_blank_number_is_rejected() {
        assert_refused(
            vec![],
            with(|input| input.number = Some(" ".to_owned())),
            InvoiceError::NumberBlank,
            invalid("number", "number_blank"),
        );
    }

    #[test]
    fn a_number_at_the_limit_is_accepted_and_one_over_rejected() {
        let numbered = |chars: usize| with(|input| input.number = Some("Ñ".repeat(chars)));
        assert_eq!(drafted_by(numbered(MAX_NUMBER_CHARS)).number.chars().count(), 50);
        assert_refused(
            vec![],
            numbered(MAX_NUMBER_CHARS + 1),
            InvoiceError::NumberTooLong { chars: 51, max: 50 },
            invalid("number", "number_too_long"),
        );
    }

    #[test]
    fn counterparty_id_must_be_non_blank_and_within_the_limit() {
        assert_refused(
            vec![],
            with(|input| input.counterparty_id = String::new()),
            InvoiceError::CounterpartyIdBlank,
            invalid("counterparty_id", "counterparty_id_blank"),
        );
        drafted_by(with(|input| input.counterparty_id = "c".repeat(MAX_COUNTERPARTY_ID_CHARS)));
        assert_refused(
            vec![],
            with(|input| input.counterparty_id = "c".repeat(MAX_COUNTERPARTY_ID_CHARS + 1)),
            InvoiceError::CounterpartyIdTooLong { chars: 101, max: 100 },
            invalid("counterparty_id", "counterparty_id_too_long"),
        );
    }

    #[test]
    fn counterparty_name_must_be_non_blank_and_within_the_limit() {
        assert_refused(
            vec![],
            with(|input| input.counterparty_name = "\t".to_owned()),
            InvoiceError::CounterpartyNameBlank,
            invalid("counterparty_name", "counterparty_name_blank"),
        );
        drafted_by(with(|input| input.counterparty_name = "n".repeat(MAX_COUNTERPARTY_NAME_CHARS)));
        assert_refused(
            vec![],
            with(|input| input.counterparty_name = "n".repeat(MAX_COUNTERPARTY_NAME_CHARS + 1)),
            InvoiceError::CounterpartyNameTooLong { chars: 201, max: 200 },
            invalid("counterparty_name", "counterparty_name_too_long"),
        );
    }

    #[test]
    fn an_invalid_currency_is_rejected() {
        for (currency, reason) in invalid_currencies() {
            assert_refused(
                vec![],
                with(|input| input.currency = currency.to_owned()),
                InvoiceError::InvalidCurrency { reason },
                invalid("currency", "invalid_currency"),
            );
        }
    }

    #[test]
    fn an_invalid_control_account_is_rejected() {
        assert_refused(
            vec![],
            with(|input| input.control_account = Some("-1100".to_owned())),
            InvoiceError::InvalidControlAccount { reason: AccountCodeError::MustStartAlphanumeric },
            invalid("control_account", "invalid_control_account"),
        );
    }

    #[test]
    fn invoices_and_bills_credit_nothing() {
        for kind in [InvoiceKind::CustomerInvoice, InvoiceKind::VendorBill] {
            let mut input = draft_input(kind, vec![consulting()]);
            input.credits_invoice_id = Some(credited_id());
            assert_refused(
                vec![],
                draft(input),
                InvoiceError::CreditsInvoiceNotAllowed { kind: kind.as_str() },
                invalid("credits_invoice_id", "credits_invoice_not_allowed"),
            );
        }
    }

    #[test]
    fn a_credit_note_must_name_the_invoice_it_credits() {
        for kind in [InvoiceKind::CustomerCreditNote, InvoiceKind::VendorCreditNote] {
            let mut input = draft_input(kind, vec![consulting()]);
            input.credits_invoice_id = None;
            assert_refused(
                vec![],
                draft(input),
                InvoiceError::CreditsInvoiceMissing { kind: kind.as_str() },
                invalid("credits_invoice_id", "credits_invoice_missing"),
            );
        }
    }

    #[test]
    fn the_credited_invoice_must_be_a_uuid_other_than_the_credit_note() {
        let credit_note = |credited: String| {
            let mut input = draft_input(InvoiceKind::CustomerCreditNote, vec![consulting()]);
            input.credits_invoice_id = Some(credited);
            draft(input)
        };
        assert_refused(
            vec![],
            credit_note("INV-2026-0001".to_owned()),
            InvoiceError::InvalidCreditsInvoice { credits_invoice_id: "INV-2026-0001".to_owned() },
            invalid("credits_invoice_id", "invalid_credits_invoice"),
        );
        assert_refused(
            vec![],
            credit_note(id()),
            InvoiceError::CreditsItself,
            invalid("credits_invoice_id", "credits_itself"),
        );
    }

    #[test]
    fn the_credited_invoice_id_is_kept_in_canonical_form() {
        let mut input = draft_input(InvoiceKind::CustomerCreditNote, vec![consulting()]);
        input.credits_invoice_id = Some(credited_id().to_uppercase());
        assert_eq!(drafted_by(draft(input)).credits_invoice_id, Some(credited_id()));
    }

    #[test]
    fn an_invoice_without_lines_is_rejected() {
        assert_refused(
            vec![],
            with_lines(vec![]),
            InvoiceError::TooFewLines { count: 0, min: 1 },
            invalid("lines", "too_few_lines"),
        );
    }

    #[test]
    fn the_maximum_number_of_lines_is_accepted_and_one_more_rejected() {
        let lines = |count: usize| (0..count).map(|_| line("Item", "1", 100, "4000", None)).collect::<Vec<_>>();
        let drafted = drafted_by(with_lines(lines(MAX_LINES)));
        assert_eq!(drafted.lines.len(), 200);
        assert_eq!(drafted.lines[199].line_no, 200);
        assert_refused(
            vec![],
            with_lines(lines(MAX_LINES + 1)),
            InvoiceError::TooManyLines { count: 201, max: 200 },
            invalid("lines", "too_many_lines"),
        );
    }

    #[test]
    fn a_line_description_must_be_non_blank_and_within_the_limit() {
        assert_refused(
            vec![],
            with_lines(vec![consulting(), line(" ", "1", 1, "4000", None)]),
            InvoiceError::DescriptionBlank { line: 1 },
            invalid("lines[1].description", "description_blank"),
        );
        let described = |chars: usize| with_lines(vec![line(&"é".repeat(chars), "1", 1, "4000", None)]);
        drafted_by(described(MAX_DESCRIPTION_CHARS));
        assert_refused(
            vec![],
            described(MAX_DESCRIPTION_CHARS + 1),
            InvoiceError::DescriptionTooLong { line: 0, chars: 501, max: 500 },
            invalid("lines[0].description", "description_too_long"),
        );
    }

    #[test]
    fn quantities_are_read_exactly_into_thousandths() {
        let cases = [
            ("3", 3_000),
            ("2.5", 2_500),
            ("0.125", 125),
            ("0.001", 1),
            ("2.5000", 2_500),
            ("007.10", 7_100),
            ("999999999.999", 999_999_999_999),
            ("1000000000", 1_000_000_000_000),
            ("1000000000.000", 1_000_000_000_000),
        ];
        for (text, milli) in cases {
            assert_eq!(Quantity::new(text).milli(), Ok(milli), "{text}");
            let drafted = drafted_by(with_lines(vec![line("Item", text, 1, "4000", None)]));
            assert_eq!(drafted.lines[0].quantity_milli, milli, "{text}");
        }
    }

    #[test]
    fn malformed_quantities_are_rejected() {
        for text in ["", "abc", "1.", ".5", "1e3", " 1", "1 ", "+1", "--1", "1.2.3", "1,5", "0x10", "-", "½"] {
            assert_refused(
                vec![],
                with_lines(vec![line("Item", text, 1, "4000", None)]),
                InvoiceError::InvalidQuantity { line: 0, reason: QuantityError::Malformed { text: text.to_owned() } },
                invalid("lines[0].quantity", "invalid_quantity"),
            );
        }
    }

    #[test]
    fn quantities_with_more_than_three_decimals_are_rejected() {
        for text in ["0.0005", "1.2345", "-0.0001", "1000000000.0001"] {
            assert_eq!(
                Quantity::new(text).milli(),
                Err(QuantityError::TooManyDecimals { text: text.to_owned(), max: 3 }),
                "{text}"
            );
        }
        assert_refused(
            vec![],
            with_lines(vec![consulting(), line("Item", "1.0001", 1, "4000", None)]),
            InvoiceError::InvalidQuantity {
                line: 1,
                reason: QuantityError::TooManyDecimals { text: "1.0001".to_owned(), max: 3 },
            },
            invalid("lines[1].quantity", "invalid_quantity"),
        );
    }

    #[test]
    fn zero_and_negative_quantities_are_rejected() {
        for text in ["0", "0.000", "-0", "-1", "-2.5", "-99999999999"] {
            assert_refused(
                vec![],
                with_lines(vec![line("Item", text, 1, "4000", None)]),
                InvoiceError::InvalidQuantity { line: 0, reason: QuantityError::NotPositive { text: text.to_owned() } },
                invalid("lines[0].quantity", "invalid_quantity"),
            );
        }
    }

    #[test]
    fn quantities_over_a_billion_units_are_rejected() {
        for text in ["1000000000.001", "1000000001", "99999999999999999999999", "18446744073709551616"] {
            assert_refused(
                vec![],
                with_lines(vec![line("Item", text, 1, "4000", None)]),
                InvoiceError::InvalidQuantity {
                    line: 0,
                    reason: QuantityError::TooLarge { text: text.to_owned(), max: 1_000_000_000 },
                },
                invalid("lines[0].quantity", "invalid_quantity"),
            );
        }
    }

    #[test]
    fn a_quantity_is_a_json_number_or_string_and_serializes_as_a_string() {
        let read = |json: serde_json::Value| serde_json::from_value::<Quantity>(json).unwrap();
        assert_eq!(read(serde_json::json!(2.5)).milli(), Ok(2_500));
        assert_eq!(read(serde_json::json!(3)).milli(), Ok(3_000));
        assert_eq!(read(serde_json::json!(-3)).as_str(), "-3");
        assert_eq!(read(serde_json::json!(0.125)).milli(), Ok(125));
        assert_eq!(read(serde_json::json!("0.125")).milli(), Ok(125));
        assert_eq!(read(serde_json::json!(999_999_999.999)).milli(), Ok(999_999_999_999));
        assert_eq!(read(serde_json::json!(0.1)).as_str(), "0.1");
        assert_eq!(read(serde_json::json!(18_446_744_073_709_551_615_u64)).as_str(), "18446744073709551615");
        // 1e-7 reaches serde as a double and is judged by its decimal text, not rounded away.
        let tiny: Quantity = serde_json::from_str("1e-7").unwrap();
        assert_eq!(tiny.as_str(), "0.0000001");
        assert!(matches!(tiny.milli(), Err(QuantityError::TooManyDecimals { .. })));
        let huge: Quantity = serde_json::from_str("1e21").unwrap();
        assert!(matches!(huge.milli(), Err(QuantityError::TooLarge { .. })));
        assert!(serde_json::from_value::<Quantity>(serde_json::json!(true)).is_err());
        assert!(serde_json::from_value::<Quantity>(serde_json::json!(null)).is_err());
        assert_eq!(serde_json::to_value(Quantity::new("2.5")).unwrap(), serde_json::json!("2.5"));
        assert_eq!(Quantity::from("1").to_string(), "1");
    }

    #[test]
    fn a_negative_unit_price_is_rejected_and_zero_accepted() {
        drafted_by(with_lines(vec![line("Free sample", "1", 0, "4000", None)]));
        assert_refused(
            vec![],
            with_lines(vec![line("Item", "1", -1, "4000", None)]),
            InvoiceError::NegativeUnitPrice { line: 0, unit_price: -1 },
            invalid("lines[0].unit_price", "negative_unit_price"),
        );
    }

    #[test]
    fn an_invalid_line_account_is_rejected() {
        assert_refused(
            vec![],
            with_lines(vec![consulting(), line("Item", "1", 1, "", None)]),
            InvoiceError::InvalidAccount { line: 1, reason: AccountCodeError::Empty },
            invalid("lines[1].account", "invalid_account"),
        );
    }

    #[test]
    fn a_blank_tax_code_is_rejected_and_none_accepted() {
        let drafted = drafted_by(with_lines(vec![line("Untaxed", "1", 1, "4000", None)]));
        assert_eq!(drafted.lines[0].tax_code, None);
        assert_refused(
            vec![],
            with_lines(vec![line("Item", "1", 1, "4000", Some(""))]),
            InvoiceError::TaxCodeBlank { line: 0 },
            invalid("lines[0].tax_code", "tax_code_blank"),
        );
    }

    #[test]
    fn the_first_broken_rule_is_reported() {
        assert_refused(
            vec![],
            with_lines(vec![consulting(), line("Item", "x", -1, "", Some(" ")), line("", "1", 1, "4000", None)]),
            InvoiceError::InvalidQuantity { line: 1, reason: QuantityError::Malformed { text: "x".to_owned() } },
            invalid("lines[1].quantity", "invalid_quantity"),
        );
        assert_refused(
            vec![],
            with(|input| {
                input.currency = "eur".to_owned();
                input.lines = vec![];
            }),
            InvoiceError::InvalidCurrency { reason: CurrencyError::Malformed { code: "eur".to_owned() } },
            invalid("currency", "invalid_currency"),
        );
    }
}

mod issuing {
    use super::*;

    #[test]
    fn three_days_at_1500_with_20_percent_vat_post_receivable_income_and_vat() {
        framework().given(vec![drafted()]).when(issue()).then_expect_events(vec![generated()]);
    }

    #[test]
    fn a_net_of_a_half_minor_unit_rounds_away_from_zero() {
        let generated = generated_by(
            framework(),
            draft_of(InvoiceKind::CustomerInvoice, vec![line("Hours", "2.5", 1_999, "4100", None)]),
            date(2026, 3, 31),
        );
        assert_eq!(generated.lines[0].net_minor, 4_998, "2.5 × 1999 = 4997.5");
        assert_eq!(generated.gross_total_minor, 4_998);
        assert_eq!(
            generated.posting,
            vec![posted(1, "1100", 4_998, 0, "INV-0190F3A2"), posted(2, "4100", 0, 4_998, "Hours")]
        );
        assert_eq!(net_amount_minor(2_500, 1_999), Some(4_998));
        assert_eq!(net_amount_minor(2_499, 1), Some(2));
        assert_eq!(net_amount_minor(2_500, 1), Some(3));
        assert_eq!(net_amount_minor(1_499, 1), Some(1));
        assert_eq!(net_amount_minor(-2_500, 1), Some(-3));
    }

    #[test]
    fn tax_is_rounded_half_away_from_zero_per_line() {
        // 25 × 2 % = 0.5 → 1; 4998 × 20 % = 999.6 → 1000; 12 × 20 % = 2.4 → 2
        assert_eq!(tax_amount_minor(25, 200), Some(1));
        assert_eq!(tax_amount_minor(4_998, 2000), Some(1_000));
        assert_eq!(tax_amount_minor(12, 2000), Some(2));
        assert_eq!(tax_amount_minor(-25, 200), Some(-1));
        assert_eq!(tax_amount_minor(i64::MAX, 10_000), Some(i64::MAX));
        let generated = generated_by(
            framework(),
            draft_of(
                InvoiceKind::CustomerInvoice,
                vec![
                    line("Widget", "1", 12, "4000", Some("VAT20")),
                    line("Widget", "1", 12, "4000", Some("VAT20")),
                    line("Hours", "2.5", 1_999, "4100", Some("VAT20")),
                ],
            ),
            date(2026, 3, 31),
        );
        let taxes: Vec<i64> = generated.lines.iter().map(|l| l.tax_minor).collect();
        assert_eq!(taxes, [2, 2, 1_000], "rounded per line, not on the total");
        assert_eq!(generated.tax_total_minor, 1_004);
        assert_eq!(generated.net_total_minor, 5_022);
        assert_eq!(generated.gross_total_minor, 6_026);
    }

    #[test]
    fn taxes_are_summed_per_tax_account_and_lines_without_tax_post_no_tax() {
        let generated = generated_by(
            framework(),
            draft_of(
                InvoiceKind::CustomerInvoice,
                vec![
                    line("Books", "2", 1_000, "4000", Some("VAT5")),
                    line("Food", "1", 10_000, "4000", Some("RED7")),
                    line("Advice", "1", 10_000, "4100", Some("VAT20")),
                    line("Stamps", "1", 500, "4000", None),
                ],
            ),
            date(2026, 3, 31),
        );
        assert_eq!(generated.net_total_minor, 22_500);
        assert_eq!(generated.tax_total_minor, 100 + 700 + 2_000);
        assert_eq!(generated.gross_total_minor, 25_300);
        assert_eq!(
            generated.posting,
            vec![
                posted(1, "1100", 25_300, 0, "INV-0190F3A2"),
                posted(2, "4000", 0, 2_000, "Books"),
                posted(3, "4000", 0, 10_000, "Food"),
                posted(4, "4100", 0, 10_000, "Advice"),
                posted(5, "4000", 0, 500, "Stamps"),
                posted(6, "2100", 0, 2_100, "VAT5, VAT20"),
                posted(7, "2110", 0, 700, "RED7"),
            ]
        );
        let stamps = &generated.lines[3];
        assert_eq!((stamps.tax_code.as_deref(), stamps.tax_rate_bp, stamps.tax_minor), (None, 0, 0));
    }

    #[test]
    fn zero_amounts_are_left_out_of_the_posting_and_zero_rated_tax_posts_nothing() {
        // ZERO collects in accounts the chart does not have: never posted to, never checked.
        let generated = generated_by(
            framework(),
            draft_of(
                InvoiceKind::CustomerInvoice,
                vec![
                    line("Free sample", "1", 0, "4000", Some("VAT20")),
                    line("Export", "1", 10_000, "4000", Some("ZERO")),
                    line("Rounding", "0.125", 3, "4000", None),
                ],
            ),
            date(2026, 3, 31),
        );
        assert_eq!(generated.lines[2].net_minor, 0, "0.125 × 3 = 0.375 → 0");
        assert_eq!(
            generated.posting,
            vec![posted(1, "1100", 10_000, 0, "INV-0190F3A2"), posted(2, "4000", 0, 10_000, "Export")]
        );
    }

    #[test]
    fn a_vendor_bill_debits_expenses_and_input_vat_and_credits_payables() {
        let bill = draft_of(
            InvoiceKind::VendorBill,
            vec![
                line("Office rent", "1", 200_000, "6100", Some("VAT20")),
                line("Paper", "10", 450, "6300", Some("RED7")),
            ],
        );
        let generated = generated_by(framework(), bill, date(2026, 3, 31));
        assert_eq!(generated.kind, "vendor_bill");
        assert_eq!((generated.net_total_minor, generated.tax_total_minor), (204_500, 40_000 + 315));
        assert_eq!(generated.gross_total_minor, 244_815);
        assert_eq!(
            generated.posting,
            vec![
                posted(1, "6100", 200_000, 0, "Office rent"),
                posted(2, "6300", 4_500, 0, "Paper"),
                posted(3, "1400", 40_000, 0, "VAT20"),
                posted(4, "1410", 315, 0, "RED7"),
                posted(5, "2000", 0, 244_815, "BILL-0190F3A2"),
            ]
        );
        assert!(lines_balance(&generated.posting));
    }

    #[test]
    fn a_customer_credit_note_posts_the_customer_invoice_mirrored() {
        let generated =
            generated_by(framework(), draft_of(InvoiceKind::CustomerCreditNote, vec![consulting()]), date(2026, 3, 31));
        assert_eq!(generated.credits_invoice_id, Some(credited_id()));
        assert_eq!(generated.gross_total_minor, 540_000);
        assert_eq!(
            generated.posting,
            vec![
                posted(1, "1100", 0, 540_000, "CN-0190F3A2"),
                posted(2, "4000", 450_000, 0, "Consulting day"),
                posted(3, "2100", 90_000, 0, "VAT20"),
            ]
        );
        let invoice = generated_payload().posting;
        let mirrored: Vec<(i64, i64)> = invoice.iter().map(|l| (l.credit_minor, l.debit_minor)).collect();
        let credit_note: Vec<(i64, i64)> = generated.posting.iter().map(|l| (l.debit_minor, l.credit_minor)).collect();
        assert_eq!(credit_note, mirrored);
    }

    #[test]
    fn a_vendor_credit_note_posts_the_vendor_bill_mirrored() {
        let generated = generated_by(
            framework(),
            draft_of(InvoiceKind::VendorCreditNote, vec![line("Returned chairs", "2", 10_000, "6300", Some("VAT20"))]),
            date(2026, 3, 31),
        );
        assert_eq!(
            generated.posting,
            vec![
                posted(1, "6300", 0, 20_000, "Returned chairs"),
                posted(2, "1400", 0, 4_000, "VAT20"),
                posted(3, "2000", 24_000, 0, "VCN-0190F3A2"),
            ]
        );
    }

    #[test]
    fn a_rate_change_effective_mid_month_applies_by_issue_date() {
        let books = || {
            let mut books = test_books();
            books.apply_tax_rates(TaxRatesEvent::TaxRateChanged(TaxRateChanged {
                code: "VAT20".to_owned(),
                rate_bp: 1900,
                effective_from: date(2026, 7, 15),
            }));
            framework_with(books)
        };
        let invoice = || draft_of(InvoiceKind::CustomerInvoice, vec![consulting()]);
        let before = generated_by(books(), invoice(), date(2026, 7, 14));
        assert_eq!((before.lines[0].tax_rate_bp, before.tax_total_minor), (2000, 90_000));
        let from = generated_by(books(), invoice(), date(2026, 7, 15));
        assert_eq!((from.lines[0].tax_rate_bp, from.tax_total_minor), (1900, 85_500));
        assert_eq!(from.gross_total_minor, 535_500);
        assert_eq!(from.posting[2], posted(3, "2100", 0, 85_500, "VAT20"));
    }

    #[test]
    fn the_due_date_defaults_to_thirty_days_after_issue() {
        let generated =
            generated_by(framework(), draft_of(InvoiceKind::CustomerInvoice, vec![consulting()]), date(2026, 12, 15));
        assert_eq!(generated.due_date, date(2027, 1, 14));
    }

    #[test]
    fn a_due_date_on_the_issue_date_is_accepted_and_one_before_rejected() {
        let issue_due = |due_date: NaiveDate| {
            InvoiceCommand::Issue(IssueInvoice { issue_date: date(2026, 3, 31), due_date: Some(due_date) })
        };
        let InvoiceEvent::InvoiceGenerated(generated) =
            only_event(framework(), vec![drafted()], issue_due(date(2026, 3, 31)))
        else {
            panic!("expected InvoiceGenerated");
        };
        assert_eq!(generated.due_date, date(2026, 3, 31));
        assert_refused(
            vec![drafted()],
            issue_due(date(2026, 3, 30)),
            InvoiceError::DueBeforeIssue { due_date: date(2026, 3, 30), issue_date: date(2026, 3, 31) },
            invalid("due_date", "due_before_issue"),
        );
    }

    #[test]
    fn the_entry_id_is_the_v5_uuid_of_the_invoice_id() {
        let expected = Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{}/issue", id()).as_bytes());
        assert_eq!(issue_entry_id_for(&id()), expected);
        assert_eq!(expected.get_version_num(), 5);
        assert_ne!(issue_entry_id_for(&id()), void_entry_id_for(&id()));
        assert_ne!(issue_entry_id_for(&id()), issue_entry_id_for(&credited_id()));
    }

    #[test]
    fn issuing_an_invoice_never_drafted_is_not_found() {
        assert_refused(vec![], issue(), InvoiceError::NotFound, NOT_FOUND);
    }

    #[test]
    fn issuing_twice_is_a_conflict_whatever_was_paid() {
        let cases = [
            (vec![drafted(), generated()], InvoiceStatus::Issued),
            (vec![drafted(), generated(), payment_applied("p1", 1, 539_999)], InvoiceStatus::PartiallyPaid),
            (vec![drafted(), generated(), payment_applied("p1", 540_000, 0)], InvoiceStatus::Paid),
        ];
        for (given, status) in cases {
            assert_refused(given, issue(), InvoiceError::AlreadyIssued { status }, conflict("already_issued"));
        }
    }

    #[test]
    fn issuing_a_void_invoice_is_a_conflict() {
        assert_refused(
            vec![drafted(), generated(), voided()],
            issue(),
            InvoiceError::InvoiceVoid,
            conflict("invoice_void"),
        );
    }

    #[test]
    fn an_invoice_worth_nothing_is_rejected() {
        let given = history(vec![draft_of(
            InvoiceKind::CustomerInvoice,
            vec![line("Free", "1", 0, "4000", Some("VAT20")), line("Crumbs", "0.001", 499, "4000", None)],
        )]);
        assert_refused(given, issue(), InvoiceError::ZeroTotal, invalid("lines", "zero_total"));
    }

    #[test]
    fn one_minor_unit_is_enough_to_invoice() {
        let generated = generated_by(
            framework(),
            draft_of(InvoiceKind::CustomerInvoice, vec![line("Crumb", "0.001", 500, "4000", None)]),
            date(2026, 3, 31),
        );
        assert_eq!(generated.gross_total_minor, 1);
    }

    #[test]
    fn a_line_whose_net_overflows_is_rejected() {
        let given = history(vec![draft_of(
            InvoiceKind::CustomerInvoice,
            vec![consulting(), line("Galaxy", "2", i64::MAX, "4000", None)],
        )]);
        assert_refused(
            given,
            issue(),
            InvoiceError::LineAmountOverflow { line: 1 },
            invalid("lines[1]", "amount_overflow"),
        );
        assert_eq!(net_amount_minor(1_000_000_000_000, i64::MAX), None);
        assert_eq!(net_amount_minor(1_000, i64::MAX), Some(i64::MAX));
    }

    #[test]
    fn totals_that_overflow_are_rejected() {
        let net_overflow = history(vec![draft_of(
            InvoiceKind::CustomerInvoice,
            vec![line("Half", "1", i64::MAX, "4000", None), line("More", "1", 1, "4000", None)],
        )]);
        assert_refused(net_overflow, issue(), InvoiceError::TotalOverflow, invalid("lines", "total_overflow"));
        let gross_overflow = history(vec![draft_of(
            InvoiceKind::CustomerInvoice,
            vec![line("Everything", "1", i64::MAX, "4000", Some("VAT20"))],
        )]);
        assert_refused(gross_overflow, issue(), InvoiceError::TotalOverflow, invalid("lines", "total_overflow"));
    }

    #[test]
    fn the_largest_invoice_that_fits_is_accepted() {
        let generated = generated_by(
            framework(),
            draft_of(InvoiceKind::CustomerInvoice, vec![line("Everything", "1", i64::MAX, "4000", None)]),
            date(2026, 3, 31),
        );
        assert_eq!(generated.gross_total_minor, i64::MAX);
    }

    #[test]
    fn an_unknown_tax_code_is_rejected_on_issue() {
        let given = history(vec![draft_of(
            InvoiceKind::CustomerInvoice,
            vec![consulting(), line("Item", "1", 100, "4000", Some("VAT21"))],
        )]);
        assert_refused(
            given,
            issue(),
            InvoiceError::UnknownTaxCode { line: 1, code: "VAT21".to_owned() },
            invalid("lines[1].tax_code", "unknown_tax_code"),
        );
    }

    #[test]
    fn a_retired_tax_code_is_rejected_on_issue() {
        let given =
            history(vec![draft_of(InvoiceKind::CustomerInvoice, vec![line("Item", "1", 100, "4000", Some("OLD"))])]);
        assert_refused(
            given,
            issue(),
            InvoiceError::RetiredTaxCode { line: 0, code: "OLD".to_owned() },
            invalid("lines[0].tax_code", "retired_tax_code"),
        );
    }
}

mod books_checks {
    use super::*;

    #[test]
    fn issuing_outside_every_fiscal_year_is_refused() {
        let expected = InvoiceError::NoFiscalYear { field: "issue_date", date: date(2027, 1, 1) };
        assert_refused(vec![drafted()], issue_on(date(2027, 1, 1)), expected, invalid("issue_date", "no_fiscal_year"));
    }

    #[test]
    fn issuing_into_a_closed_period_is_refused_naming_the_period() {
        let expected = InvoiceError::PeriodNotOpen {
            field: "issue_date",
            date: date(2026, 3, 31),
            period: "2026-03".to_owned(),
            status: "closed",
        };
        assert_eq!(expected.to_string(), "2026-03-31 falls in fiscal period 2026-03, which is closed");
        let books = books_with(|books| close_period(books, "2026-03"));
        assert_refused_by(books, vec![drafted()], issue(), expected, invalid("issue_date", "period_not_open"));
    }

    #[test]
    fn issuing_into_a_locked_period_is_refused_and_the_next_open_period_accepted() {
        let locked = || {
            books_with(|books| {
                close_period(books, "2026-03");
                lock_period(books, "2026-03");
            })
        };
        let expected = InvoiceError::PeriodNotOpen {
            field: "issue_date",
            date: date(2026, 3, 31),
            period: "2026-03".to_owned(),
            status: "locked",
        };
        assert_refused_by(locked(), vec![drafted()], issue(), expected, invalid("issue_date", "period_not_open"));
        assert!(locked().given(vec![drafted()]).when(issue_on(date(2026, 4, 1))).inspect_result().is_ok());
    }

    #[test]
    fn the_control_account_must_take_postings() {
        let custom_control = |control: &str| {
            let mut input = draft_input(InvoiceKind::CustomerInvoice, vec![consulting()]);
            input.control_account = Some(control.to_owned());
            history(vec![draft(input)])
        };
        let mapping = |code| (Some("control_account"), code, RefusalKind::Invalid);
        assert_refused(
            custom_control("1105"),
            issue(),
            InvoiceError::UnknownAccount { role: AccountRole::Control, code: "1105".to_owned() },
            mapping("unknown_account"),
        );
        let header = books_with(|books| open_account(books, AccountOpened { header: true, ..account("11", "asset") }));
        assert_refused_by(
            header,
            custom_control("11"),
            issue(),
            InvoiceError::HeaderAccount { role: AccountRole::Control, code: "11".to_owned() },
            mapping("header_account"),
        );
        let archived = books_with(|books| archive_account(books, "1100"));
        assert_refused_by(
            archived,
            vec![drafted()],
            issue(),
            InvoiceError::ArchivedAccount { role: AccountRole::Control, code: "1100".to_owned() },
            mapping("archived_account"),
        );
        let usd_account = AccountOpened { currency: Some("USD".to_owned()), ..account("1120", "asset") };
        let usd_only = books_with(|books| open_account(books, usd_account));
        assert_refused_by(
            usd_only,
            custom_control("1120"),
            issue(),
            InvoiceError::AccountCurrencyMismatch {
                role: AccountRole::Control,
                code: "1120".to_owned(),
                account_currency: usd(),
                currency: eur(),
            },
            mapping("account_currency_mismatch"),
        );
    }

    #[test]
    fn an_account_fixed_to_the_invoice_currency_is_accepted() {
        let eur_account = AccountOpened { currency: Some("EUR".to_owned()), ..account("4010", "asset") };
        let books = books_with(|books| open_account(books, eur_account));
        let given = history(vec![draft_of(InvoiceKind::CustomerInvoice, vec![line("Item", "1", 1, "4010", None)])]);
        assert!(books.given(given).when(issue()).inspect_result().is_ok());
    }

    #[test]
    fn every_line_account_must_take_postings_even_on_a_zero_line() {
        let given = history(vec![draft_of(
            InvoiceKind::CustomerInvoice,
            vec![consulting(), line("Free", "1", 0, "4999", None)],
        )]);
        let expected = InvoiceError::UnknownAccount { role: AccountRole::Line { line: 1 }, code: "4999".to_owned() };
        assert_eq!(expected.to_string(), "lines[1].account names account 4999, which is not in the chart of accounts");
        assert_refused(given, issue(), expected, invalid("lines[1].account", "unknown_account"));
        let archived = books_with(|books| archive_account(books, "4000"));
        assert_refused_by(
            archived,
            vec![drafted()],
            issue(),
            InvoiceError::ArchivedAccount { role: AccountRole::Line { line: 0 }, code: "4000".to_owned() },
            invalid("lines[0].account", "archived_account"),
        );
    }

    #[test]
    fn a_tax_account_that_takes_no_postings_is_reported_on_the_first_line_using_it() {
        let archived = books_with(|books| archive_account(books, "2100"));
        let given = history(vec![draft_of(
            InvoiceKind::CustomerInvoice,
            vec![line("Untaxed", "1", 100, "4000", None), line("Books", "1", 100, "4000", Some("VAT5")), consulting()],
        )]);
        let expected = InvoiceError::ArchivedAccount { role: AccountRole::Tax { line: 1 }, code: "2100".to_owned() };
        assert_eq!(expected.to_string(), "the tax account of lines[1].tax_code names account 2100, which is archived");
        assert_refused_by(archived, given, issue(), expected, invalid("lines[1].tax_code", "archived_account"));
    }

    #[test]
    fn a_vendor_document_checks_the_purchase_tax_account() {
        let usd_only = books_with(|books| {
            define_rate(books, "US", 1000, "2100", "1420");
            open_account(books, AccountOpened { currency: Some("USD".to_owned()), ..account("1420", "asset") });
        });
        let bill = history(vec![draft_of(InvoiceKind::VendorBill, vec![line("Import", "1", 100, "6100", Some("US"))])]);
        assert_refused_by(
            usd_only,
            bill,
            issue(),
            InvoiceError::AccountCurrencyMismatch {
                role: AccountRole::Tax { line: 0 },
                code: "1420".to_owned(),
                account_currency: usd(),
                currency: eur(),
            },
            invalid("lines[0].tax_code", "account_currency_mismatch"),
        );
    }

    #[test]
    fn unreadable_books_refuse_issue_and_void_as_unavailable() {
        let expected = InvoiceError::BooksUnavailable { reason: "connection refused".to_owned() };
        let mapping = (None, "books_unavailable", RefusalKind::Unavailable);
        assert_refused_by(unreachable_books(), vec![drafted()], issue(), expected.clone(), mapping);
        assert_refused_by(unreachable_books(), vec![drafted(), generated()], void(), expected, mapping);
    }

    #[test]
    fn payments_need_no_books() {
        let events =
            unreachable_books().given(vec![drafted(), generated()]).when(pay("p1", 100)).inspect_result().unwrap();
        assert_eq!(events, vec![payment_applied("p1", 100, 539_900)]);
    }

    #[test]
    fn the_invoice_itself_is_checked_before_the_books_are_read() {
        let cases = [
            (vec![], issue(), InvoiceError::NotFound),
            (vec![drafted(), generated()], issue(), InvoiceError::AlreadyIssued { status: InvoiceStatus::Issued }),
            (
                vec![drafted()],
                InvoiceCommand::Issue(IssueInvoice { issue_date: date(2026, 3, 31), due_date: Some(date(2026, 1, 1)) }),
                InvoiceError::DueBeforeIssue { due_date: date(2026, 1, 1), issue_date: date(2026, 3, 31) },
            ),
            (
                history(vec![draft_of(InvoiceKind::CustomerInvoice, vec![line("Free", "1", 0, "4000", None)])]),
                issue(),
                InvoiceError::ZeroTotal,
            ),
            (vec![drafted()], void(), InvoiceError::NotIssued),
            (
                vec![drafted(), generated(), payment_applied("p1", 1, 539_999)],
                void(),
                InvoiceError::HasPayments { paid_minor: 1 },
            ),
            (vec![drafted(), generated()], void_on(date(2026, 4, 2), ""), InvoiceError::ReasonBlank),
        ];
        for (given, command, expected) in cases {
            unreachable_books().given(given).when(command).then_expect_error(expected);
        }
    }

    #[test]
    fn the_period_is_checked_before_tax_codes_and_tax_codes_before_accounts() {
        let given =
            history(vec![draft_of(InvoiceKind::CustomerInvoice, vec![line("Lost", "1", 100, "7777", Some("NOPE"))])]);
        assert_refused(
            given.clone(),
            issue_on(date(2030, 1, 1)),
            InvoiceError::NoFiscalYear { field: "issue_date", date: date(2030, 1, 1) },
            invalid("issue_date", "no_fiscal_year"),
        );
        assert_refused(
            given,
            issue(),
            InvoiceError::UnknownTaxCode { line: 0, code: "NOPE".to_owned() },
            invalid("lines[0].tax_code", "unknown_tax_code"),
        );
    }

    #[test]
    fn accounts_are_checked_control_first_then_lines_then_taxes() {
        let archived = || {
            books_with(|books| {
                archive_account(books, "1100");
                archive_account(books, "4000");
                archive_account(books, "2100");
            })
        };
        archived()
            .given(vec![drafted()])
            .when(issue())
            .then_expect_error(InvoiceError::ArchivedAccount { role: AccountRole::Control, code: "1100".to_owned() });
        let mut other_control = draft_input(InvoiceKind::CustomerInvoice, vec![consulting()]);
        other_control.control_account = Some("1400".to_owned());
        archived().given(history(vec![draft(other_control)])).when(issue()).then_expect_error(
            InvoiceError::ArchivedAccount { role: AccountRole::Line { line: 0 }, code: "4000".to_owned() },
        );
    }
}

mod payments {
    use super::*;

    #[test]
    fn a_part_payment_leaves_the_rest_open() {
        framework()
            .given(vec![drafted(), generated()])
            .when(pay("p1", 40_000))
            .then_expect_events(vec![payment_applied("p1", 40_000, 500_000)]);
        let invoice: Invoice = fold([drafted(), generated(), payment_applied("p1", 40_000, 500_000)]);
        assert_eq!(invoice.status(), Some(InvoiceStatus::PartiallyPaid));
        assert_eq!(invoice.open_minor(), 500_000);
        assert_eq!(invoice.paid_minor(), 40_000);
    }

    #[test]
    fn paying_exactly_what_is_open_pays_the_invoice() {
        framework()
            .given(vec![drafted(), generated(), payment_applied("p1", 40_000, 500_000)])
            .when(pay("p2", 500_000))
            .then_expect_events(vec![payment_applied("p2", 500_000, 0)]);
        let invoice: Invoice =
            fold([drafted(), generated(), payment_applied("p1", 40_000, 500_000), payment_applied("p2", 500_000, 0)]);
        assert_eq!(invoice.status(), Some(InvoiceStatus::Paid));
        assert_eq!(invoice.open_minor(), 0);
        assert_eq!(invoice.payments().collect::<Vec<_>>(), [("p1", 40_000), ("p2", 500_000)]);
    }

    #[test]
    fn applying_the_same_payment_again_records_nothing() {
        let partly = vec![drafted(), generated(), payment_applied("p1", 40_000, 500_000)];
        framework().given(partly.clone()).when(pay("p1", 40_000)).then_expect_events(vec![]);
        // the payment id decides, whatever the amount of the repeated request
        framework().given(partly).when(pay("p1", 1)).then_expect_events(vec![]);
        let paid = vec![drafted(), generated(), payment_applied("p1", 540_000, 0)];
        framework().given(paid).when(pay("p1", 540_000)).then_expect_events(vec![]);
    }

    #[test]
    fn a_vendor_bill_takes_payments() {
        let given =
            history(vec![draft_of(InvoiceKind::VendorBill, vec![line("Rent", "1", 100_000, "6100", None)]), issue()]);
        let events = framework().given(given).when(pay("p1", 100_000)).inspect_result().unwrap();
        let [InvoiceEvent::InvoicePaymentApplied(applied)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(applied.open_after_minor, 0);
    }

    #[test]
    fn paying_more_than_is_open_is_rejected() {
        let expected = InvoiceError::OverAllocated { open_minor: 540_000, amount_minor: 540_001 };
        assert_eq!(expected.to_string(), "amount_minor 540001 is more than the 540000 open on the invoice");
        assert_refused(
            vec![drafted(), generated()],
            pay("p1", 540_001),
            expected,
            invalid("amount_minor", "over_allocated"),
        );
        assert_refused(
            vec![drafted(), generated(), payment_applied("p1", 540_000, 0)],
            pay("p2", 1),
            InvoiceError::OverAllocated { open_minor: 0, amount_minor: 1 },
            invalid("amount_minor", "over_allocated"),
        );
    }

    #[test]
    fn a_zero_or_negative_payment_is_rejected() {
        for amount_minor in [0, -1, i64::MIN] {
            assert_refused(
                vec![drafted(), generated()],
                pay("p1", amount_minor),
                InvoiceError::NonPositiveAmount { amount_minor },
                invalid("amount_minor", "non_positive_amount"),
            );
        }
    }

    #[test]
    fn a_blank_payment_id_is_rejected() {
        assert_refused(
            vec![drafted(), generated()],
            pay(" ", 1),
            InvoiceError::PaymentIdBlank,
            invalid("payment_id", "payment_id_blank"),
        );
    }

    #[test]
    fn credit_notes_take_no_payments() {
        for kind in [InvoiceKind::CustomerCreditNote, InvoiceKind::VendorCreditNote] {
            let given = history(vec![draft_of(kind, vec![consulting()]), issue()]);
            assert_refused(
                given,
                pay("p1", 1),
                InvoiceError::PaymentOnCreditNote { kind: kind.as_str() },
                (None, "payment_on_credit_note", RefusalKind::Invalid),
            );
        }
    }

    #[test]
    fn paying_an_invoice_that_is_not_issued_is_refused() {
        assert_refused(vec![], pay("p1", 1), InvoiceError::NotFound, NOT_FOUND);
        assert_refused(vec![drafted()], pay("p1", 1), InvoiceError::NotIssued, conflict("not_issued"));
        assert_refused(
            vec![drafted(), generated(), voided()],
            pay("p1", 1),
            InvoiceError::InvoiceVoid,
            conflict("invoice_void"),
        );
    }
}

mod voiding {
    use super::*;

    #[test]
    fn voiding_reverses_the_issue_posting_under_a_derived_entry_id() {
        framework().given(vec![drafted(), generated()]).when(void()).then_expect_events(vec![voided()]);
        let invoice: Invoice = fold([drafted(), generated(), voided()]);
        assert_eq!(invoice.status(), Some(InvoiceStatus::Void));
        assert_eq!(invoice.open_minor(), 0);
        let expected = Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{}/void", id()).as_bytes());
        assert_eq!(void_entry_id_for(&id()), expected);
    }

    #[test]
    fn a_credit_note_can_be_voided() {
        let given = history(vec![draft_of(InvoiceKind::VendorCreditNote, vec![consulting()]), issue()]);
        let issued = fold::<Invoice>(given.clone()).posting().to_vec();
        let event = only_event(framework(), given, void());
        let InvoiceEvent::InvoiceVoided(voided) = event else { panic!("expected InvoiceVoided") };
        assert_eq!(voided.posting, issued.iter().map(PostedLine::mirrored).collect::<Vec<_>>());
    }

    #[test]
    fn voiding_on_the_issue_date_is_accepted_and_before_it_rejected() {
        assert!(framework()
            .given(vec![drafted(), generated()])
            .when(void_on(date(2026, 3, 31), "Duplicate"))
            .inspect_result()
            .is_ok());
        assert_refused(
            vec![drafted(), generated()],
            void_on(date(2026, 3, 30), "Duplicate"),
            InvoiceError::VoidBeforeIssue { void_date: date(2026, 3, 30), issue_date: date(2026, 3, 31) },
            invalid("void_date", "void_before_issue"),
        );
    }

    #[test]
    fn a_void_reason_must_be_non_blank_and_within_the_limit() {
        for reason in ["", " \n"] {
            assert_refused(
                vec![drafted(), generated()],
                void_on(date(2026, 4, 2), reason),
                InvoiceError::ReasonBlank,
                invalid("reason", "reason_blank"),
            );
        }
        assert!(framework()
            .given(vec![drafted(), generated()])
            .when(void_on(date(2026, 4, 2), &"r".repeat(MAX_REASON_CHARS)))
            .inspect_result()
            .is_ok());
        assert_refused(
            vec![drafted(), generated()],
            void_on(date(2026, 4, 2), &"r".repeat(MAX_REASON_CHARS + 1)),
            InvoiceError::ReasonTooLong { chars: 501, max: 500 },
            invalid("reason", "reason_too_long"),
        );
    }

    #[test]
    fn voiding_after_a_payment_is_refused_pointing_to_a_credit_note() {
        let expected = InvoiceError::HasPayments { paid_minor: 40_000 };
        assert_eq!(
            expected.to_string(),
            "invoice has 40000 paid on it and cannot be voided; issue a credit note instead"
        );
        assert_refused(
            vec![drafted(), generated(), payment_applied("p1", 40_000, 500_000)],
            void(),
            expected,
            conflict("has_payments"),
        );
        assert_refused(
            vec![drafted(), generated(), payment_applied("p1", 540_000, 0)],
            void(),
            InvoiceError::HasPayments { paid_minor: 540_000 },
            conflict("has_payments"),
        );
    }

    #[test]
    fn voiding_an_invoice_that_is_not_issued_or_already_void_is_refused() {
        assert_refused(vec![], void(), InvoiceError::NotFound, NOT_FOUND);
        assert_refused(vec![drafted()], void(), InvoiceError::NotIssued, conflict("not_issued"));
        assert_refused(
            vec![drafted(), generated(), voided()],
            void(),
            InvoiceError::InvoiceVoid,
            conflict("invoice_void"),
        );
    }

    #[test]
    fn voiding_into_a_closed_period_or_outside_every_year_is_refused() {
        let closed = books_with(|books| {
            close_period(books, "2026-04");
        });
        assert_refused_by(
            closed,
            vec![drafted(), generated()],
            void(),
            InvoiceError::PeriodNotOpen {
                field: "void_date",
                date: date(2026, 4, 2),
                period: "2026-04".to_owned(),
                status: "closed",
            },
            invalid("void_date", "period_not_open"),
        );
        assert_refused(
            vec![drafted(), generated()],
            void_on(date(2027, 2, 1), "Late"),
            InvoiceError::NoFiscalYear { field: "void_date", date: date(2027, 2, 1) },
            invalid("void_date", "no_fiscal_year"),
        );
    }

    #[test]
    fn an_account_archived_since_the_issue_does_not_stop_the_void() {
        let archived = books_with(|books| {
            archive_account(books, "4000");
        });
        assert!(archived.given(vec![drafted(), generated()]).when(void()).inspect_result().is_ok());
    }
}

mod state_and_wire {
    use super::*;

    /// One of every error, with its field and kind.
    fn every_error() -> Vec<(InvoiceError, Option<&'static str>, RefusalKind)> {
        use InvoiceError as E;
        use RefusalKind::{Conflict, Invalid, NotFound, Unavailable};
        let code = || "4000".to_owned();
        let text = || "x".to_owned();
        let day = date(2026, 1, 1);
        vec![
            (E::AlreadyExists, Some("invoice_id"), Conflict),
            (E::NotFound, None, NotFound),
            (E::AlreadyIssued { status: InvoiceStatus::Paid }, None, Conflict),
            (E::NotIssued, None, Conflict),
            (E::InvoiceVoid, None, Conflict),
            (E::InvalidKind { kind: text() }, Some("kind"), Invalid),
            (E::NumberBlank, Some("number"), Invalid),
            (E::NumberTooLong { chars: 51, max: 50 }, Some("number"), Invalid),
            (E::CounterpartyIdBlank, Some("counterparty_id"), Invalid),
            (E::CounterpartyIdTooLong { chars: 101, max: 100 }, Some("counterparty_id"), Invalid),
            (E::CounterpartyNameBlank, Some("counterparty_name"), Invalid),
            (E::CounterpartyNameTooLong { chars: 201, max: 200 }, Some("counterparty_name"), Invalid),
            (E::InvalidCurrency { reason: CurrencyError::Malformed { code: text() } }, Some("currency"), Invalid),
            (E::InvalidControlAccount { reason: AccountCodeError::Empty }, Some("control_account"), Invalid),
            (E::CreditsInvoiceNotAllowed { kind: "vendor_bill" }, Some("credits_invoice_id"), Invalid),
            (E::CreditsInvoiceMissing { kind: "customer_credit_note" }, Some("credits_invoice_id"), Invalid),
            (E::InvalidCreditsInvoice { credits_invoice_id: text() }, Some("credits_invoice_id"), Invalid),
            (E::CreditsItself, Some("credits_invoice_id"), Invalid),
            (E::TooFewLines { count: 0, min: 1 }, Some("lines"), Invalid),
            (E::TooManyLines { count: 201, max: 200 }, Some("lines"), Invalid),
            (E::DescriptionBlank { line: 2 }, Some("lines[2].description"), Invalid),
            (E::DescriptionTooLong { line: 2, chars: 501, max: 500 }, Some("lines[2].description"), Invalid),
            (
                E::InvalidQuantity { line: 2, reason: QuantityError::Malformed { text: text() } },
                Some("lines[2].quantity"),
                Invalid,
            ),
            (E::NegativeUnitPrice { line: 2, unit_price: -1 }, Some("lines[2].unit_price"), Invalid),
            (E::InvalidAccount { line: 2, reason: AccountCodeError::Empty }, Some("lines[2].account"), Invalid),
            (E::TaxCodeBlank { line: 2 }, Some("lines[2].tax_code"), Invalid),
            (E::DueBeforeIssue { due_date: day, issue_date: day }, Some("due_date"), Invalid),
            (E::LineAmountOverflow { line: 2 }, Some("lines[2]"), Invalid),
            (E::TotalOverflow, Some("lines"), Invalid),
            (E::ZeroTotal, Some("lines"), Invalid),
            (E::UnknownTaxCode { line: 2, code: text() }, Some("lines[2].tax_code"), Invalid),
            (E::RetiredTaxCode { line: 2, code: text() }, Some("lines[2].tax_code"), Invalid),
            (E::NoFiscalYear { field: "issue_date", date: day }, Some("issue_date"), Invalid),
            (
                E::PeriodNotOpen { field: "void_date", date: day, period: "2026-01".to_owned(), status: "locked" },
                Some("void_date"),
                Invalid,
            ),
            (E::UnknownAccount { role: AccountRole::Control, code: code() }, Some("control_account"), Invalid),
            (E::HeaderAccount { role: AccountRole::Line { line: 2 }, code: code() }, Some("lines[2].account"), Invalid),
            (
                E::ArchivedAccount { role: AccountRole::Tax { line: 2 }, code: code() },
                Some("lines[2].tax_code"),
                Invalid,
            ),
            (
                E::AccountCurrencyMismatch {
                    role: AccountRole::Control,
                    code: code(),
                    account_currency: usd(),
                    currency: eur(),
                },
                Some("control_account"),
                Invalid,
            ),
            (E::BooksUnavailable { reason: text() }, None, Unavailable),
            (E::PaymentOnCreditNote { kind: "vendor_credit_note" }, None, Invalid),
            (E::PaymentIdBlank, Some("payment_id"), Invalid),
            (E::NonPositiveAmount { amount_minor: 0 }, Some("amount_minor"), Invalid),
            (E::OverAllocated { open_minor: 1, amount_minor: 2 }, Some("amount_minor"), Invalid),
            (E::HasPayments { paid_minor: 1 }, None, Conflict),
            (E::ReasonBlank, Some("reason"), Invalid),
            (E::ReasonTooLong { chars: 501, max: 500 }, Some("reason"), Invalid),
            (E::VoidBeforeIssue { void_date: day, issue_date: day }, Some("void_date"), Invalid),
        ]
    }

    #[test]
    fn every_error_has_a_snake_case_code_a_field_and_a_kind() {
        // the four account refusals are one rule each, whatever the account's role
        assert_error_table(&every_error());
    }

    #[test]
    fn error_messages_name_the_values() {
        let message = |error: InvoiceError| error.to_string();
        assert_eq!(
            message(InvoiceError::InvalidQuantity {
                line: 1,
                reason: QuantityError::TooManyDecimals { text: "1.0001".to_owned(), max: 3 },
            }),
            "lines[1].quantity is invalid: \"1.0001\" has more than 3 decimal places"
        );
        assert_eq!(
            message(InvoiceError::AlreadyIssued { status: InvoiceStatus::PartiallyPaid }),
            "invoice is already issued; it is partially_paid"
        );
        assert_eq!(
            message(InvoiceError::AccountCurrencyMismatch {
                role: AccountRole::Control,
                code: "1120".to_owned(),
                account_currency: usd(),
                currency: eur(),
            }),
            "control_account names account 1120, which takes only USD, not the invoice's EUR"
        );
        assert_eq!(
            message(InvoiceError::CreditsInvoiceNotAllowed { kind: "vendor_bill" }),
            "credits_invoice_id is only for credit notes, not a vendor_bill"
        );
        assert_eq!(
            message(InvoiceError::UnknownTaxCode { line: 0, code: "VAT21".to_owned() }),
            "lines[0].tax_code VAT21 is not a defined tax code"
        );
    }

    #[test]
    fn kinds_and_statuses_have_stable_names() {
        for kind in InvoiceKind::ALL {
            assert_eq!(InvoiceKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            assert_eq!(kind.to_string(), kind.as_str());
        }
        assert_eq!(InvoiceKind::parse("CUSTOMER_INVOICE"), None);
        let statuses = [
            (InvoiceStatus::Draft, "draft"),
            (InvoiceStatus::Issued, "issued"),
            (InvoiceStatus::PartiallyPaid, "partially_paid"),
            (InvoiceStatus::Paid, "paid"),
            (InvoiceStatus::Void, "void"),
        ];
        for (status, name) in statuses {
            assert_eq!(status.as_str(), name);
            assert_eq!(serde_json::to_value(status).unwrap(), name);
        }
        assert!(InvoiceKind::CustomerCreditNote.is_customer() && InvoiceKind::CustomerCreditNote.is_credit_note());
        assert!(!InvoiceKind::VendorBill.is_customer() && !InvoiceKind::VendorBill.is_credit_note());
    }

    #[test]
    fn folding_events_tracks_the_document_and_its_standing() {
        let mut invoice = Invoice::default();
        assert_eq!((invoice.status(), invoice.standing(), invoice.id()), (None, None, None));
        assert_eq!((invoice.open_minor(), invoice.gross_total_minor()), (0, 0));
        invoice.apply(drafted());
        assert_eq!(invoice.status(), Some(InvoiceStatus::Draft));
        assert_eq!(invoice.id(), Some(id().as_str()));
        assert_eq!(invoice.kind(), Some(InvoiceKind::CustomerInvoice));
        assert_eq!(invoice.number(), Some("INV-0190F3A2"));
        assert_eq!(invoice.counterparty_id(), Some("cust-42"));
        assert_eq!(invoice.counterparty_name(), Some("Acme Ltd"));
        assert_eq!(invoice.currency(), Some(eur()));
        assert_eq!(invoice.control_account(), Some("1100"));
        assert_eq!(invoice.credits_invoice_id(), None);
        assert_eq!(invoice.lines(), drafted_payload().lines.as_slice());
        assert_eq!((invoice.issue_date(), invoice.due_date(), invoice.open_minor()), (None, None, 0));
        invoice.apply(generated());
        assert_eq!(invoice.status(), Some(InvoiceStatus::Issued));
        assert_eq!(invoice.issue_date(), Some(date(2026, 3, 31)));
        assert_eq!(invoice.due_date(), Some(date(2026, 4, 30)));
        assert_eq!((invoice.gross_total_minor(), invoice.open_minor()), (540_000, 540_000));
        assert_eq!(invoice.posting(), generated_payload().posting.as_slice());
        invoice.apply(payment_applied("p1", 40_000, 500_000));
        assert_eq!(
            invoice.standing(),
            Some(InvoiceStanding {
                invoice_id: id(),
                kind: InvoiceKind::CustomerInvoice,
                counterparty_id: "cust-42".to_owned(),
                currency: "EUR".to_owned(),
                status: InvoiceStatus::PartiallyPaid,
                open_minor: 500_000,
            })
        );
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        let invoice: Invoice = fold([drafted(), generated(), payment_applied("p1", 40_000, 500_000)]);
        let json = serde_json::to_string(&invoice).unwrap();
        assert_eq!(serde_json::from_str::<Invoice>(&json).unwrap(), invoice);
        let empty = serde_json::to_string(&Invoice::default()).unwrap();
        assert_eq!(serde_json::from_str::<Invoice>(&empty).unwrap(), Invoice::default());
    }

    #[test]
    fn commands_deserialize_from_api_json_with_optional_fields_omitted() {
        let json = serde_json::json!({"Draft": {
            "invoice_id": invoice_id(),
            "kind": "customer_invoice",
            "counterparty_id": "cust-42",
            "counterparty_name": "Acme Ltd",
            "currency": "EUR",
            "lines": [
                {"description": "Consulting day", "quantity": 3, "unit_price": 150000, "account": "4000", "tax_code": "VAT20"},
                {"description": "Hours", "quantity": "2.5", "unit_price": 1999, "account": "4100"}
            ]
        }});
        let InvoiceCommand::Draft(input) = serde_json::from_value(json).unwrap() else { panic!("expected Draft") };
        assert_eq!((input.number, input.control_account, input.credits_invoice_id), (None, None, None));
        assert_eq!(input.lines[0].quantity.milli(), Ok(3_000));
        assert_eq!(input.lines[1].quantity.as_str(), "2.5");
        assert_eq!(input.lines[1].tax_code, None);
        let json = serde_json::json!({"Issue": {"issue_date": "2026-03-31"}});
        assert_eq!(serde_json::from_value::<InvoiceCommand>(json).unwrap(), issue());
        let json =
            serde_json::json!({"ApplyPayment": {"payment_id": "p1", "amount_minor": 5, "payment_date": "2026-04-15"}});
        assert_eq!(serde_json::from_value::<InvoiceCommand>(json).unwrap(), pay("p1", 5));
        let json = serde_json::json!({"Void": {"reason": "Sent to the wrong customer", "void_date": "2026-04-02"}});
        assert_eq!(serde_json::from_value::<InvoiceCommand>(json).unwrap(), void());
    }

    #[test]
    fn a_command_with_a_misspelled_field_is_refused_by_serde() {
        let json = serde_json::json!({"description": "x", "qty": 1, "unit_price": 1, "account": "4000"});
        assert!(serde_json::from_value::<InvoiceLineInput>(json).is_err());
        let json = serde_json::json!({"issue_date": "2026-03-31", "due": "2026-04-30"});
        assert!(serde_json::from_value::<IssueInvoice>(json).is_err());
        let json = serde_json::json!({"payment_id": "p1", "amount": 5, "payment_date": "2026-04-15"});
        assert!(serde_json::from_value::<ApplyPayment>(json).is_err());
    }

    fn one_of_each_event() -> Vec<InvoiceEvent> {
        vec![drafted(), generated(), payment_applied("p1", 40_000, 500_000), voided()]
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        for event in one_of_each_event() {
            let json = serde_json::to_value(&event).unwrap();
            let object = json.as_object().unwrap();
            assert_eq!(object.len(), 1);
            assert!(object.contains_key(&event.event_type()));
            let back: InvoiceEvent = serde_json::from_value(json).unwrap();
            assert_eq!(back, event);
        }
        let json = serde_json::to_value(generated()).unwrap();
        assert_eq!(json["InvoiceGenerated"]["issue_date"], "2026-03-31");
        assert_eq!(json["InvoiceGenerated"]["credits_invoice_id"], serde_json::Value::Null);
    }

    #[test]
    fn event_types_versions_and_aggregate_type_are_stable() {
        let types: Vec<String> = one_of_each_event().iter().map(DomainEvent::event_type).collect();
        assert_eq!(types, ["InvoiceDrafted", "InvoiceGenerated", "InvoicePaymentApplied", "InvoiceVoided"]);
        assert!(one_of_each_event().iter().all(|e| e.event_version() == "1"));
        assert_eq!(Invoice::TYPE, "finance.invoice");
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema,
    //! with compatible types, so the wire contract and the Rust types cannot drift.

    use super::*;
    use crate::avro_contract::{assert_event_matches_schema, field_type};

    const DRAFTED_AVSC: &str = include_str!("../../../../schemas/avro/finance/InvoiceDrafted.avsc");
    const GENERATED_AVSC: &str = include_str!("../../../../schemas/avro/finance/InvoiceGenerated.avsc");
    const PAYMENT_APPLIED_AVSC: &str = include_str!("../../../../schemas/avro/finance/InvoicePaymentApplied.avsc");
    const VOIDED_AVSC: &str = include_str!("../../../../schemas/avro/finance/InvoiceVoided.avsc");
    const JOURNAL_ENTRY_POSTED_AVSC: &str = include_str!("../../../../schemas/avro/finance/JournalEntryPosted.avsc");

    /// A credit note with a taxed and an untaxed line: every optional field both set and null.
    fn credit_note_history() -> Vec<InvoiceEvent> {
        history(vec![
            draft_of(
                InvoiceKind::CustomerCreditNote,
                vec![consulting(), line("Refunded postage", "1", 500, "4000", None)],
            ),
            issue(),
            void(),
        ])
    }

    #[test]
    fn invoice_events_json_match_their_avro_schemas() {
        assert_event_matches_schema(DRAFTED_AVSC, &drafted());
        assert_event_matches_schema(GENERATED_AVSC, &generated());
        assert_event_matches_schema(PAYMENT_APPLIED_AVSC, &payment_applied("p1", 40_000, 500_000));
        assert_event_matches_schema(VOIDED_AVSC, &voided());
    }

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let mut events = credit_note_history();
        events.extend(history(vec![draft_of(InvoiceKind::VendorBill, vec![consulting()]), issue(), pay("p1", 1)]));
        for event in &events {
            let avsc = match event {
                InvoiceEvent::InvoiceDrafted(_) => DRAFTED_AVSC,
                InvoiceEvent::InvoiceGenerated(_) => GENERATED_AVSC,
                InvoiceEvent::InvoicePaymentApplied(_) => PAYMENT_APPLIED_AVSC,
                InvoiceEvent::InvoiceVoided(_) => VOIDED_AVSC,
            };
            assert_event_matches_schema(avsc, event);
        }
        assert_eq!(events.len(), 6);
    }

    #[test]
    fn postings_use_the_journal_entry_posted_line_record() {
        let posted_line = field_type(JOURNAL_ENTRY_POSTED_AVSC, "lines")["items"].clone();
        assert_eq!(posted_line["name"], "PostedLine");
        assert_eq!(field_type(GENERATED_AVSC, "posting")["items"], posted_line);
        assert_eq!(field_type(VOIDED_AVSC, "posting")["items"], posted_line);
    }

    #[test]
    fn nested_line_records_are_named() {
        assert_eq!(field_type(DRAFTED_AVSC, "lines")["items"]["name"], "DraftLine");
        assert_eq!(field_type(GENERATED_AVSC, "lines")["items"]["name"], "InvoiceLine");
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Tax codes of the generated books: code, sales account, purchase account.
    const CODES: [(&str, &str, &str); 4] =
        [("A", "2100", "1400"), ("B", "2100", "1400"), ("C", "2110", "1410"), ("D", "2120", "1420")];

    fn arb_kind() -> impl Strategy<Value = InvoiceKind> {
        proptest::sample::select(InvoiceKind::ALL.to_vec())
    }

    /// Quantity (thousandths) and unit price, small or large, so that a line's net stays below
    /// 10^16 and a dozen lines with full tax cannot overflow; optionally one of the tax codes.
    fn arb_line() -> impl Strategy<Value = (i64, i64, Option<usize>)> {
        let amounts = prop_oneof![
            4 => (1_i64..=10_000, 0_i64..=1_000_000),
            1 => (1_i64..=1_000_000_000_000, 0_i64..=10_000),
            1 => (1_i64..=1_000, 0_i64..=10_000_000_000_000),
        ];
        (amounts, proptest::option::of(0..CODES.len())).prop_map(|((milli, price), code)| (milli, price, code))
    }

    /// `milli` thousandths as decimal text: 2500 → "2.500".
    fn quantity_text(milli: i64) -> String {
        format!("{}.{:03}", milli / 1_000, milli % 1_000)
    }

    fn books_with_rates(rates: &[i32]) -> Books {
        let mut books = books_of_2026(["1100", "2000", "4000", "2100", "2110", "2120", "1400", "1410", "1420"]);
        for ((code, sales, purchase), &rate_bp) in CODES.iter().zip(rates) {
            define_rate(&mut books, code, rate_bp, sales, purchase);
        }
        books
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn every_issue_posting_balances_and_the_control_account_takes_the_gross_total(
            kind in arb_kind(),
            lines in proptest::collection::vec(arb_line(), 1..12),
            rates in proptest::collection::vec(0_i32..=10_000, CODES.len()),
        ) {
            let inputs: Vec<InvoiceLineInput> = lines
                .iter()
                .map(|&(milli, price, code)| {
                    line("Item", &quantity_text(milli), price, "4000", code.map(|c| CODES[c].0))
                })
                .collect();
            let books = books_with_rates(&rates);
            let mut invoice = Invoice::default();
            for event in invoice.decide(draft_of(kind, inputs), &books).unwrap() {
                invoice.apply(event);
            }
            let expected_nets: Vec<i64> =
                lines.iter().map(|&(milli, price, _)| net_amount_minor(milli, price).unwrap()).collect();
            let events = match invoice.decide(issue(), &books) {
                Ok(events) => events,
                Err(InvoiceError::ZeroTotal) => {
                    prop_assert!(expected_nets.iter().all(|&net| net == 0));
                    return Ok(());
                }
                Err(error) => panic!("refused: {error}"),
            };
            let [InvoiceEvent::InvoiceGenerated(generated)] = events.as_slice() else { panic!("{events:?}") };
            let posting = &generated.posting;
            prop_assert!(lines_balance(posting));
            for (i, posted) in posting.iter().enumerate() {
                prop_assert_eq!(usize::try_from(posted.line_no).unwrap(), i + 1);
                prop_assert!(
                    (posted.debit_minor > 0) != (posted.credit_minor > 0)
                        && posted.debit_minor >= 0 && posted.credit_minor >= 0,
                    "{:?}", posted
                );
                prop_assert_eq!(&posted.currency, "EUR");
            }
            let control: Vec<&PostedLine> = posting.iter().filter(|l| l.account == "1100" || l.account == "2000").collect();
            prop_assert_eq!(control.len(), 1);
            let control_amount = control[0].debit_minor.max(control[0].credit_minor);
            prop_assert_eq!(control_amount, generated.gross_total_minor);
            let control_is_debit = control[0].debit_minor > 0;
            prop_assert_eq!(control_is_debit, matches!(kind.control_side(), crate::finance::journal_entry::Side::Debit));
            prop_assert_eq!(generated.gross_total_minor, generated.net_total_minor + generated.tax_total_minor);
            prop_assert!(generated.gross_total_minor > 0);
            // nets exact from the formula, taxes from the rate in force, both summed
            for (invoice_line, (&net, &(_, _, code))) in generated.lines.iter().zip(expected_nets.iter().zip(&lines)) {
                prop_assert_eq!(invoice_line.net_minor, net);
                let rate_bp = code.map_or(0, |c| rates[c]);
                prop_assert_eq!(invoice_line.tax_rate_bp, rate_bp);
                prop_assert_eq!(invoice_line.tax_minor, tax_amount_minor(net, rate_bp).unwrap());
            }
            prop_assert_eq!(generated.net_total_minor, expected_nets.iter().sum::<i64>());
            prop_assert_eq!(generated.tax_total_minor, generated.lines.iter().map(|l| l.tax_minor).sum::<i64>());
            // the tax accounts receive exactly the tax total
            let tax_accounts = ["2100", "2110", "2120", "1400", "1410", "1420"];
            let posted_tax: i64 = posting
                .iter()
                .filter(|l| tax_accounts.contains(&l.account.as_str()))
                .map(|l| l.debit_minor + l.credit_minor)
                .sum();
            prop_assert_eq!(posted_tax, generated.tax_total_minor);
            // voiding mirrors it line for line
            invoice.apply(events[0].clone());
            let voided = invoice.decide(void(), &books).unwrap();
            let [InvoiceEvent::InvoiceVoided(voided)] = voided.as_slice() else { panic!("{voided:?}") };
            prop_assert!(lines_balance(&voided.posting));
            prop_assert_eq!(voided.posting.clone(), posting.iter().map(PostedLine::mirrored).collect::<Vec<_>>());
        }

        #[test]
        fn rounding_is_half_away_from_zero_and_exact(
            quantity_milli in 1_i64..=1_000_000_000_000,
            unit_price in 0_i64..=i64::MAX,
            rate_bp in 0_i32..=10_000,
        ) {
            let product = i128::from(quantity_milli) * i128::from(unit_price);
            // floor((2p + d) / 2d) is p / d rounded half up, i.e. half away from zero for p ≥ 0
            let expected = (2 * product + 1_000) / 2_000;
            prop_assert_eq!(net_amount_minor(quantity_milli, unit_price), i64::try_from(expected).ok());
            if let Some(net) = net_amount_minor(quantity_milli, unit_price) {
                let tax = tax_amount_minor(net, rate_bp).unwrap();
                prop_assert_eq!(i128::from(tax), (2 * i128::from(net) * i128::from(rate_bp) + 10_000) / 20_000);
                prop_assert!(tax <= net);
            }
        }

        #[test]
        fn any_quantity_in_range_written_as_text_or_number_reads_back_exactly(
            milli in 1_i64..=1_000_000_000_000,
        ) {
            let text = quantity_text(milli);
            prop_assert_eq!(Quantity::new(text.clone()).milli(), Ok(milli));
            let trimmed = text.trim_end_matches('0').trim_end_matches('.');
            let number: Quantity = serde_json::from_str(trimmed).unwrap();
            prop_assert_eq!(number.milli(), Ok(milli));
        }
    }
}

mod functional_currency {
    use super::*;
    use crate::finance::exchange_rates::RateRefusal;
    use crate::finance::journal_entry::FunctionalAmount;
    use crate::test_support::{set_exchange_rates, usd};

    fn usd_invoice() -> InvoiceCommand {
        draft(DraftInvoice {
            currency: "USD".to_owned(),
            ..draft_input(InvoiceKind::CustomerInvoice, vec![consulting()])
        })
    }

    #[test]
    fn a_foreign_invoice_posts_its_functional_amounts_at_the_rate_of_the_issue_date() {
        let books = books_with(|books| set_exchange_rates(books, "EUR", &[("USD", date(2026, 3, 1), "0.8")]));
        let generated = generated_by(books, usd_invoice(), date(2026, 3, 31));
        for line in &generated.posting {
            let converted = |minor: i64| (minor * 8 + 5) / 10; // × 0.8, half away from zero
            let expected = FunctionalAmount {
                currency: "EUR".to_owned(),
                debit_minor: converted(line.debit_minor),
                credit_minor: converted(line.credit_minor),
            };
            assert_eq!(line.functional.as_ref(), Some(&expected), "{line:?}");
        }
        assert!(lines_balance(&generated.posting));
    }

    #[test]
    fn issuing_a_foreign_invoice_without_a_rate_on_the_issue_date_is_refused() {
        let books = books_with(|books| set_exchange_rates(books, "EUR", &[("USD", date(2026, 4, 1), "0.8")]));
        let expected = InvoiceError::NoExchangeRate {
            refusal: RateRefusal::MissingRate { currency: usd(), date: date(2026, 3, 31) },
        };
        assert_refused_by(
            books,
            history(vec![usd_invoice()]),
            issue(),
            expected,
            invalid("issue_date", "missing_exchange_rate"),
        );
    }
}

mod command_sequence_properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{check_command_sequence, check_status_move, commands_along, SEQUENCE_CASES};

    use InvoiceStatus as S;

    /// The status changes each command may make.
    fn allowed_moves(command: &InvoiceCommand) -> &'static [(InvoiceStatus, InvoiceStatus)] {
        match command {
            InvoiceCommand::Draft(_) => &[],
            InvoiceCommand::Issue(_) => &[(S::Draft, S::Issued)],
            InvoiceCommand::ApplyPayment(_) => {
                &[(S::Issued, S::PartiallyPaid), (S::Issued, S::Paid), (S::PartiallyPaid, S::Paid)]
            }
            InvoiceCommand::Void(_) => &[(S::Issued, S::Void)],
        }
    }

    /// What issuing fixes for good: kind, counterparty, currency, lines, dates, gross total
    /// and the posting.
    fn issued_terms(invoice: &Invoice) -> impl PartialEq + std::fmt::Debug + '_ {
        (
            (invoice.kind(), invoice.counterparty_id(), invoice.currency(), invoice.lines()),
            (invoice.issue_date(), invoice.due_date(), invoice.gross_total_minor(), invoice.posting()),
        )
    }

    /// An invoice's way from draft to paid: 5,400.00 EUR paid in two parts.
    fn invoice_to_cash() -> Vec<InvoiceCommand> {
        vec![
            draft_of(InvoiceKind::CustomerInvoice, vec![consulting()]),
            issue(),
            pay("PAY-1", 270_000),
            pay("PAY-2", 270_000),
        ]
    }

    /// Drafts of each kind (one with a retired tax code), issues inside and outside the open
    /// year, payments around what is open (the invoice is 5,400.00) under a few ids, voids.
    fn arb_command() -> impl Strategy<Value = InvoiceCommand> {
        prop_oneof![
            (prop::sample::select(InvoiceKind::ALL.to_vec()), any::<bool>()).prop_map(|(kind, retired_tax)| {
                let tax_code = if retired_tax { "OLD" } else { "VAT20" };
                draft_of(kind, vec![line("Consulting day", "3", 150_000, "4000", Some(tax_code))])
            }),
            prop::sample::select(vec![date(2026, 3, 31), date(2027, 1, 4)]).prop_map(issue_on),
            (
                prop::sample::select(vec!["PAY-1", "PAY-2", "PAY-3"]),
                prop::sample::select(vec![0_i64, 1, 270_000, 539_999, 540_000, 540_001])
            )
                .prop_map(|(payment, amount)| pay(payment, amount)),
            prop::sample::select(vec!["Sent to the wrong customer", " "])
                .prop_map(|reason| void_on(date(2026, 4, 2), reason)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, an invoice only moves draft → issued → partially paid →
        /// paid, or issued → void; once issued its terms and balanced posting never change;
        /// what is paid and what is open add up to the gross total (nothing open once void),
        /// open never below zero; issued means nothing paid, partially paid something paid and
        /// something open, paid nothing open.
        #[test]
        fn an_issued_invoice_keeps_its_posting_and_its_payments_add_up(
            commands in commands_along(invoice_to_cash(), arb_command()),
        ) {
            let services: Arc<dyn BooksSource> = Arc::new(test_books());
            check_command_sequence::<Invoice>(&services, commands, |step| {
                let (before, after) = (step.before.status(), step.after.status());
                check_status_move(before, after, S::Draft, allowed_moves(step.command))?;
                let invoice = step.after;
                if matches!(before, Some(S::Issued | S::PartiallyPaid | S::Paid | S::Void)) {
                    prop_assert_eq!(issued_terms(invoice), issued_terms(step.before));
                }
                match after {
                    None | Some(S::Draft) => prop_assert!(invoice.posting().is_empty() && invoice.paid_minor() == 0),
                    Some(S::Void) => prop_assert_eq!(invoice.open_minor(), 0),
                    Some(status) => {
                        prop_assert!(lines_balance(invoice.posting()));
                        prop_assert!(invoice.open_minor() >= 0);
                        prop_assert_eq!(invoice.paid_minor() + invoice.open_minor(), invoice.gross_total_minor());
                        let (paid, open) = (invoice.paid_minor(), invoice.open_minor());
                        let consistent = match status {
                            S::Issued => paid == 0,
                            S::PartiallyPaid => paid > 0 && open > 0,
                            _ => open == 0,
                        };
                        prop_assert!(consistent, "{:?} with {} paid, {} open", status, paid, open);
                    }
                }
                Ok(())
            })?;
        }
    }
}
