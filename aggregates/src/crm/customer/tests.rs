//! Given–when–then tests for every customer rule, the credit rule, the accessors the API
//! reads, serde of commands, events and state, the contract test that keeps events and Avro
//! schemas in step, and the command-sequence property.

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use serde_json::json;

use super::*;
use crate::money::CurrencyError;
use crate::refusal::{Refusal, RefusalKind};
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, fold, invalid_currencies};

fn framework() -> TestFramework<Customer> {
    TestFramework::with(())
}

/// Contoso, trading in EUR with a credit limit of 1,000.00, no contacts or addresses.
fn register_input(customer_id: &str) -> RegisterCustomer {
    RegisterCustomer {
        customer_id: customer_id.to_owned(),
        name: "Contoso".to_owned(),
        currency: "EUR".to_owned(),
        credit_limit_minor: Some(100_000),
        contacts: Vec::new(),
        addresses: Vec::new(),
    }
}

/// The payload `register(register_input(customer_id))` records.
fn registered_payload(customer_id: &str) -> CustomerRegistered {
    CustomerRegistered {
        customer_id: customer_id.to_owned(),
        name: "Contoso".to_owned(),
        currency: "EUR".to_owned(),
        credit_limit_minor: Some(100_000),
        contacts: Vec::new(),
        addresses: Vec::new(),
    }
}

fn registered() -> CustomerEvent {
    CustomerEvent::CustomerRegistered(registered_payload("C-1"))
}

fn register(input: RegisterCustomer) -> CustomerCommand {
    CustomerCommand::RegisterCustomer(input)
}

/// Ada, the buyer, with an email and without an id.
fn contact_input() -> ContactInput {
    ContactInput {
        contact_id: None,
        name: "Ada".to_owned(),
        email: Some("ada@contoso.example".to_owned()),
        phone: None,
        role: Some("buyer".to_owned()),
    }
}

/// The contact `contact_input()` becomes under `contact_id`.
fn contact(contact_id: &str) -> Contact {
    Contact {
        contact_id: contact_id.to_owned(),
        name: "Ada".to_owned(),
        email: Some("ada@contoso.example".to_owned()),
        phone: None,
        role: Some("buyer".to_owned()),
    }
}

/// A billing address in Berlin, without an id.
fn address_input() -> AddressInput {
    AddressInput {
        address_id: None,
        kind: "billing".to_owned(),
        line1: "Unter den Linden 1".to_owned(),
        line2: None,
        city: "Berlin".to_owned(),
        postal_code: Some("10117".to_owned()),
        region: None,
        country: "DE".to_owned(),
    }
}

/// The address `address_input()` becomes under `address_id`.
fn address(address_id: &str) -> Address {
    Address {
        address_id: address_id.to_owned(),
        kind: "billing".to_owned(),
        line1: "Unter den Linden 1".to_owned(),
        line2: None,
        city: "Berlin".to_owned(),
        postal_code: Some("10117".to_owned()),
        region: None,
        country: "DE".to_owned(),
    }
}

fn contact_added(contact_id: &str) -> CustomerEvent {
    CustomerEvent::CustomerContactAdded(CustomerContactAdded {
        customer_id: "C-1".to_owned(),
        contact: contact(contact_id),
    })
}

fn address_added(address_id: &str) -> CustomerEvent {
    CustomerEvent::CustomerAddressAdded(CustomerAddressAdded {
        customer_id: "C-1".to_owned(),
        address: address(address_id),
    })
}

fn fields_set(changes: &[(&str, Option<&str>)]) -> CustomerEvent {
    let fields = changes
        .iter()
        .map(|(name, value)| CustomFieldChange { name: (*name).to_owned(), value_json: value.map(str::to_owned) })
        .collect();
    CustomerEvent::CustomerCustomFieldsSet(CustomerCustomFieldsSet { customer_id: "C-1".to_owned(), fields })
}

fn deactivated() -> CustomerEvent {
    CustomerEvent::CustomerDeactivated(CustomerDeactivated { customer_id: "C-1".to_owned(), reason: None })
}

fn set_fields(fields: serde_json::Value) -> CustomerCommand {
    CustomerCommand::SetCustomFields { fields: serde_json::from_value(fields).unwrap() }
}

/// Asserts that registering `input` is refused with `expected`, naming `field`.
fn assert_register_refused(input: RegisterCustomer, expected: CustomerError, field: &str, code: &str) {
    assert_refused_as(framework(), vec![], register(input), expected, Some(field), code, RefusalKind::Invalid);
}

/// Asserts that `command`, given a registered customer, is refused with `expected`.
fn assert_change_refused(command: CustomerCommand, expected: CustomerError, field: Option<&str>, code: &str) {
    let kind = expected.kind();
    assert_refused_as(framework(), vec![registered()], command, expected, field, code, kind);
}

mod registering {
    use super::*;

    #[test]
    fn registering_a_customer_records_customer_registered() {
        framework()
            .given_no_previous_events()
            .when(register(register_input("C-1")))
            .then_expect_events(vec![registered()]);
    }

    #[test]
    fn contacts_and_addresses_without_ids_get_the_first_free_number() {
        let input = RegisterCustomer {
            contacts: vec![
                ContactInput { contact_id: Some("contact-1".to_owned()), ..contact_input() },
                contact_input(),
            ],
            addresses: vec![address_input()],
            credit_limit_minor: None,
            ..register_input("C-1")
        };
        let expected = CustomerEvent::CustomerRegistered(CustomerRegistered {
            contacts: vec![contact("contact-1"), contact("contact-2")],
            addresses: vec![address("address-1")],
            credit_limit_minor: None,
            ..registered_payload("C-1")
        });
        framework().given_no_previous_events().when(register(input)).then_expect_events(vec![expected]);
    }

    #[test]
    fn an_invalid_customer_id_is_rejected_with_its_reason() {
        for (customer_id, reason) in
            [("", CodeError::Empty), ("c-1", CodeError::InvalidCharacter { found: 'c', position: 0 })]
        {
            let expected = CustomerError::InvalidCustomerId { customer_id: customer_id.to_owned(), reason };
            assert_register_refused(register_input(customer_id), expected, "customer_id", "invalid_customer_id");
        }
    }

    #[test]
    fn registering_twice_is_a_conflict_even_when_deactivated() {
        for given in [vec![registered()], vec![registered(), deactivated()]] {
            let expected = CustomerError::CustomerExists { customer_id: "C-1".to_owned() };
            let command = register(register_input("C-1"));
            assert_refused_as(
                framework(),
                given,
                command,
                expected,
                Some("customer_id"),
                "customer_exists",
                RefusalKind::Conflict,
            );
        }
    }

    #[test]
    fn a_blank_or_over_long_name_is_rejected() {
        let input = RegisterCustomer { name: " ".to_owned(), ..register_input("C-1") };
        assert_register_refused(input, CustomerError::TextBlank { field: "name".to_owned() }, "name", "text_blank");
        let input = RegisterCustomer { name: "n".repeat(MAX_NAME_CHARS), ..register_input("C-1") };
        assert_accepted(framework(), vec![], register(input));
        let input = RegisterCustomer { name: "n".repeat(MAX_NAME_CHARS + 1), ..register_input("C-1") };
        let expected = CustomerError::TextTooLong { field: "name".to_owned(), chars: 201, max: 200 };
        assert_register_refused(input, expected, "name", "text_too_long");
    }

    #[test]
    fn an_invalid_currency_is_rejected_with_its_reason() {
        for (currency, reason) in invalid_currencies() {
            let input = RegisterCustomer { currency: currency.to_owned(), ..register_input("C-1") };
            assert_register_refused(input, CustomerError::InvalidCurrency { reason }, "currency", "invalid_currency");
        }
    }

    #[test]
    fn a_credit_limit_of_zero_is_accepted_and_a_negative_one_rejected() {
        let input = RegisterCustomer { credit_limit_minor: Some(0), ..register_input("C-1") };
        assert_accepted(framework(), vec![], register(input));
        let input = RegisterCustomer { credit_limit_minor: Some(-1), ..register_input("C-1") };
        let expected = CustomerError::NegativeCreditLimit { credit_limit_minor: -1 };
        assert_register_refused(input, expected, "credit_limit_minor", "negative_credit_limit");
    }

    #[test]
    fn a_bad_contact_or_address_is_reported_at_its_index() {
        let bad_email = ContactInput { email: Some("ada.example".to_owned()), ..contact_input() };
        let input = RegisterCustomer { contacts: vec![contact_input(), bad_email], ..register_input("C-1") };
        let expected =
            CustomerError::InvalidEmail { field: "contacts[1].email".to_owned(), email: "ada.example".to_owned() };
        assert_register_refused(input, expected, "contacts[1].email", "invalid_email");
        let bad_country = AddressInput { country: "de".to_owned(), ..address_input() };
        let input = RegisterCustomer { addresses: vec![bad_country], ..register_input("C-1") };
        let expected =
            CustomerError::InvalidCountry { field: "addresses[0].country".to_owned(), country: "de".to_owned() };
        assert_register_refused(input, expected, "addresses[0].country", "invalid_country");
    }

    #[test]
    fn the_same_contact_id_twice_is_rejected() {
        let named = ContactInput { contact_id: Some("ada".to_owned()), ..contact_input() };
        let input = RegisterCustomer { contacts: vec![named.clone(), named], ..register_input("C-1") };
        let expected = CustomerError::DuplicateId { field: "contacts[1].contact_id".to_owned(), id: "ada".to_owned() };
        assert_register_refused(input, expected, "contacts[1].contact_id", "duplicate_id");
    }

    #[test]
    fn contacts_and_addresses_up_to_the_limit_are_accepted_and_one_more_rejected() {
        let input = RegisterCustomer {
            contacts: vec![contact_input(); MAX_CONTACTS],
            addresses: vec![address_input(); MAX_ADDRESSES],
            ..register_input("C-1")
        };
        assert_accepted(framework(), vec![], register(input));
        let input = RegisterCustomer { contacts: vec![contact_input(); MAX_CONTACTS + 1], ..register_input("C-1") };
        assert_register_refused(input, CustomerError::TooManyContacts { max: 50 }, "contacts", "too_many_contacts");
        let input = RegisterCustomer { addresses: vec![address_input(); MAX_ADDRESSES + 1], ..register_input("C-1") };
        assert_register_refused(input, CustomerError::TooManyAddresses { max: 20 }, "addresses", "too_many_addresses");
    }

    #[test]
    fn rules_are_checked_in_order_and_the_first_broken_one_is_reported() {
        let input = RegisterCustomer {
            name: String::new(),
            currency: "eur".to_owned(),
            credit_limit_minor: Some(-1),
            ..register_input("C-1")
        };
        assert_register_refused(input, CustomerError::TextBlank { field: "name".to_owned() }, "name", "text_blank");
        let input =
            RegisterCustomer { currency: "eur".to_owned(), credit_limit_minor: Some(-1), ..register_input("C-1") };
        let expected = CustomerError::InvalidCurrency { reason: CurrencyError::Malformed { code: "eur".to_owned() } };
        assert_register_refused(input, expected, "currency", "invalid_currency");
    }
}

mod contacts_and_addresses {
    use super::*;

    #[test]
    fn adding_a_contact_records_it_with_the_first_free_number() {
        framework()
            .given(vec![registered(), contact_added("contact-1")])
            .when(CustomerCommand::AddContact(contact_input()))
            .then_expect_events(vec![contact_added("contact-2")]);
    }

    #[test]
    fn a_contact_is_checked_field_by_field() {
        let cases = [
            (
                ContactInput { name: String::new(), ..contact_input() },
                CustomerError::TextBlank { field: "name".to_owned() },
            ),
            (
                ContactInput { email: Some("a@b@c".to_owned()), ..contact_input() },
                CustomerError::InvalidEmail { field: "email".to_owned(), email: "a@b@c".to_owned() },
            ),
            (
                ContactInput { phone: Some("p".repeat(MAX_TEXT_CHARS + 1)), ..contact_input() },
                CustomerError::TextTooLong { field: "phone".to_owned(), chars: 201, max: 200 },
            ),
            (
                ContactInput { role: Some(String::new()), ..contact_input() },
                CustomerError::TextBlank { field: "role".to_owned() },
            ),
        ];
        for (input, expected) in cases {
            let field = expected.field();
            let code = expected.code();
            assert_change_refused(CustomerCommand::AddContact(input), expected, field.as_deref(), code);
        }
    }

    #[test]
    fn an_id_of_other_characters_is_rejected() {
        for id in ["a.b", "a b", "$x", "ä"] {
            let input = AddressInput { address_id: Some(id.to_owned()), ..address_input() };
            let expected = CustomerError::InvalidId { field: "address_id".to_owned(), id: id.to_owned() };
            assert_change_refused(CustomerCommand::AddAddress(input), expected, Some("address_id"), "invalid_id");
        }
        let input = ContactInput { contact_id: Some("Ada_Lovelace-1".to_owned()), ..contact_input() };
        assert_accepted(framework(), vec![registered()], CustomerCommand::AddContact(input));
    }

    #[test]
    fn a_taken_contact_id_is_rejected() {
        let input = ContactInput { contact_id: Some("contact-1".to_owned()), ..contact_input() };
        let expected = CustomerError::DuplicateId { field: "contact_id".to_owned(), id: "contact-1".to_owned() };
        let command = CustomerCommand::AddContact(input);
        let given = vec![registered(), contact_added("contact-1")];
        assert_refused_as(
            framework(),
            given,
            command,
            expected,
            Some("contact_id"),
            "duplicate_id",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn removing_a_contact_records_it_and_an_unknown_one_is_not_found() {
        let remove = |id: &str| CustomerCommand::RemoveContact { contact_id: id.to_owned() };
        let removed = CustomerEvent::CustomerContactRemoved(CustomerContactRemoved {
            customer_id: "C-1".to_owned(),
            contact_id: "contact-1".to_owned(),
        });
        framework()
            .given(vec![registered(), contact_added("contact-1")])
            .when(remove("contact-1"))
            .then_expect_events(vec![removed]);
        let expected = CustomerError::ContactNotFound { contact_id: "x".to_owned() };
        assert_change_refused(remove("x"), expected, Some("contact_id"), "contact_not_found");
    }

    #[test]
    fn adding_and_removing_an_address_records_them() {
        framework()
            .given(vec![registered()])
            .when(CustomerCommand::AddAddress(address_input()))
            .then_expect_events(vec![address_added("address-1")]);
        let removed = CustomerEvent::CustomerAddressRemoved(CustomerAddressRemoved {
            customer_id: "C-1".to_owned(),
            address_id: "address-1".to_owned(),
        });
        framework()
            .given(vec![registered(), address_added("address-1")])
            .when(CustomerCommand::RemoveAddress { address_id: "address-1".to_owned() })
            .then_expect_events(vec![removed]);
        let expected = CustomerError::AddressNotFound { address_id: "nope".to_owned() };
        let command = CustomerCommand::RemoveAddress { address_id: "nope".to_owned() };
        assert_change_refused(command, expected, Some("address_id"), "address_not_found");
    }

    #[test]
    fn an_address_is_checked_field_by_field() {
        let cases = [
            (
                AddressInput { kind: "home".to_owned(), ..address_input() },
                CustomerError::InvalidAddressKind { field: "kind".to_owned(), kind: "home".to_owned() },
            ),
            (
                AddressInput { line1: " ".to_owned(), ..address_input() },
                CustomerError::TextBlank { field: "line1".to_owned() },
            ),
            (
                AddressInput { city: String::new(), ..address_input() },
                CustomerError::TextBlank { field: "city".to_owned() },
            ),
            (
                AddressInput { country: "DEU".to_owned(), ..address_input() },
                CustomerError::InvalidCountry { field: "country".to_owned(), country: "DEU".to_owned() },
            ),
        ];
        for (input, expected) in cases {
            let field = expected.field();
            let code = expected.code();
            assert_change_refused(CustomerCommand::AddAddress(input), expected, field.as_deref(), code);
        }
    }

    #[test]
    fn a_customer_at_its_contact_limit_takes_no_more() {
        let mut given = vec![registered()];
        given.extend((1..=MAX_CONTACTS).map(|n| contact_added(&format!("contact-{n}"))));
        let expected = CustomerError::TooManyContacts { max: MAX_CONTACTS };
        let command = CustomerCommand::AddContact(contact_input());
        assert_refused_as(
            framework(),
            given,
            command,
            expected,
            Some("contacts"),
            "too_many_contacts",
            RefusalKind::Invalid,
        );
    }
}

mod credit_limit_and_fields {
    use super::*;

    #[test]
    fn changing_the_credit_limit_records_it_and_an_unchanged_one_records_nothing() {
        let changed = CustomerEvent::CustomerCreditLimitChanged(CustomerCreditLimitChanged {
            customer_id: "C-1".to_owned(),
            credit_limit_minor: None,
            currency: "EUR".to_owned(),
        });
        framework()
            .given(vec![registered()])
            .when(CustomerCommand::ChangeCreditLimit { credit_limit_minor: None })
            .then_expect_events(vec![changed]);
        framework()
            .given(vec![registered()])
            .when(CustomerCommand::ChangeCreditLimit { credit_limit_minor: Some(100_000) })
            .then_expect_events(vec![]);
        let expected = CustomerError::NegativeCreditLimit { credit_limit_minor: -5 };
        let command = CustomerCommand::ChangeCreditLimit { credit_limit_minor: Some(-5) };
        assert_change_refused(command, expected, Some("credit_limit_minor"), "negative_credit_limit");
    }

    #[test]
    fn setting_custom_fields_records_only_what_changes() {
        framework()
            .given(vec![registered(), fields_set(&[("tier", Some("\"gold\"")), ("score", Some("1"))])])
            .when(set_fields(json!({"tier": "gold", "score": 2, "tags": ["a", "b"], "gone": null})))
            .then_expect_events(vec![fields_set(&[("score", Some("2")), ("tags", Some("[\"a\",\"b\"]"))])]);
        framework()
            .given(vec![registered(), fields_set(&[("tier", Some("\"gold\""))])])
            .when(set_fields(json!({"tier": null})))
            .then_expect_events(vec![fields_set(&[("tier", None)])]);
        framework().given(vec![registered()]).when(set_fields(json!({"gone": null}))).then_expect_events(vec![]);
    }

    #[test]
    fn bad_custom_fields_are_rejected_naming_the_field() {
        assert_change_refused(set_fields(json!({})), CustomerError::NoCustomFields, Some("fields"), "no_custom_fields");
        for name in ["Tier", "1st", "a-b", &"f".repeat(MAX_FIELD_NAME_CHARS + 1)] {
            let expected = CustomerError::InvalidFieldName { name: name.to_owned(), max: MAX_FIELD_NAME_CHARS };
            let field = format!("fields.{name}");
            assert_change_refused(set_fields(json!({ name: 1 })), expected, Some(&field), "invalid_field_name");
        }
        let long = "x".repeat(MAX_FIELD_VALUE_CHARS - 2);
        assert_accepted(framework(), vec![registered()], set_fields(json!({ "note": long })));
        let long = "x".repeat(MAX_FIELD_VALUE_CHARS - 1);
        let expected = CustomerError::FieldValueTooLong { name: "note".to_owned(), chars: 1_001, max: 1_000 };
        assert_change_refused(
            set_fields(json!({ "note": long })),
            expected,
            Some("fields.note"),
            "field_value_too_long",
        );
    }

    #[test]
    fn at_most_the_limit_of_custom_fields_is_kept() {
        let fields: serde_json::Map<String, serde_json::Value> =
            (0..MAX_CUSTOM_FIELDS).map(|n| (format!("f{n}"), json!(n))).collect();
        let events = assert_accepted(framework(), vec![registered()], set_fields(serde_json::Value::Object(fields)));
        let mut given = vec![registered()];
        given.extend(events);
        let expected = CustomerError::TooManyCustomFields { count: 51, max: 50 };
        assert_refused_as(
            framework(),
            given.clone(),
            set_fields(json!({"one_more": true})),
            expected,
            Some("fields"),
            "too_many_custom_fields",
            RefusalKind::Invalid,
        );
        assert_accepted(framework(), given, set_fields(json!({"one_more": true, "f0": null})));
    }

    #[test]
    fn a_sales_order_may_take_the_exposure_up_to_the_limit_but_not_over_it() {
        assert_eq!(check_credit("C-1", "EUR", 1_000, 400, 600), Ok(()));
        let refused = check_credit("C-1", "EUR", 1_000, 400, 601).unwrap_err();
        assert_eq!(
            refused,
            CreditLimitExceeded {
                customer_id: "C-1".to_owned(),
                credit_limit_minor: 1_000,
                exposure_minor: 400,
                order_total_minor: 601,
                currency: "EUR".to_owned(),
            }
        );
        assert_eq!(
            (refused.field().as_deref(), refused.code(), refused.kind()),
            (Some("customer_id"), "credit_limit_exceeded", RefusalKind::Invalid)
        );
        assert!(check_credit("C-1", "EUR", 0, 0, 1).is_err(), "a limit of 0 allows no credit");
        assert!(check_credit("C-1", "EUR", i64::MAX, i64::MAX, 1).is_err(), "an overflow is over the limit");
    }
}

mod lifecycle {
    use super::*;

    #[test]
    fn renaming_records_it_and_the_same_name_is_rejected() {
        let renamed = CustomerEvent::CustomerRenamed(CustomerRenamed {
            customer_id: "C-1".to_owned(),
            name: "Contoso AG".to_owned(),
        });
        framework()
            .given(vec![registered()])
            .when(CustomerCommand::RenameCustomer { name: "Contoso AG".to_owned() })
            .then_expect_events(vec![renamed]);
        let expected = CustomerError::NameUnchanged { customer_id: "C-1".to_owned(), name: "Contoso".to_owned() };
        let command = CustomerCommand::RenameCustomer { name: "Contoso".to_owned() };
        assert_change_refused(command, expected, Some("name"), "name_unchanged");
    }

    #[test]
    fn deactivating_records_it_and_a_blank_reason_is_rejected() {
        framework()
            .given(vec![registered()])
            .when(CustomerCommand::DeactivateCustomer { reason: None })
            .then_expect_events(vec![deactivated()]);
        let command = CustomerCommand::DeactivateCustomer { reason: Some(String::new()) };
        assert_change_refused(
            command,
            CustomerError::TextBlank { field: "reason".to_owned() },
            Some("reason"),
            "text_blank",
        );
    }

    #[test]
    fn a_deactivated_customer_refuses_every_further_change() {
        let commands = [
            CustomerCommand::RenameCustomer { name: "x".to_owned() },
            CustomerCommand::AddContact(contact_input()),
            CustomerCommand::ChangeCreditLimit { credit_limit_minor: None },
            set_fields(json!({"a": 1})),
            CustomerCommand::DeactivateCustomer { reason: None },
        ];
        for command in commands {
            let expected = CustomerError::Deactivated { customer_id: "C-1".to_owned() };
            let given = vec![registered(), deactivated()];
            assert_refused_as(
                framework(),
                given,
                command,
                expected,
                None,
                "customer_deactivated",
                RefusalKind::Conflict,
            );
        }
    }

    #[test]
    fn every_command_but_register_on_an_unregistered_customer_is_not_found() {
        let commands = [
            CustomerCommand::RenameCustomer { name: "x".to_owned() },
            CustomerCommand::RemoveContact { contact_id: "x".to_owned() },
            CustomerCommand::AddAddress(address_input()),
            CustomerCommand::RemoveAddress { address_id: "x".to_owned() },
        ];
        for command in commands {
            assert_refused_as(
                framework(),
                vec![],
                command,
                CustomerError::CustomerNotFound,
                None,
                "customer_not_found",
                RefusalKind::NotFound,
            );
        }
    }

    #[test]
    fn accessors_read_the_folded_events() {
        let unregistered = Customer::default();
        assert!(!unregistered.is_registered() && !unregistered.is_active());
        assert_eq!(
            (unregistered.customer_id(), unregistered.credit_limit_minor(), unregistered.custom_fields()),
            (None, None, None)
        );
        let customer: Customer = fold([
            registered(),
            contact_added("contact-1"),
            address_added("address-1"),
            fields_set(&[("tier", Some("\"gold\""))]),
            deactivated(),
        ]);
        assert_eq!((customer.customer_id(), customer.name()), (Some("C-1"), Some("Contoso")));
        assert_eq!(customer.currency().map(|c| c.as_str()), Some("EUR"));
        assert_eq!(customer.credit_limit_minor(), Some(100_000));
        assert_eq!(customer.contacts(), [contact("contact-1")]);
        assert_eq!(customer.addresses(), [address("address-1")]);
        assert_eq!(customer.custom_fields().unwrap().get("tier").map(String::as_str), Some("\"gold\""));
        assert!(customer.is_registered() && !customer.is_active());
    }
}

mod state_and_wire {
    use super::*;

    #[test]
    fn every_error_has_a_unique_snake_case_code_a_field_and_a_kind() {
        use RefusalKind::{Conflict, Invalid, NotFound};
        let s = |text: &str| text.to_owned();
        assert_error_table(&[
            (
                CustomerError::InvalidCustomerId { customer_id: s("c"), reason: CodeError::Empty },
                Some("customer_id"),
                Invalid,
            ),
            (CustomerError::CustomerExists { customer_id: s("C-1") }, Some("customer_id"), Conflict),
            (CustomerError::TextBlank { field: s("name") }, Some("name"), Invalid),
            (
                CustomerError::TextTooLong { field: s("contacts[0].name"), chars: 2, max: 1 },
                Some("contacts[0].name"),
                Invalid,
            ),
            (CustomerError::NameUnchanged { customer_id: s("C-1"), name: s("n") }, Some("name"), Invalid),
            (
                CustomerError::InvalidCurrency { reason: CurrencyError::Malformed { code: s("x") } },
                Some("currency"),
                Invalid,
            ),
            (CustomerError::NegativeCreditLimit { credit_limit_minor: -1 }, Some("credit_limit_minor"), Invalid),
            (CustomerError::InvalidEmail { field: s("email"), email: s("x") }, Some("email"), Invalid),
            (CustomerError::InvalidCountry { field: s("country"), country: s("x") }, Some("country"), Invalid),
            (CustomerError::InvalidAddressKind { field: s("kind"), kind: s("x") }, Some("kind"), Invalid),
            (CustomerError::InvalidId { field: s("address_id"), id: s("a.b") }, Some("address_id"), Invalid),
            (CustomerError::DuplicateId { field: s("contact_id"), id: s("x") }, Some("contact_id"), Invalid),
            (CustomerError::TooManyContacts { max: 50 }, Some("contacts"), Invalid),
            (CustomerError::TooManyAddresses { max: 20 }, Some("addresses"), Invalid),
            (CustomerError::ContactNotFound { contact_id: s("x") }, Some("contact_id"), NotFound),
            (CustomerError::AddressNotFound { address_id: s("x") }, Some("address_id"), NotFound),
            (CustomerError::NoCustomFields, Some("fields"), Invalid),
            (CustomerError::InvalidFieldName { name: s("X"), max: 64 }, Some("fields.X"), Invalid),
            (CustomerError::FieldValueTooLong { name: s("x"), chars: 2, max: 1 }, Some("fields.x"), Invalid),
            (CustomerError::TooManyCustomFields { count: 51, max: 50 }, Some("fields"), Invalid),
            (CustomerError::CustomerNotFound, None, NotFound),
            (CustomerError::Deactivated { customer_id: s("C-1") }, None, Conflict),
        ]);
    }

    #[test]
    fn commands_deserialize_from_api_json() {
        let json = json!({"RegisterCustomer": {"customer_id": "C-1", "name": "Contoso", "currency": "EUR", "credit_limit_minor": 100_000}});
        assert_eq!(serde_json::from_value::<CustomerCommand>(json).unwrap(), register(register_input("C-1")));
        let json = json!({"AddContact": {"name": "Ada", "email": "ada@contoso.example", "role": "buyer"}});
        assert_eq!(
            serde_json::from_value::<CustomerCommand>(json).unwrap(),
            CustomerCommand::AddContact(contact_input())
        );
        let json = json!({"SetCustomFields": {"fields": {"tier": "gold"}}});
        assert_eq!(serde_json::from_value::<CustomerCommand>(json).unwrap(), set_fields(json!({"tier": "gold"})));
        let json = json!({"RegisterCustomer": {"customer_id": "C-1", "name": "C", "currency": "EUR", "limit": 1}});
        assert!(serde_json::from_value::<CustomerCommand>(json).is_err(), "unknown fields are refused");
    }

    pub(super) fn one_of_each_event() -> Vec<CustomerEvent> {
        vec![
            CustomerEvent::CustomerRegistered(CustomerRegistered {
                contacts: vec![
                    contact("contact-1"),
                    Contact { email: None, phone: Some("+49 30 1".to_owned()), role: None, ..contact("ada") },
                ],
                addresses: vec![
                    address("address-1"),
                    Address {
                        line2: Some("Hof".to_owned()),
                        region: Some("BE".to_owned()),
                        postal_code: None,
                        ..address("a2")
                    },
                ],
                ..registered_payload("C-1")
            }),
            CustomerEvent::CustomerRenamed(CustomerRenamed {
                customer_id: "C-1".to_owned(),
                name: "Contoso AG".to_owned(),
            }),
            contact_added("contact-2"),
            CustomerEvent::CustomerContactRemoved(CustomerContactRemoved {
                customer_id: "C-1".to_owned(),
                contact_id: "contact-2".to_owned(),
            }),
            address_added("address-2"),
            CustomerEvent::CustomerAddressRemoved(CustomerAddressRemoved {
                customer_id: "C-1".to_owned(),
                address_id: "address-2".to_owned(),
            }),
            CustomerEvent::CustomerCreditLimitChanged(CustomerCreditLimitChanged {
                customer_id: "C-1".to_owned(),
                credit_limit_minor: Some(5),
                currency: "EUR".to_owned(),
            }),
            fields_set(&[("tier", Some("\"gold\"")), ("old", None)]),
            CustomerEvent::CustomerDeactivated(CustomerDeactivated {
                customer_id: "C-1".to_owned(),
                reason: Some("merged".to_owned()),
            }),
        ]
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip_and_name_their_customer() {
        for event in one_of_each_event() {
            let json = serde_json::to_value(&event).unwrap();
            assert_eq!(json.as_object().unwrap().keys().collect::<Vec<_>>(), [&event.event_type()]);
            assert_eq!(serde_json::from_value::<CustomerEvent>(json).unwrap(), event);
            assert_eq!(event.customer_id(), "C-1");
            assert_eq!(event.event_version(), "1");
        }
        assert_eq!(Customer::TYPE, "crm.customer");
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        for customer in [Customer::default(), fold(one_of_each_event())] {
            let json = serde_json::to_string(&customer).unwrap();
            assert_eq!(serde_json::from_str::<Customer>(&json).unwrap(), customer);
        }
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema, with
    //! compatible types, so the wire contract and the Rust types cannot drift.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    /// Each event's schema, in the order of [`state_and_wire::one_of_each_event`].
    const SCHEMAS: [&str; 9] = [
        include_str!("../../../../schemas/avro/crm/CustomerRegistered.avsc"),
        include_str!("../../../../schemas/avro/crm/CustomerRenamed.avsc"),
        include_str!("../../../../schemas/avro/crm/CustomerContactAdded.avsc"),
        include_str!("../../../../schemas/avro/crm/CustomerContactRemoved.avsc"),
        include_str!("../../../../schemas/avro/crm/CustomerAddressAdded.avsc"),
        include_str!("../../../../schemas/avro/crm/CustomerAddressRemoved.avsc"),
        include_str!("../../../../schemas/avro/crm/CustomerCreditLimitChanged.avsc"),
        include_str!("../../../../schemas/avro/crm/CustomerCustomFieldsSet.avsc"),
        include_str!("../../../../schemas/avro/crm/CustomerDeactivated.avsc"),
    ];

    #[test]
    fn customer_events_json_match_their_avro_schemas_with_optional_fields_set_and_null() {
        for (avsc, event) in SCHEMAS.iter().zip(state_and_wire::one_of_each_event()) {
            assert_event_matches_schema(avsc, &event);
        }
        let no_limit = CustomerEvent::CustomerCreditLimitChanged(CustomerCreditLimitChanged {
            customer_id: "C-1".to_owned(),
            credit_limit_minor: None,
            currency: "EUR".to_owned(),
        });
        assert_event_matches_schema(SCHEMAS[6], &no_limit);
        let no_reason = deactivated();
        assert_event_matches_schema(SCHEMAS[8], &no_reason);
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{check_command_sequence, command_sequences, SEQUENCE_CASES};

    /// Registrations valid or not, renames, contacts and addresses with a few ids, credit
    /// limits around zero, custom fields set and removed, deactivation.
    fn arb_command() -> impl Strategy<Value = CustomerCommand> {
        let id = || prop::option::of(prop::sample::select(vec!["contact-1", "address-1", "x"]).prop_map(str::to_owned));
        let limit = || prop::option::of(prop::sample::select(vec![-1_i64, 0, 500, 100_000]));
        prop_oneof![
            (prop::sample::select(vec!["C-1", "c 1"]), prop::sample::select(vec!["EUR", "XAU"]), limit()).prop_map(
                |(customer_id, currency, credit_limit_minor)| register(RegisterCustomer {
                    currency: currency.to_owned(),
                    credit_limit_minor,
                    contacts: vec![contact_input()],
                    ..register_input(customer_id)
                })
            ),
            prop::sample::select(vec!["Contoso", "Fabrikam", " "])
                .prop_map(|name| CustomerCommand::RenameCustomer { name: name.to_owned() }),
            (id(), prop::sample::select(vec!["a@b.c", "nope"])).prop_map(|(contact_id, email)| {
                CustomerCommand::AddContact(ContactInput {
                    contact_id,
                    email: Some(email.to_owned()),
                    ..contact_input()
                })
            }),
            id().prop_map(|id| CustomerCommand::RemoveContact { contact_id: id.unwrap_or_default() }),
            id().prop_map(|address_id| CustomerCommand::AddAddress(AddressInput { address_id, ..address_input() })),
            id().prop_map(|id| CustomerCommand::RemoveAddress { address_id: id.unwrap_or_default() }),
            limit().prop_map(|credit_limit_minor| CustomerCommand::ChangeCreditLimit { credit_limit_minor }),
            (
                prop::sample::select(vec!["tier", "score", "Bad"]),
                prop::sample::select(vec![json!(null), json!(1), json!("gold")])
            )
                .prop_map(|(name, value)| set_fields(json!({ name: value }))),
            Just(CustomerCommand::DeactivateCustomer { reason: None }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, a customer's id and currency never change once registered;
        /// a deactivated customer takes no change at all; the credit limit is never negative;
        /// contact and address ids stay unique and within their limits; custom fields stay
        /// within theirs, each a valid JSON text.
        #[test]
        fn a_customer_keeps_its_terms_and_limits(commands in command_sequences(arb_command())) {
            check_command_sequence::<Customer>(&(), commands, |step| {
                if step.before.is_registered() {
                    prop_assert_eq!(step.after.customer_id(), step.before.customer_id());
                    prop_assert_eq!(step.after.currency(), step.before.currency());
                }
                if step.before.is_registered() && !step.before.is_active() {
                    prop_assert!(step.outcome.is_err(), "a deactivated customer accepted {:?}", step.command);
                }
                let customer = step.after;
                prop_assert!(customer.credit_limit_minor().is_none_or(|limit| limit >= 0));
                let mut contact_ids: Vec<&str> = customer.contacts().iter().map(|c| c.contact_id.as_str()).collect();
                contact_ids.sort_unstable();
                contact_ids.dedup();
                prop_assert_eq!(contact_ids.len(), customer.contacts().len());
                prop_assert!(customer.contacts().len() <= MAX_CONTACTS && customer.addresses().len() <= MAX_ADDRESSES);
                let fields = customer.custom_fields().cloned().unwrap_or_default();
                prop_assert!(fields.len() <= MAX_CUSTOM_FIELDS);
                prop_assert!(fields.values().all(|json| serde_json::from_str::<serde_json::Value>(json).is_ok()));
                Ok(())
            })?;
        }
    }
}
