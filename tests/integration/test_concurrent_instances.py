"""Two instances of the civil registry deciding at once, on each store (storage contract suite).

Several instances of an agency share a consumer group, and records of one person can sit on
different partitions (two dossiers for one birth), so two instances may check "is it already
registered?" before either has written. Each instance here has its own database engine, and
each holds its first batch after reading the registers until the other has read them too —
on PostgreSQL both then see nothing and race to write; on SQLite the second one's write
transaction waits for the first. Either way the outcome must be the business one: one
registration, one refusal as a duplicate, consecutive register numbers, no dead letter.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest_asyncio
from sqlmodel import select

from lienthong.contracts.catalogue import spec_for_payload
from lienthong.contracts.envelope import new_event
from lienthong.contracts.forms import BirthDossier, DeathDossier
from lienthong.contracts.gateway import BirthDossierSubmitted, DeathDossierSubmitted
from lienthong.contracts.reasons import DEATH_ALREADY_REGISTERED, DUPLICATE_BIRTH
from lienthong.contracts.topics import GATEWAY_EVENTS
from lienthong.domain.personal_id import Sex
from lienthong.runtime.consumer import BatchOutcome, BatchProcessor
from lienthong.runtime.db import Database
from lienthong.runtime.handlers import Message
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.tables import RUNTIME_METADATA
from services.civil_registry.handlers import CivilRegistryHandlers
from services.civil_registry.models import BirthRegistration, CivilRegistryTable
from services.civil_registry.population_client import PersonRecord
from tests.fakes import StubPopulation, record
from tests.helpers import load_example
from tests.integration.conftest import NOW, frozen_clock

READ_GATE_S = 2.0
"""How long an instance waits, after reading, for the other to read: past it, go on (SQLite)."""


class ReadGate:
    """Lets two instances' first batches past their reads together, or each after a timeout."""

    def __init__(self) -> None:
        self._arrived = 0
        self._both = asyncio.Event()

    @property
    def met(self) -> bool:
        """Whether both instances got past their reads together."""
        return self._both.is_set()

    async def wait(self) -> None:
        """Arrive; go on once the other instance has arrived too, or after the timeout."""
        self._arrived += 1
        if self._arrived >= 2:
            self._both.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._both.wait(), READ_GATE_S)


class GatedCivilRegistry(CivilRegistryHandlers):
    """The real handlers, holding the first batch after its reads (see :class:`ReadGate`)."""

    def __init__(self, gate: ReadGate, people: dict[str, PersonRecord]) -> None:
        super().__init__(StubPopulation(people), death_registration_days=15)
        self._gate: ReadGate | None = gate

    async def preload(self, session: Any, messages: list[Message[Any]], lookups: Any) -> Any:
        state = await super().preload(session, messages, lookups)
        gate, self._gate = self._gate, None  # only the first read: a decision read again runs on
        if gate is not None:
            await gate.wait()
        return state


@pytest_asyncio.fixture
async def url(database_url: str) -> AsyncIterator[str]:
    """The civil registry's tables, created once on a fresh database of each store."""
    database = Database(database_url)
    await database.create_all(RUNTIME_METADATA, CivilRegistryTable.metadata)
    await database.dispose()
    yield database_url


def _person(personal_id: str, full_name: str, born: str, sex: Sex) -> PersonRecord:
    return PersonRecord(
        personal_id=personal_id,
        full_name=full_name,
        date_of_birth=date.fromisoformat(born),
        sex=sex,
        alive=True,
        commune_code="00685",
    )


def _people() -> dict[str, PersonRecord]:
    """The shipped examples' parents and deceased, as the population database knows them."""
    birth, death = load_example("birth"), load_example("death-insured")
    mother, father, deceased = birth["mother"], birth["father"], death["deceased"]
    people = [
        _person(mother["personal_id"], mother["full_name"], mother["date_of_birth"], Sex.FEMALE),
        _person(father["personal_id"], father["full_name"], father["date_of_birth"], Sex.MALE),
        _person(
            deceased["personal_id"],
            deceased["full_name"],
            deceased["date_of_birth"],
            Sex(deceased["sex"]),
        ),
    ]
    return {person.personal_id: person for person in people}


_offsets = iter(range(1_000_000))


def _birth(dossier_id: str, given_name: str = "An") -> Any:
    form = load_example("birth")
    form["child"]["given_name"] = given_name
    payload = BirthDossierSubmitted.from_form(dossier_id, NOW, BirthDossier.model_validate(form))
    return _record(payload)


def _death(dossier_id: str) -> Any:
    form = DeathDossier.model_validate(load_example("death-insured"))
    return _record(DeathDossierSubmitted.from_form(dossier_id, NOW, form))


def _record(payload: BirthDossierSubmitted | DeathDossierSubmitted) -> Any:
    event = new_event(
        source="gateway",
        type_=spec_for_payload(type(payload)).type,
        payload=payload,
        dossier_id=payload.dossier_id,
        time=NOW,
    )
    return record(GATEWAY_EVENTS, event.to_bytes(), payload.dossier_id.encode(), next(_offsets))


async def _race(url: str, first: list[Any], second: list[Any]) -> list[BatchOutcome]:
    """Two instances, each with its own engine, applying one batch each at the same time."""
    gate, people = ReadGate(), _people()
    databases = [Database(url), Database(url)]
    try:
        processors = [
            BatchProcessor(
                "civil_registry",
                database,
                GatedCivilRegistry(gate, people),
                clock=frozen_clock(),
                randomness=RandomSource(7),
            )
            for database in databases
        ]
        outcomes = await asyncio.gather(processors[0].process(first), processors[1].process(second))
        if url.startswith("postgresql"):  # SQLite's second writer waits: no race to set up
            assert gate.met, "the instances did not both read before writing: no race was run"
        return list(outcomes)
    finally:
        for database in databases:
            await database.dispose()


def _decisions(outcomes: list[BatchOutcome]) -> list[tuple[str, str | None]]:
    """(event name, refusal code) of every decision both instances published, sorted."""
    found = []
    for outcome in outcomes:
        for event in outcome.published:
            reason = (event.data or {}).get("reason") or {}
            found.append((event.type.rsplit(".", 2)[-2], reason.get("code")))
    return sorted(found, key=lambda pair: (pair[0], pair[1] or ""))


async def _registered(url: str) -> list[str]:
    """The serials of every birth registration stored (``KS-<commune>-<year>-<serial>``)."""
    database = Database(url)
    try:
        async with database.read_session() as session:
            numbers = (await session.exec(select(BirthRegistration.registration_number))).all()
    finally:
        await database.dispose()
    return sorted(number.rsplit("-", 1)[1] for number in numbers)


async def test_one_birth_sent_twice_to_two_instances_is_registered_once(url: str) -> None:
    outcomes = await _race(url, [_birth("dossier-a")], [_birth("dossier-b")])

    assert [letter for o in outcomes for letter in o.dead_letters] == []
    assert _decisions(outcomes) == [
        ("birth_registered", None),
        ("birth_rejected", DUPLICATE_BIRTH.code),
    ]
    assert await _registered(url) == ["000001"]


async def test_one_death_sent_twice_to_two_instances_is_registered_once(url: str) -> None:
    outcomes = await _race(url, [_death("death-a")], [_death("death-b")])

    assert [letter for o in outcomes for letter in o.dead_letters] == []
    assert _decisions(outcomes) == [
        ("death_registered", None),
        ("death_rejected", DEATH_ALREADY_REGISTERED.code),
    ]


async def test_two_instances_numbering_one_commune_use_each_number_once(url: str) -> None:
    """Ten births each, one commune's register: numbers 1 to 20, none twice, none skipped."""
    names = [f"Con{n:02d}" for n in range(20)]
    first = [_birth(f"first-{name}", name) for name in names[:10]]
    second = [_birth(f"second-{name}", name) for name in names[10:]]

    outcomes = await _race(url, first, second)

    assert [letter for o in outcomes for letter in o.dead_letters] == []
    assert await _registered(url) == [f"{n:06d}" for n in range(1, 21)]
