//! A decoded Avro body cannot make the process allocate more than
//! `MAX_AVRO_ALLOCATION_BYTES` for one value: the bound is set by the first codec. Its own test
//! binary, since apache-avro keeps the first bound a process sets.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::types::Value;
use apache_avro::Schema;
use prism_platform::avro::{AvroCodec, MAX_AVRO_ALLOCATION_BYTES};

#[test]
fn a_body_claiming_a_string_past_the_bound_is_refused_without_allocating_it() {
    let _codec = AvroCodec::new("http://127.0.0.1:9");
    assert_eq!(apache_avro::util::max_allocation_bytes(0), MAX_AVRO_ALLOCATION_BYTES, "the first codec set the bound");

    let schema =
        Schema::parse_str(r#"{"type": "record", "name": "R", "fields": [{"name": "s", "type": "string"}]}"#).unwrap();
    // A string length of 32 MiB (zig-zag varint), followed by nothing.
    let claimed = 32_u64 * 1024 * 1024 * 2;
    let mut body = Vec::new();
    let mut rest = claimed;
    while rest >= 0x80 {
        body.push(u8::try_from(rest & 0x7f).unwrap() | 0x80);
        rest >>= 7;
    }
    body.push(u8::try_from(rest).unwrap());
    let reader = GenericDatumReader::builder(&schema).build().unwrap();
    let error = reader.read_value(&mut body.as_slice()).unwrap_err();
    assert!(error.to_string().contains("allocat"), "refused for its size: {error}");
    assert!(matches!(
        reader.read_value(&mut [6, b'a', b'b', b'c'].as_slice()).unwrap(),
        Value::Record(fields) if fields == [("s".to_owned(), Value::String("abc".to_owned()))]
    ));
}
