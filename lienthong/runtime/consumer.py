"""The batch consumer loop: getmany → one database transaction → commit offsets.

Per batch:
1. parse each message into a :class:`CloudEvent`; unparseable ones become dead letters;
2. ``prefetch`` does the batch's I/O outside the transaction (e.g. one HTTP lookup for all
   parents), retried with backoff when it raises :class:`TransientError`;
3. one write transaction applies every event inside its own savepoint, records it in the inbox
   (so a redelivery is skipped), stages the events it caused in the outbox, and turns an event
   whose handler fails into a dead letter without rolling back its neighbours;
4. only then are the Kafka offsets committed.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.errors import KafkaError
from pydantic import ValidationError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.dead_letters import DEAD_LETTERED, DeadLettered
from lienthong.contracts.envelope import CloudEvent, new_event
from lienthong.contracts.topics import DEAD_LETTERS
from lienthong.runtime.clock import REAL_TIME, VIETNAM_TZ, SimClock
from lienthong.runtime.db import Database
from lienthong.runtime.delays import DelayDistribution, parse_delay
from lienthong.runtime.outbox import stage_events
from lienthong.runtime.tables import InboxRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HandlerContext:
    """What a handler may know besides the event: the batch's lookups and the simulated now."""

    lookups: Any
    now: datetime

    @property
    def today(self) -> date:
        """The simulated date in Vietnam: the date an official writes on a decision."""
        return self.now.astimezone(VIETNAM_TZ).date()


Handler = Callable[[AsyncSession, CloudEvent, HandlerContext], Awaitable[list[CloudEvent]]]
"""Apply one event inside the batch transaction; return the events it causes."""

Prefetch = Callable[[list[CloudEvent]], Awaitable[Any]]
"""Batch-wide I/O done before the transaction; its result is passed to every handler."""


class TransientError(Exception):
    """A dependency is unavailable (timeout, connection refused, 5xx): worth retrying."""


async def _no_prefetch(_events: list[CloudEvent]) -> None:
    return None


@dataclass(frozen=True)
class Subscription:
    """What a service consumes: topics, one handler per event type, and the batch I/O."""

    topics: list[str]
    handlers: Mapping[str, Handler]
    output_topic: str
    prefetch: Prefetch = _no_prefetch


@dataclass
class ConsumerStats:
    """Counters since the process started, served on ``/health``."""

    batches: int = 0
    processed: int = 0
    duplicates: int = 0
    ignored: int = 0
    dead_lettered: int = 0
    transient_retries: int = 0
    last_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return dict(self.__dict__)


@dataclass
class _Parsed:
    record: ConsumerRecord
    event: CloudEvent | None = None
    error: str | None = None


@dataclass
class BatchOutcome:
    """What one batch did (used by tests and the stats)."""

    processed: int = 0
    duplicates: int = 0
    ignored: int = 0
    dead_letters: list[DeadLettered] = field(default_factory=list)


def _dead_letter(consumer: str, parsed: _Parsed, kind: str, error: str) -> DeadLettered:
    record = parsed.record
    return DeadLettered(
        consumer=consumer,
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key.decode(errors="replace") if record.key else None,
        event_id=parsed.event.id if parsed.event else None,
        event_type=parsed.event.type if parsed.event else None,
        error_kind=kind,
        error=error[:2000],
        value=(record.value or b"").decode(errors="replace")[:100_000],
    )


def _parse(record: ConsumerRecord) -> _Parsed:
    try:
        return _Parsed(record, event=CloudEvent.from_bytes(record.value or b""))
    except ValidationError as error:
        return _Parsed(record, error=f"not a CloudEvent: {error.errors()[:3]}")
    except ValueError as error:
        return _Parsed(record, error=f"not JSON: {error}")


class BatchProcessor:
    """Applies a batch of Kafka records to the database; no Kafka I/O, so tests can drive it."""

    def __init__(
        self,
        name: str,
        db: Database,
        subscription: Subscription,
        *,
        max_attempts: int = 5,
        backoff_s: float = 0.2,
        on_commit: Callable[[], None] = lambda: None,
        clock: SimClock = REAL_TIME,
        delay: DelayDistribution | None = None,
    ) -> None:
        self.name = name
        self._db = db
        self._subscription = subscription
        self._max_attempts = max_attempts
        self._backoff_s = backoff_s
        self._on_commit = on_commit
        self._clock = clock
        self._delay = delay or parse_delay("none")
        self._random = random.Random()
        self.stats = ConsumerStats()

    async def process(self, records: list[ConsumerRecord]) -> BatchOutcome:
        """Apply one batch; never raises for bad messages, only for database failures."""
        outcome = BatchOutcome()
        parsed = [_parse(record) for record in records]
        handled: list[_Parsed] = []
        for item in parsed:
            if item.event is None:
                outcome.dead_letters.append(
                    _dead_letter(self.name, item, "malformed", item.error or "")
                )
            elif item.event.type in self._subscription.handlers:
                handled.append(item)
            else:
                outcome.ignored += 1
        events = [item.event for item in handled if item.event is not None]
        lookups, transient_error = await self._prefetch(events)
        async with self._db.session() as session:
            if transient_error is not None:
                outcome.dead_letters.extend(
                    _dead_letter(self.name, item, "transient", transient_error) for item in handled
                )
            else:
                await self._apply(session, handled, lookups, outcome)
            stage_events(
                session,
                DEAD_LETTERS,
                (
                    new_event(
                        source=self.name,
                        type_=DEAD_LETTERED,
                        payload=letter,
                        dossier_id=letter.key or "unknown",
                        time=self._clock.now(),
                    )
                    for letter in outcome.dead_letters
                ),
            )
        self._on_commit()
        self._count(outcome)
        return outcome

    async def _prefetch(self, events: list[CloudEvent]) -> tuple[Any, str | None]:
        if not events:
            return None, None
        delay = self._backoff_s
        for attempt in range(1, self._max_attempts + 1):
            try:
                return await self._subscription.prefetch(events), None
            except TransientError as error:
                self.stats.transient_retries += 1
                self.stats.last_error = str(error)
                if attempt == self._max_attempts:
                    return None, f"gave up after {attempt} attempts: {error}"
                log.warning("%s: transient failure (%s), retry in %.1fs", self.name, error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        raise AssertionError("unreachable")

    async def _apply(
        self, session: AsyncSession, handled: list[_Parsed], lookups: Any, outcome: BatchOutcome
    ) -> None:
        ids = [item.event.id for item in handled if item.event is not None]
        seen = (
            set(
                (
                    await session.exec(
                        select(InboxRecord.event_id).where(
                            InboxRecord.consumer == self.name, col(InboxRecord.event_id).in_(ids)
                        )
                    )
                ).all()
            )
            if ids
            else set()
        )
        for item in handled:
            event = item.event
            assert event is not None
            if event.id in seen:
                outcome.duplicates += 1
                continue
            seen.add(event.id)
            handler = self._subscription.handlers[event.type]
            context = HandlerContext(lookups=lookups, now=self._clock.now())
            try:
                async with session.begin_nested():
                    session.add(
                        InboxRecord(consumer=self.name, event_id=event.id, event_type=event.type)
                    )
                    caused = await handler(session, event, context)
                    stage_events(
                        session, self._subscription.output_topic, self._decided(caused, context)
                    )
                    await session.flush()
            except ValidationError as error:
                outcome.dead_letters.append(
                    _dead_letter(self.name, item, "invalid_payload", str(error))
                )
            except Exception as error:
                log.exception("%s: handler for %s failed", self.name, event.type)
                outcome.dead_letters.append(
                    _dead_letter(self.name, item, "handler_error", repr(error))
                )
            else:
                outcome.processed += 1

    def _decided(self, caused: list[CloudEvent], context: HandlerContext) -> list[CloudEvent]:
        """Stamp the agency's decision time: now plus its processing delay (simulated).

        The outbox holds an event until the shared clock reaches its time, so a slow agency is
        slow for everyone downstream, without blocking this consumer.
        """
        decided_at = context.now + self._delay.sample(self._random)
        return [event.model_copy(update={"time": decided_at}) for event in caused]

    def _count(self, outcome: BatchOutcome) -> None:
        self.stats.batches += 1
        self.stats.processed += outcome.processed
        self.stats.duplicates += outcome.duplicates
        self.stats.ignored += outcome.ignored
        self.stats.dead_lettered += len(outcome.dead_letters)
        if outcome.dead_letters:
            self.stats.last_error = outcome.dead_letters[-1].error


async def consume_forever(
    consumer: AIOKafkaConsumer, processor: BatchProcessor, *, batch_size: int, poll_timeout_ms: int
) -> None:
    """The loop: fetch a batch, apply it, commit its offsets; a database error retries it."""
    while True:
        batch = await consumer.getmany(timeout_ms=poll_timeout_ms, max_records=batch_size)
        records = [record for partition in batch.values() for record in partition]
        if not records:
            continue
        while True:
            try:
                await processor.process(records)
                break
            except Exception:
                log.exception("%s: batch failed, retrying in 1s", processor.name)
                await asyncio.sleep(1.0)
        try:
            await consumer.commit(
                {partition: recs[-1].offset + 1 for partition, recs in batch.items() if recs}
            )
        except KafkaError as error:
            # Typically a rebalance took the partitions away: their new owner re-reads the
            # batch and the inbox turns it into duplicates. Nothing is lost; carry on.
            log.warning(
                "%s: offset commit failed (%r); the batch will be redelivered",
                processor.name,
                error,
            )
