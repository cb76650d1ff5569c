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


def event_name(type_: str) -> str:
    """``vn.lienthong.population.citizen_registered.v1`` → ``citizen_registered`` (the name
    people use, every version alike); a type not in this form is returned as it is."""
    parts = type_.split(".")
    return parts[-2] if len(parts) >= 2 else type_


class CloudEvent(BaseModel):
    """One event, as it travels on a topic (CloudEvents 1.0, structured JSON)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: Literal["1.0"] = Field(
        default=SPEC_VERSION, description="CloudEvents version.", examples=["1.0"]
    )
    id: str = Field(
        description="Unique id of this event (UUID, derived from its cause); consumers "
        "deduplicate on it.",
        examples=["80f947ee-109c-5264-a418-f7904e51d776"],
    )
    source: str = Field(description="The producing service.", examples=["civil_registry"])
    type: str = Field(
        description="Reverse-DNS, versioned event type: vn.lienthong.<source>.<name>.v<n>.",
        examples=["vn.lienthong.civil_registry.birth_rejected.v1"],
    )
    subject: str = Field(
        description="The dossier id this event is about (mã hồ sơ).",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    time: AwareDatetime = Field(
        description="When the producing agency decided (simulated time, with its offset).",
        examples=["2026-11-16T09:12:30+07:00"],
    )
    datacontenttype: Literal["application/json"] = Field(
        default="application/json",
        description="Media type of `data`: always JSON.",
        examples=["application/json"],
    )
    correlationid: str = Field(
        description="The dossier id shared by every event of the chain (CloudEvents extension).",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    causationid: str | None = Field(
        default=None,
        description="Id of the event that caused this one (CloudEvents extension); null for "
        "the first of a chain.",
        examples=["6d514a9e-c086-5b22-b6f9-9daf47f74d8d"],
    )
    data: dict[str, Any] = Field(
        description="The payload; its schema is given by `type` (the event catalogue).",
        examples=[
            {
                "dossier_id": "0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b",
                "reason": {
                    "code": "mother_not_found",
                    "message": "The mother is not in the national population database.",
                    "message_vi": "Không tìm thấy thông tin người mẹ trong CSDL quốc gia về "
                    "dân cư.",
                },
            }
        ],
    )

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
