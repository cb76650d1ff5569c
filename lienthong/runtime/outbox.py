"""The outbox: events are rows written in the same transaction as the state they describe.

The :class:`Relay` publishes unpublished rows in id order, once the shared clock has reached
their ``available_at`` (the agency's simulated decision time), and marks them published only
after the broker acknowledged them. A crash between the two republishes a row: consumers' inboxes
absorb that duplicate.

Every message goes out in CloudEvents structured mode: the stored bytes as the value, the dossier
id as the key, and the header ``content-type: application/cloudevents+json; charset=UTF-8``,
added at send time (``lienthong/contracts/kafka_binding.py``), so rows staged before it existed
and rows replayed to a fresh broker carry it too.

With a :class:`~lienthong.runtime.faults.FaultBoard`, each batch goes through the service's
message faults (duplicate, delay, reorder, poison; ``message_faults.py``) on its way out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.envelope import CloudEvent
from lienthong.runtime.broker import Producer
from lienthong.runtime.clock import SimClock
from lienthong.runtime.db import Database, bulk_insert
from lienthong.runtime.faults import FaultBoard
from lienthong.runtime.message_faults import MessageFaults, SendPlan, plain_plan
from lienthong.runtime.metrics import ServiceMetrics
from lienthong.runtime.tables import OutboxMessage, utcnow

log = logging.getLogger(__name__)


def outbox_rows(topic: str, events: Iterable[CloudEvent]) -> list[dict[str, Any]]:
    """The outbox rows of ``events``, for one bulk insert in the caller's transaction."""
    return [
        {
            "topic": topic,
            "key": event.subject,
            "event_id": event.id,
            "event_type": event.type,
            "value": event.to_bytes(),
            "available_at": event.time,
            "created_at": utcnow(),
        }
        for event in events
    ]


async def stage_events(session: AsyncSession, topic: str, events: Iterable[CloudEvent]) -> int:
    """Add events to the outbox inside the caller's transaction; returns how many."""
    rows = outbox_rows(topic, events)
    await bulk_insert(session, OutboxMessage, rows)
    return len(rows)


class Relay:
    """Moves outbox rows to Kafka; woken by :meth:`notify` after a commit, or by its timer."""

    def __init__(
        self,
        db: Database,
        producer: Producer,
        *,
        batch_size: int,
        interval_s: float,
        clock: SimClock,
        faults: FaultBoard | None = None,
        metrics: ServiceMetrics | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._metrics = metrics
        self._producer = producer
        self._batch_size = batch_size
        self._interval_s = interval_s
        self._faults = MessageFaults(faults, clock) if faults is not None else None
        self._wakeup = asyncio.Event()
        self.published = 0

    def notify(self) -> None:
        """Tell the relay new rows were committed."""
        self._wakeup.set()

    async def run(self) -> None:
        """Publish forever; a broker error is logged and retried on the next round."""
        while True:
            try:
                picked, _ = await self._round()
            except Exception:
                log.exception("outbox relay failed; retrying")
                picked = 0
                await asyncio.sleep(1.0)
            if picked >= self._batch_size:  # sent or held back: more may be waiting behind
                continue
            self._wakeup.clear()
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that
            # arrives as the event fires, and the relay would outlive the service's stop().
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._interval_s):
                    await self._wakeup.wait()

    async def replay_since(self, since: datetime) -> int:
        """Mark rows published since ``since`` as unpublished again; returns how many.

        For a broker that lost its messages: the relay then sends them again, in id order.
        """
        async with self._db.session() as session:
            result = await session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.published_at) >= since)
                .values(published_at=None)
            )
        self.notify()
        return int(result.rowcount)

    def _pending(self) -> Any:
        return (
            select(OutboxMessage)
            .where(
                col(OutboxMessage.published_at).is_(None),
                col(OutboxMessage.available_at) <= self._clock.now(),
            )
            .order_by(col(OutboxMessage.id))
            .limit(self._batch_size)
        )

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows; returns how many were published."""
        _, published = await self._round()
        return published

    async def _round(self) -> tuple[int, int]:
        """One batch: returns how many rows it took up and how many of them it published.

        On SQLite the rows are read, sent, then marked in a second short transaction: holding
        the single writer while the broker acknowledges would stall every other write of the
        service (the relay is the only publisher, so nothing can publish a row in between). On
        PostgreSQL the rows stay locked (``FOR UPDATE SKIP LOCKED``) from read to mark, so
        several instances of a service never publish the same row on purpose, and row locks
        block no one else. Rows a ``delay`` fault holds back are marked with their new time.
        """
        if self._db.is_sqlite:
            async with self._db.quick_read_session() as session:
                rows = list((await session.exec(self._pending())).all())
            plan = self._plan(rows)
            await self._send(plan)
            async with self._db.session() as session:
                await self._mark(session, plan)
        else:
            async with self._db.session() as session:
                query = self._pending().with_for_update(skip_locked=True)
                rows = list((await session.exec(query)).all())
                plan = self._plan(rows)
                await self._send(plan)
                await self._mark(session, plan)
        self.published += len(plan.sent)
        if self._metrics is not None:
            self._metrics.relay(plan.sent, utcnow())
        return len(rows), len(plan.sent)

    def _plan(self, rows: list[OutboxMessage]) -> SendPlan:
        return self._faults.plan(rows) if self._faults is not None else plain_plan(rows)

    async def _send(self, plan: SendPlan) -> None:
        deliveries = [
            await self._producer.send(
                message.topic, value=message.value, key=message.key, headers=message.headers
            )
            for message in plan.messages
        ]
        await asyncio.gather(*deliveries)

    @staticmethod
    async def _mark(session: AsyncSession, plan: SendPlan) -> None:
        if plan.sent:
            await session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_([row.id for row in plan.sent]))
                .values(published_at=utcnow())
            )
        for row_id, (available_at, headers) in plan.held.items():
            await session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row_id)
                .values(available_at=available_at, headers=headers)
            )
