"""Intake under concurrency, and dossier ids that depend only on the seed and the submissions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from lienthong.contracts.gateway import BIRTH_DOSSIER_SUBMITTED
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.service import Parts, Service
from lienthong.runtime.tables import OutboxMessage
from services.gateway.bootstrap import bootstrap
from services.gateway.models import Dossier, DossierStep
from services.gateway.settings import GatewaySettings
from tests.fakes import RecordingBroker
from tests.integration.conftest import NOW, frozen_clock
from tests.integration.helpers import (
    DOSSIERS,
    client_of,
    count,
    load_example,
    standalone_gateway,
    submit,
)


@pytest_asyncio.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[tuple[Service, httpx.AsyncClient]]:
    """A gateway alone, at NOW, with the run seed 7."""
    async with standalone_gateway(tmp_path, frozen_clock(NOW)) as started:
        yield started


def birth(given_name: str = "An") -> dict[str, Any]:
    form = load_example()
    form["child"]["given_name"] = given_name
    return form


async def test_concurrent_submissions_with_one_key_make_one_dossier(
    gateway: tuple[Service, httpx.AsyncClient],
) -> None:
    service, client = gateway
    headers = {"Idempotency-Key": "portal-retry-42"}

    answers = await asyncio.gather(
        *(client.post(DOSSIERS, json=birth(), headers=headers) for _ in range(10))
    )

    assert [a.status_code for a in answers] == [202] * 10
    assert len({a.json()["dossier_id"] for a in answers}) == 1
    dossier_id = answers[0].json()["dossier_id"]
    assert {a.headers["Location"] for a in answers} == {f"{DOSSIERS}/{dossier_id}"}
    assert await count(service.db, Dossier) == 1
    assert await count(service.db, DossierStep) == 3  # one per agency
    submitted = OutboxMessage.event_type == BIRTH_DOSSIER_SUBMITTED
    assert await count(service.db, OutboxMessage, submitted) == 1
    assert await count(service.db, OutboxMessage) == 1


async def test_the_same_form_without_a_key_is_a_new_dossier_each_time(
    gateway: tuple[Service, httpx.AsyncClient],
) -> None:
    service, client = gateway

    first = await submit(client, birth())
    second = await submit(client, birth())

    assert first != second
    assert await count(service.db, Dossier) == 2
    assert await count(service.db, OutboxMessage) == 2


async def test_a_burst_of_identical_keyless_forms_is_all_accepted(
    gateway: tuple[Service, httpx.AsyncClient],
) -> None:
    service, client = gateway

    answers = await asyncio.gather(
        *(client.post(DOSSIERS, json=birth()) for _ in range(10)), return_exceptions=True
    )

    statuses = [a.status_code if isinstance(a, httpx.Response) else repr(a) for a in answers]
    assert statuses == [202] * 10
    assert await count(service.db, Dossier) == 10


async def submissions(data_dir: Path, seed: int) -> list[str]:
    """The ids a fresh gateway with ``seed`` gives a fixed sequence of submissions."""
    async with standalone_gateway(data_dir, frozen_clock(NOW), seed) as (_service, client):
        return [
            await submit(client, birth("An"), **{"Idempotency-Key": "k-1"}),
            await submit(client, birth("An")),
            await submit(client, birth("An")),
            await submit(client, birth("Bình")),
            await submit(client, {**birth("Chi"), "reference": "HS-2026-000001"}),
        ]


async def test_dossier_ids_depend_only_on_the_seed_and_the_submissions(tmp_path: Path) -> None:
    first = await submissions(tmp_path / "first", seed=7)
    again = await submissions(tmp_path / "again", seed=7)
    other = await submissions(tmp_path / "other", seed=8)

    assert len(set(first)) == 5
    assert again == first
    assert all(mine != theirs for mine, theirs in zip(first, other, strict=True))


async def test_the_gateway_stops_right_after_a_commit_woke_its_relay(tmp_path: Path) -> None:
    service = standalone_service(tmp_path)
    await service.start()
    async with client_of(service) as client:
        await submit(client, birth())
    await asyncio.sleep(0.05)  # the relay has published and sleeps again
    assert service.relay is not None
    service.relay.notify()  # as a commit does, just before the shutdown
    try:
        async with asyncio.timeout(3):
            await service.stop()
    except TimeoutError:
        pytest.fail("Service.stop() did not return within 3 s")


def standalone_service(data_dir: Path) -> Service:
    """A gateway at NOW with seed 7, not started."""
    return bootstrap(
        GatewaySettings(data_dir=str(data_dir)),
        Parts(broker=RecordingBroker(), clock=frozen_clock(NOW), randomness=RandomSource(7)),
    )
