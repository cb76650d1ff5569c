"""The AsyncAPI document: valid AsyncAPI 3.0, and saying what the event catalogue says."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from lienthong.contracts.asyncapi import CONTENT_TYPE, asyncapi_document, message_id
from lienthong.contracts.catalogue import ANY_SERVICE, CATALOGUE
from lienthong.contracts.envelope import CloudEvent
from lienthong.contracts.services import SERVICE_NAMES
from tests.published_schemas import schema_errors

SPEC = Path(__file__).parents[1] / "data" / "asyncapi" / "asyncapi-3.0.0.schema.json"
"""The official AsyncAPI 3.0.0 JSON Schema (npm @asyncapi/specs 6.11.1, Apache-2.0)."""


@cache
def document() -> dict[str, Any]:
    return asyncapi_document("9.9.9", "kafka.example:9092")


def test_the_document_is_valid_asyncapi_3() -> None:
    validator = jsonschema_rs.validator_for(json.loads(SPEC.read_text("utf-8")))

    errors = [
        f"{error.instance_path}: {error.message}" for error in validator.iter_errors(document())
    ]

    assert errors == []
    assert document()["asyncapi"] == "3.0.0"
    assert document()["servers"]["sandbox"]["host"] == "kafka.example:9092"


def test_every_event_type_is_a_message_on_its_topic_with_its_senders_and_receivers() -> None:
    channels, operations = document()["channels"], document()["operations"]

    for spec in CATALOGUE:
        name = message_id(spec)
        assert name in channels[spec.topic]["messages"], name
        message = document()["components"]["messages"][name]
        assert message["name"] == spec.type
        assert message["contentType"] == CONTENT_TYPE
        assert message["payload"]["properties"]["type"]["const"] == spec.type
        senders = SERVICE_NAMES if spec.producer == ANY_SERVICE else (spec.producer,)
        for sender in senders:
            assert operations[f"{sender}.send.{name}"]["action"] == "send"
        for receiver in spec.consumers:
            operation = operations[f"{receiver}.receive.{name}"]
            assert operation["action"] == "receive"
            assert operation["channel"] == {"$ref": f"#/channels/{spec.topic}"}
    sends = [key for key in operations if ".send." in key]
    receives = [key for key in operations if ".receive." in key]
    assert len(receives) == sum(len(spec.consumers) for spec in CATALOGUE)
    assert len(sends) == sum(
        len(SERVICE_NAMES) if spec.producer == ANY_SERVICE else 1 for spec in CATALOGUE
    )


def test_every_example_is_a_message_its_consumers_accept() -> None:
    for spec in CATALOGUE:
        (example,) = document()["components"]["messages"][message_id(spec)]["examples"]

        event = CloudEvent.model_validate(example["payload"])

        assert event.type == spec.type
        spec.payload.model_validate(event.data)  # what a consumer does before its handler
        assert example["headers"] == {"content-type": CONTENT_TYPE}


def test_every_payload_field_has_a_description() -> None:
    schemas = document()["components"]["schemas"]
    undocumented = [
        f"{model}.{field}"
        for model, schema in schemas.items()
        for field, prop in schema.get("properties", {}).items()
        if not prop.get("description")
    ]

    assert undocumented == []


def test_the_published_schema_refuses_what_a_consumer_would_refuse() -> None:
    spec = next(spec for spec in CATALOGUE if spec.payload.__name__ == "BirthRegistered")
    (example,) = document()["components"]["messages"][message_id(spec)]["examples"]
    good = example["payload"]
    no_number = {
        **good,
        "data": {k: v for k, v in good["data"].items() if k != "registration_number"},
    }
    wrong_type = {**good, "type": "vn.lienthong.civil_registry.birth_rejected.v1"}

    assert schema_errors(json.dumps(good).encode()) == []
    assert any(
        "registration_number" in why for why in schema_errors(json.dumps(no_number).encode())
    )
    assert schema_errors(json.dumps(wrong_type).encode()) != []
