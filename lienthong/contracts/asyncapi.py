"""The AsyncAPI 3.0 document of every channel and message, generated from the event catalogue.

Nothing here is written by hand: a channel per topic, a message per event type of
:data:`~lienthong.contracts.catalogue.CATALOGUE` — its CloudEvents envelope with ``type`` fixed
and ``data`` the payload model's JSON Schema (descriptions and examples from the model), the
Kafka key, an example — and an operation per sender and per receiver, tagged with the service.
One document describes the whole sandbox, so an agency team reads what it sends, what it
receives, and who else depends on each message.
"""

from __future__ import annotations

import inspect
from typing import Any, Final

from lienthong.contracts.catalogue import ANY_SERVICE, CATALOGUE, EventSpec
from lienthong.contracts.envelope import CloudEvent, derived_id
from lienthong.contracts.examples import example_of
from lienthong.contracts.kafka_binding import CONTENT_TYPE_HEADER, STRUCTURED_CONTENT_TYPE
from lienthong.contracts.services import SERVICE_NAMES

ASYNCAPI_VERSION: Final = "3.0.0"
CONTENT_TYPE: Final = STRUCTURED_CONTENT_TYPE
"""Structured mode of the CloudEvents Kafka binding: the envelope is the message value."""
KAFKA_BINDING_VERSION: Final = "0.5.0"
REF: Final = "#/components/schemas/{model}"
EXAMPLE_DOSSIER: Final = "0b6c1f2e-9d4a-5e7b-8c3f-2a1d4e5f6a7b"
EXAMPLE_TIME: Final = "2026-11-16T10:30:00+07:00"


def message_id(spec: EventSpec) -> str:
    """``civil_registry.birth_registered.v1``: the event type without the common prefix."""
    return spec.type.removeprefix("vn.lienthong.")


def _doc(spec: EventSpec) -> tuple[str, str]:
    text = inspect.getdoc(spec.payload) or spec.payload.__name__
    summary = text.split("\n\n", 1)[0].replace("\n", " ")
    return summary, text


def _senders(spec: EventSpec) -> list[str]:
    return list(SERVICE_NAMES) if spec.producer == ANY_SERVICE else [spec.producer]


def _envelope(spec: EventSpec, schemas: dict[str, Any]) -> dict[str, Any]:
    """The CloudEvent schema with this message's ``type`` and ``data``; the payload's schema
    (and every model it uses) goes to ``components.schemas``."""
    payload = spec.payload.model_json_schema(ref_template=REF, mode="serialization")
    schemas.update(payload.pop("$defs", {}))
    schemas[spec.payload.__name__] = payload
    envelope = CloudEvent.model_json_schema(ref_template=REF, mode="serialization")
    properties = dict(envelope["properties"])
    properties["type"] = {**properties["type"], "const": spec.type, "examples": [spec.type]}
    properties["source"] = {**properties["source"], "enum": _senders(spec)}
    properties["data"] = {
        "description": properties["data"].get("description", "The payload."),
        "$ref": REF.format(model=spec.payload.__name__),
    }
    return {**envelope, "title": f"{spec.payload.__name__} event", "properties": properties}


def _example(spec: EventSpec) -> dict[str, Any]:
    """A whole message as it travels: the envelope around an example of the payload."""
    return {
        "name": spec.payload.__name__,
        "summary": f"A {message_id(spec)} message",
        "headers": {CONTENT_TYPE_HEADER: CONTENT_TYPE},
        "payload": {
            "specversion": "1.0",
            "id": derived_id("example", spec.type),
            "source": _senders(spec)[0],
            "type": spec.type,
            "subject": EXAMPLE_DOSSIER,
            "time": EXAMPLE_TIME,
            "datacontenttype": "application/json",
            "correlationid": EXAMPLE_DOSSIER,
            "causationid": derived_id("example cause", spec.type),
            "data": example_of(spec.payload),
        },
    }


def _message(spec: EventSpec, schemas: dict[str, Any]) -> dict[str, Any]:
    summary, description = _doc(spec)
    consumers = ", ".join(sorted(spec.consumers))
    return {
        "name": spec.type,
        "title": spec.payload.__name__,
        "summary": summary,
        "description": f"{description}\n\nSent by {', '.join(_senders(spec))}; "
        f"received by {consumers}.",
        "contentType": CONTENT_TYPE,
        "headers": {
            "type": "object",
            "properties": {
                CONTENT_TYPE_HEADER: {
                    "type": "string",
                    "const": CONTENT_TYPE,
                    "description": "CloudEvents Kafka binding, structured mode.",
                }
            },
        },
        "payload": _envelope(spec, schemas),
        "correlationId": {
            "description": "The dossier id, the same on every event of its chain.",
            "location": "$message.payload#/correlationid",
        },
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "description": "The dossier id: one dossier's events stay in order.",
                    "examples": [EXAMPLE_DOSSIER],
                },
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "examples": [_example(spec)],
        "x-producer": spec.producer,
        "x-consumers": sorted(spec.consumers),
    }


def _channel(spec: EventSpec) -> dict[str, Any]:
    """A topic: one per producing service, plus the dead letters every service may send."""
    who = "every service (dead letters)" if spec.producer == ANY_SERVICE else spec.producer
    return {
        "address": spec.topic,
        "title": spec.topic,
        "description": f"The events of {who}; Kafka key: the dossier id.",
        "messages": {},
    }


def _operation(action: str, service: str, spec: EventSpec) -> dict[str, Any]:
    channel = f"#/channels/{spec.topic}"
    verb = "sends" if action == "send" else "receives"
    return {
        "action": action,
        "channel": {"$ref": channel},
        "summary": f"{service} {verb} {message_id(spec)}",
        "messages": [{"$ref": f"{channel}/messages/{message_id(spec)}"}],
        "tags": [{"name": service}],
    }


def asyncapi_document(version: str, bootstrap_servers: str = "127.0.0.1:9092") -> dict[str, Any]:
    """The whole document (``version``: the sandbox's version, the document's ``info.version``)."""
    schemas: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for spec in CATALOGUE:
        name = message_id(spec)
        messages[name] = _message(spec, schemas)
        channel = channels.setdefault(spec.topic, _channel(spec))
        channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
        for sender in _senders(spec):
            operations[f"{sender}.send.{name}"] = _operation("send", sender, spec)
        for receiver in sorted(spec.consumers):
            operations[f"{receiver}.receive.{name}"] = _operation("receive", receiver, spec)
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "lienthong — events between the agencies",
            "version": version,
            "description": (
                "Every event the sandbox's services exchange over Kafka (liên thông điện tử, "
                "Decree 63/2024/NĐ-CP): CloudEvents 1.0 in structured mode, keyed by the dossier "
                "id. Generated from the event catalogue (lienthong/contracts/catalogue.py)."
            ),
            "tags": [{"name": name} for name in SERVICE_NAMES],
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "sandbox": {
                "host": bootstrap_servers,
                "protocol": "kafka",
                "description": "The sandbox's broker (embedded Tansu, or Apache Kafka).",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }
