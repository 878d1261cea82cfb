"""A Prism subscriber in Python: Confluent's own client (confluent-kafka), unmodified, reads
every Prism topic and decodes each record with its AvroDeserializer against the schema
registry — all an external system needs. Prints one JSON line per event: its topic, type (the
`prism-event-type` header), key, tenant, sequence and decoded value.

    pip install -r requirements.txt
    python subscriber.py --brokers 127.0.0.1:29092 --registry http://127.0.0.1:28081

`--from-start` reads the topics from their first records (else only what comes next);
`--idle-seconds N` stops after N seconds without a record.
"""

import argparse
import json
import re
import sys
import time
import uuid
from collections.abc import Iterator

from confluent_kafka import Consumer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext


def topic_pattern(prefix: str) -> str:
    """The subscription of every event topic under `prefix` (`<prefix>.<module>.<aggregate>.v<N>`);
    dead-letter topics (`<prefix>.dlq.<name>`) have no version and are left out."""
    return rf"^{re.escape(prefix)}\..*\.v[0-9]+$"


def events(
    brokers: str,
    registry_url: str,
    prefix: str = "prism",
    from_start: bool = False,
    idle_seconds: float | None = None,
) -> Iterator[dict]:
    """Every event on the topics of `prefix`, decoded, as it arrives; ends after `idle_seconds`
    without one (never when None)."""
    consumer = Consumer(
        {
            "bootstrap.servers": brokers,
            "group.id": f"prism-example-subscriber-{uuid.uuid4()}",
            "auto.offset.reset": "earliest" if from_start else "latest",
            "enable.auto.commit": False,
            "topic.metadata.refresh.interval.ms": 5000,
        }
    )
    consumer.subscribe([topic_pattern(prefix)])
    deserialize = AvroDeserializer(SchemaRegistryClient({"url": registry_url}))
    last_record = time.monotonic()
    try:
        while idle_seconds is None or time.monotonic() - last_record < idle_seconds:
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                print(f"kafka: {message.error()}", file=sys.stderr)
                continue
            last_record = time.monotonic()
            headers = {name: value.decode() for name, value in message.headers() or [] if value is not None}
            value = deserialize(message.value(), SerializationContext(message.topic(), MessageField.VALUE))
            yield {
                "topic": message.topic(),
                "event_type": headers.get("prism-event-type"),
                "key": message.key().decode() if message.key() else None,
                "tenant": headers.get("prism-tenant"),
                "sequence": int(headers.get("prism-sequence", "0")),
                "value": value,
            }
    finally:
        consumer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--brokers", default="127.0.0.1:29092")
    parser.add_argument("--registry", default="http://127.0.0.1:28081")
    parser.add_argument("--prefix", default="prism", help="the topic prefix (PRISM_TOPIC_PREFIX)")
    parser.add_argument("--from-start", action="store_true", help="read the topics from their first records")
    parser.add_argument("--idle-seconds", type=float, default=None, help="stop after this long without a record")
    args = parser.parse_args()
    for event in events(args.brokers, args.registry, args.prefix, args.from_start, args.idle_seconds):
        print(json.dumps(event, default=str), flush=True)


if __name__ == "__main__":
    main()
