"""Parking consumed messages that cannot be applied yet, and trying them again.

See :mod:`lienthong.runtime.parked` for why a message is parked. :func:`park` writes the rows in
the batch's transaction; :class:`RetryLoop` picks the rows that are due (a ``retry`` whose
backoff elapsed, a ``held`` one whose ``down`` fault was cleared) and hands them back to the
batch processor as consumer records, exactly as Kafka would have delivered them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from aiokafka import ConsumerRecord
from sqlalchemy import ColumnElement, and_, delete, func, not_, or_, true
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.faults import Fault
from lienthong.contracts.scope import Scope
from lienthong.runtime.db import Database, bulk_insert
from lienthong.runtime.log_lines import log_failure
from lienthong.runtime.parked import HELD, RETRY, ParkedEvent
from lienthong.runtime.tables import utcnow

log = logging.getLogger(__name__)

HELD_CHECK_S = 1.0
"""How often messages held by a ``down`` fault are checked for release (real seconds)."""

RETRIES_LOGGED = 5
"""Retries of one batch logged one by one; the rest are counted in one line (an outage of a
peer parks whole batches, and five lines already say what is going on)."""


@dataclass(frozen=True)
class Parking:
    """One message to park: its record, event, scope, why, and its attempts so far."""

    record: ConsumerRecord
    event_id: str
    event_type: str
    scope: Scope
    kind: str
    reason: str
    attempts: int
    next_attempt_at: datetime


async def park(
    session: AsyncSession, consumer: str, released: Iterable[str], parkings: list[Parking]
) -> None:
    """Replace this consumer's parked rows of ``released`` event ids by ``parkings``."""
    ids = list(released)
    if ids:
        await session.exec(
            delete(ParkedEvent).where(
                col(ParkedEvent.consumer) == consumer, col(ParkedEvent.event_id).in_(ids)
            )
        )
    rows = [
        {
            "consumer": consumer,
            "event_id": item.event_id,
            "event_type": item.event_type,
            "topic": item.record.topic,
            "partition": item.record.partition,
            "offset": item.record.offset,
            "key": item.record.key.decode(errors="replace") if item.record.key else None,
            "value": item.record.value or b"",
            "headers": [[k, v.decode(errors="replace")] for k, v in item.record.headers or ()]
            or None,
            "flow": item.scope.flow,
            "province": item.scope.province,
            "kind": item.kind,
            "reason": item.reason[:2000],
            "attempts": item.attempts,
            "next_attempt_at": item.next_attempt_at,
            "parked_at": utcnow(),
        }
        for item in parkings
    ]
    await bulk_insert(session, ParkedEvent, rows)
    log_parked(consumer, parkings)


def log_parked(consumer: str, parkings: list[Parking]) -> None:
    """Say which messages wait and why: a WARNING per scheduled retry, an INFO for held ones.

    A retry is WARNING: a dependency failed, the dossier is late and will be dead-lettered if
    it keeps failing, which someone may want to prevent. Messages held by a ``down`` fault are
    INFO: a tester switched the fault on and knows; one line per batch says how many wait.
    Written with the rows, inside the batch's transaction: a batch the database policy retries
    logs its retries again, which is rare and says the truth (they were scheduled twice).
    """
    retries = [item for item in parkings if item.kind == RETRY]
    now = utcnow()
    for item in retries[:RETRIES_LOGGED]:
        wait = max((item.next_attempt_at - now).total_seconds(), 0.0)
        log_failure(
            log,
            dossier_id=item.record.key.decode(errors="replace") if item.record.key else None,
            service=consumer,
            event_type=item.event_type,
            error_kind="transient",
            error=item.reason,
            attempt=item.attempts,
            outcome=f"retry in {wait:.1f} s",
        )
    if len(retries) > RETRIES_LOGGED:
        log.warning(
            "%s: %d more messages of the batch parked for a retry",
            consumer,
            len(retries) - RETRIES_LOGGED,
        )
    held = len(parkings) - len(retries)
    if held:
        log.info("%s: %d messages held by a 'down' fault until it is cleared", consumer, held)


async def parked_ids(session: AsyncSession, consumer: str, ids: list[str]) -> set[str]:
    """Which of ``ids`` this consumer holds parked (a redelivery of them is not applied)."""
    if not ids:
        return set()
    found = await session.exec(
        select(ParkedEvent.event_id).where(
            col(ParkedEvent.consumer) == consumer, col(ParkedEvent.event_id).in_(ids)
        )
    )
    return set(found.all())


def as_record(row: ParkedEvent) -> ConsumerRecord:
    """The consumer record a parked row was, with its original bytes and headers."""
    headers = [(k, v.encode()) for k, v in row.headers or ()]
    return ConsumerRecord(
        topic=row.topic,
        partition=row.partition,
        offset=row.offset,
        timestamp=0,
        timestamp_type=0,
        key=row.key.encode() if row.key is not None else None,
        value=row.value,
        checksum=None,
        serialized_key_size=len(row.key or ""),
        serialized_value_size=len(row.value),
        headers=headers,
    )


Process = Callable[[list[ConsumerRecord], Mapping[str, ParkedEvent]], Awaitable[object]]


def released_from(down: Fault | None) -> ColumnElement[bool]:
    """Held rows the ``down`` fault (None: no fault) no longer covers, as SQL.

    The same rule as :func:`~lienthong.runtime.faults.in_scope`, in the query, so released rows
    are found however many others stay held: a row is held while its province is one of the
    fault's (or the fault names none) and its flow is the fault's (or either is unknown).
    """
    if down is None:
        return true()
    province_held: ColumnElement[bool] = true()
    if down.provinces:
        province_held = func.coalesce(col(ParkedEvent.province), "").in_(down.provinces)
    flow_held: ColumnElement[bool] = true()
    if down.flow is not None:
        flow = col(ParkedEvent.flow)
        flow_held = or_(flow.is_(None), flow == down.flow)
    return not_(and_(province_held, flow_held))


class RetryLoop:
    """Hands parked messages back to the processor when they are due."""

    def __init__(
        self,
        db: Database,
        consumer: str,
        process: Process,
        *,
        down: Callable[[], Fault | None],
        paused: Callable[[], bool],
        batch_size: int = 200,
        interval_s: float = 0.25,
    ) -> None:
        self._db = db
        self._consumer = consumer
        self._process = process
        self._down = down
        self._paused = paused
        self._batch_size = batch_size
        self._interval_s = interval_s
        self._held_checked_at = 0.0
        self.retried = 0

    async def run(self) -> None:
        """Retry forever; pauses while the whole agency is down."""
        while True:
            done = 0 if self._paused() else await self.retry_due()
            if done < self._batch_size:
                await asyncio.sleep(self._interval_s)

    async def retry_due(self) -> int:
        """Process one batch of due parked messages; returns how many were handed back.

        Retries are due when their backoff elapsed; held messages are looked at every
        ``HELD_CHECK_S`` only, since they wait for a person to clear a fault.
        """
        mine = col(ParkedEvent.consumer) == self._consumer
        retries = (
            select(ParkedEvent)
            .where(mine, col(ParkedEvent.kind) == RETRY)
            .where(col(ParkedEvent.next_attempt_at) <= utcnow())
            .order_by(col(ParkedEvent.next_attempt_at))
            .limit(self._batch_size)
        )
        async with self._db.quick_read_session() as session:
            due = list((await session.exec(retries)).all())
            now = time.monotonic()
            if len(due) < self._batch_size and now - self._held_checked_at >= HELD_CHECK_S:
                self._held_checked_at = now
                released = (
                    select(ParkedEvent)
                    .where(mine, col(ParkedEvent.kind) == HELD, released_from(self._down()))
                    .order_by(col(ParkedEvent.parked_at))
                    .limit(self._batch_size - len(due))
                )
                due += list((await session.exec(released)).all())
        if due:
            await self._process([as_record(row) for row in due], {row.event_id: row for row in due})
            self.retried += len(due)
        return len(due)
