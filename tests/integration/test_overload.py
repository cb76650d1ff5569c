"""The portal overloaded: intake answers 503 with Retry-After, and writes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from lienthong.runtime.clock import SimClock
from lienthong.runtime.service import Service
from lienthong.runtime.tables import OutboxMessage
from services.gateway.models import Dossier
from services.gateway.overload import TokenBucket, guard_for
from tests.integration.conftest import NOW, frozen_clock
from tests.integration.helpers import DOSSIERS, count, load_example, standalone_gateway

Gateway = tuple[Service, httpx.AsyncClient]


@pytest_asyncio.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    """A gateway alone, on a clock frozen on a Monday at 09:30 in Vietnam."""
    async with standalone_gateway(tmp_path, frozen_clock(NOW)) as started:
        yield started


async def overload(client: httpx.AsyncClient, **setting: Any) -> None:
    response = await client.put("/admin/faults/overload", json=setting)
    assert response.status_code == 200, response.text


async def post(client: httpx.AsyncClient, key: str) -> httpx.Response:
    return await client.post(DOSSIERS, json=load_example("birth"), headers={"Idempotency-Key": key})


async def written(service: Service) -> tuple[int, int]:
    return await count(service.db, Dossier), await count(service.db, OutboxMessage)


async def test_an_overloaded_portal_answers_503_and_writes_nothing(gateway: Gateway) -> None:
    service, client = gateway
    await overload(client)

    response = await post(client, "k-1")

    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["detail"]["fault"] == "overload"
    assert await written(service) == (0, 0)


async def test_clearing_the_fault_lets_submissions_in(gateway: Gateway) -> None:
    service, client = gateway
    await overload(client)
    assert (await post(client, "k-1")).status_code == 503

    await client.delete("/admin/faults/overload")

    assert (await post(client, "k-1")).status_code == 202
    assert await written(service) == (1, 1)


async def test_above_the_limit_submissions_are_refused_until_tokens_come_back(
    gateway: Gateway,
) -> None:
    service, client = gateway
    real_time = [100.0]
    guard_for(service.faults).bucket = TokenBucket(lambda: real_time[0])
    await overload(client, limit=2)

    statuses = [(await post(client, f"k-{n}")).status_code for n in range(4)]
    assert statuses == [202, 202, 503, 503]
    refused = await post(client, "k-4")
    assert refused.headers["Retry-After"] == "1"

    real_time[0] += 0.5  # one token back at 2 a second
    assert [(await post(client, f"k-{n}")).status_code for n in (5, 6)] == [202, 503]
    assert await written(service) == (3, 3)


async def test_a_rate_refuses_the_same_submissions_in_every_run(tmp_path: Path) -> None:
    async def statuses(name: str) -> list[int]:
        async with standalone_gateway(tmp_path / name, frozen_clock(NOW)) as (_, client):
            await overload(client, rate=0.5)
            return [(await post(client, f"k-{n}")).status_code for n in range(16)]

    first, again = await statuses("first"), await statuses("again")

    assert first == again
    assert {202, 503} == set(first)


async def test_a_refused_submission_may_pass_when_tried_again(gateway: Gateway) -> None:
    _, client = gateway
    await overload(client, rate=0.5)

    tries = [(await post(client, "the-same-key")).status_code for _ in range(12)]

    assert 202 in tries  # each try is its own roll


@pytest.mark.parametrize(
    ("vietnam_time", "refused"),
    [
        ("2026-11-16T07:29:00+07:00", False),  # Monday, before opening
        ("2026-11-16T07:30:00+07:00", True),
        ("2026-11-16T16:59:00+07:00", True),
        ("2026-11-16T17:00:00+07:00", False),  # closed
        ("2026-11-21T10:00:00+07:00", False),  # Saturday
    ],
)
async def test_an_office_hours_overload_only_refuses_inside_office_hours(
    tmp_path: Path, vietnam_time: str, refused: bool
) -> None:
    clock: SimClock = frozen_clock(datetime.fromisoformat(vietnam_time).astimezone(UTC))
    async with standalone_gateway(tmp_path, clock) as (_, client):
        await overload(client, office_hours=True)

        response = await post(client, "k-1")

    assert response.status_code == (503 if refused else 202), response.text
