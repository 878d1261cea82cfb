//! Given–when–then tests for every payment rule, against fixed books and invoices; proof that
//! a malformed command never reaches a service; property tests for the posting; and the
//! contract test that keeps `PaymentProcessed` and its Avro schema in step.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::finance::account::AccountCodeError;
use crate::finance::books::Books;
use crate::finance::chart::{default_accounts, AccountOpened};
use crate::finance::invoice::{InvoiceKind, InvoiceStanding, InvoiceStatus};
use crate::finance::journal_entry::lines_balance;
use crate::refusal::{Refusal, RefusalKind};
use crate::test_support::{
    account, archive_account, assert_refused, close_period, date, eur, invalid_currencies, lock_period, open_account,
    open_single_period_year, posted_line, usd,
};

const CUSTOMER: &str = "C-100";
const VENDOR: &str = "V-200";

fn payment_id() -> Uuid {
    Uuid::parse_str("0190f3a2-7c4e-7b1d-9a6e-3f2b1c0d4e5f").unwrap()
}

/// The id of test invoice `n`, canonical (lowercase, hyphenated).
fn invoice(n: u32) -> String {
    format!("0190f3a2-0000-7000-8000-{n:012}")
}

/// Bank (`1000`) and petty cash (`1010`) as cash accounts, receivables (`1100`), inventory
/// (`1200`, not cash) and payables (`2000`), and one open period through 2026.
fn test_books() -> Books {
    let mut books = Books::default();
    open_account(&mut books, AccountOpened { cash: true, ..account(default_accounts::BANK, "asset") });
    open_account(&mut books, AccountOpened { cash: true, ..account(default_accounts::PETTY_CASH, "asset") });
    open_account(&mut books, account(default_accounts::ACCOUNTS_RECEIVABLE, "asset"));
    open_account(&mut books, account(default_accounts::INVENTORY, "asset"));
    open_account(&mut books, account(default_accounts::ACCOUNTS_PAYABLE, "liability"));
    open_single_period_year(&mut books, date(2026, 1, 1), date(2026, 12, 31));
    books
}

fn standing(n: u32, kind: InvoiceKind, status: InvoiceStatus, open_minor: i64) -> InvoiceStanding {
    let counterparty = match kind {
        InvoiceKind::CustomerInvoice | InvoiceKind::CustomerCreditNote => CUSTOMER,
        InvoiceKind::VendorBill | InvoiceKind::VendorCreditNote => VENDOR,
    };
    InvoiceStanding {
        invoice_id: invoice(n),
        kind,
        counterparty_id: counterparty.to_owned(),
        currency: "EUR".to_owned(),
        status,
        open_minor,
    }
}

/// Customer invoices 1 (issued, 600 open) and 2 (partially paid, 400 open); vendor bills 11
/// (issued, 900 open) and 12 (partially paid, 100 open).
fn test_invoices() -> Vec<InvoiceStanding> {
    vec![
        standing(1, InvoiceKind::CustomerInvoice, InvoiceStatus::Issued, 600),
        standing(2, InvoiceKind::CustomerInvoice, InvoiceStatus::PartiallyPaid, 400),
        standing(11, InvoiceKind::VendorBill, InvoiceStatus::Issued, 900),
        standing(12, InvoiceKind::VendorBill, InvoiceStatus::PartiallyPaid, 100),
    ]
}

/// Fixed books and invoices, counting how often each is read.
struct Fixed {
    books: Books,
    invoices: HashMap<String, InvoiceStanding>,
    books_reads: AtomicUsize,
    invoice_reads: AtomicUsize,
}

impl Fixed {
    fn new(books: Books, invoices: impl IntoIterator<Item = InvoiceStanding>) -> Self {
        Self {
            books,
            invoices: invoices.into_iter().map(|standing| (standing.invoice_id.clone(), standing)).collect(),
            books_reads: AtomicUsize::new(0),
            invoice_reads: AtomicUsize::new(0),
        }
    }
}

#[async_trait::async_trait]
impl PaymentServices for Fixed {
    async fn books(&self) -> Result<Arc<Books>, String> {
        self.books_reads.fetch_add(1, Ordering::SeqCst);
        Ok(Arc::new(self.books.clone()))
    }

    async fn invoices(&self, ids: &[String]) -> Result<Vec<Option<InvoiceStanding>>, String> {
        self.invoice_reads.fetch_add(1, Ordering::SeqCst);
        Ok(ids.iter().map(|id| self.invoices.get(id).cloned()).collect())
    }
}

/// Services that must not be called: the command is refused on its own structure first.
struct Untouchable;

#[async_trait::async_trait]
impl PaymentServices for Untouchable {
    async fn books(&self) -> Result<Arc<Books>, String> {
        panic!("books read for a command that is malformed on its own");
    }

    async fn invoices(&self, _ids: &[String]) -> Result<Vec<Option<InvoiceStanding>>, String> {
        panic!("invoices read for a command that is malformed on its own");
    }
}

/// Services of which one cannot be read, like a database that is down; the other answers
/// with the test data.
struct Down {
    books: bool,
    invoices: bool,
}

#[async_trait::async_trait]
impl PaymentServices for Down {
    async fn books(&self) -> Result<Arc<Books>, String> {
        if self.books {
            return Err("connection refused".to_owned());
        }
        Ok(Arc::new(test_books()))
    }

    async fn invoices(&self, ids: &[String]) -> Result<Vec<Option<InvoiceStanding>>, String> {
        if self.invoices {
            return Err("connection refused".to_owned());
        }
        Fixed::new(test_books(), test_invoices()).invoices(ids).await
    }
}

fn framework_with(services: impl PaymentServices + 'static) -> TestFramework<Payment> {
    TestFramework::with(Arc::new(services) as Arc<dyn PaymentServices>)
}

fn framework() -> TestFramework<Payment> {
    framework_with(Fixed::new(test_books(), test_invoices()))
}

fn books_with(change: impl FnOnce(&mut Books)) -> TestFramework<Payment> {
    let mut books = test_books();
    change(&mut books);
    framework_with(Fixed::new(books, test_invoices()))
}

fn invoices_with(invoices: impl IntoIterator<Item = InvoiceStanding>) -> TestFramework<Payment> {
    framework_with(Fixed::new(test_books(), invoices))
}

fn alloc(invoice_id: &str, amount_minor: i64) -> AllocationInput {
    AllocationInput { invoice_id: invoice_id.to_owned(), amount_minor }
}

/// 1 000.00 € received from the customer, 600 to invoice 1 and 300 to invoice 2.
fn received_input() -> ProcessPayment {
    ProcessPayment {
        payment_id: payment_id(),
        direction: "received".to_owned(),
        counterparty_id: CUSTOMER.to_owned(),
        payment_date: date(2026, 3, 31),
        amount_minor: 1_000,
        currency: "EUR".to_owned(),
        bank_account: None,
        control_account: None,
        reference: Some("BANK-2026-0331-7".to_owned()),
        allocations: vec![alloc(&invoice(1), 600), alloc(&invoice(2), 300)],
    }
}

/// 900 paid to the vendor, all of it to bill 11.
fn made_input() -> ProcessPayment {
    ProcessPayment {
        direction: "made".to_owned(),
        counterparty_id: VENDOR.to_owned(),
        amount_minor: 900,
        reference: None,
        allocations: vec![alloc(&invoice(11), 900)],
        ..received_input()
    }
}

fn process(input: ProcessPayment) -> PaymentCommand {
    PaymentCommand::Process(input)
}

fn entry_id() -> String {
    payment_entry_id_for(&payment_id().to_string()).to_string()
}

/// What `process(received_input())` records.
fn received_payload() -> PaymentProcessed {
    PaymentProcessed {
        payment_id: payment_id().to_string(),
        direction: "received".to_owned(),
        counterparty_id: CUSTOMER.to_owned(),
        payment_date: date(2026, 3, 31),
        amount_minor: 1_000,
        currency: "EUR".to_owned(),
        bank_account: "1000".to_owned(),
        control_account: "1100".to_owned(),
        reference: Some("BANK-2026-0331-7".to_owned()),
        allocations: vec![
            Allocation { invoice_id: invoice(1), amount_minor: 600 },
            Allocation { invoice_id: invoice(2), amount_minor: 300 },
        ],
        unallocated_minor: 100,
        entry_id: entry_id(),
        posting: vec![posted_line(1, "1000", 1_000, 0), posted_line(2, "1100", 0, 1_000)],
    }
}

fn received() -> PaymentEvent {
    PaymentEvent::PaymentProcessed(received_payload())
}

/// What `process(made_input())` records.
fn made_payload() -> PaymentProcessed {
    PaymentProcessed {
        payment_id: payment_id().to_string(),
        direction: "made".to_owned(),
        counterparty_id: VENDOR.to_owned(),
        payment_date: date(2026, 3, 31),
        amount_minor: 900,
        currency: "EUR".to_owned(),
        bank_account: "1000".to_owned(),
        control_account: "2000".to_owned(),
        reference: None,
        allocations: vec![Allocation { invoice_id: invoice(11), amount_minor: 900 }],
        unallocated_minor: 0,
        entry_id: entry_id(),
        posting: vec![posted_line(1, "2000", 900, 0), posted_line(2, "1000", 0, 900)],
    }
}

/// The one `PaymentProcessed` an accepted command records.
fn accepted(framework: TestFramework<Payment>, command: PaymentCommand) -> PaymentProcessed {
    let events = framework.given_no_previous_events().when(command).inspect_result();
    match events.as_deref() {
        Ok([PaymentEvent::PaymentProcessed(processed)]) => processed.clone(),
        other => panic!("expected one PaymentProcessed, got {other:?}"),
    }
}

/// Refused on the command's own structure — so with services that panic when called.
fn assert_malformed(input: ProcessPayment, expected: PaymentError, field: &str, code: &str) {
    assert_eq!(expected.kind(), RefusalKind::Invalid, "kind of {expected:?}");
    assert_refused(framework_with(Untouchable), vec![], process(input), expected, Some(field), code);
}

/// Refused by the standard test services.
fn assert_processing_refused(input: ProcessPayment, expected: PaymentError, field: &str, code: &str) {
    assert_refused(framework(), vec![], process(input), expected, Some(field), code);
}

mod processing {
    use super::*;

    #[test]
    fn a_payment_received_debits_the_bank_and_credits_receivables() {
        framework().given_no_previous_events().when(process(received_input())).then_expect_events(vec![received()]);
    }

    #[test]
    fn a_payment_made_debits_payables_and_credits_the_bank() {
        framework()
            .given_no_previous_events()
            .when(process(made_input()))
            .then_expect_events(vec![PaymentEvent::PaymentProcessed(made_payload())]);
    }

    #[test]
    fn what_is_not_allocated_stays_unallocated() {
        let input = ProcessPayment { allocations: vec![alloc(&invoice(2), 1)], ..received_input() };
        let processed = accepted(framework(), process(input));
        assert_eq!(processed.unallocated_minor, 999);
        assert_eq!(processed.posting, vec![posted_line(1, "1000", 1_000, 0), posted_line(2, "1100", 0, 1_000)]);
    }

    #[test]
    fn a_payment_without_allocations_is_all_unallocated_and_reads_no_invoice() {
        let services = Arc::new(Fixed::new(test_books(), test_invoices()));
        let framework = TestFramework::<Payment>::with(services.clone() as Arc<dyn PaymentServices>);
        let processed = accepted(framework, process(ProcessPayment { allocations: vec![], ..received_input() }));
        assert!(processed.allocations.is_empty());
        assert_eq!(processed.unallocated_minor, 1_000);
        assert_eq!(services.invoice_reads.load(Ordering::SeqCst), 0);
        assert_eq!(services.books_reads.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn invoices_are_read_once_for_all_allocations() {
        let services = Arc::new(Fixed::new(test_books(), test_invoices()));
        let framework = TestFramework::<Payment>::with(services.clone() as Arc<dyn PaymentServices>);
        accepted(framework, process(received_input()));
        assert_eq!(services.invoice_reads.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn allocating_exactly_the_amount_leaves_nothing_unallocated() {
        let input = ProcessPayment { amount_minor: 900, ..received_input() };
        assert_eq!(accepted(framework(), process(input)).unallocated_minor, 0);
    }

    #[test]
    fn allocating_exactly_what_is_open_on_each_invoice_is_accepted() {
        let input =
            ProcessPayment { allocations: vec![alloc(&invoice(2), 400), alloc(&invoice(1), 600)], ..received_input() };
        let processed = accepted(framework(), process(input));
        let amounts: Vec<(&str, i64)> =
            processed.allocations.iter().map(|a| (a.invoice_id.as_str(), a.amount_minor)).collect();
        assert_eq!(amounts, [(invoice(2).as_str(), 400), (invoice(1).as_str(), 600)], "in the order given");
    }

    #[test]
    fn bank_and_control_accounts_named_in_the_command_are_posted_to() {
        let input = ProcessPayment {
            bank_account: Some(default_accounts::PETTY_CASH.to_owned()),
            control_account: Some("1200".to_owned()),
            allocations: vec![],
            ..received_input()
        };
        let processed = accepted(framework(), process(input));
        assert_eq!((processed.bank_account.as_str(), processed.control_account.as_str()), ("1010", "1200"));
        assert_eq!(processed.posting, vec![posted_line(1, "1010", 1_000, 0), posted_line(2, "1200", 0, 1_000)]);
        let input = ProcessPayment { bank_account: Some("1010".to_owned()), ..made_input() };
        assert_eq!(
            accepted(framework(), process(input)).posting,
            vec![posted_line(1, "2000", 900, 0), posted_line(2, "1010", 0, 900)]
        );
    }

    #[test]
    fn invoice_ids_are_recorded_in_canonical_form() {
        let upper = invoice(1).to_uppercase();
        let simple = invoice(2).replace('-', "");
        let input = ProcessPayment { allocations: vec![alloc(&upper, 600), alloc(&simple, 300)], ..received_input() };
        assert_eq!(accepted(framework(), process(input)), received_payload());
    }

    #[test]
    fn a_payment_without_reference_is_accepted() {
        let processed = accepted(framework(), process(ProcessPayment { reference: None, ..received_input() }));
        assert_eq!(processed.reference, None);
    }

    #[test]
    fn the_entry_id_is_the_v5_uuid_of_the_payment_id() {
        let id = payment_id().to_string();
        let expected = Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{id}/payment").as_bytes());
        assert_eq!(payment_entry_id_for(&id), expected);
        assert_eq!(expected.get_version_num(), 5);
        assert_ne!(expected, payment_id());
        assert_ne!(payment_entry_id_for(&id), payment_entry_id_for(&Uuid::nil().to_string()));
    }

    #[test]
    fn the_maximum_number_of_allocations_is_accepted() {
        let invoices: Vec<InvoiceStanding> =
            (1..=500).map(|n| standing(n, InvoiceKind::CustomerInvoice, InvoiceStatus::Issued, 2)).collect();
        let allocations = (1..=500).map(|n| alloc(&invoice(n), 2)).collect();
        let input = ProcessPayment { allocations, ..received_input() };
        let processed = accepted(invoices_with(invoices), process(input));
        assert_eq!(processed.allocations.len(), MAX_ALLOCATIONS);
        assert_eq!(processed.unallocated_minor, 0);
    }

    #[test]
    fn processing_an_already_processed_payment_is_a_conflict() {
        let expected = PaymentError::AlreadyProcessed;
        assert_eq!(expected.kind(), RefusalKind::Conflict);
        let command = process(received_input());
        assert_refused(framework(), vec![received()], command, expected, Some("payment_id"), "already_processed");
    }

    #[test]
    fn an_already_processed_payment_is_refused_before_anything_is_read() {
        let command = process(ProcessPayment { direction: "sideways".to_owned(), ..received_input() });
        let expected = PaymentError::AlreadyProcessed;
        assert_refused(
            framework_with(Untouchable),
            vec![received()],
            command,
            expected,
            Some("payment_id"),
            "already_processed",
        );
    }
}

mod structure {
    use super::*;

    #[test]
    fn a_direction_other_than_received_or_made_is_rejected() {
        for direction in ["", "Received", "MADE", "refund", " made"] {
            assert_malformed(
                ProcessPayment { direction: direction.to_owned(), ..received_input() },
                PaymentError::InvalidDirection { direction: direction.to_owned() },
                "direction",
                "invalid_direction",
            );
        }
    }

    #[test]
    fn a_blank_counterparty_is_rejected() {
        for counterparty_id in ["", "  \t"] {
            assert_malformed(
                ProcessPayment { counterparty_id: counterparty_id.to_owned(), ..received_input() },
                PaymentError::CounterpartyBlank,
                "counterparty_id",
                "counterparty_blank",
            );
        }
    }

    #[test]
    fn a_counterparty_over_the_limit_is_rejected_and_one_at_the_limit_accepted() {
        // multi-byte characters: the limit counts characters, not bytes
        let with = |chars: usize| ProcessPayment {
            counterparty_id: "ü".repeat(chars),
            allocations: vec![],
            ..received_input()
        };
        accepted(framework(), process(with(MAX_COUNTERPARTY_ID_CHARS)));
        assert_malformed(
            with(MAX_COUNTERPARTY_ID_CHARS + 1),
            PaymentError::CounterpartyTooLong { chars: 101, max: 100 },
            "counterparty_id",
            "counterparty_too_long",
        );
    }

    #[test]
    fn a_zero_or_negative_amount_is_rejected() {
        for amount in [0, -1, i64::MIN] {
            assert_malformed(
                ProcessPayment { amount_minor: amount, allocations: vec![], ..received_input() },
                PaymentError::NonPositiveAmount { amount },
                "amount_minor",
                "non_positive_amount",
            );
        }
    }

    #[test]
    fn an_invalid_currency_is_rejected() {
        for (currency, reason) in invalid_currencies() {
            assert_malformed(
                ProcessPayment { currency: currency.to_owned(), ..received_input() },
                PaymentError::InvalidCurrency { reason },
                "currency",
                "invalid_currency",
            );
        }
    }

    #[test]
    fn a_blank_reference_is_rejected() {
        assert_malformed(
            ProcessPayment { reference: Some(" ".to_owned()), ..received_input() },
            PaymentError::ReferenceBlank,
            "reference",
            "reference_blank",
        );
    }

    #[test]
    fn a_reference_over_the_limit_is_rejected_and_one_at_the_limit_accepted() {
        let with = |chars: usize| ProcessPayment { reference: Some("R".repeat(chars)), ..received_input() };
        accepted(framework(), process(with(MAX_REFERENCE_CHARS)));
        assert_malformed(
            with(MAX_REFERENCE_CHARS + 1),
            PaymentError::ReferenceTooLong { chars: 201, max: 200 },
            "reference",
            "reference_too_long",
        );
    }

    #[test]
    fn an_invalid_bank_account_code_is_rejected() {
        assert_malformed(
            ProcessPayment { bank_account: Some(String::new()), ..received_input() },
            PaymentError::InvalidBankAccount { reason: AccountCodeError::Empty },
            "bank_account",
            "invalid_account",
        );
    }

    #[test]
    fn an_invalid_control_account_code_is_rejected() {
        assert_malformed(
            ProcessPayment { control_account: Some("-1100".to_owned()), ..made_input() },
            PaymentError::InvalidControlAccount { reason: AccountCodeError::MustStartAlphanumeric },
            "control_account",
            "invalid_account",
        );
    }

    #[test]
    fn a_control_account_that_is_the_bank_account_is_rejected() {
        assert_malformed(
            ProcessPayment { control_account: Some("1000".to_owned()), ..received_input() },
            PaymentError::ControlAccountIsBankAccount { code: "1000".to_owned() },
            "control_account",
            "control_is_bank_account",
        );
        assert_malformed(
            ProcessPayment { bank_account: Some("2000".to_owned()), ..made_input() },
            PaymentError::ControlAccountIsBankAccount { code: "2000".to_owned() },
            "control_account",
            "control_is_bank_account",
        );
    }

    #[test]
    fn more_than_the_maximum_number_of_allocations_is_rejected() {
        let allocations = (1..=501).map(|n| alloc(&invoice(n), 1)).collect();
        assert_malformed(
            ProcessPayment { allocations, ..received_input() },
            PaymentError::TooManyAllocations { count: 501, max: 500 },
            "allocations",
            "too_many_allocations",
        );
    }

    #[test]
    fn an_invoice_id_that_is_not_a_uuid_is_rejected() {
        for invoice_id in ["", "INV-2026-0042", "0190f3a2-0000-7000-8000-00000000000"] {
            assert_malformed(
                ProcessPayment { allocations: vec![alloc(&invoice(1), 1), alloc(invoice_id, 1)], ..received_input() },
                PaymentError::InvalidInvoiceId { index: 1, invoice_id: invoice_id.to_owned() },
                "allocations[1].invoice_id",
                "invalid_invoice_id",
            );
        }
    }

    #[test]
    fn a_zero_or_negative_allocation_is_rejected() {
        for amount in [0, -600, i64::MIN] {
            assert_malformed(
                ProcessPayment { allocations: vec![alloc(&invoice(1), amount)], ..received_input() },
                PaymentError::NonPositiveAllocation { index: 0, amount },
                "allocations[0].amount_minor",
                "non_positive_amount",
            );
        }
    }

    #[test]
    fn allocating_to_an_invoice_twice_is_rejected_however_its_id_is_spelt() {
        let allocations = vec![alloc(&invoice(1), 1), alloc(&invoice(2), 1), alloc(&invoice(1).to_uppercase(), 1)];
        assert_malformed(
            ProcessPayment { allocations, ..received_input() },
            PaymentError::DuplicateInvoice { index: 2, invoice_id: invoice(1), first: 0 },
            "allocations[2].invoice_id",
            "duplicate_invoice",
        );
    }

    #[test]
    fn allocating_more_than_the_amount_is_rejected() {
        let input = ProcessPayment { amount_minor: 899, ..received_input() };
        assert_malformed(
            input,
            PaymentError::OverAllocated { allocated: 900, amount: 899 },
            "allocations",
            "over_allocated",
        );
    }

    #[test]
    fn allocations_whose_sum_overflows_64_bits_are_over_allocated_not_wrapped() {
        let allocations = vec![alloc(&invoice(1), i64::MAX), alloc(&invoice(2), i64::MAX)];
        let input = ProcessPayment { amount_minor: i64::MAX, allocations, ..received_input() };
        assert_malformed(
            input,
            PaymentError::OverAllocated { allocated: 2 * i128::from(i64::MAX), amount: i64::MAX },
            "allocations",
            "over_allocated",
        );
    }

    #[test]
    fn the_first_broken_rule_is_reported() {
        let input = ProcessPayment {
            direction: "refund".to_owned(),
            counterparty_id: String::new(),
            amount_minor: 0,
            ..received_input()
        };
        assert_malformed(
            input,
            PaymentError::InvalidDirection { direction: "refund".to_owned() },
            "direction",
            "invalid_direction",
        );
        let input = ProcessPayment {
            allocations: vec![alloc(&invoice(1), 0), alloc("nope", 1)],
            amount_minor: 1,
            ..received_input()
        };
        assert_malformed(
            input,
            PaymentError::NonPositiveAllocation { index: 0, amount: 0 },
            "allocations[0].amount_minor",
            "non_positive_amount",
        );
    }
}

mod invoices {
    use super::*;

    fn paying(n: u32, amount: i64) -> ProcessPayment {
        ProcessPayment { allocations: vec![alloc(&invoice(n), amount)], ..received_input() }
    }

    #[test]
    fn allocating_to_an_invoice_that_does_not_exist_is_rejected() {
        let expected = PaymentError::InvoiceNotFound { index: 0, invoice_id: invoice(99) };
        assert_eq!(expected.kind(), RefusalKind::Invalid);
        assert_processing_refused(paying(99, 1), expected, "allocations[0].invoice_id", "invoice_not_found");
    }

    #[test]
    fn allocating_to_a_draft_is_rejected() {
        let framework = invoices_with([standing(5, InvoiceKind::CustomerInvoice, InvoiceStatus::Draft, 600)]);
        let expected = PaymentError::InvoiceNotIssued { index: 0, invoice_id: invoice(5) };
        let field = Some("allocations[0].invoice_id");
        assert_refused(framework, vec![], process(paying(5, 1)), expected, field, "invoice_not_issued");
    }

    #[test]
    fn paying_a_void_invoice_is_rejected() {
        let framework = invoices_with([standing(5, InvoiceKind::CustomerInvoice, InvoiceStatus::Void, 600)]);
        let expected = PaymentError::InvoiceVoid { index: 0, invoice_id: invoice(5) };
        assert!(expected.to_string().contains("paying a void invoice"), "{expected}");
        let field = Some("allocations[0].invoice_id");
        assert_refused(framework, vec![], process(paying(5, 1)), expected, field, "invoice_void");
    }

    #[test]
    fn paying_a_paid_invoice_is_rejected() {
        let framework = invoices_with([standing(5, InvoiceKind::CustomerInvoice, InvoiceStatus::Paid, 0)]);
        let expected = PaymentError::InvoiceAlreadyPaid { index: 0, invoice_id: invoice(5) };
        let field = Some("allocations[0].invoice_id");
        assert_refused(framework, vec![], process(paying(5, 1)), expected, field, "invoice_already_paid");
    }

    #[test]
    fn credit_notes_take_no_payment_in_either_direction() {
        let framework = || {
            invoices_with([
                standing(5, InvoiceKind::CustomerCreditNote, InvoiceStatus::Issued, 600),
                standing(6, InvoiceKind::VendorCreditNote, InvoiceStatus::Issued, 600),
            ])
        };
        let field = Some("allocations[0].invoice_id");
        let expected = PaymentError::CreditNoteNotPayable {
            index: 0,
            invoice_id: invoice(5),
            kind: InvoiceKind::CustomerCreditNote,
        };
        assert_refused(framework(), vec![], process(paying(5, 1)), expected, field, "credit_note_not_payable");
        let command = process(ProcessPayment { allocations: vec![alloc(&invoice(6), 1)], ..made_input() });
        let expected = PaymentError::CreditNoteNotPayable {
            index: 0,
            invoice_id: invoice(6),
            kind: InvoiceKind::VendorCreditNote,
        };
        assert_refused(framework(), vec![], command, expected, field, "credit_note_not_payable");
    }

    #[test]
    fn a_payment_received_cannot_pay_a_vendor_bill() {
        let input = ProcessPayment { counterparty_id: VENDOR.to_owned(), ..paying(11, 1) };
        let expected = PaymentError::InvoiceKindMismatch {
            index: 0,
            invoice_id: invoice(11),
            kind: InvoiceKind::VendorBill,
            direction: PaymentDirection::Received,
        };
        assert_eq!(
            expected.to_string(),
            format!(
                "allocations[0].invoice_id {} is a vendor bill; a payment received settles only customer invoices",
                invoice(11)
            )
        );
        assert_processing_refused(input, expected, "allocations[0].invoice_id", "invoice_kind_mismatch");
    }

    #[test]
    fn a_payment_made_cannot_pay_a_customer_invoice() {
        let input = ProcessPayment {
            counterparty_id: CUSTOMER.to_owned(),
            allocations: vec![alloc(&invoice(1), 1)],
            ..made_input()
        };
        let expected = PaymentError::InvoiceKindMismatch {
            index: 0,
            invoice_id: invoice(1),
            kind: InvoiceKind::CustomerInvoice,
            direction: PaymentDirection::Made,
        };
        assert_processing_refused(input, expected, "allocations[0].invoice_id", "invoice_kind_mismatch");
    }

    #[test]
    fn an_invoice_of_another_counterparty_is_rejected() {
        let input = ProcessPayment { counterparty_id: "C-999".to_owned(), ..paying(1, 1) };
        let expected = PaymentError::CounterpartyMismatch {
            index: 0,
            invoice_id: invoice(1),
            invoice_counterparty_id: CUSTOMER.to_owned(),
            counterparty_id: "C-999".to_owned(),
        };
        assert_processing_refused(input, expected, "allocations[0].invoice_id", "counterparty_mismatch");
    }

    #[test]
    fn an_invoice_in_another_currency_is_rejected() {
        let usd = InvoiceStanding {
            currency: "USD".to_owned(),
            ..standing(5, InvoiceKind::CustomerInvoice, InvoiceStatus::Issued, 600)
        };
        let expected = PaymentError::CurrencyMismatch {
            index: 0,
            invoice_id: invoice(5),
            invoice_currency: "USD".to_owned(),
            currency: eur(),
        };
        let field = Some("allocations[0].invoice_id");
        assert_refused(invoices_with([usd]), vec![], process(paying(5, 1)), expected, field, "currency_mismatch");
    }

    #[test]
    fn allocating_more_than_is_open_on_an_invoice_is_rejected() {
        let input = ProcessPayment {
            amount_minor: 1_001,
            allocations: vec![alloc(&invoice(1), 600), alloc(&invoice(2), 401)],
            ..received_input()
        };
        let expected =
            PaymentError::ExceedsOpenAmount { index: 1, invoice_id: invoice(2), open_minor: 400, amount_minor: 401 };
        assert_processing_refused(input, expected, "allocations[1].amount_minor", "exceeds_open_amount");
    }

    #[test]
    fn the_first_invoice_breaking_a_rule_is_reported_in_allocation_order() {
        let input = ProcessPayment {
            allocations: vec![alloc(&invoice(1), 600), alloc(&invoice(99), 1), alloc(&invoice(11), 1)],
            ..received_input()
        };
        let expected = PaymentError::InvoiceNotFound { index: 1, invoice_id: invoice(99) };
        assert_processing_refused(input, expected, "allocations[1].invoice_id", "invoice_not_found");
    }

    #[test]
    fn unreadable_invoices_refuse_the_command_as_unavailable() {
        let expected = PaymentError::InvoicesUnavailable { reason: "connection refused".to_owned() };
        assert_eq!(expected.kind(), RefusalKind::Unavailable);
        let framework = framework_with(Down { books: false, invoices: true });
        assert_refused(framework, vec![], process(received_input()), expected, None, "invoices_unavailable");
    }

    /// Answers every invoice question with nothing at all.
    struct Mute;

    #[async_trait::async_trait]
    impl PaymentServices for Mute {
        async fn books(&self) -> Result<Arc<Books>, String> {
            Ok(Arc::new(test_books()))
        }

        async fn invoices(&self, _ids: &[String]) -> Result<Vec<Option<InvoiceStanding>>, String> {
            Ok(vec![])
        }
    }

    #[test]
    fn an_invoice_service_that_answers_the_wrong_count_is_unavailable() {
        let expected = PaymentError::InvoicesUnavailable { reason: "asked for 2 invoices, got 0 answers".to_owned() };
        assert_refused(framework_with(Mute), vec![], process(received_input()), expected, None, "invoices_unavailable");
    }

    #[test]
    fn invoices_are_checked_before_the_books_are_read() {
        let framework = framework_with(Down { books: true, invoices: false });
        let expected = PaymentError::InvoiceNotFound { index: 0, invoice_id: invoice(99) };
        let field = Some("allocations[0].invoice_id");
        assert_refused(framework, vec![], process(paying(99, 1)), expected, field, "invoice_not_found");
    }
}

mod books_checks {
    use super::*;

    fn assert_books_refuse(
        framework: TestFramework<Payment>,
        input: ProcessPayment,
        expected: PaymentError,
        field: &str,
        code: &str,
    ) {
        assert_refused(framework, vec![], process(input), expected, Some(field), code);
    }

    #[test]
    fn a_payment_dated_outside_every_fiscal_year_is_refused() {
        let input = ProcessPayment { payment_date: date(2027, 1, 1), ..received_input() };
        let expected = PaymentError::NoFiscalYear { date: date(2027, 1, 1) };
        assert_books_refuse(framework(), input, expected, "payment_date", "no_fiscal_year");
    }

    #[test]
    fn a_payment_into_a_closed_period_is_refused_naming_the_period() {
        let expected =
            PaymentError::PeriodNotOpen { date: date(2026, 3, 31), period: "T-01".to_owned(), status: "closed" };
        assert_eq!(expected.to_string(), "2026-03-31 falls in fiscal period T-01, which is closed");
        assert_books_refuse(
            books_with(|books| close_period(books, "T-01")),
            received_input(),
            expected,
            "payment_date",
            "period_not_open",
        );
    }

    #[test]
    fn a_payment_into_a_locked_period_is_refused() {
        let books = books_with(|books| {
            close_period(books, "T-01");
            lock_period(books, "T-01");
        });
        let expected =
            PaymentError::PeriodNotOpen { date: date(2026, 3, 31), period: "T-01".to_owned(), status: "locked" };
        assert_books_refuse(books, made_input(), expected, "payment_date", "period_not_open");
    }

    #[test]
    fn the_date_is_checked_before_the_accounts() {
        let input = ProcessPayment {
            payment_date: date(2030, 1, 1),
            bank_account: Some("7777".to_owned()),
            ..received_input()
        };
        let expected = PaymentError::NoFiscalYear { date: date(2030, 1, 1) };
        assert_books_refuse(framework(), input, expected, "payment_date", "no_fiscal_year");
    }

    #[test]
    fn an_unknown_bank_account_is_refused_on_bank_account_in_both_directions() {
        for input in [received_input(), made_input()] {
            let input = ProcessPayment { bank_account: Some("1020".to_owned()), ..input };
            let expected = PaymentError::UnknownAccount { field: "bank_account", code: "1020".to_owned() };
            assert_books_refuse(framework(), input, expected, "bank_account", "unknown_account");
        }
    }

    #[test]
    fn an_unknown_control_account_is_refused_on_control_account_in_both_directions() {
        for input in [received_input(), made_input()] {
            let input = ProcessPayment { control_account: Some("1199".to_owned()), ..input };
            let expected = PaymentError::UnknownAccount { field: "control_account", code: "1199".to_owned() };
            assert_books_refuse(framework(), input, expected, "control_account", "unknown_account");
        }
    }

    #[test]
    fn a_default_control_account_missing_from_the_chart_is_refused() {
        let mut books = Books::default();
        open_account(&mut books, AccountOpened { cash: true, ..account("1000", "asset") });
        books.calendar = test_books().calendar;
        let expected = PaymentError::UnknownAccount { field: "control_account", code: "2000".to_owned() };
        let framework = framework_with(Fixed::new(books, test_invoices()));
        assert_books_refuse(framework, made_input(), expected, "control_account", "unknown_account");
    }

    #[test]
    fn a_header_account_is_refused() {
        let books = books_with(|books| {
            open_account(
                books,
                AccountOpened { name: "Receivables".to_owned(), header: true, ..account("11", "asset") },
            );
        });
        let input = ProcessPayment { control_account: Some("11".to_owned()), ..received_input() };
        let expected = PaymentError::HeaderAccount { field: "control_account", code: "11".to_owned() };
        assert_books_refuse(books, input, expected, "control_account", "header_account");
    }

    #[test]
    fn an_archived_bank_account_is_refused() {
        let books = books_with(|books| archive_account(books, "1000"));
        let expected = PaymentError::ArchivedAccount { field: "bank_account", code: "1000".to_owned() };
        assert_books_refuse(books, made_input(), expected, "bank_account", "archived_account");
    }

    #[test]
    fn an_account_restricted_to_another_currency_is_refused() {
        let books = books_with(|books| {
            open_account(
                books,
                AccountOpened {
                    name: "Bank USD".to_owned(),
                    currency: Some("USD".to_owned()),
                    cash: true,
                    ..account("1020", "asset")
                },
            );
        });
        let input = ProcessPayment { bank_account: Some("1020".to_owned()), ..received_input() };
        let expected = PaymentError::AccountCurrencyMismatch {
            field: "bank_account",
            code: "1020".to_owned(),
            account_currency: usd(),
            currency: eur(),
        };
        assert_books_refuse(books, input, expected, "bank_account", "account_currency_mismatch");
    }

    #[test]
    fn a_bank_account_that_is_not_cash_is_refused() {
        let input = ProcessPayment {
            bank_account: Some("1200".to_owned()),
            control_account: Some("1100".to_owned()),
            ..received_input()
        };
        let expected = PaymentError::NotACashAccount { code: "1200".to_owned() };
        assert_books_refuse(framework(), input, expected, "bank_account", "not_a_cash_account");
    }

    #[test]
    fn unreadable_books_refuse_the_command_as_unavailable() {
        let expected = PaymentError::BooksUnavailable { reason: "connection refused".to_owned() };
        assert_eq!(expected.kind(), RefusalKind::Unavailable);
        let framework = framework_with(Down { books: true, invoices: false });
        assert_refused(framework, vec![], process(received_input()), expected, None, "books_unavailable");
    }
}

mod state_and_wire {
    use super::*;

    #[test]
    fn folding_processed_tracks_every_getter() {
        let mut payment = Payment::default();
        assert_eq!(payment.status(), PaymentStatus::NotProcessed);
        assert_eq!(payment.id(), None);
        assert!(payment.allocations().is_empty());
        assert!(payment.posting().is_empty());
        assert_eq!(payment.payment_date(), None);
        payment.apply(received());
        assert_eq!(payment.status(), PaymentStatus::Processed);
        assert_eq!(payment.id(), Some(payment_id().to_string().as_str()));
        assert_eq!(payment.direction(), Some(PaymentDirection::Received));
        assert_eq!(payment.counterparty_id(), Some(CUSTOMER));
        assert_eq!(payment.payment_date(), Some(date(2026, 3, 31)));
        assert_eq!(payment.amount_minor(), Some(1_000));
        assert_eq!(payment.currency(), Some("EUR"));
        assert_eq!(payment.bank_account(), Some("1000"));
        assert_eq!(payment.control_account(), Some("1100"));
        assert_eq!(payment.reference(), Some("BANK-2026-0331-7"));
        assert_eq!(payment.allocations(), received_payload().allocations.as_slice());
        assert_eq!(payment.unallocated_minor(), Some(100));
        assert_eq!(payment.entry_id(), Some(entry_id().as_str()));
        assert_eq!(payment.posting(), received_payload().posting.as_slice());
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        let mut payment = Payment::default();
        payment.apply(received());
        let json = serde_json::to_string(&payment).unwrap();
        assert_eq!(serde_json::from_str::<Payment>(&json).unwrap(), payment);
    }

    #[test]
    fn directions_parse_their_wire_names_and_default_their_control_account() {
        for direction in PaymentDirection::ALL {
            assert_eq!(PaymentDirection::parse(direction.as_str()), Some(direction));
            assert_eq!(direction.to_string(), direction.as_str());
        }
        assert_eq!(PaymentDirection::Received.default_control_account(), default_accounts::ACCOUNTS_RECEIVABLE);
        assert_eq!(PaymentDirection::Made.default_control_account(), default_accounts::ACCOUNTS_PAYABLE);
        assert_eq!(serde_json::to_value(PaymentDirection::Made).unwrap(), "made");
    }

    #[test]
    fn a_process_command_deserializes_from_api_json_with_optional_fields_omitted() {
        let json = serde_json::json!({"Process": {
            "payment_id": payment_id(),
            "direction": "received",
            "counterparty_id": CUSTOMER,
            "payment_date": "2026-03-31",
            "amount_minor": 1000,
            "currency": "EUR"
        }});
        let PaymentCommand::Process(input) = serde_json::from_value(json).unwrap();
        assert_eq!((input.bank_account, input.control_account, input.reference), (None, None, None));
        assert!(input.allocations.is_empty());
    }

    #[test]
    fn a_command_with_a_misspelled_field_is_refused_by_serde() {
        let json = serde_json::json!({"invoice_id": invoice(1), "amount": 1});
        assert!(serde_json::from_value::<AllocationInput>(json).is_err());
        let mut json = serde_json::to_value(received_input()).unwrap();
        json["bank"] = "1000".into();
        assert!(serde_json::from_value::<ProcessPayment>(json).is_err());
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        let event = received();
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json.as_object().unwrap().len(), 1);
        assert_eq!(json["PaymentProcessed"]["payment_date"], "2026-03-31");
        assert_eq!(json["PaymentProcessed"]["allocations"][1]["amount_minor"], 300);
        assert_eq!(serde_json::from_value::<PaymentEvent>(json).unwrap(), event);
    }

    #[test]
    fn event_type_version_and_aggregate_type_are_stable() {
        assert_eq!(received().event_type(), "PaymentProcessed");
        assert_eq!(received().event_version(), "1");
        assert_eq!(Payment::TYPE, "finance.payment");
    }

    #[test]
    fn only_a_processed_payment_is_a_conflict_and_only_services_are_unavailable() {
        assert_eq!(PaymentError::AlreadyProcessed.kind(), RefusalKind::Conflict);
        assert_eq!(PaymentError::BooksUnavailable { reason: String::new() }.kind(), RefusalKind::Unavailable);
        assert_eq!(PaymentError::InvoicesUnavailable { reason: String::new() }.kind(), RefusalKind::Unavailable);
        assert_eq!(PaymentError::InvoiceNotFound { index: 0, invoice_id: invoice(1) }.kind(), RefusalKind::Invalid);
        assert_eq!(PaymentError::NotACashAccount { code: "1200".to_owned() }.kind(), RefusalKind::Invalid);
    }

    #[test]
    fn error_messages_name_the_input() {
        let error = PaymentError::OverAllocated { allocated: 900, amount: 899 };
        assert_eq!(error.to_string(), "allocations total 900, more than the payment's amount_minor 899");
        let error = PaymentError::UnknownAccount { field: "bank_account", code: "1020".to_owned() };
        assert_eq!(error.to_string(), "bank_account 1020 is not in the chart of accounts");
        let error =
            PaymentError::ExceedsOpenAmount { index: 1, invoice_id: invoice(2), open_minor: 400, amount_minor: 401 };
        assert_eq!(
            error.to_string(),
            format!("allocations[1].amount_minor 401 exceeds the 400 open on invoice {}", invoice(2))
        );
    }
}

mod avro_contract {
    use super::*;
    use crate::avro_contract::{assert_event_matches_schema, field_type};

    const PROCESSED_AVSC: &str = include_str!("../../../../schemas/avro/finance/PaymentProcessed.avsc");
    const JOURNAL_ENTRY_POSTED_AVSC: &str = include_str!("../../../../schemas/avro/finance/JournalEntryPosted.avsc");

    #[test]
    fn payment_processed_json_matches_its_avro_schema_with_and_without_reference() {
        assert_event_matches_schema(PROCESSED_AVSC, &received());
        assert_event_matches_schema(PROCESSED_AVSC, &PaymentEvent::PaymentProcessed(made_payload()));
    }

    #[test]
    fn every_event_handle_records_matches_the_schema() {
        for input in [received_input(), made_input()] {
            for event in framework().given_no_previous_events().when(process(input)).inspect_result().unwrap() {
                assert_event_matches_schema(PROCESSED_AVSC, &event);
            }
        }
    }

    #[test]
    fn the_posting_is_the_journal_entrys_posted_line_record_and_allocations_their_own() {
        let posted_line = field_type(JOURNAL_ENTRY_POSTED_AVSC, "lines")["items"].clone();
        assert_eq!(field_type(PROCESSED_AVSC, "posting")["items"], posted_line);
        let allocation = field_type(PROCESSED_AVSC, "allocations")["items"].clone();
        assert_eq!((&allocation["namespace"], &allocation["name"]), (&"prism.finance".into(), &"Allocation".into()));
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Issued invoices `1..` of `kind` with what is open on each, and a share of each to pay.
    fn arb_invoices_and_shares() -> impl Strategy<Value = Vec<(i64, i64)>> {
        let open_and_share = prop_oneof![
            4 => 1..=5_000_i64,
            1 => (i64::MAX / 8)..=(i64::MAX / 6),
        ]
        .prop_flat_map(|open| (Just(open), 1..=open));
        proptest::collection::vec(open_and_share, 0..6)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any well-formed payment of issued invoices, each paid at most its open amount, is
        /// accepted: it posts two balanced lines of its amount, bank against the control
        /// account the direction says, and leaves exactly the rest unallocated.
        #[test]
        fn a_payment_within_what_is_open_is_accepted_and_accounts_for_every_minor_unit(
            made in any::<bool>(),
            invoices in arb_invoices_and_shares(),
            extra in prop_oneof![Just(0_i64), 1..=10_000_i64, Just(i64::MAX)],
        ) {
            let kind = if made { InvoiceKind::VendorBill } else { InvoiceKind::CustomerInvoice };
            let standings = invoices.iter().zip(1..).map(|(&(open, _), n)| standing(n, kind, InvoiceStatus::Issued, open));
            let allocations: Vec<AllocationInput> =
                invoices.iter().zip(1..).map(|(&(_, share), n)| alloc(&invoice(n), share)).collect();
            let allocated: i64 = invoices.iter().map(|&(_, share)| share).sum();
            // at least 1, at most i64::MAX
            let amount = allocated.saturating_add(extra).max(1);
            let base = if made { made_input() } else { received_input() };
            let input = ProcessPayment { amount_minor: amount, allocations: allocations.clone(), ..base };
            let processed = accepted(invoices_with(standings), process(input));
            prop_assert!(lines_balance(&processed.posting));
            let (debited, credited) = if made { ("2000", "1000") } else { ("1000", "1100") };
            let posting = vec![posted_line(1, debited, amount, 0), posted_line(2, credited, 0, amount)];
            prop_assert_eq!(&processed.posting, &posting);
            prop_assert_eq!(processed.unallocated_minor, amount - allocated);
            prop_assert!(processed.unallocated_minor >= 0);
            let recorded: Vec<(String, i64)> =
                processed.allocations.iter().map(|a| (a.invoice_id.clone(), a.amount_minor)).collect();
            let given: Vec<(String, i64)> = allocations.into_iter().map(|a| (a.invoice_id, a.amount_minor)).collect();
            prop_assert_eq!(recorded, given);
        }

        /// Allocations that add up to more than the payment are refused, before any service.
        #[test]
        fn allocations_over_the_amount_are_always_refused(
            shares in proptest::collection::vec(1..=i64::MAX, 1..6),
            short_by in 1..=1_000_i64,
        ) {
            let allocated: i128 = shares.iter().map(|&share| i128::from(share)).sum();
            let amount = i64::try_from(allocated - i128::from(short_by)).unwrap_or(i64::MAX).max(1);
            prop_assume!(i128::from(amount) < allocated);
            let allocations = shares.iter().zip(1..).map(|(&share, n)| alloc(&invoice(n), share)).collect();
            let input = ProcessPayment { amount_minor: amount, allocations, ..received_input() };
            let result = framework_with(Untouchable).given_no_previous_events().when(process(input)).inspect_result();
            prop_assert_eq!(result, Err(PaymentError::OverAllocated { allocated, amount }));
        }
    }
}

mod functional_currency {
    use super::*;
    use crate::finance::exchange_rates::RateRefusal;
    use crate::finance::journal_entry::FunctionalAmount;
    use crate::test_support::{set_exchange_rates, usd};

    fn usd_payment() -> ProcessPayment {
        ProcessPayment { currency: "USD".to_owned(), allocations: vec![], ..received_input() }
    }

    #[test]
    fn a_foreign_payment_posts_its_functional_amounts_at_the_rate_of_the_payment_date() {
        let books = books_with(|books| set_exchange_rates(books, "EUR", &[("USD", date(2026, 3, 1), "0.9")]));
        let processed = accepted(books, process(usd_payment()));
        let functional: Vec<_> = processed.posting.iter().map(|line| line.functional.clone()).collect();
        let eur = |debit_minor, credit_minor| {
            Some(FunctionalAmount { currency: "EUR".to_owned(), debit_minor, credit_minor })
        };
        assert_eq!(functional, vec![eur(900, 0), eur(0, 900)]);
    }

    #[test]
    fn a_foreign_payment_without_a_rate_on_the_payment_date_is_refused() {
        let books = books_with(|books| set_exchange_rates(books, "EUR", &[("USD", date(2026, 4, 1), "0.9")]));
        let expected = PaymentError::NoExchangeRate {
            refusal: RateRefusal::MissingRate { currency: usd(), date: date(2026, 3, 31) },
        };
        assert_refused(books, vec![], process(usd_payment()), expected, Some("currency"), "missing_exchange_rate");
    }
}

mod command_sequence_properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{check_command_sequence, command_sequences, SEQUENCE_CASES};

    /// Payments received or made, of amounts around what the test invoices hold open,
    /// allocated to invoices of the right or wrong counterparty, within or beyond what is
    /// open, or to none.
    fn arb_command() -> impl Strategy<Value = PaymentCommand> {
        let allocations = prop::sample::select(vec![
            vec![],
            vec![alloc(&invoice(1), 600), alloc(&invoice(2), 300)],
            vec![alloc(&invoice(1), 601)],
            vec![alloc(&invoice(11), 900)],
        ]);
        (any::<bool>(), prop::sample::select(vec![0_i64, 1, 900, 1_000]), allocations).prop_map(
            |(received, amount_minor, allocations)| {
                let base = if received { received_input() } else { made_input() };
                process(ProcessPayment { amount_minor, allocations, ..base })
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, a payment is processed at most once and never changes
        /// afterwards; once processed, its allocations and what is left unallocated add up to
        /// its amount, nothing negative, and its posting is two balanced lines of the amount.
        #[test]
        fn a_processed_payment_never_changes_and_accounts_for_its_amount(commands in command_sequences(arb_command())) {
            let services: Arc<dyn PaymentServices> = Arc::new(Fixed::new(test_books(), test_invoices()));
            check_command_sequence::<Payment>(&services, commands, |step| {
                if step.before.status() == PaymentStatus::Processed {
                    prop_assert!(step.outcome.is_err(), "processed twice");
                }
                let payment = step.after;
                if payment.status() == PaymentStatus::Processed {
                    let amount = payment.amount_minor().expect("a processed payment has an amount");
                    let allocated: i64 = payment.allocations().iter().map(|allocation| allocation.amount_minor).sum();
                    let unallocated = payment.unallocated_minor().expect("a processed payment has what is unallocated");
                    prop_assert!(unallocated >= 0 && payment.allocations().iter().all(|allocation| allocation.amount_minor > 0));
                    prop_assert_eq!(allocated + unallocated, amount);
                    prop_assert_eq!(payment.posting().len(), 2);
                    prop_assert!(lines_balance(payment.posting()));
                    prop_assert!(payment.posting().iter().all(|line| line.debit_minor + line.credit_minor == amount));
                }
                Ok(())
            })?;
        }
    }
}
