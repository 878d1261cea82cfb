//! Given–when–then tests for every asset rule (registration, the maintenance schedule,
//! downtime one at a time, retirement), the error table, the Avro contract and the
//! command-sequence property.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::production::input::InputError;
use crate::production::services::{FixedBoms, ProductionServices};
use crate::refusal::RefusalKind;
use crate::supply::catalog::CatalogError;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, date, fold};

const ID: &str = "0190f0a4-0000-7000-8000-0000000000a1";

fn framework() -> TestFramework<Asset> {
    let services: Arc<dyn ProductionServices> = Arc::new(FixedBoms::new(&[]));
    TestFramework::with(services)
}

fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, hour, minute, 0).unwrap()
}

fn register_input() -> RegisterAsset {
    RegisterAsset {
        asset_id: Uuid::parse_str(ID).unwrap(),
        name: "Press 2".to_owned(),
        location: "WH-1".to_owned(),
        maintenance_interval_days: Some(30),
        next_maintenance_due: Some(date(2026, 12, 1)),
    }
}

fn register(input: RegisterAsset) -> AssetCommand {
    AssetCommand::Register(input)
}

fn maintain(on: chrono::NaiveDate) -> AssetCommand {
    AssetCommand::RecordMaintenance(RecordMaintenance { performed_on: on, notes: Some("oil changed".to_owned()) })
}

fn stop(started_at: DateTime<Utc>, reason: &str) -> AssetCommand {
    AssetCommand::StartDowntime(StartDowntime { started_at, reason: reason.to_owned(), planned: false })
}

fn restart(ended_at: DateTime<Utc>) -> AssetCommand {
    AssetCommand::EndDowntime(EndDowntime { ended_at })
}

fn retire(reason: &str) -> AssetCommand {
    AssetCommand::Retire(RetireAsset { retired_on: date(2027, 1, 31), reason: reason.to_owned() })
}

fn registered() -> AssetEvent {
    AssetEvent::AssetRegistered(AssetRegistered {
        asset_id: ID.to_owned(),
        name: "Press 2".to_owned(),
        location: "WH-1".to_owned(),
        maintenance_interval_days: Some(30),
        next_maintenance_due: Some(date(2026, 12, 1)),
    })
}

fn maintained(on: chrono::NaiveDate, next: Option<chrono::NaiveDate>) -> AssetEvent {
    AssetEvent::MaintenancePerformed(MaintenancePerformed {
        asset_id: ID.to_owned(),
        performed_on: on,
        notes: Some("oil changed".to_owned()),
        next_maintenance_due: next,
    })
}

fn stopped(started_at: DateTime<Utc>) -> AssetEvent {
    AssetEvent::DowntimeStarted(DowntimeStarted {
        asset_id: ID.to_owned(),
        started_at,
        reason: "hydraulic leak".to_owned(),
        planned: false,
    })
}

fn restarted(started_at: DateTime<Utc>, ended_at: DateTime<Utc>) -> AssetEvent {
    AssetEvent::DowntimeEnded(DowntimeEnded {
        asset_id: ID.to_owned(),
        started_at,
        ended_at,
        duration_seconds: ended_at.signed_duration_since(started_at).num_seconds(),
    })
}

fn retired() -> AssetEvent {
    AssetEvent::AssetRetired(AssetRetired {
        asset_id: ID.to_owned(),
        retired_on: date(2027, 1, 31),
        reason: "worn out".to_owned(),
    })
}

mod lifecycle {
    use super::*;

    #[test]
    fn an_asset_is_registered_running_with_its_first_due_date() {
        framework().given_no_previous_events().when(register(register_input())).then_expect_events(vec![registered()]);
        let asset: Asset = fold([registered()]);
        assert_eq!(
            (asset.status(), asset.next_maintenance_due()),
            (Some(AssetStatus::Running), Some(date(2026, 12, 1)))
        );
        assert_eq!(Asset::default().status(), None);
    }

    #[test]
    fn maintenance_sets_the_next_due_date_by_the_interval_or_by_schedule() {
        framework()
            .given(vec![registered()])
            .when(maintain(date(2026, 11, 28)))
            .then_expect_events(vec![maintained(date(2026, 11, 28), Some(date(2026, 12, 28)))]);
        let scheduled = AssetEvent::MaintenanceScheduled(MaintenanceScheduled {
            asset_id: ID.to_owned(),
            due_on: date(2026, 12, 5),
        });
        let given = vec![registered(), maintained(date(2026, 11, 28), Some(date(2026, 12, 28)))];
        framework()
            .given(given.clone())
            .when(AssetCommand::ScheduleMaintenance { due_on: date(2026, 12, 5) })
            .then_expect_events(vec![scheduled.clone()]);
        let asset: Asset = fold(given.into_iter().chain([scheduled]));
        assert_eq!(asset.next_maintenance_due(), Some(date(2026, 12, 5)));

        // Without an interval nothing is due after maintenance until it is scheduled.
        let no_interval = RegisterAsset { maintenance_interval_days: None, ..register_input() };
        let events = assert_accepted(framework(), vec![], register(no_interval));
        framework()
            .given(events)
            .when(maintain(date(2026, 11, 28)))
            .then_expect_events(vec![maintained(date(2026, 11, 28), None)]);
    }

    #[test]
    fn downtime_starts_and_ends_to_the_second_with_its_length() {
        let started = at(8, 0) + chrono::Duration::milliseconds(750);
        framework()
            .given(vec![registered()])
            .when(stop(started, "hydraulic leak"))
            .then_expect_events(vec![stopped(at(8, 0))]);
        framework()
            .given(vec![registered(), stopped(at(8, 0))])
            .when(restart(at(9, 30)))
            .then_expect_events(vec![restarted(at(8, 0), at(9, 30))]);
        let asset: Asset = fold([registered(), stopped(at(8, 0))]);
        assert_eq!((asset.status(), asset.down_since()), (Some(AssetStatus::Down), Some(at(8, 0))));
        let asset: Asset = fold([registered(), stopped(at(8, 0)), restarted(at(8, 0), at(9, 30))]);
        assert_eq!((asset.status(), asset.down_since()), (Some(AssetStatus::Running), None));
        // A new downtime may start the moment the last one ended.
        framework()
            .given(vec![registered(), stopped(at(8, 0)), restarted(at(8, 0), at(9, 30))])
            .when(stop(at(9, 30), "hydraulic leak"))
            .then_expect_events(vec![stopped(at(9, 30))]);
    }

    #[test]
    fn a_running_asset_is_retired_for_good() {
        framework().given(vec![registered()]).when(retire("worn out")).then_expect_events(vec![retired()]);
        let asset: Asset = fold([registered(), retired()]);
        assert_eq!(asset.status(), Some(AssetStatus::Retired));
    }
}

mod refusals {
    use super::*;

    fn wrong(status: AssetStatus, command: &'static str, needs: &'static str) -> AssetError {
        AssetError::WrongStatus { status, command, needs }
    }

    #[test]
    fn each_command_needs_its_status() {
        let down = vec![registered(), stopped(at(8, 0))];
        let cases = [
            (down.clone(), stop(at(9, 0), "again"), wrong(AssetStatus::Down, "start_downtime", "running")),
            (vec![registered()], restart(at(9, 0)), wrong(AssetStatus::Running, "end_downtime", "down")),
            (down, retire("worn out"), wrong(AssetStatus::Down, "retire", "running")),
            (
                vec![registered(), retired()],
                maintain(date(2027, 2, 1)),
                wrong(AssetStatus::Retired, "record_maintenance", "running or down"),
            ),
            (
                vec![registered(), retired()],
                stop(at(9, 0), "gone"),
                wrong(AssetStatus::Retired, "start_downtime", "running or down"),
            ),
        ];
        for (given, command, expected) in cases {
            assert_refused_as(framework(), given, command, expected, None, "wrong_status", RefusalKind::Conflict);
        }
    }

    #[test]
    fn an_asset_is_registered_once_and_must_exist() {
        assert_refused_as(
            framework(),
            vec![registered()],
            register(register_input()),
            AssetError::AlreadyExists,
            Some("asset_id"),
            "asset_exists",
            RefusalKind::Conflict,
        );
        assert_refused_as(
            framework(),
            vec![],
            retire("never was"),
            AssetError::NotFound,
            None,
            "asset_not_found",
            RefusalKind::NotFound,
        );
    }

    #[test]
    fn registration_needs_a_name_an_open_location_and_a_sane_interval() {
        let cases = [
            (
                RegisterAsset { name: " ".to_owned(), ..register_input() },
                AssetError::Input(InputError::Blank { field: "name".to_owned() }),
                "name",
                "blank",
            ),
            (
                RegisterAsset { maintenance_interval_days: Some(0), ..register_input() },
                AssetError::InvalidInterval { days: 0, max: MAX_INTERVAL_DAYS },
                "maintenance_interval_days",
                "invalid_interval",
            ),
            (
                RegisterAsset { maintenance_interval_days: Some(MAX_INTERVAL_DAYS + 1), ..register_input() },
                AssetError::InvalidInterval { days: MAX_INTERVAL_DAYS + 1, max: MAX_INTERVAL_DAYS },
                "maintenance_interval_days",
                "invalid_interval",
            ),
            (
                RegisterAsset { location: "NOWHERE".to_owned(), ..register_input() },
                AssetError::Catalog(CatalogError::LocationNotFound { field: "location", location: "NOWHERE".into() }),
                "location",
                "location_not_found",
            ),
            (
                RegisterAsset { location: "SHUT".to_owned(), ..register_input() },
                AssetError::Catalog(CatalogError::LocationClosed { field: "location", location: "SHUT".into() }),
                "location",
                "location_closed",
            ),
        ];
        for (input, expected, field, code) in cases {
            assert_refused_as(framework(), vec![], register(input), expected, Some(field), code, RefusalKind::Invalid);
        }
    }

    #[test]
    fn maintenance_and_downtime_never_go_back_in_time() {
        let maintained_on_28th = vec![registered(), maintained(date(2026, 11, 28), Some(date(2026, 12, 28)))];
        assert_refused_as(
            framework(),
            maintained_on_28th.clone(),
            maintain(date(2026, 11, 27)),
            AssetError::MaintenanceBeforeLast { performed_on: date(2026, 11, 27), last: date(2026, 11, 28) },
            Some("performed_on"),
            "maintenance_before_last",
            RefusalKind::Invalid,
        );
        assert_refused_as(
            framework(),
            maintained_on_28th,
            AssetCommand::ScheduleMaintenance { due_on: date(2026, 11, 1) },
            AssetError::DueBeforeLastMaintenance { due_on: date(2026, 11, 1), last: date(2026, 11, 28) },
            Some("due_on"),
            "due_before_last_maintenance",
            RefusalKind::Invalid,
        );
        assert_refused_as(
            framework(),
            vec![registered(), stopped(at(8, 0)), restarted(at(8, 0), at(9, 30))],
            stop(at(9, 0), "overlap"),
            AssetError::OverlapsPreviousDowntime { started_at: at(9, 0), previous_end: at(9, 30) },
            Some("started_at"),
            "downtime_overlap",
            RefusalKind::Invalid,
        );
        assert_refused_as(
            framework(),
            vec![registered(), stopped(at(8, 0))],
            restart(at(8, 0)),
            AssetError::EndNotAfterStart { started_at: at(8, 0), ended_at: at(8, 0) },
            Some("ended_at"),
            "end_not_after_start",
            RefusalKind::Invalid,
        );
        assert_refused_as(
            framework(),
            vec![registered()],
            stop(at(8, 0), ""),
            AssetError::Input(InputError::Blank { field: "reason".to_owned() }),
            Some("reason"),
            "blank",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn every_error_has_a_unique_code_its_field_and_kind() {
        assert_error_table(&[
            (AssetError::AlreadyExists, Some("asset_id"), RefusalKind::Conflict),
            (AssetError::NotFound, None, RefusalKind::NotFound),
            (wrong(AssetStatus::Down, "retire", "running"), None, RefusalKind::Conflict),
            (AssetError::InvalidInterval { days: 0, max: 1 }, Some("maintenance_interval_days"), RefusalKind::Invalid),
            (
                AssetError::MaintenanceBeforeLast { performed_on: date(2026, 1, 1), last: date(2026, 1, 2) },
                Some("performed_on"),
                RefusalKind::Invalid,
            ),
            (
                AssetError::DueBeforeLastMaintenance { due_on: date(2026, 1, 1), last: date(2026, 1, 2) },
                Some("due_on"),
                RefusalKind::Invalid,
            ),
            (
                AssetError::OverlapsPreviousDowntime { started_at: at(8, 0), previous_end: at(9, 0) },
                Some("started_at"),
                RefusalKind::Invalid,
            ),
            (
                AssetError::EndNotAfterStart { started_at: at(8, 0), ended_at: at(8, 0) },
                Some("ended_at"),
                RefusalKind::Invalid,
            ),
            (AssetError::Input(InputError::Blank { field: "reason".to_owned() }), Some("reason"), RefusalKind::Invalid),
        ]);
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const REGISTERED_AVSC: &str = include_str!("../../../../schemas/avro/production/AssetRegistered.avsc");
    const SCHEDULED_AVSC: &str = include_str!("../../../../schemas/avro/production/MaintenanceScheduled.avsc");
    const PERFORMED_AVSC: &str = include_str!("../../../../schemas/avro/production/MaintenancePerformed.avsc");
    const STARTED_AVSC: &str = include_str!("../../../../schemas/avro/production/DowntimeStarted.avsc");
    const ENDED_AVSC: &str = include_str!("../../../../schemas/avro/production/DowntimeEnded.avsc");
    const RETIRED_AVSC: &str = include_str!("../../../../schemas/avro/production/AssetRetired.avsc");

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let bare = RegisterAsset { maintenance_interval_days: None, next_maintenance_due: None, ..register_input() };
        let cases = [
            (REGISTERED_AVSC, vec![], register(register_input())),
            (REGISTERED_AVSC, vec![], register(bare)),
            (SCHEDULED_AVSC, vec![registered()], AssetCommand::ScheduleMaintenance { due_on: date(2026, 12, 5) }),
            (PERFORMED_AVSC, vec![registered()], maintain(date(2026, 11, 28))),
            (STARTED_AVSC, vec![registered()], stop(at(8, 0), "leak")),
            (ENDED_AVSC, vec![registered(), stopped(at(8, 0))], restart(at(9, 0))),
            (RETIRED_AVSC, vec![registered()], retire("worn out")),
        ];
        for (avsc, given, command) in cases {
            for event in assert_accepted(framework(), given, command) {
                assert_event_matches_schema(avsc, &event);
            }
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{check_command_sequence, command_sequences, SEQUENCE_CASES};

    /// Registrations, maintenance and downtime at a few days and hours (so that they meet
    /// and cross each other), retirement.
    fn arb_command() -> impl Strategy<Value = AssetCommand> {
        let day = (25_u32..=30).prop_map(|d| date(2026, 11, d));
        let hour = (6_u32..=12).prop_map(|h| at(h, 0));
        prop_oneof![
            prop::option::of(0_i32..=2)
                .prop_map(|days| register(RegisterAsset { maintenance_interval_days: days, ..register_input() })),
            day.clone().prop_map(|due_on| AssetCommand::ScheduleMaintenance { due_on }),
            day.prop_map(maintain),
            (hour.clone(), prop::sample::select(vec!["", "leak"])).prop_map(|(at, reason)| stop(at, reason)),
            hour.prop_map(restart),
            prop::sample::select(vec!["", "worn out"]).prop_map(retire),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, a retired asset accepts nothing more, an asset is down
        /// exactly while a downtime is under way, and a downtime never ends before it starts.
        #[test]
        fn an_asset_is_down_only_between_a_start_and_an_end_and_stays_retired(commands in command_sequences(arb_command())) {
            let services: Arc<dyn ProductionServices> = Arc::new(FixedBoms::new(&[]));
            check_command_sequence::<Asset>(&services, commands, |step| {
                if step.before.status() == Some(AssetStatus::Retired) {
                    prop_assert!(step.outcome.is_err(), "a retired asset accepted {:?}", step.command);
                }
                prop_assert_eq!(step.after.status() == Some(AssetStatus::Down), step.after.down_since().is_some());
                for event in step.events() {
                    if let AssetEvent::DowntimeEnded(ended) = event {
                        prop_assert!(ended.ended_at > ended.started_at && ended.duration_seconds > 0);
                    }
                }
                Ok(())
            })?;
        }
    }
}
