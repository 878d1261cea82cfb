//! Fuzzes the decoding of a Kafka record's value as the projectors and process managers do it
//! (`prism_projections::decode::decode_value`): the Confluent frame (magic byte 0, 4-byte
//! big-endian schema id), the Avro body read by the registry codec (`AvroCodec::decode`) with
//! the schema that id names, then the domain event of the aggregate the envelope names,
//! upcast first when it is of an older version.
//!
//! An input is a record's value. A stand-in registry in this process serves schema id `n` as
//! the `n`-th event of `prism_platform::contract::EVENTS` (from 1); the envelope is the one
//! the relay writes for that event, at version 1, and also at version 2 when version 1 of the
//! event is upcast. Any answer is fine; a panic, a hang or an allocation past libFuzzer's
//! limit is the bug (a poison record must go to the dead-letter topic, not stop a consumer).
//! The seeds (`fuzz/seeds/event_decode`) are values of records read from Prism's topics (58 of
//! the 65 event types), their schema id renumbered to this registry's.
#![no_main]

use std::net::SocketAddr;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use prism_aggregates::upcasting;
use prism_platform::avro::AvroCodec;
use prism_platform::contract::{EventContract, EVENTS};
use prism_platform::envelope::EventEnvelope;
use prism_projections::decode::decode_value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

/// The runtime the codec's registry client and the stand-in registry run on.
static RUNTIME: LazyLock<Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime"));

/// The codec, talking to the stand-in registry.
static CODEC: LazyLock<AvroCodec> = LazyLock::new(|| {
    let address = RUNTIME.block_on(serve_registry());
    AvroCodec::new(&format!("http://{address}"))
});

fuzz_target!(|value: &[u8]| {
    let Some(contract) = value.get(1..5).and_then(contract_of) else {
        // Not framed, or an id the registry does not know: refused before any Avro is read.
        assert!(RUNTIME.block_on(decode_value(&CODEC, &envelope(&EVENTS[0], "1"), value)).is_err());
        return;
    };
    let versions: &[&str] = if upcasting::needs_upcast(contract.event_type, "1") { &["1", "2"] } else { &["1"] };
    for version in versions {
        // Decoded or refused, either is an answer.
        let _ = RUNTIME.block_on(decode_value(&CODEC, &envelope(contract, version), value));
    }
});

/// The contract whose schema the registry serves under the big-endian id `id`.
fn contract_of(id: &[u8]) -> Option<&'static EventContract> {
    let id = u32::from_be_bytes(id.try_into().ok()?);
    EVENTS.get(usize::try_from(id).ok()?.checked_sub(1)?)
}

/// The envelope the relay writes for an event of `contract` at `version`.
fn envelope(contract: &EventContract, version: &str) -> EventEnvelope {
    EventEnvelope {
        event_id: uuid::Uuid::nil(),
        event_type: contract.event_type.to_owned(),
        event_version: version.to_owned(),
        aggregate_type: contract.aggregate_type.to_owned(),
        aggregate_id: "fuzz".to_owned(),
        sequence: 1,
        tenant: "fuzz".to_owned(),
        global_position: 1,
        occurred_at: chrono::DateTime::UNIX_EPOCH,
        correlation_id: None,
        causation_id: None,
        traceparent: None,
        user_id: None,
    }
}

/// Binds the stand-in registry on a free loopback port and serves it on [`RUNTIME`].
async fn serve_registry() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let address = listener.local_addr().expect("the bound address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer(stream));
        }
    });
    address
}

/// Answers one `GET /schemas/ids/{id}` as a Confluent registry does, then closes.
async fn answer(mut stream: TcpStream) {
    let mut request = Vec::new();
    let mut chunk = [0_u8; 1024];
    while !request.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(read) => request.extend_from_slice(&chunk[..read]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let id = text.split_whitespace().nth(1).and_then(|path| path.strip_prefix("/schemas/ids/"));
    let id = id.and_then(|rest| rest.split(['?', '/']).next()).and_then(|id| id.parse::<u32>().ok());
    let contract = id.and_then(|id| contract_of(&id.to_be_bytes()));
    let (status, body) = match contract {
        Some(contract) => ("200 OK", serde_json::json!({ "schema": contract.schema })),
        None => ("404 Not Found", serde_json::json!({ "error_code": 40403, "message": "Schema not found" })),
    };
    let body = body.to_string();
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/vnd.schemaregistry.v1+json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    // A client gone away is nothing to report.
    let _ = stream.write_all(format!("{head}{body}").as_bytes()).await;
}
