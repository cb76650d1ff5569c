"""Finding failures and sending them again (redrive, gửi lại).

A redrive stages the failure's original bytes, on its original topic and key, in the gateway's
own outbox — in the transaction that marks the failure ``redriven`` — with the Kafka header
``lienthong-redrive: n`` (after the structured-mode ``content-type`` header every message gets:
``lienthong/contracts/kafka_binding.py``). Every consumer that already applied the event drops
it (inbox); the one that failed applies it now. If it fails again, its dead letter carries
generation ``n`` and the failure is open again. A resolved failure is never sent: that would be
a no-op at best.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.dead_letters import REDRIVE_HEADER
from lienthong.contracts.envelope import derived_id
from lienthong.contracts.services import AGENCIES
from lienthong.domain.calendar import VIETNAM_TZ
from lienthong.runtime.db import bulk_insert
from lienthong.runtime.service import Service
from lienthong.runtime.tables import OutboxMessage, utcnow
from services.gateway.counting import Place, Tally, place_of
from services.gateway.failure_models import (
    UNRESOLVED,
    BulkRedriveResult,
    Failure,
    FailureSelection,
    FailureStatus,
    RedriveResult,
)
from services.gateway.failures import failure_update, update_params
from services.gateway.models import Dossier
from services.gateway.times import utc

_CHUNK = 500
"""Dossier ids per ``IN (…)`` lookup."""


def instant(moment: datetime | None) -> datetime | None:
    """A filter time in UTC; without an offset it is Vietnam time (the reports' clock)."""
    if moment is None:
        return None
    return utc(moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM_TZ))


def conditions(selection: FailureSelection) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a selection (its times already checked, see :func:`instant`)."""
    where: list[ColumnElement[bool]] = []
    if selection.agency is not None:
        where.append(col(Failure.agency) == selection.agency)
    if selection.flow is not None:
        where.append(col(Failure.flow) == selection.flow)
    if selection.kind is not None:
        where.append(col(Failure.error_kind) == selection.kind)
    if selection.status == "unresolved":
        where.append(col(Failure.status).in_(UNRESOLVED))
    elif selection.status != "all":
        where.append(col(Failure.status) == selection.status)
    if (since := instant(selection.since)) is not None:
        where.append(col(Failure.last_failed_at) >= since)
    if (until := instant(selection.until)) is not None:
        where.append(col(Failure.last_failed_at) <= until)
    if selection.dossier_id is not None:
        where.append(col(Failure.dossier_id) == selection.dossier_id)
    return where


def already_resolved(row: Failure) -> str:
    """Why a resolved failure is not sent again."""
    at = utc(row.resolved_at).isoformat() if row.resolved_at else "an unknown time"
    return f"already resolved by {row.resolved_by or 'a decision'} at {at}"


def outbox_row(row: Failure, generation: int, now: datetime) -> dict[str, Any]:
    """The outbox row of one redrive: the original message, with its generation in a header.

    The row's ``event_id`` names this redrive (consumers dedupe on the id inside the bytes).
    """
    return {
        "topic": row.topic,
        "key": row.key or "",
        "event_id": derived_id("redrive", row.id, generation),
        "event_type": row.event_type or "unknown",
        "value": row.value,
        "available_at": now,
        "created_at": utcnow(),
        "headers": {REDRIVE_HEADER: str(generation)},
    }


@dataclass(frozen=True)
class Staged:
    """What one redrive transaction sent and what it left alone."""

    sent: list[Failure]
    resolved: list[Failure]


async def _stage(session: AsyncSession, rows: Sequence[Failure], now: datetime) -> Staged:
    """Mark every unresolved row redriven and stage its message: one statement each."""
    sent = [row for row in rows if row.status != FailureStatus.RESOLVED]
    for row in sent:
        row.redrive_count += 1
        row.status = FailureStatus.REDRIVEN
        row.redriven_at = now
    if sent:
        connection = await session.connection()
        await connection.execute(failure_update(), [update_params(row) for row in sent])
        outbox = [outbox_row(row, row.redrive_count, now) for row in sent]
        await bulk_insert(session, OutboxMessage, outbox)
        await _count_redrives(session, sent)
    return Staged(sent, [row for row in rows if row.status == FailureStatus.RESOLVED])


async def _count_redrives(session: AsyncSession, sent: Sequence[Failure]) -> None:
    """Each redrive of an agency's step of a known dossier adds to that step's ``redriven``."""
    ids = sorted({row.dossier_id for row in sent if row.dossier_id and row.agency in AGENCIES})
    places: dict[str, Place] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = await session.exec(
            select(
                Dossier.dossier_id, Dossier.kind, Dossier.province_code, Dossier.submitted_at
            ).where(col(Dossier.dossier_id).in_(ids[start : start + _CHUNK]))
        )
        for dossier_id, kind, province, submitted_at in rows.all():
            places[dossier_id] = place_of(kind, province, submitted_at)
    tally = Tally()
    for row in sent:
        if row.dossier_id in places and row.agency in AGENCIES:
            tally.add(places[row.dossier_id], row.agency, "redriven")
    await tally.write(session)


async def _locked(session: AsyncSession, *where: ColumnElement[bool]) -> list[Failure]:
    """The matching rows, detached; locked until commit where the database has row locks."""
    query = select(Failure).where(*where).order_by(col(Failure.last_failed_at), col(Failure.id))
    if session.bind is not None and session.bind.dialect.name != "sqlite":
        query = query.with_for_update()
    rows = list((await session.exec(query)).all())
    for row in rows:
        session.expunge(row)
    return rows


async def redrive_one(service: Service, failure_id: str) -> RedriveResult | None:
    """Send one failure again; None when there is no such failure."""
    async with service.db.session() as session:
        rows = await _locked(session, col(Failure.id) == failure_id)
        if not rows:
            return None
        staged = await _stage(session, rows, service.clock.now())
    row = rows[0]
    if not staged.sent:
        return RedriveResult(
            id=row.id, redriven=False, redrive=row.redrive_count, reason=already_resolved(row)
        )
    service.notify_relay()
    return RedriveResult(id=row.id, redriven=True, redrive=row.redrive_count)


async def redrive_matching(service: Service, selection: FailureSelection) -> BulkRedriveResult:
    """Send every unresolved failure the selection matches, in one transaction."""
    async with service.db.session() as session:
        rows = await _locked(session, *conditions(selection))
        staged = await _stage(session, rows, service.clock.now())
    if staged.sent:
        service.notify_relay()
    return BulkRedriveResult(
        matched=len(rows),
        redriven=len(staged.sent),
        already_resolved=len(staged.resolved),
        ids=[row.id for row in staged.sent],
    )
