"""Parked events (sự kiện tạm giữ): consumed, not yet applied, waiting to be tried again.

A message is parked, instead of blocking its partition or becoming a dead letter, when:

- ``held`` — the agency is down for its province or flow (a ``down`` fault with a scope): it
  waits, without counting attempts, until the fault is cleared;
- ``retry`` — a transient failure (its lookup timed out, a ``sync_error``): it is tried again
  with bounded exponential backoff and jitter, and becomes a dead letter after the last attempt.

Its Kafka offset is committed with the batch that parked it, in the same transaction, so a
parked message is never lost and never applied twice: the row holds the original bytes and
headers, and the retry loop applies it through the same path as a consumed one (inbox first).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, LargeBinary
from sqlmodel import Field

from lienthong.runtime.tables import RuntimeTable, utcnow

HELD = "held"
RETRY = "retry"


class ParkedEvent(RuntimeTable, table=True):
    """A consumed message waiting to be applied (see the module docstring)."""

    __tablename__ = "parked_events"

    consumer: str = Field(primary_key=True)
    event_id: str = Field(primary_key=True)
    event_type: str
    topic: str
    partition: int
    offset: int
    key: str | None = Field(default=None, index=True, description="The dossier id.")
    value: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    headers: list[list[str]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    flow: str | None = Field(default=None, description="birth or death (a fault's scope).")
    province: str | None = Field(default=None, description="Province (a fault's scope).")
    kind: str = Field(description="held (agency down for its scope) or retry (transient).")
    reason: str = Field(description="Why it waits, for people (and `lienthong verify`).")
    attempts: int = Field(default=0, description="Attempts made so far (retry only).")
    next_attempt_at: datetime = Field(
        default_factory=utcnow, index=True, description="Real time of its next try."
    )
    parked_at: datetime = Field(default_factory=utcnow)
