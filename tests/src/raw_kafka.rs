//! A Kafka record written byte for byte: one Produce request (version 3, a record batch of
//! magic 2 with one record) sent over a plain socket to the broker that leads the partition.
//!
//! Kafka clients only write header names that are valid UTF-8 (rdkafka, Python and Java all
//! take them as strings), but the protocol carries any bytes, and any producer with write access
//! to a topic can send them. Tests use this to put such records on Prism's topics.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Kafka's `Produce` API key.
const PRODUCE: i16 = 0;

/// The `Produce` version written: the oldest one Kafka 4 still accepts.
const PRODUCE_VERSION: i16 = 3;

/// Bound on the broker's answer.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(15);

/// A record as its bytes: key, value and headers, each header name any bytes.
#[derive(Debug, Clone, Default)]
pub struct RawRecord {
    /// The record key, or none.
    pub key: Option<Vec<u8>>,
    /// The record value.
    pub value: Vec<u8>,
    /// Header names and values, in order.
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Writes `record` to partition `partition` of `topic` at `broker` (`host:port` of the
/// partition's leader) with `acks=all`, and returns its offset.
///
/// # Panics
/// When the broker cannot be reached or refuses the record (test code: a panic is a failed test).
#[must_use]
pub fn produce(broker: &str, topic: &str, partition: i32, record: &RawRecord) -> i64 {
    let batch = record_batch(record);
    let mut body = Vec::new();
    put_i16(&mut body, PRODUCE);
    put_i16(&mut body, PRODUCE_VERSION);
    put_i32(&mut body, 1); // correlation id
    put_string(&mut body, b"prism-tests-raw");
    put_i16(&mut body, -1); // no transactional id
    put_i16(&mut body, -1); // acks=all
    put_i32(&mut body, 10_000); // timeout, ms
    put_i32(&mut body, 1); // one topic
    put_string(&mut body, topic.as_bytes());
    put_i32(&mut body, 1); // one partition
    put_i32(&mut body, partition);
    put_i32(&mut body, len_i32(&batch));
    body.extend_from_slice(&batch);

    let mut socket = TcpStream::connect(broker).expect("the broker accepts a connection");
    socket.set_read_timeout(Some(ANSWER_TIMEOUT)).expect("a read timeout");
    let mut request = Vec::with_capacity(body.len() + 4);
    put_i32(&mut request, len_i32(&body));
    request.extend_from_slice(&body);
    socket.write_all(&request).expect("the request is sent");

    let mut size = [0_u8; 4];
    socket.read_exact(&mut size).expect("the broker answers");
    let mut answer = vec![0_u8; usize::try_from(i32::from_be_bytes(size)).expect("a positive size")];
    socket.read_exact(&mut answer).expect("the whole answer");
    offset_from_answer(&answer, topic)
}

/// The base offset in a `Produce` v3 answer for its one topic and partition.
fn offset_from_answer(answer: &[u8], topic: &str) -> i64 {
    // correlation id (4), topic count (4), topic name (2 + n), partition count (4),
    // partition index (4), error code (2), base offset (8), ...
    let name_end = 4 + 4 + 2 + topic.len();
    assert_eq!(&answer[10..name_end], topic.as_bytes(), "the answer is for the topic written");
    let error = i16::from_be_bytes([answer[name_end + 8], answer[name_end + 9]]);
    assert_eq!(error, 0, "the broker refused the record (Kafka error code {error})");
    let offset = &answer[name_end + 10..name_end + 18];
    i64::from_be_bytes(offset.try_into().expect("eight bytes"))
}

/// A record batch (magic 2, uncompressed, no producer id) holding `record` alone.
fn record_batch(record: &RawRecord) -> Vec<u8> {
    let now = chrono::Utc::now().timestamp_millis();
    let mut one = Vec::new();
    one.push(0); // attributes
    put_varint(&mut one, 0); // timestamp delta
    put_varint(&mut one, 0); // offset delta
    match &record.key {
        Some(key) => put_varbytes(&mut one, key),
        None => put_varint(&mut one, -1),
    }
    put_varbytes(&mut one, &record.value);
    put_varint(&mut one, i64::try_from(record.headers.len()).expect("a small count"));
    for (name, value) in &record.headers {
        put_varbytes(&mut one, name);
        put_varbytes(&mut one, value);
    }

    // What the CRC covers: everything from the attributes to the end.
    let mut covered = Vec::new();
    put_i16(&mut covered, 0); // attributes
    put_i32(&mut covered, 0); // last offset delta
    put_i64(&mut covered, now); // base timestamp
    put_i64(&mut covered, now); // max timestamp
    put_i64(&mut covered, -1); // producer id
    put_i16(&mut covered, -1); // producer epoch
    put_i32(&mut covered, -1); // base sequence
    put_i32(&mut covered, 1); // record count
    put_varbytes(&mut covered, &one);
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISCSI).checksum(&covered);

    let mut batch = Vec::new();
    put_i64(&mut batch, 0); // base offset (the broker assigns it)
    put_i32(&mut batch, len_i32(&covered) + 4 + 1 + 4); // length after this field
    put_i32(&mut batch, -1); // partition leader epoch
    batch.push(2); // magic
    batch.extend_from_slice(&crc.to_be_bytes());
    batch.extend_from_slice(&covered);
    batch
}

fn len_i32(bytes: &[u8]) -> i32 {
    i32::try_from(bytes.len()).expect("under 2 GiB")
}

fn put_i16(out: &mut Vec<u8>, value: i16) {
    out.extend_from_slice(&value.to_be_bytes());
}

fn put_i32(out: &mut Vec<u8>, value: i32) {
    out.extend_from_slice(&value.to_be_bytes());
}

fn put_i64(out: &mut Vec<u8>, value: i64) {
    out.extend_from_slice(&value.to_be_bytes());
}

/// A protocol string: a 16-bit length, then the bytes.
fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    put_i16(out, i16::try_from(bytes.len()).expect("a short string"));
    out.extend_from_slice(bytes);
}

/// A zig-zag varint, as record fields are written.
fn put_varint(out: &mut Vec<u8>, value: i64) {
    let mut zigzag = ((value << 1) ^ (value >> 63)).cast_unsigned();
    while zigzag >= 0x80 {
        out.push(u8::try_from(zigzag & 0x7f).expect("seven bits") | 0x80);
        zigzag >>= 7;
    }
    out.push(u8::try_from(zigzag).expect("seven bits"));
}

/// A varint length, then the bytes.
fn put_varbytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(out, i64::try_from(bytes.len()).expect("a small length"));
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_are_zig_zag_encoded_as_kafka_writes_them() {
        let encoded = |value| {
            let mut out = Vec::new();
            put_varint(&mut out, value);
            out
        };
        assert_eq!(encoded(0), [0]);
        assert_eq!(encoded(-1), [1]);
        assert_eq!(encoded(1), [2]);
        assert_eq!(encoded(63), [126]);
        assert_eq!(encoded(64), [0x80, 0x01]);
        assert_eq!(encoded(-65), [0x81, 0x01]);
    }
}
