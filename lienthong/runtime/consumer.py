"""The batch consumer: getmany → parse once → one database transaction → commit offsets.

Per batch:
1. parse each message into a :class:`CloudEvent` and its payload into the model the catalogue
   names for its type; a malformed message, an unknown type or an invalid payload becomes a dead
   letter at once (a type of the catalogue this service does not handle is ignored);
2. events this consumer already applied (inbox) are dropped; ``prefetch`` does the batch's I/O
   outside the transaction (one HTTP lookup for all parents), retried with backoff when it
   raises :class:`TransientError`;
3. one write transaction (``applying.py``): ``preload`` reads the batch's state, the handlers
   run and one flush writes them; if any event fails, the batch is applied again with a
   savepoint per event, so the failing one is dead-lettered without its neighbours; the inbox
   rows (so a redelivery is skipped) and the outbox rows are written in bulk;
4. only then are the Kafka offsets committed (``consume_forever``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.errors import KafkaError
from pydantic import BaseModel, ValidationError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.catalogue import spec_for_payload, spec_for_type
from lienthong.contracts.dead_letters import DeadLettered
from lienthong.contracts.envelope import CloudEvent, new_event
from lienthong.contracts.services import service_info
from lienthong.contracts.topics import DEAD_LETTERS
from lienthong.runtime.applying import Routed, apply_batch
from lienthong.runtime.clock import SimClock
from lienthong.runtime.db import Database, bulk_insert
from lienthong.runtime.dead_letters import dead_letter, dead_letter_event
from lienthong.runtime.delays import DelayDistribution, parse_delay
from lienthong.runtime.handlers import Message, ServiceHandlers
from lienthong.runtime.outbox import outbox_rows
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.tables import InboxRecord, OutboxMessage

log = logging.getLogger(__name__)


class TransientError(Exception):
    """A dependency is unavailable (timeout, connection refused, 5xx): worth retrying."""


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
class BatchOutcome:
    """What one batch did (used by tests and the stats)."""

    processed: int = 0
    duplicates: int = 0
    ignored: int = 0
    dead_letters: list[DeadLettered] = field(default_factory=list)
    published: list[CloudEvent] = field(default_factory=list)
    """The events the batch decided, staged in the outbox."""


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
        max_attempts: int = 5,
        backoff_s: float = 0.2,
        on_commit: Callable[[], None] = lambda: None,
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
        self._delay = delay or parse_delay("none")
        self._max_attempts = max_attempts
        self._backoff_s = backoff_s
        self._on_commit = on_commit
        self.stats = ConsumerStats()

    async def process(self, records: list[ConsumerRecord]) -> BatchOutcome:
        """Apply one batch; never raises for bad messages, only for database failures."""
        outcome = BatchOutcome()
        routed = [item for record in records if (item := self._route(record, outcome))]
        async with self._db.read_session() as session:
            # Repeats are dropped before the I/O, so a dependency that is down never turns an
            # event already applied into a dead letter.
            routed = await self._unseen(session, routed, outcome)
        lookups, transient_error = await self._prefetch([item.message for item in routed])
        async with self._db.session() as session:
            if transient_error is not None:
                outcome.dead_letters.extend(
                    dead_letter(self.name, r.record, r.message.event, "transient", transient_error)
                    for r in routed
                )
            elif routed:
                await self._apply(session, routed, lookups, outcome)
            now = self._clock.now()
            letters = [dead_letter_event(letter, now) for letter in outcome.dead_letters]
            rows = [*outbox_rows(self._output_topic, outcome.published)]
            rows += outbox_rows(DEAD_LETTERS, letters)
            await bulk_insert(session, OutboxMessage, rows)
        self._on_commit()
        self._count(outcome)
        return outcome

    def _route(self, record: ConsumerRecord, outcome: BatchOutcome) -> Routed | None:
        """Parse and validate once; what cannot be handled is a dead letter or ignored."""
        try:
            event = CloudEvent.from_bytes(record.value or b"")
        except ValidationError as error:
            reason = f"not a CloudEvent: {error.errors()[:3]}"
            outcome.dead_letters.append(dead_letter(self.name, record, None, "malformed", reason))
            return None
        except ValueError as error:
            reason = f"not JSON: {error}"
            outcome.dead_letters.append(dead_letter(self.name, record, None, "malformed", reason))
            return None
        route = self._routes.get(event.type)
        if route is None:
            if spec_for_type(event.type) is None:
                reason = f"{event.type!r} is not in the event catalogue"
                outcome.dead_letters.append(
                    dead_letter(self.name, record, event, "unknown_type", reason)
                )
            else:
                outcome.ignored += 1  # another consumer's event on a shared topic
            return None
        try:
            payload = route.spec.payload.model_validate(event.data)
        except ValidationError as error:
            outcome.dead_letters.append(
                dead_letter(self.name, record, event, "invalid_payload", str(error))
            )
            return None
        return Routed(record, Message(event, payload), route)

    async def _prefetch(self, messages: list[Message[Any]]) -> tuple[Any, str | None]:
        if not messages:
            return None, None
        delay = self._backoff_s
        for attempt in range(1, self._max_attempts + 1):
            try:
                return await self._handlers.prefetch(messages), None
            except TransientError as error:
                self.stats.transient_retries += 1
                self.stats.last_error = str(error)
                if attempt == self._max_attempts:
                    return None, f"gave up after {attempt} attempts: {error}"
                log.warning("%s: transient failure (%s), retry in %.1fs", self.name, error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        return None, "no attempt made (TRANSIENT_MAX_ATTEMPTS < 1)"

    async def _unseen(
        self, session: AsyncSession, routed: list[Routed], outcome: BatchOutcome
    ) -> list[Routed]:
        """The messages this consumer has not applied yet (inbox), each once; counts the rest."""
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
        fresh: list[Routed] = []
        for item in routed:
            if item.message.event.id in seen:
                outcome.duplicates += 1
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
            session, self.name, self._handlers, fresh, lookups, self._clock.now, self._decided
        )
        await bulk_insert(session, InboxRecord, applied.inbox)
        outcome.published += applied.published
        outcome.dead_letters += applied.dead_letters
        outcome.processed += len(applied.inbox)

    def _decided(
        self, cause: CloudEvent, decisions: list[BaseModel], now: datetime
    ) -> list[CloudEvent]:
        """Wrap decisions in events stamped with the agency's decision time (simulated).

        The decision time is now plus the agency's processing delay, drawn from a generator
        derived from the causing event, so a replay draws the same delay. The outbox holds an
        event until the shared clock reaches its time: a slow agency is slow for everyone
        downstream, without blocking this consumer.
        """
        if not decisions:
            return []
        decided_at = now + self._delay.sample(self._randomness.derive("delay", self.name, cause.id))
        events = []
        for index, payload in enumerate(decisions):
            spec = spec_for_payload(type(payload))
            if spec.producer != self.name:
                raise ValueError(
                    f"{self.name} may not emit {spec.type} (catalogue: {spec.producer})"
                )
            events.append(
                new_event(
                    source=self.name,
                    type_=spec.type,
                    payload=payload,
                    dossier_id=cause.correlationid,
                    cause=cause,
                    time=decided_at,
                    index=index,
                )
            )
        return events

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
