"""What the in-process handler tests share: clients, forms, events as records, seeded people.

Test modules import these from here, never from one another; fixtures live in ``conftest.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
from aiokafka.structs import ConsumerRecord
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import col, select

from lienthong.contracts.catalogue import spec_for_payload, spec_for_type
from lienthong.contracts.envelope import CloudEvent, new_event
from lienthong.contracts.topics import (
    CIVIL_REGISTRY_EVENTS,
    DEAD_LETTERS,
    GATEWAY_EVENTS,
    INSURANCE_EVENTS,
    POPULATION_EVENTS,
)
from lienthong.runtime.app import create_service_app
from lienthong.runtime.clock import SimClock
from lienthong.runtime.consumer import BatchOutcome
from lienthong.runtime.db import Database
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.service import Parts, Service
from services.civil_registry.population_client import PersonRecord
from services.gateway.bootstrap import bootstrap as gateway_bootstrap
from services.gateway.settings import GatewaySettings
from services.gateway.validation_errors import form_validation_error
from services.insurance.models import InsuredPerson
from services.population.models import Citizen
from tests.fakes import RecordingBroker, record
from tests.helpers import load_example as load_example
from tests.helpers import steps_by_agency as steps_by_agency
from tests.helpers import submit as submit
from tests.integration.conftest import InProcessSystem

ROOT = Path(__file__).resolve().parents[2]
DOSSIERS = "/api/v1/dossiers"
CHAIN = (GATEWAY_EVENTS, CIVIL_REGISTRY_EVENTS, POPULATION_EVENTS, INSURANCE_EVENTS, DEAD_LETTERS)
"""The topics in the order a dossier's events travel (dead letters last)."""

_offsets = itertools.count(1_000)


@asynccontextmanager
async def client_of(service: Service) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of an already started gateway, wired like ``services.gateway.app``.

    ASGITransport runs no lifespan, so the service is set on the app here.
    """
    app = create_service_app(service)
    app.add_exception_handler(RequestValidationError, form_validation_error)
    app.state.runtime = service
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client


@asynccontextmanager
async def standalone_gateway(
    data_dir: Path, clock: SimClock, seed: int = 7
) -> AsyncIterator[tuple[Service, httpx.AsyncClient]]:
    """A gateway alone on its own database, with its own clock and seed, started and stopped."""
    service = gateway_bootstrap(
        GatewaySettings(data_dir=str(data_dir)),
        Parts(broker=RecordingBroker(), clock=clock, randomness=RandomSource(seed)),
    )
    await service.start()
    try:
        async with client_of(service) as client:
            yield service, client
    finally:
        await service.stop()


async def dossier_view(client: httpx.AsyncClient, dossier_id: str) -> dict[str, Any]:
    """GET a dossier as testers see it."""
    response = await client.get(f"{DOSSIERS}/{dossier_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def instant(text: str | None) -> datetime | None:
    """An ISO timestamp of the API as an aware datetime."""
    return datetime.fromisoformat(text) if text is not None else None


def event_of(
    payload: BaseModel,
    *,
    dossier_id: str,
    time: datetime,
    source: str | None = None,
    cause: CloudEvent | None = None,
) -> CloudEvent:
    """The event of ``payload``, its type from the catalogue (source: its producer)."""
    spec = spec_for_payload(type(payload))
    return new_event(
        source=source or spec.producer,
        type_=spec.type,
        payload=payload,
        dossier_id=dossier_id,
        time=time,
        cause=cause,
    )


def record_of(event: CloudEvent, topic: str | None = None) -> ConsumerRecord[bytes, bytes]:
    """``event`` as a consumer record on its catalogue topic, keyed by its dossier."""
    if topic is None:
        spec = spec_for_type(event.type)
        assert spec is not None, event.type
        topic = spec.topic
    return record(topic, event.to_bytes(), event.subject.encode(), next(_offsets))


async def run_chain(system: InProcessSystem, rounds: int = 2) -> None:
    """Deliver every topic in chain order until nothing moves (dead letters included)."""
    for _ in range(rounds):
        for topic in CHAIN:
            await system.deliver(topic)


async def process(service: Service, records: list[ConsumerRecord[bytes, bytes]]) -> BatchOutcome:
    """Hand ``records`` to ``service``'s batch processor as one batch."""
    assert service.processor is not None
    return await service.processor.process(records)


async def count(db: Database, model: Any, *where: Any) -> int:
    """How many rows of ``model`` match ``where``."""
    async with db.read_session() as session:
        found = (await session.exec(select(func.count()).select_from(model).where(*where))).one()
    return int(found)


async def seeded_parents(
    system: InProcessSystem, sex: str, how_many: int = 1, *, heads: bool = True
) -> list[Citizen]:
    """Living people of ``sex`` of parenting age (born 1984–2004), heading their own household
    when ``heads`` (a head registering the child needs no verification)."""
    async with system.services["population"].db.read_session() as session:
        query = select(Citizen).where(
            Citizen.sex == sex,
            col(Citizen.alive),
            col(Citizen.date_of_birth) >= date(1984, 1, 1),
            col(Citizen.date_of_birth) <= date(2004, 12, 31),
        )
        if heads:
            query = query.where(col(Citizen.is_household_head))
        rows = (await session.exec(query.order_by(col(Citizen.personal_id)))).all()
    assert len(rows) >= how_many, f"the seed has too few {sex} people of parenting age"
    return list(rows[:how_many])


async def seeded_mothers(system: InProcessSystem, how_many: int = 1) -> list[Citizen]:
    """Living women of childbearing age who head their own household (so no verification)."""
    return await seeded_parents(system, "female", how_many)


async def citizen(system: InProcessSystem, personal_id: str) -> Citizen:
    """One citizen of the population database, read afresh."""
    async with system.services["population"].db.read_session() as session:
        found = await session.get(Citizen, personal_id)
    assert found is not None, personal_id
    return found


async def pensioner_heading_a_household(system: InProcessSystem) -> tuple[Citizen, list[Citizen]]:
    """A living pensioner who heads a household, and the other living members of it."""
    async with system.services["insurance"].db.read_session() as session:
        pensioners = (
            await session.exec(
                select(InsuredPerson.personal_id).where(col(InsuredPerson.pensioner))
            )
        ).all()
    async with system.services["population"].db.read_session() as session:
        heads = await session.exec(
            select(Citizen)
            .where(col(Citizen.personal_id).in_(pensioners), col(Citizen.alive))
            .where(col(Citizen.is_household_head))
            .order_by(col(Citizen.personal_id))
        )
        for head in heads.all():
            members = await session.exec(
                select(Citizen).where(
                    Citizen.household_id == head.household_id,
                    Citizen.personal_id != head.personal_id,
                    col(Citizen.alive),
                )
            )
            others = list(members.all())
            if others:
                return head, others
    raise AssertionError("the seed has no pensioner heading a household with others")


def known_to_registry(system: InProcessSystem, person: Citizen) -> None:
    """Let the civil registry's population lookup (the stub) know ``person``."""
    system.people.people[person.personal_id] = PersonRecord(
        personal_id=person.personal_id,
        full_name=person.full_name,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        alive=person.alive,
        date_of_death=person.date_of_death,
        commune_code=person.commune_code,
    )


def birth_form_for(
    mother: Citizen,
    *,
    given_name: str = "An",
    born: date = date(2026, 11, 10),
    sex: str = "male",
) -> dict[str, Any]:
    """Form 01 for a child of ``mother``, registered in her household (she heads it)."""
    assert mother.commune_code is not None and mother.address is not None
    return {
        "kind": "birth",
        "requester": {
            "full_name": mother.full_name,
            "personal_id": mother.personal_id,
            "relationship": "mother",
        },
        "child": {
            "family_name": mother.family_name,
            "middle_name": "Minh",
            "given_name": given_name,
            "date_of_birth": born.isoformat(),
            "sex": sex,
            "birthplace": {"commune_code": mother.commune_code},
        },
        "mother": {
            "full_name": mother.full_name,
            "date_of_birth": mother.date_of_birth.isoformat(),
            "personal_id": mother.personal_id,
        },
        "medical_birth_certificate_number": f"GCS-{mother.personal_id}-{given_name}",
        "residence": {
            "commune_code": mother.commune_code,
            "address": mother.address,
            "household_head_personal_id": mother.personal_id,
            "household_head_consent": True,
        },
        "health_insurance": {"initial_clinic_code": f"{mother.province_code}001"},
    }


FAIL_AT_ONCE = {"transient_max_attempts": 1, "transient_backoff_ms": 1}
"""Civil registry settings giving up on a failing lookup at once (no parking, no backoff)."""


async def dead_lettered_birth(
    system: InProcessSystem, client: httpx.AsyncClient
) -> tuple[Citizen, str]:
    """A birth whose population lookup fails at the civil registry (a system opened with
    ``FAIL_AT_ONCE``): dead-lettered, the dead letter delivered to the gateway. Returns the
    mother and the dossier id."""
    (mother,) = await seeded_mothers(system)
    known_to_registry(system, mother)
    system.people.failing = True
    dossier_id = await submit(client, birth_form_for(mother))
    await system.deliver(GATEWAY_EVENTS)
    await system.deliver(DEAD_LETTERS)
    return mother, dossier_id


async def two_births(system: InProcessSystem, client: httpx.AsyncClient) -> tuple[list[str], str]:
    """Two dossiers of one seeded mother; returns their ids and her province."""
    (mother,) = await seeded_mothers(system)
    known_to_registry(system, mother)
    ids = [await submit(client, birth_form_for(mother, given_name=n)) for n in ("An", "Bình")]
    assert mother.province_code is not None
    return ids, mother.province_code


def death_form_for(
    deceased: Citizen,
    requester: Citizen,
    *,
    died: date = date(2026, 11, 15),
    claim: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Form 02 declaring ``deceased`` dead on ``died``, by a relative, with a hospital's notice
    of that day and ``claim`` as the benefit claim (the form's default when None)."""
    form: dict[str, Any] = {
        "kind": "death",
        "requester": {
            "full_name": requester.full_name,
            "personal_id": requester.personal_id,
            "relationship": "relative",
        },
        "deceased": {
            "full_name": deceased.full_name,
            "date_of_birth": deceased.date_of_birth.isoformat(),
            "sex": deceased.sex,
            "personal_id": deceased.personal_id,
        },
        "date_of_death": died.isoformat(),
        "place_of_death": {"commune_code": deceased.commune_code},
        "death_notice": {
            "number": f"GBT-{died.year}-{deceased.personal_id[-4:]}",
            "issuer": "hospital",
            "issued_on": died.isoformat(),
        },
    }
    if claim is not None:
        form["benefit_claim"] = claim
    return form
