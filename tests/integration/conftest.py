"""Services built in-process by their composition roots: real databases, a recording broker.

``system`` gives the four services on temporary databases, a frozen simulated clock and a fixed
seed; ``deliver`` moves what one service published to the services that consume it, the way
the broker would, so a whole chain runs in-process without Kafka.

The storage contract suite: ``system`` (and ``database_url``) are parametrised over SQLite and
PostgreSQL, so every test built on them — inbox, outbox and relay, batches, each agency's
idempotency — runs on both stores, as pyeventsourcing runs one recorder test case on every
backend. PostgreSQL is a real server (``tests/postgres.py``); the test skips where none can
start.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import func
from sqlmodel import col, select

from lienthong.contracts.catalogue import topics_consumed_by
from lienthong.contracts.newborns import NewbornRequest
from lienthong.contracts.services import SERVICE_NAMES
from lienthong.runtime.clock import SimClock
from lienthong.runtime.consumer import BatchOutcome
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.service import Parts, Service
from lienthong.runtime.tables import OutboxMessage
from services.civil_registry.bootstrap import bootstrap as civil_registry
from services.civil_registry.settings import CivilRegistrySettings
from services.gateway.bootstrap import bootstrap as gateway
from services.gateway.settings import GatewaySettings
from services.insurance.bootstrap import bootstrap as insurance
from services.insurance.settings import InsuranceSettings
from services.population.bootstrap import bootstrap as population
from services.population.newborns import issue_numbers
from services.population.settings import PopulationSettings
from tests.fakes import RecordingBroker, StubPopulation
from tests.postgres import fresh_database, shared_server

NOW = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)
"""Monday 16/11/2026, 09:30 in Vietnam: a working day, before the 15:00 cut-off."""
SEED_CITIZENS = 400


def frozen_clock(at: datetime = NOW) -> SimClock:
    """A simulated clock that (for a test's duration) stays at ``at``."""
    return SimClock(speed=1e-9, start=at, anchor_real=time.time())  # drifts 1 ns a second


@dataclass
class InProcessSystem:
    """The four services, the broker they share and the stub the civil registry asks."""

    services: dict[str, Service]
    broker: RecordingBroker
    people: StubPopulation

    async def publish(self) -> None:
        """Wait until every service's relay has sent what its outbox holds.

        The relays run in the background, woken by every commit. Publishing here as well would
        race them: on SQLite a round reads its rows, sends them, then marks them, so two
        concurrent rounds send the same rows twice.
        """
        for service in self.services.values():
            await _drained(service)

    async def deliver(self, topic: str) -> dict[str, BatchOutcome]:
        """Hand everything new on ``topic`` to each service consuming it, as one batch."""
        await self.publish()
        records = self.broker.take(topic)
        outcomes: dict[str, BatchOutcome] = {}
        for name, service in self.services.items():
            if topic in topics_consumed_by(name) and records:
                assert service.processor is not None
                outcomes[name] = await service.processor.process(records)
        return outcomes


async def _drained(service: Service, timeout_s: float = 10.0) -> None:
    """Wait until ``service``'s outbox holds nothing its relay should have published by now."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        due = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                col(OutboxMessage.published_at).is_(None),
                col(OutboxMessage.available_at) <= service.clock.now(),
            )
        )
        async with service.db.read_session() as session:
            left = (await session.exec(due)).one()
        if left == 0:
            return
        if loop.time() > deadline:
            raise AssertionError(f"{service.name}'s relay left {left} events unpublished")
        await asyncio.sleep(0.005)


def _settings(tmp: Path) -> dict[str, object]:
    return {"data_dir": str(tmp), "seed_citizens": SEED_CITIZENS}


STORES = ("sqlite", "postgres")


def store_url(store: str, tmp_path: Path, name: str) -> str:
    """A new database for *name*: a SQLite file under *tmp_path*, or a fresh PostgreSQL one."""
    if store == "postgres":
        return fresh_database(shared_server())
    return f"sqlite+aiosqlite:///{tmp_path / name}.db"


@asynccontextmanager
async def open_system(
    tmp_path: Path,
    *,
    seed: int = 7,
    clock: SimClock | None = None,
    civil_registry_settings: dict[str, Any] | None = None,
    store: str = "sqlite",
) -> AsyncIterator[InProcessSystem]:
    """The four services on databases under ``tmp_path`` (or on PostgreSQL), started, and
    stopped on exit.

    ``seed`` is the run seed (``RandomSource``); ``civil_registry_settings`` overrides the civil
    registry's settings (e.g. ``transient_max_attempts``).
    """
    broker = RecordingBroker()
    people = StubPopulation()
    clock = clock or frozen_clock()
    randomness = RandomSource(seed)
    parts = Parts(broker=broker, clock=clock, randomness=randomness)
    data_dir = str(tmp_path)

    def url(name: str) -> str:
        return store_url(store, tmp_path, name)

    registry_settings = CivilRegistrySettings(
        data_dir=data_dir,
        database_url=url("civil_registry"),
        **(civil_registry_settings or {}),
    )
    population_settings = PopulationSettings(
        data_dir=data_dir, seed_citizens=SEED_CITIZENS, database_url=url("population")
    )
    insurance_settings = InsuranceSettings(
        data_dir=data_dir, seed_citizens=SEED_CITIZENS, database_url=url("insurance")
    )
    services = {
        "gateway": gateway(GatewaySettings(data_dir=data_dir, database_url=url("gateway")), parts),
        "civil_registry": civil_registry(registry_settings, parts, population=people),
        "population": population(population_settings, parts),
        "insurance": insurance(insurance_settings, parts),
    }
    assert set(services) == set(SERVICE_NAMES)
    people.numbering = _numbering_of(services["population"])
    for service in services.values():
        await service.start()
    try:
        yield InProcessSystem(services, broker, people)
    finally:
        for service in services.values():
            await service.stop()


@pytest_asyncio.fixture(params=STORES)
async def system(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[InProcessSystem]:
    """Four services in this process, started, and stopped after the test: once on SQLite,
    once on PostgreSQL."""
    async with open_system(tmp_path, store=request.param) as started:
        yield started


@pytest.fixture(params=STORES)
def database_url(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database: a SQLite file, then a PostgreSQL database."""
    return store_url(request.param, tmp_path, "store")


def _numbering_of(
    population_service: Service,
) -> Callable[[list[NewbornRequest]], Awaitable[dict[str, str]]]:
    """The population service's own numbering (what ``POST /api/v1/citizens/newborns`` runs),
    called in process where the civil registry would call it over HTTP."""

    async def number(births: list[NewbornRequest]) -> dict[str, str]:
        db, randomness = population_service.db, population_service.infra.randomness
        return {
            item.dossier_id: item.personal_id
            for item in await issue_numbers(db, randomness, births)
        }

    return number
