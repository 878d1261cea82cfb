//! Avro on the wire. Events are stored as JSON (what cqrs-es writes) and published as Avro
//! in Confluent wire format (magic byte 0, 4-byte schema id, body) with subjects named by
//! `TopicRecordNameStrategy`. The conversion between the two is directed by the schema, so
//! logical types come out right: a `date` field carries `"2026-11-25"` in JSON and days
//! since the epoch in Avro.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use apache_avro::types::Value as Avro;
use apache_avro::Schema;
use chrono::{DateTime, NaiveDate, Utc};
use schema_registry_converter::async_impl::easy_avro::{EasyAvroDecoder, EasyAvroEncoder};
use schema_registry_converter::async_impl::schema_registry::SrSettings;
use schema_registry_converter::error::SRCError;
use schema_registry_converter::schema_registry_common::{SchemaType, SubjectNameStrategy, SuppliedSchema};
use serde_json::{Map, Number, Value as Json};

use crate::contract::EventContract;

/// Why a value could not be converted or coded.
#[derive(Debug, thiserror::Error)]
pub enum AvroError {
    /// The JSON does not fit the schema at `path`.
    #[error("at {path}: {reason}")]
    Mismatch {
        /// Where in the document.
        path: String,
        /// What was expected.
        reason: String,
    },
    /// The registry or the codec refused.
    #[error("schema registry codec: {0}")]
    Codec(#[from] SRCError),
}

impl AvroError {
    fn mismatch(reason: impl Into<String>) -> Self {
        Self::Mismatch { path: "$".to_owned(), reason: reason.into() }
    }

    /// The same mismatch, one level down: `segment` (`.field`, `[3]`) is inserted after `$`.
    fn within(self, segment: &str) -> Self {
        match self {
            Self::Mismatch { path, reason } => Self::Mismatch { path: format!("${segment}{}", &path[1..]), reason },
            other => other,
        }
    }
}

/// Most bytes one string, byte array or collection of a decoded Avro body may claim. A record
/// is at most Kafka's 1 MiB message size, so a length past this is a lie in a malformed or
/// hostile body, and refusing it costs no allocation (apache-avro's own bound is 512 MiB).
pub const MAX_AVRO_ALLOCATION_BYTES: usize = 16 * 1024 * 1024;

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("1970-01-01 is a date");

/// Appends to `out` the Avro binary encoding, under `schema`, of the JSON document `json`.
/// Nothing is allocated on the way but the output; a document that does not fit yields the
/// path at fault (and leaves `out` in any state).
///
/// # Errors
/// When the document does not fit the schema.
pub fn write_json(json: &Json, schema: &Schema, out: &mut Vec<u8>) -> Result<(), AvroError> {
    match (schema, json) {
        (Schema::Null, Json::Null) => {}
        (Schema::Boolean, Json::Bool(b)) => out.push(u8::from(*b)),
        (Schema::Int, Json::Number(n)) => {
            let wide = n.as_i64().ok_or_else(|| AvroError::mismatch("expected an integer"))?;
            let int = i32::try_from(wide).map_err(|_| AvroError::mismatch("integer out of int range"))?;
            write_long(i64::from(int), out);
        }
        (Schema::Long, Json::Number(n)) => {
            write_long(n.as_i64().ok_or_else(|| AvroError::mismatch("expected an integer"))?, out);
        }
        (Schema::Double, Json::Number(n)) => {
            let double = n.as_f64().ok_or_else(|| AvroError::mismatch("expected a number"))?;
            out.extend_from_slice(&double.to_le_bytes());
        }
        (Schema::String, Json::String(s)) => write_bytes(s.as_bytes(), out),
        (Schema::Enum(e), Json::String(s)) => {
            let index = e.symbols.iter().position(|symbol| symbol == s);
            write_long(
                index.and_then(|i| i64::try_from(i).ok()).ok_or_else(|| AvroError::mismatch("unknown enum symbol"))?,
                out,
            );
        }
        (Schema::Date, Json::String(s)) => {
            let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| AvroError::mismatch("expected a YYYY-MM-DD date"))?;
            let days = i32::try_from(date.signed_duration_since(EPOCH).num_days())
                .map_err(|_| AvroError::mismatch("date out of range"))?;
            write_long(i64::from(days), out);
        }
        (Schema::TimestampMicros, Json::String(s)) => {
            let at =
                DateTime::parse_from_rfc3339(s).map_err(|_| AvroError::mismatch("expected an RFC 3339 timestamp"))?;
            write_long(at.timestamp_micros(), out);
        }
        (Schema::Array(array), Json::Array(items)) => {
            if !items.is_empty() {
                write_long(i64::try_from(items.len()).unwrap_or(i64::MAX), out);
                for (i, item) in items.iter().enumerate() {
                    write_json(item, &array.items, out).map_err(|e| e.within(&format!("[{i}]")))?;
                }
            }
            out.push(0);
        }
        (Schema::Map(map), Json::Object(entries)) => {
            if !entries.is_empty() {
                write_long(i64::try_from(entries.len()).unwrap_or(i64::MAX), out);
                for (key, value) in entries {
                    write_bytes(key.as_bytes(), out);
                    write_json(value, &map.types, out).map_err(|e| e.within(&format!(".{key}")))?;
                }
            }
            out.push(0);
        }
        (Schema::Union(union), _) => {
            let mark = out.len();
            for (index, variant) in union.variants().iter().enumerate() {
                write_long(i64::try_from(index).unwrap_or(i64::MAX), out);
                if write_json(json, variant, out).is_ok() {
                    return Ok(());
                }
                out.truncate(mark);
            }
            return Err(AvroError::mismatch("value matches no branch of the union"));
        }
        (Schema::Record(record), Json::Object(fields)) => {
            for field in &record.fields {
                let value = fields.get(&field.name).or(field.default.as_ref());
                let value = value.ok_or_else(|| {
                    AvroError::mismatch("required field is missing").within(&format!(".{}", field.name))
                })?;
                write_json(value, &field.schema, out).map_err(|e| e.within(&format!(".{}", field.name)))?;
            }
        }
        _ => return Err(AvroError::mismatch(format!("JSON {json} does not fit the schema"))),
    }
    Ok(())
}

/// Avro `long`/`int`: zig-zag, then variable length.
fn write_long(n: i64, out: &mut Vec<u8>) {
    #[allow(clippy::cast_sign_loss)]
    let mut z = ((n << 1) ^ (n >> 63)) as u64;
    while z >= 0x80 {
        #[allow(clippy::cast_possible_truncation)]
        out.push((z as u8 & 0x7f) | 0x80);
        z >>= 7;
    }
    #[allow(clippy::cast_possible_truncation)]
    out.push(z as u8);
}

/// Avro `string`/`bytes`: length, then the bytes.
fn write_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    write_long(i64::try_from(bytes.len()).unwrap_or(i64::MAX), out);
    out.extend_from_slice(bytes);
}

/// Converts a decoded Avro value to JSON, the inverse of [`write_json`].
#[must_use]
pub fn avro_to_json(value: &Avro) -> Json {
    match value {
        Avro::Null => Json::Null,
        Avro::Boolean(b) => Json::Bool(*b),
        Avro::Int(i) => Json::from(*i),
        Avro::Date(days) => Json::String(
            EPOCH
                .checked_add_signed(chrono::Duration::days(i64::from(*days)))
                .map_or_else(String::new, |d| d.to_string()),
        ),
        Avro::Long(l) => Json::from(*l),
        Avro::Float(f) => Number::from_f64(f64::from(*f)).map_or(Json::Null, Json::Number),
        Avro::Double(d) => Number::from_f64(*d).map_or(Json::Null, Json::Number),
        Avro::String(s) | Avro::Enum(_, s) => Json::String(s.clone()),
        Avro::Union(_, inner) => avro_to_json(inner),
        Avro::Array(items) => Json::Array(items.iter().map(avro_to_json).collect()),
        Avro::Map(entries) => Json::Object(entries.iter().map(|(k, v)| (k.clone(), avro_to_json(v))).collect()),
        Avro::Record(fields) => {
            Json::Object(fields.iter().map(|(k, v)| (k.clone(), avro_to_json(v))).collect::<Map<_, _>>())
        }
        Avro::TimestampMicros(micros) => {
            DateTime::<Utc>::from_timestamp_micros(*micros).map_or(Json::Null, |t| Json::String(t.to_rfc3339()))
        }
        other => Json::String(format!("{other:?}")),
    }
}

/// Encodes and decodes event bodies in Confluent wire format through the schema registry,
/// registering each schema under `<topic>-<record name>` the first time it is used.
///
/// The first encode of a subject goes through the registry client, which registers the
/// schema; its id is then remembered (topic → record name → id) and later bodies are
/// written straight from JSON, with no registry lookup, schema copy or Avro value.
#[derive(Clone)]
pub struct AvroCodec {
    encoder: EasyAvroEncoder,
    decoder: EasyAvroDecoder,
    schema_ids: Arc<RwLock<HashMap<String, HashMap<&'static str, u32>>>>,
}

impl std::fmt::Debug for AvroCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AvroCodec").finish_non_exhaustive()
    }
}

impl AvroCodec {
    /// A codec talking to the registry at `registry_url`. The first codec of a process bounds
    /// every Avro allocation of the process at [`MAX_AVRO_ALLOCATION_BYTES`] (apache-avro takes
    /// its bound once, before its first decode).
    #[must_use]
    pub fn new(registry_url: &str) -> Self {
        apache_avro::util::max_allocation_bytes(MAX_AVRO_ALLOCATION_BYTES);
        Self {
            encoder: EasyAvroEncoder::new(SrSettings::new(registry_url.to_owned())),
            decoder: EasyAvroDecoder::new(SrSettings::new(registry_url.to_owned())),
            schema_ids: Arc::default(),
        }
    }

    /// Encodes the JSON body of an event of `contract` for `topic`.
    ///
    /// # Errors
    /// When the body does not fit the schema or the registry refuses the schema.
    pub async fn encode(
        &self,
        topic: &str,
        contract: &EventContract,
        schema: &Schema,
        body: &Json,
    ) -> Result<Vec<u8>, AvroError> {
        let id = match self.known_schema_id(topic, contract.record_name) {
            Some(id) => id,
            None => self.register(topic, contract).await?,
        };
        let mut bytes = Vec::with_capacity(256);
        bytes.push(0);
        bytes.extend_from_slice(&id.to_be_bytes());
        write_json(body, schema, &mut bytes)?;
        Ok(bytes)
    }

    /// Registers (or finds) the schema of `contract` under `<topic>-<record name>` and
    /// remembers its id.
    async fn register(&self, topic: &str, contract: &EventContract) -> Result<u32, AvroError> {
        let supplied =
            SuppliedSchema::new(Some(contract.record_name.to_owned()), SchemaType::Avro, contract.schema.to_owned());
        let strategy = SubjectNameStrategy::TopicRecordNameStrategyWithSchema(topic.to_owned(), supplied);
        let subject = strategy.get_subject()?;
        let id = self.encoder.get_schema_and_id(&subject, strategy).await?.id;
        let mut ids = self.schema_ids.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        ids.entry(topic.to_owned()).or_default().insert(contract.record_name, id);
        Ok(id)
    }

    fn known_schema_id(&self, topic: &str, record_name: &str) -> Option<u32> {
        let ids = self.schema_ids.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        ids.get(topic).and_then(|records| records.get(record_name)).copied()
    }

    /// Decodes a Confluent-framed Avro body, returning the writer's record name and the body as JSON.
    ///
    /// # Errors
    /// When the bytes are not Confluent Avro or the schema id is unknown to the registry.
    pub async fn decode(&self, bytes: &[u8]) -> Result<(Option<String>, Json), AvroError> {
        let decoded = self.decoder.decode(Some(bytes)).await?;
        Ok((decoded.name.map(|name| name.fullname(None)), avro_to_json(&decoded.value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCHEMA: &str = r#"{"type":"record","name":"T","namespace":"prism.test","fields":[
        {"name":"on","type":{"type":"int","logicalType":"date"}},
        {"name":"amount","type":"long"},
        {"name":"memo","type":["null","string"],"default":null},
        {"name":"items","type":{"type":"array","items":"int"}}]}"#;

    /// Writes `document`, decodes it with apache-avro's reader, and gives back the value and
    /// apache-avro's own encoding of it.
    fn through_apache_avro(document: &Json, schema: &Schema) -> (Avro, Vec<u8>, Vec<u8>) {
        let mut written = Vec::new();
        write_json(document, schema, &mut written).unwrap();
        let reader = apache_avro::reader::datum::GenericDatumReader::builder(schema).build().unwrap();
        let value = reader.read_value(&mut written.as_slice()).unwrap();
        let writer = apache_avro::writer::datum::GenericDatumWriter::builder(schema).build().unwrap();
        let canonical = writer.write_value_to_vec(value.clone()).unwrap();
        (value, written, canonical)
    }

    #[test]
    fn a_document_survives_the_round_trip_through_avro_with_its_date() {
        let schema = Schema::parse_str(SCHEMA).unwrap();
        let document = json!({"on": "2026-11-25", "amount": 12_500, "memo": "x", "items": [1, 2]});
        let (value, _, _) = through_apache_avro(&document, &schema);
        assert!(value.validate(&schema));
        assert_eq!(avro_to_json(&value), document);
    }

    #[test]
    fn a_missing_optional_field_takes_its_default() {
        let schema = Schema::parse_str(SCHEMA).unwrap();
        let (value, _, _) = through_apache_avro(&json!({"on": "1970-01-02", "amount": 1, "items": []}), &schema);
        assert_eq!(avro_to_json(&value)["memo"], Json::Null);
        assert_eq!(avro_to_json(&value)["on"], "1970-01-02");
    }

    #[test]
    fn written_bytes_are_exactly_what_apache_avro_writes_for_the_same_value() {
        let schema = Schema::parse_str(SCHEMA).unwrap();
        for document in [
            json!({"on": "2026-11-25", "amount": 12_500, "memo": "x", "items": [1, 2]}),
            json!({"on": "1969-12-31", "amount": -9_000_000_000_i64, "items": []}),
            json!({"on": "1970-01-01", "amount": 0, "memo": null, "items": [-1, 64, -65, 2_000_000]}),
        ] {
            let (_, written, canonical) = through_apache_avro(&document, &schema);
            assert_eq!(written, canonical, "{document}");
        }
    }

    #[test]
    fn a_document_of_the_wrong_shape_names_the_path() {
        let schema = Schema::parse_str(SCHEMA).unwrap();
        let wrong_type =
            write_json(&json!({"on": "2026-11-25", "amount": "ten", "items": []}), &schema, &mut Vec::new());
        assert!(wrong_type.unwrap_err().to_string().contains("at $.amount:"));
        let deep = write_json(&json!({"on": "2026-11-25", "amount": 1, "items": [1, "x"]}), &schema, &mut Vec::new());
        assert!(deep.unwrap_err().to_string().contains("at $.items[1]:"));
        let missing = write_json(&json!({"on": "2026-11-25", "items": []}), &schema, &mut Vec::new());
        assert!(missing.unwrap_err().to_string().contains("at $.amount: required field is missing"));
    }
}
