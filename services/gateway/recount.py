"""Counting a data dir written before the counters existed, once, when the gateway starts.

The counters are kept in the transactions that move dossiers; a data dir from an older version
has dossiers and no counters, and every figure would read zero. So at start-up, when the
counters are empty but dossiers exist, every dossier is read once in chunks: its province and
day are filled in (on it and on its steps), and what it counts for — the marks, the latency of
its synced steps, its activity — goes through the same :class:`~services.gateway.counting.Tally`
the tracker uses. Dead letters and redrives come from the failures table.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from sqlalchemy import bindparam, func, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.forms import BirthDossier, DeathDossier
from lienthong.contracts.scope import province_of
from lienthong.contracts.services import AGENCIES
from lienthong.runtime.service import Service
from services.gateway.counter_models import SyncTotal
from services.gateway.counting import Tally, place_of
from services.gateway.failure_models import Failure
from services.gateway.models import Dossier, DossierStep
from services.gateway.tracked import TrackedDossiers

log = logging.getLogger(__name__)

CHUNK: Final = 2_000


def _province(row: Dossier) -> str | None:
    if row.province_code is not None:
        return row.province_code
    model = BirthDossier if row.kind == "birth" else DeathDossier
    try:
        return province_of(model.model_validate(row.form))
    except ValueError:  # a form an older version accepted and this one would not
        return None


async def _count_chunk(session: AsyncSession, dossiers: list[Dossier]) -> None:
    """Fill in the chunk's places and count it: every row goes from nothing to what it is."""
    tracked = TrackedDossiers(dossiers={row.dossier_id: row for row in dossiers})
    ids = list(tracked.dossiers)
    for step in (
        await session.exec(select(DossierStep).where(col(DossierStep.dossier_id).in_(ids)))
    ).all():
        tracked.steps.setdefault(step.dossier_id, {})[step.agency] = step
    session.expunge_all()  # written below in two statements, not row by row by the ORM
    places: list[dict[str, Any]] = []
    for row in dossiers:
        place = place_of(row.kind, _province(row), row.submitted_at)
        row.province_code, row.submitted_on = place.province_code or None, place.day
        places.append({"key": row.dossier_id, "province": row.province_code, "day": place.day})
    tracked.marks = dict.fromkeys(ids, ())
    tracked.step_marks = {
        (dossier_id, agency): ("", ())
        for dossier_id, steps in tracked.steps.items()
        for agency in steps
    }
    tracked.changed, tracked.changed_steps = set(ids), set(tracked.step_marks)
    tracked.unreached = set()
    tally = Tally()
    tracked.count(tally)
    connection = await session.connection()
    for table, key in ((Dossier, Dossier.dossier_id), (DossierStep, DossierStep.dossier_id)):
        statement = (
            update(table)
            .where(col(key) == bindparam("key"))
            .values(province_code=bindparam("province"), submitted_on=bindparam("day"))
        )
        if table is DossierStep:
            kind = select(Dossier.kind).where(col(Dossier.dossier_id) == bindparam("key"))
            statement = statement.values(flow=kind.scalar_subquery())
        await connection.execute(statement, places)
    await tally.write(session)


async def _count_failures(session: AsyncSession) -> None:
    """Each failure's dead letters and redrives, on its dossier's step."""
    connection = await session.connection()
    rows = (
        await connection.execute(
            sa_select(
                col(Failure.agency),
                col(Failure.occurrences),
                col(Failure.redrive_count),
                col(Dossier.kind),
                col(Dossier.province_code),
                col(Dossier.submitted_at),
            ).join(Dossier, col(Dossier.dossier_id) == col(Failure.dossier_id))
        )
    ).all()
    tally = Tally()
    for agency, letters, redrives, kind, province, submitted_at in rows:
        if agency in AGENCIES:
            place = place_of(kind, province, submitted_at)
            tally.add(place, agency, "dead_lettered", letters)
            tally.add(place, agency, "redriven", redrives)
    await tally.write(session)


async def recount_if_missing(service: Service) -> None:
    """Count every stored dossier when the counters are empty and dossiers exist."""
    async with service.db.read_session() as session:
        counted = (await session.exec(select(func.count()).select_from(SyncTotal))).one()
        stored = (await session.exec(select(func.count()).select_from(Dossier))).one()
    if counted or not stored:
        return
    log.info("counting %d dossiers stored before the counters existed", stored)
    after = ""
    while True:
        async with service.db.session() as session:
            chunk = list(
                (
                    await session.exec(
                        select(Dossier)
                        .where(col(Dossier.dossier_id) > after)
                        .order_by(col(Dossier.dossier_id))
                        .limit(CHUNK)
                    )
                ).all()
            )
            if not chunk:
                await _count_failures(session)
                break
            await _count_chunk(session, chunk)
            after = chunk[-1].dossier_id
    log.info("counted %d dossiers", stored)
