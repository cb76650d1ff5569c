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

    consumer: str = Field(description="The consumer group that failed.", examples=["population"])
    topic: str = Field(description="Topic the message came from.")
    partition: int
    offset: int
    key: str | None = Field(default=None, description="Message key (the dossier id).")
    event_id: str | None = Field(default=None, description="Event id, when it parsed.")
    event_type: str | None = Field(default=None, description="Event type, when it parsed.")
    error_kind: str = Field(
        description="malformed | unknown_type | invalid_payload | handler_error | transient",
        examples=["malformed"],
    )
    error: str = Field(description="What went wrong.")
    value: str = Field(description="The raw message value (UTF-8, lossy, for people to read).")
    value_base64: str = Field(
        default="", description="The original message bytes, intact (what a redrive sends)."
    )
    attempts: int = Field(default=1, description="How many times the consumer tried it.")
    redrive: int = Field(
        default=0, description="0 for a message as first published, n for its n-th redrive."
    )
