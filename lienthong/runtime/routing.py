"""Parsing a consumed record once: envelope, catalogue type, payload model.

What cannot be handled becomes a dead letter at once (the failure policy's malformed,
unknown_type and invalid_payload); a catalogue type this service does not handle is another
consumer's event on a shared topic, and is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import ConsumerRecord
from pydantic import ValidationError

from lienthong.contracts.catalogue import spec_for_type
from lienthong.contracts.dead_letters import DeadLettered
from lienthong.contracts.envelope import CloudEvent
from lienthong.runtime.applying import Routed
from lienthong.runtime.dead_letters import dead_letter
from lienthong.runtime.handlers import Message, Route
from lienthong.runtime.policy import FailureKind


@dataclass(frozen=True, slots=True)
class Ignored:
    """Another consumer's event on a shared topic: skipped, its type kept for the metrics."""

    event_type: str


def route(
    consumer: str, routes: dict[str, Route], record: ConsumerRecord
) -> Routed | DeadLettered | Ignored:
    """The routed message, the dead letter it is, or :class:`Ignored` when not this consumer's."""
    try:
        event = CloudEvent.from_bytes(record.value or b"")
    except ValidationError as error:
        reason = f"not a CloudEvent: {error.errors()[:3]}"
        return dead_letter(consumer, record, None, FailureKind.MALFORMED, reason)
    except ValueError as error:
        return dead_letter(consumer, record, None, FailureKind.MALFORMED, f"not JSON: {error}")
    handler = routes.get(event.type)
    if handler is None:
        if spec_for_type(event.type) is not None:
            return Ignored(event.type)  # another consumer's event on a shared topic
        reason = f"{event.type!r} is not in the event catalogue"
        return dead_letter(consumer, record, event, FailureKind.UNKNOWN_TYPE, reason)
    try:
        payload = handler.spec.payload.model_validate(event.data)
    except ValidationError as error:
        return dead_letter(consumer, record, event, FailureKind.INVALID_PAYLOAD, str(error))
    return Routed(record, Message(event, payload), handler)
