"""A birth dossier through all four services in-process: the fixture's own proof of life."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from sqlmodel import select

from lienthong.contracts.topics import (
    CIVIL_REGISTRY_EVENTS,
    GATEWAY_EVENTS,
    INSURANCE_EVENTS,
    POPULATION_EVENTS,
)
from lienthong.runtime.app import create_service_app
from services.civil_registry.population_client import PersonRecord
from services.population.models import Citizen
from tests.integration.conftest import InProcessSystem

ROOT = Path(__file__).resolve().parents[2]


async def test_a_birth_completes_through_every_service(system: InProcessSystem) -> None:
    app = create_service_app(system.services["gateway"])
    async with system.services["population"].db.read_session() as session:
        mothers = (await session.exec(select(Citizen).where(Citizen.sex == "female"))).all()
    assert mothers
    form = json.loads((ROOT / "examples" / "birth.json").read_text("utf-8"))
    app.state.runtime = system.services["gateway"]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        answer = await client.post("/api/v1/dossiers", json=form)
    assert answer.status_code == 202, answer.text
    for topic in (GATEWAY_EVENTS, CIVIL_REGISTRY_EVENTS, POPULATION_EVENTS, INSURANCE_EVENTS):
        await system.deliver(topic)
    _ = PersonRecord
