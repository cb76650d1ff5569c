"""``/admin/ledger`` on every service: what it decided, holds and owns, per dossier, for ``verify``.

``lienthong verify`` reconciles the four databases without reading anyone's tables: each service
describes itself here, in one read transaction (one snapshot), with a few GROUP BY queries
whatever the number of dossiers. The runtime part is the same everywhere:

- ``decisions`` — per dossier (the outbox ``key``) and event type: how many events the service
  staged, how many are not published yet and the earliest time one of those may go
  (``next_available_at``, simulated): a decision staged but not yet out is a reason to wait;
- ``parked`` — the events it consumed and holds (``held``) or will retry (``retry``), with why;
- ``faults`` — every fault set, with whether it is ``active`` now; ``consumer`` — its counters;
- ``clock`` — its simulated ``now`` and ``speed``.

``domain`` is the service's own part (:data:`~lienthong.runtime.service.LedgerHook`): an agency
gives ``facts`` (``{fact: {dossier id: rows}}``) and ``unlinked`` (``{fact: {row key: rows}}``,
effects no decision of its own claims); the gateway gives its ``dossiers`` and ``counters``.
``?dossier_id=`` restricts everything to one dossier (then ``unlinked`` and the gateway's
``counters``, which are about the whole run, are left out).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.catalogue import spec_for_payload
from lienthong.contracts.envelope import CloudEvent
from lienthong.runtime.app import RuntimeDep
from lienthong.runtime.parked import ParkedEvent
from lienthong.runtime.service import Service
from lienthong.runtime.tables import OutboxMessage

router = APIRouter(prefix="/admin/ledger", tags=["admin"])

Payload = TypeVar("Payload", bound=BaseModel)

DossierFilter = Annotated[
    str | None,
    Query(
        description="Only this dossier (default: every dossier).",
        max_length=200,
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    ),
]


def iso(moment: datetime | None) -> str | None:
    """An instant as ISO 8601 in UTC (SQLite gives naive datetimes back; all are UTC)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


@router.get("", summary="What this service decided, holds and owns, per dossier")
async def get_ledger(runtime: RuntimeDep, dossier_id: DossierFilter = None) -> dict[str, Any]:
    """The ledger ``lienthong verify`` reconciles; see the module docstring for its fields."""
    return await build_ledger(runtime, dossier_id)


async def build_ledger(service: Service, dossier_id: str | None = None) -> dict[str, Any]:
    """The ledger of ``service``, read in one transaction so its parts agree with each other."""
    async with service.db.read_session() as session:
        decisions = await _decisions(session, dossier_id)
        parked = await _parked(session, service.name, dossier_id)
        domain = await service.ledger(service, session, dossier_id) if service.ledger else {}
    board = service.faults
    return {
        "service": service.name,
        "dossier_id": dossier_id,
        "clock": {"now": service.clock.now().isoformat(), "speed": service.clock.speed},
        "decisions": decisions,
        "parked": parked,
        "faults": [
            {**fault.model_dump(mode="json"), "active": board.active(fault.kind) is not None}
            for fault in board.faults()
        ],
        "consumer": service.processor.stats.as_dict() if service.processor else None,
        "domain": domain,
    }


async def _decisions(session: AsyncSession, dossier_id: str | None) -> list[dict[str, Any]]:
    """Outbox rows by dossier and event type: staged, unpublished, next to become available."""
    unpublished = col(OutboxMessage.published_at).is_(None)
    key, event_type = col(OutboxMessage.key), col(OutboxMessage.event_type)
    query = sa_select(
        key,
        event_type,
        func.count(),
        func.sum(case((unpublished, 1), else_=0)),
        func.min(case((unpublished, col(OutboxMessage.available_at)), else_=None)),
    ).group_by(key, event_type)
    if dossier_id is not None:
        query = query.where(key == dossier_id)
    rows = await rows_of(session, query.order_by(key, event_type))
    return [
        {
            "dossier_id": row[0],
            "event_type": row[1],
            "count": int(row[2]),
            "unpublished": int(row[3] or 0),
            "next_available_at": iso(_instant(row[4])),
        }
        for row in rows
    ]


async def _parked(
    session: AsyncSession, consumer: str, dossier_id: str | None
) -> list[dict[str, Any]]:
    """The events this service consumed and waits to apply."""
    query = sa_select(
        col(ParkedEvent.key),
        col(ParkedEvent.event_type),
        col(ParkedEvent.kind),
        col(ParkedEvent.reason),
        col(ParkedEvent.attempts),
    ).where(col(ParkedEvent.consumer) == consumer)
    if dossier_id is not None:
        query = query.where(col(ParkedEvent.key) == dossier_id)
    rows = await rows_of(session, query.order_by(col(ParkedEvent.key)))
    return [
        {"dossier_id": r[0], "event_type": r[1], "kind": r[2], "reason": r[3], "attempts": r[4]}
        for r in rows
    ]


def _instant(value: Any) -> datetime | None:
    """MIN() over a CASE may come back as text on SQLite: an instant either way."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


# -- for the services' ledger hooks ---------------------------------------------------------------


async def rows_of(session: AsyncSession, query: Any) -> list[tuple[Any, ...]]:
    """The rows of a Core query, in the session's transaction (so in the ledger's snapshot)."""
    connection = await session.connection()
    return [tuple(row) for row in await connection.execute(query)]


async def count_by(session: AsyncSession, column: Any, dossier_id: str | None) -> dict[str, int]:
    """``{dossier id: rows}`` of one table, grouped by its dossier column (NULLs left out)."""
    query = sa_select(column, func.count()).where(column.is_not(None)).group_by(column)
    if dossier_id is not None:
        query = query.where(column == dossier_id)
    return {str(key): int(n) for key, n in await rows_of(session, query)}


async def decided(
    session: AsyncSession, payload: type[Payload], dossier_id: str | None
) -> list[tuple[str, Payload]]:
    """Every decision of type ``payload`` this service staged, with its dossier, typed.

    For a service whose rows do not carry the dossier id: its decision event names both, and was
    committed with the row, so it is the link between a row and its dossier.
    """
    query = sa_select(col(OutboxMessage.key), col(OutboxMessage.value)).where(
        col(OutboxMessage.event_type) == spec_for_payload(payload).type
    )
    if dossier_id is not None:
        query = query.where(col(OutboxMessage.key) == dossier_id)
    rows = await rows_of(session, query.order_by(col(OutboxMessage.id)))
    return [(key, payload.model_validate(CloudEvent.from_bytes(value).data)) for key, value in rows]
