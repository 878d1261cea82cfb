"""Checks Prism's schema registry with Confluent's own Python client (confluent-kafka).

Not part of `cargo test`: it needs a running registry and the PyPI client. To run it:

    python3 -m venv /tmp/sr-venv
    /tmp/sr-venv/bin/pip install "confluent-kafka[avro,schemaregistry]"
    cargo run -p prism-schema-registry -- \
        --database-url postgres://prism:prism@127.0.0.1:25432/prism \
        --listen 127.0.0.1:28081 --db-schema registry_pycheck &
    /tmp/sr-venv/bin/python schema-registry/tests/confluent_python_check.py http://127.0.0.1:28081

It registers a schema, reads it back (latest version, by id, lookup), serialises a dict with
AvroSerializer (Confluent wire format: magic 0 + 4-byte big-endian id), deserialises it again,
and checks compatibility answers and errors. Subjects get a unique suffix, so it can run
repeatedly against one registry. Exits non-zero on the first failure.
"""

import json
import sys
import time

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext
from confluent_kafka.schema_registry import topic_record_subject_name_strategy

PAYMENT_V1 = {
    "type": "record",
    "name": "PaymentProcessed",
    "namespace": "prism.finance",
    "fields": [
        {"name": "payment_id", "type": "string"},
        {"name": "amount_minor", "type": "long"},
        {"name": "currency", "type": "string"},
    ],
}
PAYMENT_V2 = {
    **PAYMENT_V1,
    "fields": PAYMENT_V1["fields"] + [{"name": "memo", "type": "string", "default": ""}],
}
PAYMENT_BROKEN = {
    **PAYMENT_V1,
    "fields": PAYMENT_V1["fields"] + [{"name": "fee_minor", "type": "long"}],
}


def main(url: str) -> int:
    client = SchemaRegistryClient({"url": url})
    topic = f"prism.pycheck.payment.{int(time.time() * 1000)}"
    subject = f"{topic}-prism.finance.PaymentProcessed"
    v1_text = json.dumps(PAYMENT_V1)
    checks = 0

    schema_id = client.register_schema(subject, Schema(v1_text, "AVRO"))
    latest = client.get_latest_version(subject)
    assert latest.schema_id == schema_id, (latest, schema_id)
    assert latest.version == 1, latest
    assert json.loads(latest.schema.schema_str) == PAYMENT_V1
    fetched = client.get_schema(schema_id)
    assert json.loads(fetched.schema_str) == PAYMENT_V1
    found = client.lookup_schema(subject, Schema(v1_text, "AVRO"))
    assert (found.schema_id, found.version) == (schema_id, 1), found
    checks += 1
    print(f"ok: registered {subject} as id {schema_id}, read back as latest, by id and by lookup")

    serializer = AvroSerializer(
        client, v1_text, conf={"subject.name.strategy": topic_record_subject_name_strategy}
    )
    context = SerializationContext(topic, MessageField.VALUE)
    payment = {"payment_id": "pay-1", "amount_minor": 12345, "currency": "EUR"}
    data = serializer(payment, context)
    assert data[0] == 0, data[:5]
    assert int.from_bytes(data[1:5], "big") == schema_id, data[:5]
    decoded = AvroDeserializer(client)(data, context)
    assert decoded == payment, decoded
    checks += 1
    print(f"ok: AvroSerializer wrote magic 0 + id {schema_id}; AvroDeserializer read it back")

    assert client.test_compatibility(subject, Schema(json.dumps(PAYMENT_V2), "AVRO"))
    assert not client.test_compatibility(subject, Schema(json.dumps(PAYMENT_BROKEN), "AVRO"))
    v2_id = client.register_schema(subject, Schema(json.dumps(PAYMENT_V2), "AVRO"))
    assert v2_id != schema_id
    assert client.get_versions(subject) == [1, 2]
    try:
        client.register_schema(subject, Schema(json.dumps(PAYMENT_BROKEN), "AVRO"))
        raise AssertionError("an incompatible schema was accepted")
    except SchemaRegistryError as error:
        assert (error.http_status_code, error.error_code) == (409, 409), error
    checks += 1
    print("ok: compatible evolution registered as version 2; incompatible one refused with 409")

    assert client.get_compatibility() == "BACKWARD"
    client.set_compatibility(subject, "NONE")
    assert client.get_compatibility(subject) == "NONE"
    try:
        client.get_schema(987654321)
        raise AssertionError("an unknown id was found")
    except SchemaRegistryError as error:
        assert (error.http_status_code, error.error_code) == (404, 40403), error
    checks += 1
    print("ok: compatibility config per subject; unknown id answers 40403")

    print(f"{checks} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:28081"))
