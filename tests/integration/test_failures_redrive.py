"""Redrive through the gateway, in-process: the original bytes go back on their topic, the agency
that failed applies them, every other consumer ignores them, and the dossier completes once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio
from sqlmodel import col, select

from lienthong.contracts.civil_registry import BIRTH_REGISTERED
from lienthong.contracts.dead_letters import REDRIVE_HEADER
from lienthong.contracts.kafka_binding import CONTENT_TYPE_HEADER, STRUCTURED_CONTENT_TYPE
from lienthong.contracts.topics import DEAD_LETTERS, GATEWAY_EVENTS
from lienthong.runtime.tables import OutboxMessage
from services.civil_registry.models import BirthRegistration
from services.insurance.models import HealthCard
from services.population.models import Citizen
from tests.integration.conftest import InProcessSystem, open_system
from tests.integration.helpers import (
    FAIL_AT_ONCE,
    client_of,
    count,
    dead_lettered_birth,
    dossier_view,
    run_chain,
)

FAILURES = "/api/v1/failures"


@dataclass
class Failed:
    """A system whose civil registry dead-lettered one birth dossier (population was down)."""

    system: InProcessSystem
    client: httpx.AsyncClient
    mother: Citizen
    dossier_id: str
    failure: dict[str, Any]


@pytest_asyncio.fixture
async def failed(tmp_path: Path) -> AsyncIterator[Failed]:
    async with (
        open_system(tmp_path, civil_registry_settings=FAIL_AT_ONCE) as system,
        client_of(system.services["gateway"]) as client,
    ):
        mother, dossier_id = await dead_lettered_birth(system, client)
        (failure,) = (await client.get(FAILURES)).json()["items"]
        yield Failed(system, client, mother, dossier_id, failure)


async def redrive(client: httpx.AsyncClient, failure_id: str) -> dict[str, Any]:
    response = await client.post(f"{FAILURES}/{failure_id}/redrive")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def failure(client: httpx.AsyncClient, failure_id: str) -> dict[str, Any]:
    body: dict[str, Any] = (await client.get(f"{FAILURES}/{failure_id}")).json()
    return body


async def redrives_staged(failed: Failed) -> list[OutboxMessage]:
    async with failed.system.services["gateway"].db.read_session() as session:
        rows = await session.exec(
            select(OutboxMessage).where(col(OutboxMessage.headers).is_not(None))
        )
        return list(rows.all())


async def test_a_redriven_transient_failure_completes_the_dossier_exactly_once(
    failed: Failed,
) -> None:
    system, client, failure_id = failed.system, failed.client, failed.failure["id"]
    original = system.broker.producer_.sent[GATEWAY_EVENTS][0]
    system.people.failing = False

    answer = await redrive(client, failure_id)
    (staged,) = await redrives_staged(failed)
    await run_chain(system)
    view = await dossier_view(client, failed.dossier_id)
    settled = await failure(client, failure_id)

    assert answer == {"id": failure_id, "redriven": True, "redrive": 1, "reason": None}
    assert (staged.topic, staged.key.encode(), staged.value) == (GATEWAY_EVENTS, *original)
    assert staged.headers == {REDRIVE_HEADER: "1"}
    # The relay sent the very bytes again, structured mode, with the header naming the redrive.
    assert system.broker.producer_.sent[GATEWAY_EVENTS][-1] == original
    assert system.broker.producer_.headers[GATEWAY_EVENTS][-1] == [
        (CONTENT_TYPE_HEADER, STRUCTURED_CONTENT_TYPE.encode()),
        (REDRIVE_HEADER, b"1"),
    ]
    assert view["status"] == "completed"
    registry, population, insurance = (
        system.services[name].db for name in ("civil_registry", "population", "insurance")
    )
    dossier = failed.dossier_id
    assert await count(registry, BirthRegistration, BirthRegistration.dossier_id == dossier) == 1
    newborns = Citizen.mother_personal_id == failed.mother.personal_id, Citizen.source != "seed"
    assert await count(population, Citizen, *newborns) == 1
    assert await count(insurance, HealthCard, HealthCard.dossier_id == dossier) == 1
    assert (settled["status"], settled["resolved_by"]) == ("resolved", BIRTH_REGISTERED)
    assert (settled["redrive_count"], settled["occurrences"]) == (1, 1)
    assert settled["redriven_at"] is not None


async def test_a_resolved_failure_is_not_sent_again(failed: Failed) -> None:
    system, client, failure_id = failed.system, failed.client, failed.failure["id"]
    system.people.failing = False
    await redrive(client, failure_id)
    await run_chain(system)
    outbox = await count(system.services["gateway"].db, OutboxMessage)

    again = await redrive(client, failure_id)
    bulk = await client.post(f"{FAILURES}/redrive", json={"status": "all"})
    everything = await client.post(f"{FAILURES}/redrive", json={"all": True})

    assert (again["redriven"], again["redrive"]) == (False, 1)
    assert again["reason"].startswith(f"already resolved by {BIRTH_REGISTERED} at 2026-")
    assert bulk.json() == {"matched": 1, "redriven": 0, "already_resolved": 1, "ids": []}
    # ``all`` means every unresolved failure: there is none left.
    assert everything.json() == {"matched": 0, "redriven": 0, "already_resolved": 0, "ids": []}
    assert await count(system.services["gateway"].db, OutboxMessage) == outbox
    assert (await dossier_view(client, failed.dossier_id))["status"] == "completed"


async def test_a_redrive_that_fails_again_reopens_the_failure(failed: Failed) -> None:
    system, client, failure_id = failed.system, failed.client, failed.failure["id"]

    await redrive(client, failure_id)
    redriven = await failure(client, failure_id)
    await system.deliver(GATEWAY_EVENTS)  # population is still down
    await system.deliver(DEAD_LETTERS)
    reopened = await client.get(FAILURES)
    system.people.failing = False
    bulk = await client.post(f"{FAILURES}/redrive", json={"agency": "civil_registry"})
    await run_chain(system)

    assert redriven["status"] == "redriven"
    (item,) = reopened.json()["items"]
    assert item["id"] == failure_id
    assert (item["status"], item["occurrences"], item["redrive_count"]) == ("open", 2, 1)
    assert bulk.json() == {"matched": 1, "redriven": 1, "already_resolved": 0, "ids": [failure_id]}
    assert system.broker.producer_.headers[GATEWAY_EVENTS][-1] == [
        (CONTENT_TYPE_HEADER, STRUCTURED_CONTENT_TYPE.encode()),
        (REDRIVE_HEADER, b"2"),
    ]
    assert (await dossier_view(client, failed.dossier_id))["status"] == "completed"
    settled = await failure(client, failure_id)
    assert (settled["status"], settled["redrive_count"], settled["occurrences"]) == (
        "resolved",
        2,
        2,
    )
    registry = system.services["civil_registry"].db
    assert await count(registry, BirthRegistration) == 1
