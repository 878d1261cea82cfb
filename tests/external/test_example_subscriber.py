"""The example subscriber (examples/python-subscriber) decodes every event type Prism publishes:
`prism-contract samples` publishes one record of each, the way the relay does (Avro through the
registry, the envelope as headers), to topics of a prefix of its own; the subscriber, Confluent's
client unmodified, must read back and decode all of them. The event types are those of the
published contract, schemas/avro/published.json (a Rust test keeps it equal to the contract).
"""

import datetime
import json
import os
import pathlib
import subprocess
import sys
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "python-subscriber"))

import subscriber  # noqa: E402  (the example, imported from its folder)

BROKERS = os.environ.get("PRISM_KAFKA_BROKERS", "127.0.0.1:29092")
REGISTRY_URL = os.environ.get("PRISM_SCHEMA_REGISTRY_URL", "http://127.0.0.1:28081")
BIN_DIR = pathlib.Path(os.environ.get("PRISM_BIN_DIR", ROOT / "target" / "debug"))


def test_the_example_subscriber_decodes_every_event_type_prism_publishes():
    expected = set(json.loads((ROOT / "schemas" / "avro" / "published.json").read_text()))
    prefix = f"ext{uuid.uuid4().hex[:10]}"
    published = subprocess.run(
        [BIN_DIR / "prism-contract", "samples", "--topic-prefix", prefix, "--kafka-brokers", BROKERS,
         "--schema-registry-url", REGISTRY_URL],
        capture_output=True, text=True, timeout=120,
    )
    assert published.returncode == 0, published.stderr
    assert published.stdout.startswith(f"{len(expected)} sample records published")

    decoded = {}
    for event in subscriber.events(BROKERS, REGISTRY_URL, prefix, from_start=True, idle_seconds=20):
        decoded[event["event_type"]] = event
        if set(decoded) >= expected:
            break
    assert set(decoded) == expected, f"not decoded: {sorted(expected - set(decoded))}"

    posted = decoded["JournalEntryPosted"]
    assert posted["topic"] == f"{prefix}.finance.journal-entry.v1"
    assert (posted["key"], posted["tenant"], posted["sequence"]) == ("sample-JournalEntryPosted", "contract_samples", 1)
    assert posted["value"]["entry_date"] == datetime.date(2026, 11, 27)
    assert posted["value"]["lines"][0]["account"] == "sample"
    assert decoded["DowntimeStarted"]["value"]["started_at"] == datetime.datetime(2026, 11, 27, 8, tzinfo=datetime.timezone.utc)
