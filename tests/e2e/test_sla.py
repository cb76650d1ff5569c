"""Deadlines under the simulated clock: a slow agency makes dossiers overdue in seconds."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta

import httpx
import pytest
import pytest_asyncio

from lienthong.runtime.clock import clock_environment
from tests.e2e.helpers import (
    RunningSystem,
    birth_form,
    running_system,
    steps_by_agency,
    submit,
    wait_for_dossier,
)

pytestmark = pytest.mark.e2e

SPEED = 864_000  # ten simulated days per real second
START = datetime.fromisoformat("2026-11-23T09:00:00+07:00")  # a Monday morning


@pytest.fixture(scope="module")
def slow_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    """A second system whose population takes 10 simulated days per decision."""
    env = clock_environment(SPEED, START)
    with running_system(
        tmp_path_factory.mktemp("slow"), POPULATION_PROCESSING_DELAY="fixed:10d", **env
    ) as running:
        yield running


@pytest_asyncio.fixture(scope="module")
async def slow_gateway(slow_system: RunningSystem) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=slow_system.urls["gateway"], timeout=10) as client:
        yield client


async def test_slow_residence_registration_makes_the_dossier_overdue(
    slow_system: RunningSystem, slow_gateway: httpx.AsyncClient
) -> None:
    health = (await slow_gateway.get("/health")).json()
    assert health["clock"]["speed"] == SPEED
    assert health["clock"]["now"] > START.isoformat()
    before = (await slow_gateway.get("/api/v1/stats")).json()["flows"]["birth"]

    dossier = await wait_for_dossier(slow_gateway, await submit(slow_gateway, birth_form()))

    assert dossier["status"] == "completed"
    steps = steps_by_agency(dossier)
    population = steps["population"]
    started = datetime.fromisoformat(population["started_at"])
    finished = datetime.fromisoformat(population["finished_at"])
    # The decision carries the agency's simulated delay (plus the real latency of the hop,
    # magnified by the clock's speed: 0.1 s is a simulated day here)...
    assert finished - started >= timedelta(days=10)
    # ...which is past its 2-working-day limit and the group's 3 working days.
    assert population["overdue"] is True
    assert finished > datetime.fromisoformat(population["due_at"])
    assert dossier["overdue"] is True
    assert datetime.fromisoformat(dossier["completed_at"]) > datetime.fromisoformat(
        dossier["due_at"]
    )
    after = (await slow_gateway.get("/api/v1/stats")).json()["flows"]["birth"]
    assert after["overdue"] == before["overdue"] + 1
    assert after["agencies"]["population"]["overdue"] == (
        before["agencies"]["population"]["overdue"] + 1
    )

    late = (await slow_gateway.get("/api/v1/dossiers", params={"overdue": "true"})).json()
    in_time = (await slow_gateway.get("/api/v1/dossiers", params={"overdue": "false"})).json()
    assert dossier["dossier_id"] in {d["dossier_id"] for d in late}
    assert dossier["dossier_id"] not in {d["dossier_id"] for d in in_time}
    assert all(d["overdue"] for d in late) and not any(d["overdue"] for d in in_time)
