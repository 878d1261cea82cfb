"""Prism's topic contract as an external system sees it: Confluent's own Python client
(confluent-kafka, unmodified) consumes the journal-entry topic and decodes each event with the
schema the registry serves, and the registry guards that contract against incompatible changes.

Run by `scripts/prism test` against the running Prism processes (default topic prefix). Like any
client, it provisions its tenant with the operator key (PRISM_OPERATOR_KEY, else the development
default) and posts with its admin's access token.
"""

import datetime
import json
import os
import time
import urllib.error
import urllib.request
import uuid

import pytest
from confluent_kafka import Consumer
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

COMMAND_URL = os.environ.get("PRISM_COMMAND_URL", "http://127.0.0.1:28080")
REGISTRY_URL = os.environ.get("PRISM_SCHEMA_REGISTRY_URL", "http://127.0.0.1:28081")
BROKERS = os.environ.get("PRISM_KAFKA_BROKERS", "127.0.0.1:29092")
# The platform operator's key, which provisions tenants (the processes' dev default unless set).
OPERATOR_KEY = os.environ.get("PRISM_OPERATOR_KEY") or "prism-local-operator-key"
ADMIN_PASSWORD = "external-check-admin-password"
TOPIC = "prism.finance.journal-entry.v1"
POSTED_SUBJECT = f"{TOPIC}-prism.finance.JournalEntryPosted"


def call(path: str, body: dict, bearer: str | None, expected: int) -> dict:
    """POSTs `body` as JSON to the command API with `Authorization: Bearer <bearer>` (none when
    `bearer` is None) and checks the status is `expected`; the JSON answer."""
    headers = {"content-type": "application/json"}
    if bearer is not None:
        headers["authorization"] = f"Bearer {bearer}"
    request = urllib.request.Request(
        f"{COMMAND_URL}{path}", data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, answer = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, answer = error.code, error.read()
    assert status == expected, f"POST {path}: {status} {answer!r}"
    return json.loads(answer)


def provision(tenant: str) -> str:
    """Provisions `tenant` with its admin as the operator, logs the admin in; the access token."""
    domain = tenant.replace("_", "-")  # a domain has no `_`
    admin = {"email": f"admin@{domain}.example", "name": "External Check", "password": ADMIN_PASSWORD}
    call("/v1/tenants", {"tenant": tenant, "admin": admin}, OPERATOR_KEY, 201)
    login = {"tenant": tenant, "email": admin["email"], "password": ADMIN_PASSWORD}
    return call("/v1/auth/login", login, None, 200)["access_token"]


def post(token: str, path: str, body: dict) -> dict:
    return call(path, body, token, 201)


def open_books(token: str) -> None:
    """Opens fiscal year 2026; provisioning loaded the default chart."""
    post(token, "/v1/fiscal-years", {"start_date": "2026-01-01"})


def post_entry(token: str, amount: int) -> dict:
    body = {
        "date": "2026-11-25",
        "description": "external subscriber check",
        "lines": [
            {"account": "1000", "debit": amount, "currency": "EUR"},
            {"account": "3000", "credit": amount, "currency": "EUR"},
        ],
    }
    return post(token, "/v1/journal-entries", body)


def find_message(consumer: Consumer, tenant: str, timeout_s: float):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        message = consumer.poll(1.0)
        if message is None or message.error():
            continue
        headers = dict(message.headers() or [])
        if headers.get("prism-tenant") == tenant.encode():
            return message, headers
    pytest.fail(f"no event of tenant {tenant} on {TOPIC} within {timeout_s} s")


def test_an_unmodified_confluent_consumer_decodes_a_posted_entry():
    tenant = f"ext_{uuid.uuid4().hex[:10]}"
    token = provision(tenant)
    open_books(token)
    accepted = post_entry(token, 12_345)
    consumer = Consumer(
        {
            "bootstrap.servers": BROKERS,
            "group.id": f"external-check-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([TOPIC])
    try:
        message, headers = find_message(consumer, tenant, timeout_s=90)
    finally:
        consumer.close()

    deserialize = AvroDeserializer(SchemaRegistryClient({"url": REGISTRY_URL}))
    event = deserialize(message.value(), SerializationContext(TOPIC, MessageField.VALUE))
    assert message.key().decode() == accepted["entry_id"]
    assert event["entry_id"] == accepted["entry_id"]
    assert event["tenant"] == tenant
    assert event["entry_date"] == datetime.date(2026, 11, 25)
    assert [(line["account"], line["debit_minor"], line["credit_minor"]) for line in event["lines"]] == [
        ("1000", 12_345, 0),
        ("3000", 0, 12_345),
    ]
    assert headers["prism-event-type"] == b"JournalEntryPosted"
    assert headers["prism-sequence"] == b"1"
    assert int(headers["prism-global-position"]) == accepted["position"]


def test_the_registry_refuses_an_incompatible_change_to_the_published_contract():
    client = SchemaRegistryClient({"url": REGISTRY_URL})
    current = json.loads(client.get_latest_version(POSTED_SUBJECT).schema.schema_str)
    additive = {**current, "fields": current["fields"] + [{"name": "approved_by", "type": ["null", "string"], "default": None}]}
    breaking = {**current, "fields": current["fields"] + [{"name": "approved_by", "type": "string"}]}
    assert client.test_compatibility(POSTED_SUBJECT, Schema(json.dumps(additive), "AVRO"))
    assert not client.test_compatibility(POSTED_SUBJECT, Schema(json.dumps(breaking), "AVRO"))
