//! Avro on the wire. Events are stored as JSON (what cqrs-es writes) and published as Avro
//! in Confluent wire format (magic byte 0, 4-byte schema id, body) with subjects named by
//! `TopicRecordNameStrategy`. The conversion between the two is directed by the schema, so
//! logical types come out right: a `date` field carries `"2026-11-25"` in JSON and days
//! since the epoch in Avro.

use std::collections::HashMap;

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

fn mismatch(path: &str, reason: impl Into<String>) -> AvroError {
    AvroError::Mismatch { path: path.to_owned(), reason: reason.into() }
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("1970-01-01 is a date");

/// Converts a JSON document to the Avro value `schema` describes.
///
/// # Errors
/// When the document does not fit the schema.
pub fn json_to_avro(json: &Json, schema: &Schema) -> Result<Avro, AvroError> {
    convert(json, schema, "$")
}

fn convert(json: &Json, schema: &Schema, path: &str) -> Result<Avro, AvroError> {
    match (schema, json) {
        (Schema::Null, Json::Null) => Ok(Avro::Null),
        (Schema::Boolean, Json::Bool(b)) => Ok(Avro::Boolean(*b)),
        (Schema::Int, Json::Number(n)) => {
            let wide = n.as_i64().ok_or_else(|| mismatch(path, "expected an integer"))?;
            i32::try_from(wide).map(Avro::Int).map_err(|_| mismatch(path, "integer out of int range"))
        }
        (Schema::Long, Json::Number(n)) => {
            n.as_i64().map(Avro::Long).ok_or_else(|| mismatch(path, "expected an integer"))
        }
        (Schema::Double, Json::Number(n)) => {
            n.as_f64().map(Avro::Double).ok_or_else(|| mismatch(path, "expected a number"))
        }
        (Schema::String, Json::String(s)) => Ok(Avro::String(s.clone())),
        (Schema::Enum(e), Json::String(s)) => {
            let index =
                e.symbols.iter().position(|symbol| symbol == s).ok_or_else(|| mismatch(path, "unknown enum symbol"))?;
            Ok(Avro::Enum(u32::try_from(index).unwrap_or(u32::MAX), s.clone()))
        }
        (Schema::Date, Json::String(s)) => {
            let date =
                NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| mismatch(path, "expected a YYYY-MM-DD date"))?;
            let days = date.signed_duration_since(EPOCH).num_days();
            i32::try_from(days).map(Avro::Date).map_err(|_| mismatch(path, "date out of range"))
        }
        (Schema::TimestampMicros, Json::String(s)) => {
            let at = DateTime::parse_from_rfc3339(s).map_err(|_| mismatch(path, "expected an RFC 3339 timestamp"))?;
            Ok(Avro::TimestampMicros(at.timestamp_micros()))
        }
        (Schema::Array(array), Json::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| convert(item, &array.items, &format!("{path}[{i}]")))
            .collect::<Result<_, _>>()
            .map(Avro::Array),
        (Schema::Map(map), Json::Object(entries)) => entries
            .iter()
            .map(|(k, v)| Ok((k.clone(), convert(v, &map.types, &format!("{path}.{k}"))?)))
            .collect::<Result<HashMap<_, _>, AvroError>>()
            .map(Avro::Map),
        (Schema::Union(union), _) => {
            for (index, variant) in union.variants().iter().enumerate() {
                if let Ok(value) = convert(json, variant, path) {
                    return Ok(Avro::Union(u32::try_from(index).unwrap_or(u32::MAX), Box::new(value)));
                }
            }
            Err(mismatch(path, "value matches no branch of the union"))
        }
        (Schema::Record(record), Json::Object(fields)) => record
            .fields
            .iter()
            .map(|field| {
                let field_path = format!("{path}.{}", field.name);
                let value = match fields.get(&field.name) {
                    Some(value) => convert(value, &field.schema, &field_path)?,
                    None => match &field.default {
                        Some(default) => convert(default, &field.schema, &field_path)?,
                        None => return Err(mismatch(&field_path, "required field is missing")),
                    },
                };
                Ok((field.name.clone(), value))
            })
            .collect::<Result<_, _>>()
            .map(Avro::Record),
        _ => Err(mismatch(path, format!("JSON {json} does not fit the schema"))),
    }
}

/// Converts a decoded Avro value to JSON, the inverse of [`json_to_avro`].
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
#[derive(Clone)]
pub struct AvroCodec {
    encoder: EasyAvroEncoder,
    decoder: EasyAvroDecoder,
}

impl std::fmt::Debug for AvroCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AvroCodec").finish_non_exhaustive()
    }
}

impl AvroCodec {
    /// A codec talking to the registry at `registry_url`.
    #[must_use]
    pub fn new(registry_url: &str) -> Self {
        Self {
            encoder: EasyAvroEncoder::new(SrSettings::new(registry_url.to_owned())),
            decoder: EasyAvroDecoder::new(SrSettings::new(registry_url.to_owned())),
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
        let value = json_to_avro(body, schema)?;
        let supplied =
            SuppliedSchema::new(Some(contract.record_name.to_owned()), SchemaType::Avro, contract.schema.to_owned());
        let strategy = SubjectNameStrategy::TopicRecordNameStrategyWithSchema(topic.to_owned(), supplied);
        Ok(self.encoder.encode_value(value, &strategy).await?)
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

    #[test]
    fn a_document_survives_the_round_trip_through_avro_with_its_date() {
        let schema = Schema::parse_str(SCHEMA).unwrap();
        let document = json!({"on": "2026-11-25", "amount": 12_500, "memo": "x", "items": [1, 2]});
        let avro = json_to_avro(&document, &schema).unwrap();
        assert!(avro.validate(&schema));
        assert_eq!(avro_to_json(&avro), document);
    }

    #[test]
    fn a_missing_optional_field_takes_its_default() {
        let schema = Schema::parse_str(SCHEMA).unwrap();
        let avro = json_to_avro(&json!({"on": "1970-01-02", "amount": 1, "items": []}), &schema).unwrap();
        assert_eq!(avro_to_json(&avro)["memo"], Json::Null);
        assert_eq!(avro_to_json(&avro)["on"], "1970-01-02");
    }

    #[test]
    fn a_document_of_the_wrong_shape_names_the_path() {
        let schema = Schema::parse_str(SCHEMA).unwrap();
        let error = json_to_avro(&json!({"on": "2026-11-25", "amount": "ten", "items": []}), &schema).unwrap_err();
        assert!(error.to_string().contains("$.amount"), "{error}");
    }
}
