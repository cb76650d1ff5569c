"""What a consumer publishes when it cannot process a message (thư lỗi, dead letter)."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, Field

from lienthong.contracts.envelope import event_type

DEAD_LETTERED: Final = event_type("runtime", "dead_lettered")

REDRIVE_HEADER: Final = "lienthong-redrive"
"""Kafka header a redriven message carries: which redrive of it this is (1, 2, …).

A redrive sends the original bytes unchanged; the header is how the consumer tells a redrive
that fails again (a new failure) from a redelivery of the same message (the same failure)."""


class DeadLettered(BaseModel):
    """A message one consumer gave up on, kept with its error so it can be seen and redriven."""

    consumer: str = Field(
        description="The consumer group that gave up (the service's name).",
        examples=["population"],
    )
    topic: str = Field(
        description="Topic the message came from (where a redrive sends it back).",
        examples=["lienthong.civil_registry.events"],
    )
    partition: int = Field(description="Partition of the failed delivery.", examples=[1])
    offset: int = Field(
        description="Offset of the failed delivery in its partition.", examples=[4127]
    )
    key: str | None = Field(
        default=None,
        description="Message key (the dossier id); null when the message had none.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    event_id: str | None = Field(
        default=None,
        description="Event id, when the message parsed as a CloudEvent; null otherwise.",
        examples=[None, "5dd04d25-c200-5c30-b29f-7d545cdb208c"],
    )
    event_type: str | None = Field(
        default=None,
        description="Event type, when the message parsed as a CloudEvent; null otherwise.",
        examples=[None, "vn.lienthong.civil_registry.birth_registered.v1"],
    )
    error_kind: str = Field(
        description="malformed | unknown_type | invalid_payload | handler_error | transient",
        examples=["malformed"],
    )
    error: str = Field(
        description="What went wrong (cut at 2,000 characters).",
        examples=[
            "not a CloudEvent: [{'type': 'json_invalid', 'loc': (), 'msg': 'Invalid JSON: "
            "expected value at line 1 column 1'}]"
        ],
    )
    value: str = Field(
        description="The raw message value (UTF-8, lossy, for people to read).",
        examples=[
            "<poison not-json 57ae3f9d-4dbf-50c7-8c9b-afabe50e0f08 of "
            "5dd04d25-c200-5c30-b29f-7d545cdb208c>"
        ],
    )
    value_base64: str = Field(
        default="",
        description="The original message bytes, intact, in base64 (what a redrive sends).",
        examples=[
            "PHBvaXNvbiBub3QtanNvbiA1N2FlM2Y5ZC00ZGJmLTUwYzctOGM5Yi1hZmFiZTUwZTBmMDggb2YgNWRkMD"
            "RkMjUtYzIwMC01YzMwLWIyOWYtN2Q1NDVjZGIyMDhjPg=="
        ],
    )
    attempts: int = Field(
        default=1, description="How many times the consumer tried it.", examples=[1]
    )
    redrive: int = Field(
        default=0,
        description="0 for a message as first published, n for its n-th redrive.",
        examples=[0],
    )
