"""The CloudEvents 1.0 envelope every lienthong event travels in.

Structured JSON mode: one Kafka message value is one JSON object with the CloudEvents attributes
and the payload under ``data``. Two extensions carry the chain of a dossier (hồ sơ):
``correlationid`` (the dossier id, the same for every hop) and ``causationid`` (the id of the
event that caused this one), so a tester can rebuild the whole path of a dossier from the topics.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

SPEC_VERSION: Literal["1.0"] = "1.0"
EVENT_TYPE_PREFIX = "vn.lienthong"
_ID_NAMESPACE = uuid.UUID("6f2b0c1e-5d8a-4c7e-9a53-0b1d2e3f4a5b")


def derived_id(*parts: object) -> str:
    """A UUID computed from ``parts`` (name-based, RFC 4122 version 5).

    Event ids are derived, never drawn: the event an agency emits in reaction to event X has the
    same id however often X is processed, and two runs given the same inputs produce the same
    ids — so a tester can write expectations on them and inboxes recognise every repeat.
    """
    name = "\x1f".join(str(part) for part in parts)
    return str(uuid.uuid5(_ID_NAMESPACE, hashlib.sha256(name.encode()).hexdigest()))


def event_type(source: str, name: str, version: int = 1) -> str:
    """Build a reverse-DNS, versioned type, e.g. ``vn.lienthong.population.citizen_registered.v1``.

    A new version is a new type: consumers keep accepting every version still registered.
    """
    return f"{EVENT_TYPE_PREFIX}.{source}.{name}.v{version}"


class CloudEvent(BaseModel):
    """One event, as it travels on a topic (CloudEvents 1.0, structured JSON)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: Literal["1.0"] = Field(default=SPEC_VERSION, description="CloudEvents version.")
    id: str = Field(
        description="Unique id of this event (UUID, derived from its cause); consumers "
        "deduplicate on it.",
        examples=["5f0c1b8e-2f6a-4a53-9b1f-3f4f7f2d9a10"],
    )
    source: str = Field(description="The producing service.", examples=["civil_registry"])
    type: str = Field(
        description="Reverse-DNS, versioned event type.",
        examples=["vn.lienthong.civil_registry.birth_registered.v1"],
    )
    subject: str = Field(description="The dossier id this event is about.")
    time: AwareDatetime = Field(
        description="When the producing agency decided (simulated time, with its offset)."
    )
    datacontenttype: Literal["application/json"] = "application/json"
    correlationid: str = Field(description="The dossier id shared by every event of the chain.")
    causationid: str | None = Field(
        default=None, description="Id of the event that caused this one; null for the first."
    )
    data: dict[str, Any] = Field(description="The payload; its schema is given by `type`.")

    def to_bytes(self) -> bytes:
        """Serialise for a Kafka message value."""
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> CloudEvent:
        """Parse a Kafka message value; raises pydantic.ValidationError when malformed."""
        return cls.model_validate_json(raw)


def new_event(
    *,
    source: str,
    type_: str,
    payload: BaseModel,
    dossier_id: str,
    time: datetime,
    cause: CloudEvent | None = None,
    index: int = 0,
) -> CloudEvent:
    """Create an event caused by ``cause`` (or the first of a chain when it is None).

    Its id is derived from the cause (or the dossier) and the type: processing the same cause
    twice yields the same event, never a second one.
    """
    origin = cause.id if cause is not None else dossier_id
    return CloudEvent(
        id=derived_id(origin, type_, index),
        source=source,
        type=type_,
        subject=dossier_id,
        time=time,
        correlationid=dossier_id,
        causationid=cause.id if cause else None,
        data=payload.model_dump(mode="json"),
    )
