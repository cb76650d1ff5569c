"""The dossiers a batch of agency events is about: read in two queries, written in two.

The tracker moves dossiers and steps in memory; the rows are detached from the session so the
unit of work does not write them one UPDATE at a time (SQLite's driver cannot batch ORM updates).
:meth:`TrackedDossiers.write` sends every changed dossier and step in one executemany each, and
:meth:`TrackedDossiers.count` moves the counters from what each row was when read to what it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Table, bindparam, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.gateway.counting import (
    DOSSIER,
    Mark,
    Tally,
    dossier_marks,
    place_of,
    step_marks,
)
from services.gateway.latency import END_TO_END, HOPS
from services.gateway.models import Dossier, DossierStep
from services.gateway.tracker import DossierStatus, StepStatus

DOSSIER_CHANGES: Final = (
    "status",
    "completed_at",
    "closed_at",
    "due_at",
    "verification_required",
    "updated_at",
)
STEP_CHANGES: Final = ("status", "started_at", "finished_at", "due_at", "result", "reason")


@dataclass
class TrackedDossiers:
    """The dossiers of one batch with their steps, by dossier id, and which ones changed."""

    dossiers: dict[str, Dossier] = field(default_factory=dict)
    steps: dict[str, dict[str, DossierStep]] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    """Dossiers whose row changed."""
    changed_steps: set[tuple[str, str]] = field(default_factory=set)
    """(dossier id, agency) of the steps that changed: only those are written, so an instance
    moving another step of the same dossier is never overwritten."""
    marks: dict[str, tuple[Mark, ...]] = field(default_factory=dict)
    """Each dossier's counter marks as it was read."""
    step_marks: dict[tuple[str, str], tuple[str, tuple[Mark, ...]]] = field(default_factory=dict)
    """Each step's status and counter marks as it was read."""
    unreached: set[tuple[str, str]] = field(default_factory=set)
    """Steps not started when read: one started later by an event that arrived after the
    agency's own decision still gives its hop a latency sample."""

    def remember(self) -> None:
        """Note what every row counts for now, before the batch moves it."""
        for dossier_id, dossier in self.dossiers.items():
            self.marks[dossier_id] = _dossier_marks(dossier)
        for dossier_id, steps in self.steps.items():
            for agency, step in steps.items():
                self.step_marks[(dossier_id, agency)] = (step.status, _step_marks(step))
                if step.started_at is None:
                    self.unreached.add((dossier_id, agency))

    def count(self, tally: Tally) -> None:
        """Move the counters of every changed row, and note what finished: latency samples,
        closed dossiers, the agencies that synced."""
        for dossier_id in sorted(self.changed):
            dossier = self.dossiers[dossier_id]
            place = place_of(dossier.kind, dossier.province_code, dossier.submitted_at)
            before = self.marks[dossier_id]
            after = _dossier_marks(dossier)
            tally.move(place, DOSSIER, before, after)
            was = before[0][0] if before else None  # nothing before: a row counted afresh
            closing = dossier.status in (DossierStatus.COMPLETED, DossierStatus.REJECTED)
            if closing and was != dossier.status and dossier.closed_at is not None:
                tally.happened(dossier.closed_at, dossier.kind, dossier.status)
                if dossier.status == DossierStatus.COMPLETED:
                    tally.sample(dossier.kind, END_TO_END, dossier.submitted_at, dossier.closed_at)
            self.marks[dossier_id] = after
        for key in sorted(self.changed_steps):
            dossier_id, agency = key
            dossier, step = self.dossiers[dossier_id], self.steps[dossier_id][agency]
            place = place_of(dossier.kind, dossier.province_code, dossier.submitted_at)
            old_status, before = self.step_marks[key]
            after = _step_marks(step)
            tally.move(place, agency, before, after)
            done = step.status == StepStatus.DONE and step.finished_at is not None
            synced = done and old_status != StepStatus.DONE
            if synced and step.finished_at is not None:
                tally.succeeded(agency, step.finished_at)
            timed = synced or (done and key in self.unreached)  # reached after its decision
            if timed and step.started_at is not None and step.finished_at is not None:
                hop = HOPS[dossier.kind][agency]
                tally.sample(dossier.kind, hop, step.started_at, step.finished_at)
            self.step_marks[key] = (step.status, after)
            if step.started_at is not None:
                self.unreached.discard(key)

    async def write(self, session: AsyncSession) -> None:
        """Write every changed dossier and its steps, then forget the changes."""
        if not self.changed:
            return
        ids = sorted(self.changed)
        dossiers = [_row(self.dossiers[i], ("dossier_id",), DOSSIER_CHANGES) for i in ids]
        steps = [
            _row(self.steps[dossier_id][agency], ("dossier_id", "agency"), STEP_CHANGES)
            for dossier_id, agency in sorted(self.changed_steps)
        ]
        connection = await session.connection()
        await connection.execute(
            _update(_table(Dossier), ("dossier_id",), DOSSIER_CHANGES), dossiers
        )
        if steps:
            statement = _update(_table(DossierStep), ("dossier_id", "agency"), STEP_CHANGES)
            await connection.execute(statement, steps)
        self.changed.clear()
        self.changed_steps.clear()


def _dossier_marks(dossier: Dossier) -> tuple[Mark, ...]:
    return dossier_marks(dossier.status, dossier.closed_at, dossier.due_at)


def _step_marks(step: DossierStep) -> tuple[Mark, ...]:
    return step_marks(step.status, step.started_at, step.finished_at, step.due_at, step.reason)


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def _row(obj: Any, keys: tuple[str, ...], values: tuple[str, ...]) -> dict[str, Any]:
    return {**{f"key_{k}": getattr(obj, k) for k in keys}, **{v: getattr(obj, v) for v in values}}


def _update(table: Table, keys: tuple[str, ...], values: tuple[str, ...]) -> Any:
    """UPDATE … SET each value WHERE the primary key matches, for executemany."""
    where = [table.c[k] == bindparam(f"key_{k}") for k in keys]
    return update(table).where(*where).values({v: bindparam(v) for v in values})


async def load_dossiers(session: AsyncSession, dossier_ids: Iterable[str]) -> TrackedDossiers:
    """Dossiers and their steps, two queries whatever their number, detached from the session.

    On a database with row locks (PostgreSQL) the dossiers are locked until the batch commits,
    so two instances of the gateway never move the same dossier at once; SQLite's single writer
    already serialises them.
    """
    ids = sorted(set(dossier_ids))
    tracked = TrackedDossiers()
    if not ids:
        return tracked
    query = select(Dossier).where(col(Dossier.dossier_id).in_(ids))
    if session.bind is not None and session.bind.dialect.name != "sqlite":
        query = query.with_for_update()
    dossiers = (await session.exec(query)).all()
    tracked.dossiers = {dossier.dossier_id: dossier for dossier in dossiers}
    steps = (
        await session.exec(
            select(DossierStep).where(col(DossierStep.dossier_id).in_(list(tracked.dossiers)))
        )
    ).all()
    for step in steps:
        tracked.steps.setdefault(step.dossier_id, {})[step.agency] = step
    for row in (*dossiers, *steps):
        session.expunge(row)
    tracked.remember()
    return tracked
