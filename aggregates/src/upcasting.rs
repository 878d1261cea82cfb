//! Event upcasting: how an event's shape evolves without editing history.
//!
//! Events are never edited, so when an event type changes shape its old payloads stay in the
//! event store (and on the topics) as they were written, with their `event_version`. Every
//! reader of stored events — the command side loading an aggregate, the relay and
//! `prism-audit republish` encoding for Kafka, the projectors decoding from Kafka,
//! `prism-audit state` — passes the payload through [`upcast`] first, which applies, one
//! version step at a time, the [`UPCASTERS`] registered for its event type, so the code only
//! ever deserialises the current shape.
//!
//! To evolve an event:
//! 1. change its Rust struct and bump its version (`DomainEvent::event_version`);
//! 2. change its `.avsc` in a way the registry accepts under `BACKWARD` compatibility — a new
//!    field needs an Avro `default` (it is what an external consumer reading an old record
//!    with the new schema sees; Prism's own readers upcast instead), a renamed field an
//!    `aliases` entry — and keep the old schema under `schemas/avro/history/`: it stays
//!    registered, and old records on the topics keep pointing at it;
//! 3. register an [`Upcaster`] from the old version to the new one here, a pure function of
//!    the old payload that derives or renames the field (never invents facts: when the old
//!    payload cannot tell, the new field must be optional);
//! 4. add a test that upcasts a stored old payload and replays it.
//!
//! The first evolution: `ExchangeRateSet` 1 → 2 added `rate_e9`, the rate as an exact
//! integer, derived from the `rate` text every version-1 payload has.

use serde_json::{Map, Value};

use crate::finance::exchange_rates::parse_rate;

/// One step of an event type's evolution: payloads of `from_version` become `to_version`.
#[derive(Debug, Clone, Copy)]
pub struct Upcaster {
    /// The event type (`ExchangeRateSet`).
    pub event_type: &'static str,
    /// The version it reads.
    pub from_version: &'static str,
    /// The version it writes.
    pub to_version: &'static str,
    /// Turns the fields of a `from_version` payload into those of a `to_version` one.
    pub transform: fn(&mut Map<String, Value>) -> Result<(), String>,
}

/// Every upcaster, in no particular order.
pub const UPCASTERS: &[Upcaster] = &[Upcaster {
    event_type: "ExchangeRateSet",
    from_version: "1",
    to_version: "2",
    transform: exchange_rate_set_v1_to_v2,
}];

/// Why a stored payload could not be upcast.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot upcast {event_type} version {version}: {reason}")]
pub struct UpcastError {
    /// The event type.
    pub event_type: String,
    /// The version the failing step read.
    pub version: String,
    /// What was wrong with the payload.
    pub reason: String,
}

/// The fields of an `event_type` payload of `version`, brought to the current version: the
/// new fields and the version reached. A payload already current comes back unchanged.
///
/// # Errors
/// When the payload is not an object or a step refuses it (a field it derives from is missing
/// or malformed).
pub fn upcast(event_type: &str, version: &str, mut record: Value) -> Result<(Value, String), UpcastError> {
    let mut version = version.to_owned();
    while let Some(step) = UPCASTERS.iter().find(|u| u.event_type == event_type && u.from_version == version) {
        let failed =
            |reason: String| UpcastError { event_type: event_type.to_owned(), version: version.clone(), reason };
        let fields = record.as_object_mut().ok_or_else(|| failed("the payload is not an object".to_owned()))?;
        (step.transform)(fields).map_err(failed)?;
        step.to_version.clone_into(&mut version);
    }
    Ok((record, version))
}

/// [`upcast`] of an externally tagged payload (`{"<event type>": {...}}`), as the event store
/// keeps it.
///
/// # Errors
/// As [`upcast`].
pub fn upcast_tagged(event_type: &str, version: &str, mut tagged: Value) -> Result<(Value, String), UpcastError> {
    // Nearly every stored payload is current: it passes untouched.
    let record = tagged.get_mut(event_type).filter(|_| needs_upcast(event_type, version)).map(Value::take);
    let Some(record) = record else {
        return Ok((tagged, version.to_owned()));
    };
    let (record, version) = upcast(event_type, version, record)?;
    tagged[event_type] = record;
    Ok((tagged, version))
}

/// The version payloads of `event_type` are written in now: `1`, or where its upcasters lead
/// from there.
#[must_use]
pub fn current_version(event_type: &str) -> &'static str {
    let mut version = "1";
    while let Some(step) = UPCASTERS.iter().find(|u| u.event_type == event_type && u.from_version == version) {
        version = step.to_version;
    }
    version
}

/// Whether a payload of `event_type` at `version` would be changed by [`upcast`].
#[must_use]
pub fn needs_upcast(event_type: &str, version: &str) -> bool {
    UPCASTERS.iter().any(|u| u.event_type == event_type && u.from_version == version)
}

/// [`upcast`] as a cqrs-es upcaster, for the event store the command side loads aggregates
/// through (`PersistedEventStore::with_upcasters`). A payload a step refuses is passed on as
/// it is, so that loading the aggregate fails on it, naming the event.
#[derive(Debug, Clone, Copy, Default)]
pub struct StoredEventUpcaster;

impl cqrs_es::persist::EventUpcaster for StoredEventUpcaster {
    fn can_upcast(&self, event_type: &str, event_version: &str) -> bool {
        needs_upcast(event_type, event_version)
    }

    fn upcast(&self, mut event: cqrs_es::persist::SerializedEvent) -> cqrs_es::persist::SerializedEvent {
        let payload = event.payload.take();
        match upcast_tagged(&event.event_type, &event.event_version, payload.clone()) {
            Ok((payload, version)) => {
                event.payload = payload;
                event.event_version = version;
            }
            Err(_) => event.payload = payload,
        }
        event
    }
}

/// `ExchangeRateSet` 1 → 2: `rate_e9` derived from the `rate` text.
fn exchange_rate_set_v1_to_v2(fields: &mut Map<String, Value>) -> Result<(), String> {
    let rate = fields.get("rate").and_then(Value::as_str).ok_or("no rate text")?;
    let rate_e9 = parse_rate(rate).map_err(|e| format!("rate {rate:?}: {e}"))?;
    fields.insert("rate_e9".to_owned(), rate_e9.into());
    Ok(())
}

#[cfg(test)]
mod tests {
    use cqrs_es::{Aggregate, DomainEvent};
    use serde_json::json;

    use super::*;
    use crate::finance::exchange_rates::{ExchangeRates, ExchangeRatesEvent};
    use crate::money::Currency;
    use crate::test_support::date;

    #[test]
    fn the_current_version_is_where_the_upcasters_lead() {
        assert_eq!(current_version("ExchangeRateSet"), "2");
        assert_eq!(current_version("JournalEntryPosted"), "1");
    }

    /// An `ExchangeRateSet` as version 1 stored it, externally tagged.
    fn stored_v1(rate: &str) -> Value {
        json!({"ExchangeRateSet": {"currency": "USD", "functional_currency": "EUR", "date": "2026-01-01", "rate": rate}})
    }

    #[test]
    fn a_version_1_exchange_rate_set_gains_its_exact_integer_rate() {
        let (upcast, version) = upcast_tagged("ExchangeRateSet", "1", stored_v1("1.0825")).unwrap();
        assert_eq!(version, "2");
        assert_eq!(upcast["ExchangeRateSet"]["rate_e9"], 1_082_500_000);
        assert_eq!(upcast["ExchangeRateSet"]["rate"], "1.0825", "the other fields stay as they were");
    }

    #[test]
    fn replayed_version_1_events_rebuild_the_same_rates_as_version_2_ones() {
        let (upcast, _) = upcast_tagged("ExchangeRateSet", "1", stored_v1("0.92")).unwrap();
        let event: ExchangeRatesEvent = serde_json::from_value(upcast).unwrap();
        assert_eq!(event.event_version(), ExchangeRatesEvent::EXCHANGE_RATE_SET_VERSION);
        let mut rates = ExchangeRates::default();
        rates.apply(event);
        let usd = Currency::parse("USD").unwrap();
        assert_eq!(rates.rate_on(usd, date(2026, 3, 1)), Some((date(2026, 1, 1), 920_000_000)));
        assert!(serde_json::from_value::<ExchangeRatesEvent>(stored_v1("0.92")).is_err(), "v1 alone no longer reads");
    }

    #[test]
    fn current_payloads_and_other_types_pass_unchanged() {
        let current = json!({"ExchangeRateSet": {"currency": "USD", "functional_currency": "EUR",
            "date": "2026-01-01", "rate": "2", "rate_e9": 2_000_000_000_i64}});
        assert_eq!(upcast_tagged("ExchangeRateSet", "2", current.clone()).unwrap(), (current, "2".to_owned()));
        let other = json!({"FunctionalCurrencySet": {"currency": "EUR"}});
        assert_eq!(upcast_tagged("FunctionalCurrencySet", "1", other.clone()).unwrap(), (other, "1".to_owned()));
        assert!(needs_upcast("ExchangeRateSet", "1"));
        assert!(!needs_upcast("ExchangeRateSet", "2"));
    }

    #[test]
    fn a_payload_the_step_cannot_read_is_refused_naming_the_version() {
        let error = upcast_tagged("ExchangeRateSet", "1", stored_v1("not a rate")).unwrap_err();
        assert_eq!((error.event_type.as_str(), error.version.as_str()), ("ExchangeRateSet", "1"));
        assert!(upcast("ExchangeRateSet", "1", json!([1])).is_err());
    }

    #[test]
    fn every_step_starts_where_no_other_does_and_ends_at_a_later_version() {
        for step in UPCASTERS {
            let from: u32 = step.from_version.parse().unwrap();
            let to: u32 = step.to_version.parse().unwrap();
            assert!(to > from, "{step:?}");
            let same_start = UPCASTERS
                .iter()
                .filter(|u| u.event_type == step.event_type && u.from_version == step.from_version)
                .count();
            assert_eq!(same_start, 1, "{step:?}: one path only");
        }
    }
}
