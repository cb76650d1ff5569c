"""Validators of what the sandbox publishes, built from its own AsyncAPI document.

What an agency team reads in the document is what the tests hold every message to: a message
validates against the schema of its type's message (the envelope with ``type`` fixed and
``data`` the payload schema), resolved inside the document's ``components``.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema_rs

from lienthong.contracts.asyncapi import asyncapi_document, message_id
from lienthong.contracts.catalogue import spec_for_type


@cache
def _document() -> dict[str, Any]:
    return asyncapi_document("test")


@cache
def message_validator(event_type: str) -> Any:
    """The validator of messages of ``event_type`` (KeyError: not a type of the catalogue)."""
    spec = spec_for_type(event_type)
    if spec is None:
        raise KeyError(event_type)
    message = _document()["components"]["messages"][message_id(spec)]
    schema = {**message["payload"], "components": _document()["components"]}
    return jsonschema_rs.validator_for(schema)


def schema_errors(value: bytes) -> list[str]:
    """Why a message value does not match the published schema of its type (empty: it does)."""
    envelope = json.loads(value)
    try:
        validator = message_validator(str(envelope.get("type")))
    except KeyError:
        return [f"type {envelope.get('type')!r} is not in the AsyncAPI document"]
    return [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(envelope)]
