"""The service app factory: one FastAPI app whose lifespan runs the consumer and the relay.

Every agency is built the same way (see each ``services/*/app.py``): its tables, its routes,
its subscription, and an optional start-up hook (population seeds itself there).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import MetaData
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.topics import ALL_TOPICS
from lienthong.runtime.clock import REAL_TIME, SimClock
from lienthong.runtime.consumer import BatchProcessor, Subscription, consume_forever
from lienthong.runtime.db import Database
from lienthong.runtime.kafka import ensure_topics, make_consumer, make_producer
from lienthong.runtime.outbox import Relay
from lienthong.runtime.settings import ServiceSettings
from lienthong.runtime.tables import RUNTIME_METADATA

log = logging.getLogger(__name__)


@dataclass
class ServiceRuntime:
    """Everything a running service holds; routes reach it through :data:`RuntimeDep`."""

    settings: ServiceSettings
    db: Database
    clock: SimClock = REAL_TIME
    relay: Relay | None = None
    processor: BatchProcessor | None = None
    ready: bool = False
    loop_restarts: dict[str, int] = field(default_factory=dict)
    last_loop_error: str | None = None

    def notify_relay(self) -> None:
        """Wake the relay after a commit that staged events."""
        if self.relay is not None:
            self.relay.notify()


@dataclass
class ServiceDefinition:
    """How to build one agency service."""

    name: str
    title: str
    description: str
    settings: ServiceSettings
    metadata: MetaData
    routers: Sequence[APIRouter] = ()
    subscription: Callable[[ServiceRuntime], Subscription] | None = None
    on_startup: Callable[[ServiceRuntime], Awaitable[None]] | None = None
    on_shutdown: Callable[[ServiceRuntime], Awaitable[None]] | None = None


def get_runtime(request: Request) -> ServiceRuntime:
    """FastAPI dependency: the service's runtime."""
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[ServiceRuntime, Depends(get_runtime)]


async def get_read_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: a read-only session."""
    async with runtime.db.read_session() as session:
        yield session


ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session)]


async def _supervised(
    name: str, loop: Callable[[], Awaitable[None]], runtime: ServiceRuntime
) -> None:
    """Run a background loop forever: a crash is logged, counted on /health and restarted.

    A consumer or relay that died silently would leave dossiers stuck while the service still
    looked healthy; restarting (with a pause) keeps it going and makes the trouble visible.
    """
    while True:
        try:
            await loop()
            return
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.exception("%s stopped unexpectedly; restarting in 1s", name)
            runtime.loop_restarts[name] = runtime.loop_restarts.get(name, 0) + 1
            runtime.last_loop_error = f"{name}: {error!r}"
            await asyncio.sleep(1.0)


def create_service_app(definition: ServiceDefinition) -> FastAPI:
    """Build the FastAPI app; nothing connects until the lifespan starts."""
    settings = definition.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        await db.create_all(RUNTIME_METADATA, definition.metadata)
        runtime = ServiceRuntime(settings=settings, db=db, clock=settings.clock())
        app.state.runtime = runtime
        tasks: list[asyncio.Task[None]] = []
        producer = make_producer(settings.kafka_bootstrap_servers, definition.name)
        consumer = None
        try:
            await ensure_topics(
                settings.kafka_bootstrap_servers, ALL_TOPICS, settings.kafka_topic_partitions
            )
            await producer.start()
            runtime.relay = Relay(
                db,
                producer,
                batch_size=settings.relay_batch_size,
                interval_s=settings.relay_interval_ms / 1000,
                clock=runtime.clock,
            )
            if definition.on_startup is not None:
                await definition.on_startup(runtime)
            if settings.broker_is_fresh and settings.outbox_replay_hours > 0:
                since = datetime.now(UTC) - timedelta(hours=settings.outbox_replay_hours)
                replayed = await runtime.relay.replay_since(since)
                log.info(
                    "fresh broker: replaying %d outbox events of the last %sh",
                    replayed,
                    settings.outbox_replay_hours,
                )
            tasks.append(asyncio.create_task(_supervised("relay", runtime.relay.run, runtime)))
            if definition.subscription is not None:
                subscription = definition.subscription(runtime)
                runtime.processor = BatchProcessor(
                    definition.name,
                    db,
                    subscription,
                    max_attempts=settings.transient_max_attempts,
                    backoff_s=settings.transient_backoff_ms / 1000,
                    on_commit=runtime.notify_relay,
                    clock=runtime.clock,
                    delay=settings.delay(),
                )
                consumer = make_consumer(
                    settings.kafka_bootstrap_servers,
                    definition.name,
                    subscription.topics,
                    session_timeout_ms=settings.kafka_session_timeout_ms,
                    heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
                )
                await consumer.start()
                consume = functools.partial(
                    consume_forever,
                    consumer,
                    runtime.processor,
                    batch_size=settings.consumer_batch_size,
                    poll_timeout_ms=settings.consumer_poll_timeout_ms,
                )
                tasks.append(asyncio.create_task(_supervised("consumer", consume, runtime)))
            runtime.ready = True
            log.info("%s ready on port %s", definition.name, settings.port)
            yield
        finally:
            runtime.ready = False
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(BaseException):
                    await task
            if consumer is not None:
                await consumer.stop()
            await producer.stop()
            if definition.on_shutdown is not None:
                await definition.on_shutdown(runtime)
            await db.dispose()

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version="0.1.0",
        lifespan=lifespan,
    )

    @app.get("/health", tags=["health"], summary="Readiness and consumer counters")
    async def health(request: Request) -> JSONResponse:
        runtime: ServiceRuntime | None = getattr(request.app.state, "runtime", None)
        ready = runtime is not None and runtime.ready
        body: dict[str, Any] = {"service": definition.name, "status": "ok" if ready else "starting"}
        if runtime is not None and runtime.processor is not None:
            body["consumer"] = runtime.processor.stats.as_dict()
        if runtime is not None and runtime.relay is not None:
            body["relay"] = {"published": runtime.relay.published}
        if runtime is not None and runtime.loop_restarts:
            body["loop_restarts"] = runtime.loop_restarts
            body["last_loop_error"] = runtime.last_loop_error
        if runtime is not None:
            body["clock"] = {
                "now": runtime.clock.now().isoformat(),
                "speed": runtime.clock.speed,
                "processing_delay": runtime.settings.processing_delay,
            }
        return JSONResponse(body, status_code=200 if ready else 503)

    for router in definition.routers:
        app.include_router(router)
    return app
