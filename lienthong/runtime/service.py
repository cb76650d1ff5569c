"""The composition root of a service: everything it is made of, built in one place.

``services/<agency>/bootstrap.py`` builds a :class:`Service` from its settings: the database,
the broker, the clock and the random source (:class:`Infrastructure`), the agency's handlers and
routes. Every part can be replaced — a test builds a service in-process on a temporary SQLite
file with a broker that only records what is sent — and :meth:`Service.start` /
:meth:`Service.stop` run it with or without a FastAPI app around it (``app.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer
from fastapi import APIRouter
from prometheus_client.core import Metric
from sqlalchemy import MetaData
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.catalogue import topics_consumed_by
from lienthong.contracts.faults import FaultKind
from lienthong.contracts.topics import ALL_TOPICS
from lienthong.runtime.broker import Broker, KafkaBroker, Producer
from lienthong.runtime.clock import SimClock
from lienthong.runtime.consume_loop import consume_forever
from lienthong.runtime.consumer import BatchProcessor
from lienthong.runtime.db import Database
from lienthong.runtime.faults import FaultBoard
from lienthong.runtime.handlers import ServiceHandlers
from lienthong.runtime.metrics import ServiceMetrics
from lienthong.runtime.outbox import Relay
from lienthong.runtime.parking import RetryLoop
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.settings import SeededSettings, ServiceSettings
from lienthong.runtime.tables import RUNTIME_METADATA, utcnow

log = logging.getLogger(__name__)

Hook = Callable[["Service"], Awaitable[None]]
LedgerHook = Callable[["Service", AsyncSession, str | None], Awaitable[dict[str, Any]]]
"""A service's own part of ``/admin/ledger`` (see ``runtime/admin_ledger.py``)."""
MetricsSource = Callable[["Service"], Awaitable[Iterable[Metric]]]
"""A service's own figures for ``/metrics``, read from its database at scrape time."""


class WorldSeeder(Protocol):
    """A service's loader of its part of the synthetic world (``services/*/seeding.py``)."""

    async def __call__(self, db: Database, *, citizens: int, seed: int) -> None:
        """Fill ``db`` from the seed when it is empty."""


def seeding(seed_if_empty: WorldSeeder, settings: SeededSettings) -> Hook:
    """A start-up hook loading the synthetic world from ``SEED_CITIZENS`` / ``SEED_RANDOM_SEED``.

    Population and insurance read the same two settings, so they generate the same people.
    """

    async def seed(service: Service) -> None:
        await seed_if_empty(
            service.db, citizens=settings.seed_citizens, seed=settings.seed_random_seed
        )

    return seed


@dataclass(frozen=True)
class Parts:
    """Replacements for the parts a composition root would otherwise build from the settings."""

    db: Database | None = None
    broker: Broker | None = None
    clock: SimClock | None = None
    randomness: RandomSource | None = None


@dataclass
class Infrastructure:
    """The replaceable parts every service stands on."""

    settings: ServiceSettings
    db: Database
    broker: Broker
    clock: SimClock
    randomness: RandomSource

    @classmethod
    def from_settings(cls, settings: ServiceSettings, parts: Parts | None = None) -> Infrastructure:
        """The configured parts, each replaced when ``parts`` gives one (nothing connects yet)."""
        given = parts or Parts()
        return cls(
            settings=settings,
            db=given.db or Database(settings.database_url),
            broker=given.broker or KafkaBroker(settings),
            clock=given.clock or settings.clock(),
            randomness=given.randomness or settings.randomness(),
        )


@dataclass
class Service:
    """One agency service: its parts, its handlers and routes, and its running loops."""

    name: str
    title: str
    description: str
    infra: Infrastructure
    metadata: MetaData
    handlers: ServiceHandlers | None = None
    routers: Sequence[APIRouter] = ()
    on_startup: Hook | None = None
    on_shutdown: Hook | None = None
    ledger: LedgerHook | None = None
    metrics_source: MetricsSource | None = None
    """Families ``/metrics`` adds after the runtime's (e.g. the gateway's dossier counters)."""
    loops: Sequence[tuple[str, Hook]] = ()
    """Background loops of the service's own, by name (the gateway's sweep of returned
    dossiers), supervised like the relay and the consumer."""
    simulated: bool = False
    """A stand-in built from the agency's contracts (mock mode), not the agency itself."""
    relay: Relay | None = None
    processor: BatchProcessor | None = None
    retries: RetryLoop | None = None
    ready: bool = False
    faults: FaultBoard = field(init=False)
    """The faults switched on at this service (``/admin/faults``)."""
    metrics: ServiceMetrics = field(init=False)
    """This service's Prometheus metrics, in a registry of its own (``/metrics``)."""
    unhealthy: str | None = None
    """Why the service gave up (its database kept failing); ``/health`` then answers 503."""
    loop_restarts: dict[str, int] = field(default_factory=dict)
    last_loop_error: str | None = None
    _producer: Producer | None = None
    _consumer: AIOKafkaConsumer | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.faults = FaultBoard(self.name, self.infra.randomness, self.infra.clock)
        self.metrics = ServiceMetrics(self.name, self.faults)

    @property
    def settings(self) -> ServiceSettings:
        """The service's settings."""
        return self.infra.settings

    @property
    def db(self) -> Database:
        """The service's own database."""
        return self.infra.db

    @property
    def clock(self) -> SimClock:
        """The shared simulated clock."""
        return self.infra.clock

    def notify_relay(self) -> None:
        """Wake the relay after a commit that staged events."""
        if self.relay is not None:
            self.relay.notify()

    async def start(self) -> None:
        """Migrate the schema, create topics; start the relay and (if any) the consumer.

        The schema follows the service's Alembic history (``lienthong/migrations``), named after
        the service: a simulated agency's database follows the agency's own.
        """
        settings, infra = self.settings, self.infra
        schema = await self.db.migrate(self.name, RUNTIME_METADATA, self.metadata)
        if schema.adopted:
            log.info("%s schema made before migrations: grown, stamped %s", self.name, schema.after)
        elif schema.changed:
            was = schema.before or "nothing"
            log.info("%s schema migrated from %s to %s", self.name, was, schema.after)
        await self.faults.load(self.db)
        await infra.broker.ensure_topics(ALL_TOPICS, settings.kafka_topic_partitions)
        self._producer = infra.broker.producer(self.name)
        await self._producer.start()
        self.relay = Relay(
            self.db,
            self._producer,
            batch_size=settings.relay_batch_size,
            interval_s=settings.relay_interval_ms / 1000,
            clock=self.clock,
            faults=self.faults,
            metrics=self.metrics,
        )
        if self.on_startup is not None:
            await self.on_startup(self)
        if settings.broker_is_fresh and settings.outbox_replay_hours > 0:
            since = utcnow() - timedelta(hours=settings.outbox_replay_hours)
            replayed = await self.relay.replay_since(since)
            log.info(
                "fresh broker: replaying %d outbox events of the last %sh",
                replayed,
                settings.outbox_replay_hours,
            )
        self._tasks.append(asyncio.create_task(self._supervised("relay", self.relay.run)))
        if self.handlers is not None:
            self.processor = BatchProcessor(
                self.name,
                self.db,
                self.handlers,
                clock=self.clock,
                randomness=infra.randomness,
                delay=settings.delay(),
                faults=self.faults,
                retry=settings.retry_policy(),
                on_commit=self.notify_relay,
                metrics=self.metrics,
            )
            self.retries = RetryLoop(
                self.db,
                self.name,
                self.processor.process,
                down=lambda: self.faults.active(FaultKind.DOWN),
                paused=self.faults.fully_down,
            )
            self._consumer = infra.broker.consumer(self.name, topics_consumed_by(self.name))
            if self._consumer is not None:
                await self._consumer.start()
                consume = functools.partial(
                    consume_forever,
                    self._consumer,
                    self.processor,
                    batch_size=settings.consumer_batch_size,
                    poll_timeout_ms=settings.consumer_poll_timeout_ms,
                    paused=self.faults.fully_down,
                    on_unhealthy=self._give_up,
                    policy=settings.database_policy(),
                )
                self._tasks.append(asyncio.create_task(self._supervised("consumer", consume)))
                self._tasks.append(
                    asyncio.create_task(self._supervised("retries", self.retries.run))
                )
        for name, loop in self.loops:
            run = functools.partial(loop, self)
            self._tasks.append(asyncio.create_task(self._supervised(name, run)))
        self.ready = True
        log.info("%s ready on port %s", self.name, settings.port)

    async def stop(self) -> None:
        """Stop the loops, the consumer, the producer; close the database. Safe to repeat."""
        self.ready = False
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await task
        self._tasks.clear()
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
        if self.on_shutdown is not None:
            await self.on_shutdown(self)
        await self.db.dispose()

    def _give_up(self, why: str) -> None:
        """The database kept failing: say so on ``/health`` (503) rather than loop forever."""
        self.unhealthy = why

    async def _supervised(self, name: str, loop: Callable[[], Awaitable[None]]) -> None:
        """Run a background loop forever: a crash is logged, counted on /health and restarted.

        A consumer or relay that died silently would leave dossiers stuck while the service
        still looked healthy; restarting (with a pause) keeps it going and makes it visible.
        """
        while True:
            try:
                await loop()
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.exception("%s stopped unexpectedly; restarting in 1s", name)
                self.loop_restarts[name] = self.loop_restarts.get(name, 0) + 1
                self.last_loop_error = f"{name}: {error!r}"
                await asyncio.sleep(1.0)
