"""The batch consumer: parse once → faults and parking → lookups → one transaction.

Per batch (``BatchProcessor.process``), following the failure policy (``policy.py``):

1. each record is parsed into its event and typed payload (``routing.py``); what cannot be is a
   dead letter at once;
2. events already applied (inbox) or already parked are dropped;
3. faults switched on at the service (``fault_checks.py``) hold some messages (``down`` for
   their province) or fail them (``sync_error``);
4. ``prefetch`` does the batch's I/O outside the transaction; when it fails, the batch is split
   and each message tried alone, so the one that fails does not take its neighbours down;
5. one write transaction applies what is ready (``applying.py``), parks what must wait or be
   retried (``parking.py``), and stages decisions and dead letters in the outbox;
6. only then are the Kafka offsets committed (``consume_loop.py``): a parked message is safe in
   the database, not in Kafka.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from aiokafka import ConsumerRecord
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.services import service_info
from lienthong.contracts.topics import DEAD_LETTERS
from lienthong.runtime.applying import Routed, apply_batch
from lienthong.runtime.clock import SimClock
from lienthong.runtime.db import Database, bulk_insert
from lienthong.runtime.dead_letters import dead_letter, dead_letter_event, log_dead_letters
from lienthong.runtime.decisions import DecisionStamper
from lienthong.runtime.delays import DelayDistribution, parse_delay
from lienthong.runtime.fault_checks import FaultChecks, scope_of_message
from lienthong.runtime.faults import FaultBoard
from lienthong.runtime.handlers import ServiceHandlers
from lienthong.runtime.lookups import Failed, prefetch_isolated
from lienthong.runtime.metrics import ServiceMetrics
from lienthong.runtime.outbox import outbox_rows
from lienthong.runtime.outcomes import BatchOutcome, ConsumerStats, RetryKind
from lienthong.runtime.parked import HELD, RETRY, ParkedEvent
from lienthong.runtime.parking import Parking, park, parked_ids
from lienthong.runtime.policy import (
    AgencyUnavailable,
    FailureKind,
    RetryPolicy,
    TransientError,
)
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.routing import Ignored, route
from lienthong.runtime.tables import InboxRecord, OutboxMessage, utcnow

__all__ = ["BatchOutcome", "BatchProcessor", "ConsumerStats", "TransientError"]

log = logging.getLogger(__name__)


class BatchProcessor:
    """Applies a batch of Kafka records to the database; no Kafka I/O, so tests can drive it."""

    def __init__(
        self,
        name: str,
        db: Database,
        handlers: ServiceHandlers,
        *,
        clock: SimClock,
        randomness: RandomSource,
        delay: DelayDistribution | None = None,
        faults: FaultBoard | None = None,
        retry: RetryPolicy | None = None,
        on_commit: Callable[[], None] = lambda: None,
        metrics: ServiceMetrics | None = None,
    ) -> None:
        if handlers.service != name:
            raise ValueError(f"{type(handlers).__name__} handles {handlers.service}'s events")
        self.name = name
        self._db = db
        self._handlers = handlers
        self._routes = handlers.routes()
        self._output_topic = service_info(name).topic
        self._clock = clock
        self._randomness = randomness
        self.checks = FaultChecks(faults or FaultBoard(name, randomness, clock))
        self._stamp = DecisionStamper(name, randomness, delay or parse_delay("none"), self.checks)
        self.retry = retry or RetryPolicy()
        self._on_commit = on_commit
        self._metrics = metrics
        self.stats = ConsumerStats()

    async def process(
        self, records: list[ConsumerRecord], parked: Mapping[str, ParkedEvent] | None = None
    ) -> BatchOutcome:
        """Apply one batch (from Kafka, or ``parked`` rows handed back by the retry loop).

        Never raises for a bad message or a failing dependency; only a database failure
        propagates (the loop's database policy deals with it).
        """
        started = time.perf_counter()
        parked = parked or {}
        outcome = BatchOutcome()
        routed: list[Routed] = []
        for record in records:
            item = route(self.name, self._routes, record)
            if isinstance(item, Routed):
                routed.append(item)
            elif isinstance(item, Ignored):
                outcome.ignore(record.topic, item.event_type)
            else:
                outcome.dead_letters.append(item)
        async with self._db.quick_read_session() as session:
            # Repeats are dropped before the I/O, so a dependency that is down never turns an
            # event already applied into a dead letter.
            routed = await self._unseen(session, routed, outcome, skip_parked=not parked)
        ready, failed = self._sort_by_faults(routed, parked, outcome)
        await self._slow_down(ready)
        retried = self.stats.transient_retries
        groups, more_failed = await prefetch_isolated(self._handlers, ready, self.retry, self.stats)
        if self.stats.transient_retries > retried:
            outcome.retries[RetryKind.IN_PLACE] += self.stats.transient_retries - retried
        self._after_failures([*failed, *more_failed], parked, outcome)
        async with self._db.session() as session:
            for items, lookups in groups:
                await self._apply(session, items, lookups, outcome)
            await park(session, self.name, parked.keys(), outcome.parked)
            now = self._clock.now()
            letters = [dead_letter_event(letter, now) for letter in outcome.dead_letters]
            rows = [*outbox_rows(self._output_topic, outcome.published)]
            rows += outbox_rows(DEAD_LETTERS, letters)
            await bulk_insert(session, OutboxMessage, rows)
        self._on_commit()
        log_dead_letters(outcome.dead_letters)
        self.stats.count(outcome)
        if self._metrics is not None:
            source = "parked" if parked else "kafka"
            self._metrics.batch(outcome, len(records), time.perf_counter() - started, source)
        return outcome

    def _attempts(self, item: Routed, parked: Mapping[str, ParkedEvent]) -> int:
        earlier = parked.get(item.message.event.id)
        return earlier.attempts if earlier is not None else 0

    def _sort_by_faults(
        self, routed: list[Routed], parked: Mapping[str, ParkedEvent], outcome: BatchOutcome
    ) -> tuple[list[Routed], list[Failed]]:
        """Ready messages, and those an injected ``sync_error`` fails; held ones are parked."""
        ready: list[Routed] = []
        failed: list[Failed] = []
        for item in routed:
            held = self.checks.held(item.message)
            if held is not None:
                attempts = self._attempts(item, parked)
                outcome.parked.append(self._parking(item, HELD, held, attempts, timedelta(0)))
                continue
            error = self.checks.sync_error(item.message, self._attempts(item, parked))
            if error is not None:
                failed.append((item, TransientError(error)))
            else:
                ready.append(item)
        return ready, failed

    async def _slow_down(self, ready: list[Routed]) -> None:
        seconds = self.checks.slow_seconds([item.message for item in ready])
        if seconds > 0:
            await asyncio.sleep(seconds)

    def _after_failures(
        self, failed: list[Failed], parked: Mapping[str, ParkedEvent], outcome: BatchOutcome
    ) -> None:
        """Park each failed message for a later retry, or dead-letter it when out of attempts."""
        for item, error in failed:
            waiting = isinstance(error, AgencyUnavailable)
            attempts = self._attempts(item, parked) + (0 if waiting else 1)
            if not waiting and self.retry.exhausted(attempts):
                reason = f"gave up after {attempts} attempts: {error}"
                outcome.dead_letters.append(
                    dead_letter(
                        self.name,
                        item.record,
                        item.message.event,
                        FailureKind.TRANSIENT,
                        reason,
                        attempts,
                    )
                )
                continue
            outcome.retries[RetryKind.UNAVAILABLE if waiting else RetryKind.TRANSIENT] += 1
            rng = self._randomness.derive("retry", self.name, item.message.event.id, attempts)
            wait = self.retry.backoff(max(attempts, 3 if waiting else 1), rng)
            outcome.parked.append(self._parking(item, RETRY, str(error), attempts, wait))

    def _parking(
        self, item: Routed, kind: str, reason: str, attempts: int, wait: timedelta
    ) -> Parking:
        event = item.message.event
        return Parking(
            record=item.record,
            event_id=event.id,
            event_type=event.type,
            scope=scope_of_message(item.message),
            kind=kind,
            reason=reason,
            attempts=attempts,
            next_attempt_at=utcnow() + wait,
        )

    async def _unseen(
        self,
        session: AsyncSession,
        routed: list[Routed],
        outcome: BatchOutcome,
        *,
        skip_parked: bool = False,
    ) -> list[Routed]:
        """The messages not applied yet (inbox), each once; a parked one is left to its row."""
        if not routed:
            return []
        ids = [item.message.event.id for item in routed]
        seen = set(
            (
                await session.exec(
                    select(InboxRecord.event_id).where(
                        InboxRecord.consumer == self.name, col(InboxRecord.event_id).in_(ids)
                    )
                )
            ).all()
        )
        if skip_parked:
            seen |= await parked_ids(session, self.name, ids)
        fresh: list[Routed] = []
        for item in routed:
            if item.message.event.id in seen:
                outcome.duplicate(item)
            else:
                seen.add(item.message.event.id)
                fresh.append(item)
        return fresh

    async def _apply(
        self, session: AsyncSession, routed: list[Routed], lookups: Any, outcome: BatchOutcome
    ) -> None:
        # Checked again inside the write transaction: another instance may have applied one
        # of them since the read above.
        fresh = await self._unseen(session, routed, outcome)
        if not fresh:
            return
        applied = await apply_batch(
            session,
            self.name,
            self._handlers,
            fresh,
            lookups,
            self._clock.now,
            self._stamp.decided,
            self.checks.refusal,
        )
        await bulk_insert(session, InboxRecord, applied.inbox)
        outcome.published += applied.published
        outcome.dead_letters += applied.dead_letters
        outcome.processed += len(applied.inbox)
        outcome.applied(fresh, applied.dead_letters)
