"""Keeping the failures table (thư lỗi) up to date from the tracker's batches.

A batch's dead letters and decisions are applied to failure rows read once for the whole batch
(:func:`load_failures`): a dead letter adds or updates its failure, an agency's decision on a
dossier resolves that agency's failures of it. :meth:`FailureLedger.write` then sends the new
rows in one insert and the changed ones in one executemany update, in the batch's transaction.

Resolution does not depend on the order events arrive in (topics are not ordered with each
other): a dead letter that arrives after its agency already decided on the dossier — its step is
done or rejected — is resolved at once, by the event type that decision must have had.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Table, bindparam, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts import steps
from lienthong.contracts.dead_letters import DeadLettered
from lienthong.contracts.envelope import derived_id
from lienthong.runtime.db import bulk_insert
from services.gateway.failure_models import UNRESOLVED, Failure, FailureStatus
from services.gateway.models import DossierStep
from services.gateway.times import utc
from services.gateway.tracker import StepStatus

UPDATED: Final = (
    "flow",
    "topic",
    "partition",
    "offset",
    "error",
    "attempts",
    "first_failed_at",
    "last_failed_at",
    "occurrences",
    "generation",
    "status",
    "redrive_count",
    "redriven_at",
    "resolved_at",
    "resolved_by",
)
"""The columns a dead letter, a decision or a redrive may change (never the identity)."""


def original_bytes(letter: DeadLettered) -> bytes:
    """The bytes the consumer failed on (the lossy text only if the producer kept no bytes)."""
    if letter.value_base64:
        try:
            return base64.b64decode(letter.value_base64, validate=True)
        except (binascii.Error, ValueError):
            pass
    return letter.value.encode()


def failure_id(letter: DeadLettered) -> str:
    """Consumer + event id (or the bytes' hash) + error kind: the same however often it fails.

    The dead letter's own id also names the redrive generation; this one does not, so a
    redrive that fails again lands on the same row.
    """
    what = letter.event_id or hashlib.sha256(original_bytes(letter)).hexdigest()
    return derived_id("failure", letter.consumer, what, letter.error_kind)


def flow_of(kind: str | None, event_type: str | None) -> str | None:
    """The dossier's kind when the gateway knows it, else the flow of the event type."""
    return kind or steps.flow_of(event_type or "")


def settled_by(
    flow: str | None, agency: str, step: DossierStep | None
) -> tuple[str, datetime] | None:
    """(event type, time) of the decision that already closed ``step``, or None."""
    decisions = steps.STEP_OF.get((flow or "", agency))
    if step is None or decisions is None or step.finished_at is None:
        return None
    if step.status == StepStatus.DONE:  # which version closed it is not recorded: the first
        return decisions.done, utc(step.finished_at)
    if step.status == StepStatus.REJECTED:
        return decisions.refused, utc(step.finished_at)
    return None


@dataclass
class FailureLedger:
    """The failure rows one batch touches, detached from the session, and what changed."""

    rows: dict[str, Failure] = field(default_factory=dict)
    by_step: dict[tuple[str | None, str], set[str]] = field(default_factory=dict)
    """(dossier id, agency) → ids of its failures, for resolution."""
    new: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)

    def add(self, row: Failure, *, new: bool) -> None:
        """Keep ``row`` (a new one is inserted by :meth:`write`)."""
        self.rows[row.id] = row
        self.by_step.setdefault((row.dossier_id, row.agency), set()).add(row.id)
        if new:
            self.new.add(row.id)

    def _touch(self, row: Failure) -> None:
        if row.id not in self.new:
            self.changed.add(row.id)

    def record(
        self, letter: DeadLettered, at: datetime, flow: str | None, step: DossierStep | None
    ) -> Failure:
        """Count one dead letter (published at ``at``); ``step`` is its agency's, if known."""
        at = utc(at)
        row = self.rows.get(failure_id(letter))
        if row is None:
            row = _new_failure(letter, at, flow)
            self.add(row, new=True)
        else:
            self._touch(row)
            row.flow = row.flow or flow
            row.first_failed_at = min(utc(row.first_failed_at), at)
            if (letter.redrive, at) >= (row.generation, utc(row.last_failed_at)):
                row.topic, row.partition, row.offset = letter.topic, letter.partition, letter.offset
                row.error, row.attempts, row.last_failed_at = letter.error, letter.attempts, at
        row.occurrences += 1
        if letter.redrive >= row.redrive_count and row.status != FailureStatus.RESOLVED:
            row.status = FailureStatus.OPEN  # a redrive that failed again is open again
        row.generation = max(row.generation, letter.redrive)
        row.redrive_count = max(row.redrive_count, letter.redrive)
        settled = settled_by(row.flow, row.agency, step)
        if settled is not None and row.status != FailureStatus.RESOLVED:
            self._resolve(row, *settled)
        return row

    def resolve(self, dossier_id: str, agency: str, event_type: str, at: datetime) -> None:
        """``agency`` decided on the dossier: its open or redriven failures of it are settled."""
        for failure_id_ in self.by_step.get((dossier_id, agency), ()):
            row = self.rows[failure_id_]
            if row.status in UNRESOLVED:
                self._resolve(row, event_type, utc(at))

    def _resolve(self, row: Failure, event_type: str, at: datetime) -> None:
        row.status = FailureStatus.RESOLVED
        row.resolved_at = at
        row.resolved_by = event_type
        self._touch(row)

    async def write(self, session: AsyncSession) -> None:
        """Insert the new rows, update the changed ones (one statement each), then forget."""
        await bulk_insert(session, Failure, [self.rows[i].model_dump() for i in sorted(self.new)])
        if self.changed:
            connection = await session.connection()
            await connection.execute(
                failure_update(), [update_params(self.rows[i]) for i in sorted(self.changed)]
            )
        self.new.clear()
        self.changed.clear()


def _new_failure(letter: DeadLettered, at: datetime, flow: str | None) -> Failure:
    return Failure(
        id=failure_id(letter),
        dossier_id=letter.key,
        flow=flow,
        agency=letter.consumer,
        topic=letter.topic,
        partition=letter.partition,
        offset=letter.offset,
        key=letter.key,
        event_id=letter.event_id,
        event_type=letter.event_type,
        error_kind=letter.error_kind,
        error=letter.error,
        attempts=letter.attempts,
        value=original_bytes(letter),
        first_failed_at=at,
        last_failed_at=at,
        occurrences=0,
        generation=letter.redrive,
        status=FailureStatus.OPEN,
        redrive_count=letter.redrive,
    )


def failure_update() -> Any:
    """UPDATE failures SET every changeable column WHERE id = :key_id, for executemany."""
    table: Table = Failure.__table__  # type: ignore[attr-defined]
    return (
        update(table)
        .where(table.c.id == bindparam("key_id"))
        .values({name: bindparam(name) for name in UPDATED})
    )


def update_params(row: Failure) -> dict[str, Any]:
    """The parameters of :func:`failure_update` for ``row``."""
    return {"key_id": row.id, **{name: getattr(row, name) for name in UPDATED}}


async def load_failures(
    session: AsyncSession, letters: Iterable[DeadLettered], decided: Iterable[str]
) -> FailureLedger:
    """The failures of a batch's dead letters, and the unresolved ones of the dossiers its
    decisions are about: one query, locked until commit where the database has row locks."""
    ids = sorted({failure_id(letter) for letter in letters})
    dossiers = sorted(set(decided))
    ledger = FailureLedger()
    if not ids and not dossiers:
        return ledger
    query = select(Failure).where(
        or_(
            col(Failure.id).in_(ids),
            col(Failure.dossier_id).in_(dossiers) & col(Failure.status).in_(UNRESOLVED),
        )
    )
    if session.bind is not None and session.bind.dialect.name != "sqlite":
        query = query.with_for_update()
    for row in (await session.exec(query)).all():
        session.expunge(row)
        ledger.add(row, new=False)
    return ledger
