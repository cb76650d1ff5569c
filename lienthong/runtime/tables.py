"""The runtime's own tables (outbox, inbox), kept apart from any service's tables.

Each service declares its tables on its own SQLModel registry (``registry=registry()``), so
several services' models can be imported in one process (tests, the seed command) without
mixing their schemas.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Column, Index, LargeBinary
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """The real instant, UTC: for operational bookkeeping only (when a row was written or sent).

    The outbox replay window ("what the last 24 h published") is about the real broker that lost
    messages in real time, so it is the one place the wall clock belongs; business times come
    from the simulated clock.
    """
    return datetime.now(UTC)  # real-time ok


class RuntimeTable(SQLModel, registry=registry()):
    """Base of the runtime's tables; each service declares its own base the same way."""


class OutboxMessage(RuntimeTable, table=True):
    """An event committed with the state change that caused it, waiting for the relay."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unpublished", "published_at", "available_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    topic: str
    key: str
    event_id: str = Field(index=True)
    event_type: str
    value: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    available_at: datetime = Field(description="Simulated time from which it may be published.")
    published_at: datetime | None = None
    headers: dict[str, str] | None = Field(
        default=None,
        sa_column=Column(JSON, nullable=True),
        description="Kafka headers to send with it besides the `content-type` every message "
        "gets when sent (a redrive names its generation).",
    )


class InboxRecord(RuntimeTable, table=True):
    """An event a consumer has applied; its primary key makes a redelivery a no-op."""

    __tablename__ = "inbox"

    consumer: str = Field(primary_key=True)
    event_id: str = Field(primary_key=True)
    event_type: str
    processed_at: datetime = Field(description="Simulated time the event was applied.")


RUNTIME_METADATA = RuntimeTable.metadata
