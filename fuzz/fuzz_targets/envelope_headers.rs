//! Fuzzes the reading of a Kafka record's headers into its event envelope, as every projector
//! and process manager does before decoding the value (`EventEnvelope::from_headers`).
//!
//! An input is a list of headers, each: one byte choosing the name (below 13, that Prism
//! header of the contract; otherwise the next bytes up to a NUL, as text), one byte giving the
//! value's length (255: no value), then the value. Any answer is fine; a panic or a hang is the
//! bug. An envelope that is read must survive writing it back as headers and reading it again
//! unchanged, as the relay writes and the projectors read it. (Header names that are not
//! UTF-8 reach rdkafka only from the wire; `tests/tests/dead_letters.rs` sends them.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use prism_platform::envelope::{header_names as h, EventEnvelope};
use rdkafka::message::{Header, OwnedHeaders};

/// The header names of the contract, chosen by a name byte below their count.
const NAMES: [&str; 13] = [
    h::EVENT_ID,
    h::EVENT_TYPE,
    h::EVENT_VERSION,
    h::AGGREGATE_ID,
    h::AGGREGATE_TYPE,
    h::SEQUENCE,
    h::TENANT,
    h::GLOBAL_POSITION,
    h::OCCURRED_AT,
    h::CORRELATION_ID,
    h::CAUSATION_ID,
    h::TRACEPARENT,
    h::USER_ID,
];

/// A length byte meaning the header has no value.
const NO_VALUE: u8 = 255;

fuzz_target!(|input: &[u8]| {
    let headers = headers_from(input);
    let Ok(envelope) = EventEnvelope::from_headers(headers.as_borrowed()) else {
        return;
    };
    let written = envelope.to_headers();
    let read_again = EventEnvelope::from_headers(written.as_borrowed()).expect("a written envelope reads back");
    assert_eq!(read_again, envelope, "the envelope survives the round trip through headers");
});

/// The headers `input` describes.
fn headers_from(mut input: &[u8]) -> OwnedHeaders {
    let mut headers = OwnedHeaders::new();
    while let Some((&choice, rest)) = input.split_first() {
        let (name, rest) = match NAMES.get(usize::from(choice)) {
            Some(name) => ((*name).to_owned(), rest),
            None => {
                let end = rest.iter().position(|&byte| byte == 0).unwrap_or(rest.len());
                (String::from_utf8_lossy(&rest[..end]).into_owned(), rest.get(end + 1..).unwrap_or_default())
            }
        };
        let Some((&length, rest)) = rest.split_first() else {
            headers = headers.insert(Header { key: &name, value: None::<&[u8]> });
            break;
        };
        if length == NO_VALUE {
            headers = headers.insert(Header { key: &name, value: None::<&[u8]> });
            input = rest;
            continue;
        }
        let (value, rest) = rest.split_at(usize::from(length).min(rest.len()));
        headers = headers.insert(Header { key: &name, value: Some(value) });
        input = rest;
    }
    headers
}
