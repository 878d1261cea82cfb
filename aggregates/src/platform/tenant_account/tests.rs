//! Given–when–then tests for every tenant-account rule, the limits, the queries, and the
//! contract tests that keep the events and their Avro schemas in step.

use cqrs_es::test::TestFramework;

use super::*;
use crate::refusal::RefusalKind;
use crate::tenant::TenantIdError;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, fold};

fn framework() -> TestFramework<TenantAccount> {
    TestFramework::with(())
}

fn provision(display_name: &str) -> TenantAccountCommand {
    TenantAccountCommand::Provision { tenant: "acme".to_owned(), display_name: display_name.to_owned() }
}

fn provisioned() -> TenantAccountEvent {
    TenantAccountEvent::TenantProvisioned(TenantProvisioned {
        tenant: "acme".to_owned(),
        display_name: "Acme Ltd".to_owned(),
    })
}

fn suspended() -> TenantAccountEvent {
    TenantAccountEvent::TenantSuspended(TenantSuspended { tenant: "acme".to_owned(), reason: "unpaid".to_owned() })
}

fn suspend(reason: &str) -> TenantAccountCommand {
    TenantAccountCommand::Suspend { reason: reason.to_owned() }
}

#[test]
fn provisioning_records_the_tenant_active() {
    framework().given_no_previous_events().when(provision("Acme Ltd")).then_expect_events(vec![provisioned()]);
    let account: TenantAccount = fold([provisioned()]);
    assert!(account.is_active());
    assert_eq!(account.display_name(), Some("Acme Ltd"));
    assert_eq!(account.suspension_reason(), None);
    assert!(!TenantAccount::default().is_active());
}

#[test]
fn provisioning_refuses_a_bad_slug_a_second_time_and_a_bad_display_name() {
    let bad_slug = TenantAccountCommand::Provision { tenant: "Acme".to_owned(), display_name: "x".to_owned() };
    let refusal = TenantAccountError::InvalidTenant(TenantIdError::MustStartWithLetter);
    assert_refused_as(framework(), vec![], bad_slug, refusal, Some("tenant"), "invalid_tenant", RefusalKind::Invalid);
    let again = TenantAccountError::AlreadyProvisioned { tenant: "acme".to_owned() };
    assert_refused_as(
        framework(),
        vec![provisioned()],
        provision("Acme"),
        again,
        Some("tenant"),
        "tenant_exists",
        RefusalKind::Conflict,
    );
    framework().given_no_previous_events().when(provision(" ")).then_expect_error(TenantAccountError::DisplayNameBlank);
    assert_accepted(framework(), vec![], provision(&"n".repeat(MAX_DISPLAY_NAME_CHARS)));
    framework().given_no_previous_events().when(provision(&"n".repeat(MAX_DISPLAY_NAME_CHARS + 1))).then_expect_error(
        TenantAccountError::DisplayNameTooLong { chars: MAX_DISPLAY_NAME_CHARS + 1, max: MAX_DISPLAY_NAME_CHARS },
    );
}

#[test]
fn a_tenant_is_suspended_with_a_reason_and_reactivated() {
    framework().given(vec![provisioned()]).when(suspend("unpaid")).then_expect_events(vec![suspended()]);
    let account: TenantAccount = fold([provisioned(), suspended()]);
    assert!(!account.is_active());
    assert_eq!(account.suspension_reason(), Some("unpaid"));
    let reactivated = TenantAccountEvent::TenantReactivated(TenantReactivated { tenant: "acme".to_owned() });
    framework()
        .given(vec![provisioned(), suspended()])
        .when(TenantAccountCommand::Reactivate)
        .then_expect_events(vec![reactivated.clone()]);
    assert!(fold::<TenantAccount>([provisioned(), suspended(), reactivated]).is_active());
}

#[test]
fn suspension_and_reactivation_follow_the_state() {
    let conflict = |error, code| {
        assert_refused_as(
            framework(),
            vec![provisioned(), suspended()],
            suspend("again"),
            error,
            None,
            code,
            RefusalKind::Conflict,
        );
    };
    conflict(TenantAccountError::AlreadySuspended { tenant: "acme".to_owned() }, "tenant_suspended");
    framework()
        .given(vec![provisioned()])
        .when(TenantAccountCommand::Reactivate)
        .then_expect_error(TenantAccountError::AlreadyActive { tenant: "acme".to_owned() });
    framework().given_no_previous_events().when(suspend("x")).then_expect_error(TenantAccountError::NotFound);
    framework().given(vec![provisioned()]).when(suspend("")).then_expect_error(TenantAccountError::ReasonBlank);
    framework()
        .given(vec![provisioned()])
        .when(suspend(&"r".repeat(MAX_REASON_CHARS + 1)))
        .then_expect_error(TenantAccountError::ReasonTooLong { chars: MAX_REASON_CHARS + 1, max: MAX_REASON_CHARS });
}

#[test]
fn every_refusal_has_its_field_code_and_kind() {
    use RefusalKind::{Conflict, Invalid, NotFound};
    use TenantAccountError as E;
    let tenant = || "acme".to_owned();
    assert_error_table(&[
        (E::InvalidTenant(TenantIdError::Empty), Some("tenant"), Invalid),
        (E::AlreadyProvisioned { tenant: tenant() }, Some("tenant"), Conflict),
        (E::DisplayNameBlank, Some("display_name"), Invalid),
        (E::DisplayNameTooLong { chars: 201, max: 200 }, Some("display_name"), Invalid),
        (E::ReasonBlank, Some("reason"), Invalid),
        (E::ReasonTooLong { chars: 501, max: 500 }, Some("reason"), Invalid),
        (E::NotFound, None, NotFound),
        (E::AlreadySuspended { tenant: tenant() }, None, Conflict),
        (E::AlreadyActive { tenant: tenant() }, None, Conflict),
    ]);
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    #[test]
    fn every_event_matches_its_schema() {
        let reactivated = TenantAccountEvent::TenantReactivated(TenantReactivated { tenant: "acme".to_owned() });
        for (avsc, event) in [
            (include_str!("../../../../schemas/avro/platform/TenantProvisioned.avsc"), provisioned()),
            (include_str!("../../../../schemas/avro/platform/TenantSuspended.avsc"), suspended()),
            (include_str!("../../../../schemas/avro/platform/TenantReactivated.avsc"), reactivated),
        ] {
            assert_event_matches_schema(avsc, &event);
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{check_command_sequence, command_sequences, SEQUENCE_CASES};

    /// Where a tenant account is in its life.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Status {
        NotProvisioned,
        Active,
        Suspended,
    }

    fn status_of(account: &TenantAccount) -> Status {
        match (account.display_name(), account.suspension_reason()) {
            (None, _) => Status::NotProvisioned,
            (Some(_), None) => Status::Active,
            (Some(_), Some(_)) => Status::Suspended,
        }
    }

    /// Provisioning with a valid or invalid slug and name, suspending with or without a
    /// reason, reactivating.
    fn arb_command() -> impl Strategy<Value = TenantAccountCommand> {
        let text = || prop::sample::select(vec!["Acme", "Beta", " "]).prop_map(str::to_owned);
        prop_oneof![
            (prop::sample::select(vec!["acme", "Not A Slug"]), text()).prop_map(|(tenant, display_name)| {
                TenantAccountCommand::Provision { tenant: tenant.to_owned(), display_name }
            }),
            text().prop_map(|reason| TenantAccountCommand::Suspend { reason }),
            Just(TenantAccountCommand::Reactivate),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, a tenant is provisioned once and its name never changes; it
        /// only moves not provisioned → active ⇄ suspended, one event per accepted command;
        /// it is active exactly when provisioned without a suspension, whose reason is never
        /// blank.
        #[test]
        fn a_tenant_only_moves_between_active_and_suspended_once_provisioned(commands in command_sequences(arb_command())) {
            check_command_sequence::<TenantAccount>(&(), commands, |step| {
                let (before, after) = (status_of(step.before), status_of(step.after));
                let allowed = match step.command {
                    TenantAccountCommand::Provision { .. } => (Status::NotProvisioned, Status::Active),
                    TenantAccountCommand::Suspend { .. } => (Status::Active, Status::Suspended),
                    TenantAccountCommand::Reactivate => (Status::Suspended, Status::Active),
                };
                if step.outcome.is_ok() {
                    prop_assert_eq!((before, after), allowed);
                    prop_assert_eq!(step.events().len(), 1);
                }
                if before != Status::NotProvisioned {
                    prop_assert_eq!(step.after.display_name(), step.before.display_name());
                }
                prop_assert_eq!(step.after.is_active(), after == Status::Active);
                prop_assert!(step.after.suspension_reason().is_none_or(|reason| !reason.trim().is_empty()));
                Ok(())
            })?;
        }
    }
}
