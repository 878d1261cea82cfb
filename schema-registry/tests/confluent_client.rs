//! The unmodified Confluent-compatible Rust client (`schema_registry_converter`) registers,
//! encodes and decodes through this registry.

mod common;

use apache_avro::types::Value;
use common::spawn_registry;
use schema_registry_converter::{
    async_impl::{
        easy_avro::{EasyAvroDecoder, EasyAvroEncoder},
        schema_registry::SrSettings,
    },
    schema_registry_common::{SchemaType, SubjectNameStrategy, SuppliedSchema},
};

const PAYMENT_PROCESSED: &str = r#"{
  "type": "record",
  "name": "PaymentProcessed",
  "namespace": "prism.finance",
  "fields": [
    {"name": "payment_id", "type": "string"},
    {"name": "amount_minor", "type": "long"},
    {"name": "currency", "type": "string"}
  ]
}"#;

#[tokio::test]
async fn a_record_round_trips_through_the_confluent_client_in_wire_format() {
    let registry = spawn_registry().await;
    let settings = SrSettings::new(registry.base_url.clone());
    let encoder = EasyAvroEncoder::new(settings.clone());
    let decoder = EasyAvroDecoder::new(settings);
    let strategy = SubjectNameStrategy::TopicRecordNameStrategyWithSchema(
        "prism.finance.payment.v1".to_owned(),
        SuppliedSchema::new(
            Some("prism.finance.PaymentProcessed".to_owned()),
            SchemaType::Avro,
            PAYMENT_PROCESSED.to_owned(),
        ),
    );
    let fields = vec![
        ("payment_id", Value::String("pay-1".to_owned())),
        ("amount_minor", Value::Long(12_345)),
        ("currency", Value::String("EUR".to_owned())),
    ];

    let bytes = encoder.encode(fields.clone(), strategy).await.unwrap();

    let subject = "prism.finance.payment.v1-prism.finance.PaymentProcessed";
    let (_, latest) = registry.get(&format!("/subjects/{subject}/versions/latest")).await;
    let id = u32::try_from(latest["id"].as_i64().unwrap()).unwrap();
    assert_eq!(bytes[0], 0, "magic byte");
    assert_eq!(bytes[1..5], id.to_be_bytes(), "schema id, big-endian");

    let decoded = decoder.decode(Some(&bytes)).await.unwrap();
    let expected = fields.into_iter().map(|(name, value)| (name.to_owned(), value)).collect();
    assert_eq!(decoded.value, Value::Record(expected));
}
