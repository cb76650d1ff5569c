"""Each agency's handlers through the chain, in-process: gateway → civil registry → population →
insurance, on real SQLite, with the civil registry asking a stub of the population database.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlmodel import select

from lienthong.contracts.envelope import CloudEvent
from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS, DEAD_LETTERS, GATEWAY_EVENTS
from lienthong.runtime.tables import OutboxMessage
from services.civil_registry import handlers as civil_registry_handlers
from services.civil_registry.models import BirthRegistration
from services.insurance.models import FuneralBenefit, HealthCard
from services.population.models import Citizen, Household
from tests.fakes import record
from tests.integration.conftest import InProcessSystem, open_system
from tests.integration.helpers import (
    birth_form_for,
    citizen,
    client_of,
    count,
    dossier_view,
    known_to_registry,
    pensioner_heading_a_household,
    process,
    record_of,
    run_chain,
    seeded_mothers,
    steps_by_agency,
    submit,
    two_births,
)

Chain = tuple[InProcessSystem, httpx.AsyncClient, Citizen]


@pytest_asyncio.fixture
async def chain(system: InProcessSystem) -> AsyncIterator[Chain]:
    """The system, a client of its gateway, and a seeded mother the civil registry knows."""
    (mother,) = await seeded_mothers(system)
    known_to_registry(system, mother)
    async with client_of(system.services["gateway"]) as client:
        yield system, client, mother


async def registrations(system: InProcessSystem) -> list[BirthRegistration]:
    async with system.services["civil_registry"].db.read_session() as session:
        rows = await session.exec(select(BirthRegistration))
        return sorted(rows.all(), key=lambda r: r.registration_number)


def resent(system: InProcessSystem, topic: str) -> list[Any]:
    """Everything sent on ``topic`` so far, as new records (a redelivery or a replay)."""
    return [record_of(event, topic) for event in system.broker.events(topic)]


@pytest.mark.parametrize(("sex", "digit"), [("male", "2"), ("female", "3")])
async def test_a_birth_completes_through_every_agency(chain: Chain, sex: str, digit: str) -> None:
    system, client, mother = chain
    dossier_id = await submit(client, birth_form_for(mother, born=date(2026, 11, 10), sex=sex))

    await run_chain(system)

    view = await dossier_view(client, dossier_id)
    assert view["status"] == "completed", view
    steps = steps_by_agency(view)
    commune, province = mother.commune_code, mother.province_code
    assert province is not None
    # The first birth of the commune's 2026 register.
    assert steps["civil_registry"]["result"]["registration_number"] == f"KS-{commune}-2026-000001"
    personal_id = steps["population"]["result"]["personal_id"]
    # 12 digits: "0" + the registering province, century/sex digit (2000s: boy 2, girl 3), "26".
    assert len(personal_id) == 12 and personal_id.isdigit()
    assert personal_id[:3] == f"0{province}"
    assert personal_id[3:6] == f"{digit}26"
    row = await citizen(system, personal_id)
    assert (row.household_id, row.commune_code) == (mother.household_id, commune)
    assert row.mother_personal_id == mother.personal_id
    card = steps["insurance"]["result"]
    assert card["card_code"].startswith(f"TE1{province}") and len(card["card_code"]) == 15
    assert card["valid_from"] == "2026-11-16"  # issued today
    # Turns 72 months on 10/11/2032, after 30/9: valid to the end of that month.
    assert card["valid_until"] == "2032-11-30"
    cards = HealthCard.personal_id == personal_id, HealthCard.dossier_id == dossier_id
    assert await count(system.services["insurance"].db, HealthCard, *cards) == 1


async def test_a_birth_is_registered_once_in_one_batch_or_later(chain: Chain) -> None:
    system, client, mother = chain
    form = birth_form_for(mother)
    first, second = await submit(client, form), await submit(client, form)
    await run_chain(system)
    third = await submit(client, form)
    await run_chain(system)

    assert (await dossier_view(client, first))["status"] == "completed"
    for dossier_id in (second, third):
        view = await dossier_view(client, dossier_id)
        assert view["status"] == "rejected"
        reason = steps_by_agency(view)["civil_registry"]["reason"]
        assert reason["code"] == "duplicate_birth_registration"
    assert len(await registrations(system)) == 1
    newborns = Citizen.mother_personal_id == mother.personal_id, Citizen.source != "seed"
    assert await count(system.services["population"].db, Citizen, *newborns) == 1


async def test_a_redelivered_batch_registers_nothing_twice(chain: Chain) -> None:
    system, client, mother = chain
    for name in ("An", "Bình"):
        await submit(client, birth_form_for(mother, given_name=name))
    await system.deliver(GATEWAY_EVENTS)
    registry = system.services["civil_registry"]
    outbox = await count(registry.db, OutboxMessage)

    again = await process(registry, resent(system, GATEWAY_EVENTS))
    await system.deliver(CIVIL_REGISTRY_EVENTS)
    population_again = await process(
        system.services["population"], resent(system, CIVIL_REGISTRY_EVENTS)
    )

    assert (again.processed, again.duplicates, again.published) == (0, 2, [])
    assert await count(registry.db, OutboxMessage) == outbox
    assert [r.registration_number[-6:] for r in await registrations(system)] == ["000001", "000002"]
    assert (population_again.processed, population_again.duplicates) == (0, 2)
    newborns = Citizen.mother_personal_id == mother.personal_id, Citizen.source != "seed"
    assert await count(system.services["population"].db, Citizen, *newborns) == 2


class _FailsFor:
    """``BirthRegistration`` for the handler, except that it cannot be built for one dossier."""

    def __init__(self, dossier_id: str) -> None:
        self.dossier_id = dossier_id

    def __call__(self, **fields: Any) -> BirthRegistration:
        if fields["dossier_id"] == self.dossier_id:
            raise RuntimeError("register locked")
        return BirthRegistration(**fields)

    def __getattr__(self, name: str) -> Any:
        return getattr(BirthRegistration, name)


async def test_a_failing_handler_dead_letters_only_its_own_event(
    chain: Chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    system, client, mother = chain
    ids = [
        await submit(client, birth_form_for(mother, given_name=n)) for n in ("An", "Bình", "Chi")
    ]
    monkeypatch.setattr(civil_registry_handlers, "BirthRegistration", _FailsFor(ids[1]))

    outcome = (await system.deliver(GATEWAY_EVENTS))["civil_registry"]
    await run_chain(system)

    assert outcome.processed == 2
    assert [(d.key, d.error_kind) for d in outcome.dead_letters] == [(ids[1], "handler_error")]
    # The failed registration took no number: its neighbours are 1 and 2 of the register.
    numbered = {r.dossier_id: r.registration_number[-6:] for r in await registrations(system)}
    assert numbered == {ids[0]: "000001", ids[2]: "000002"}
    failed = await dossier_view(client, ids[1])
    assert failed["status"] == "failed"
    assert (
        steps_by_agency(failed)["civil_registry"]["reason"]["code"] == "dead_lettered.handler_error"
    )
    for neighbour in (ids[0], ids[2]):
        assert (await dossier_view(client, neighbour))["status"] == "completed"

    # Fixed and redriven: the dead-lettered event was never marked processed, so it registers.
    monkeypatch.undo()
    redriven = await process(system.services["civil_registry"], resent(system, GATEWAY_EVENTS))
    await run_chain(system)

    assert (redriven.processed, redriven.duplicates) == (1, 2)
    assert (await dossier_view(client, ids[1]))["status"] == "completed"


async def test_population_unreachable_parks_the_dossiers_until_it_answers(
    tmp_path: Path,
) -> None:
    """The lookup fails: the dossiers wait (in progress), then complete with no redrive."""
    settings = {"transient_max_attempts": 5, "transient_backoff_ms": 1}
    async with open_system(tmp_path, civil_registry_settings=settings) as system:
        registry = system.services["civil_registry"]
        async with client_of(system.services["gateway"]) as client:
            ids, _ = await two_births(system, client)
            system.people.failing = True
            outcome = (await system.deliver(GATEWAY_EVENTS))["civil_registry"]
            waiting = [await dossier_view(client, dossier_id) for dossier_id in ids]
            system.people.failing = False
            assert registry.retries is not None
            await asyncio.sleep(0.05)  # the backoff, in milliseconds here
            await registry.retries.retry_due()
            await run_chain(system)
            recovered = [await dossier_view(client, dossier_id) for dossier_id in ids]

    assert (outcome.processed, outcome.dead_letters) == (0, [])
    assert sorted(p.record.key.decode() for p in outcome.parked) == sorted(ids)
    assert [view["status"] for view in waiting] == ["submitted", "submitted"]  # not failed
    assert [view["status"] for view in recovered] == ["completed", "completed"]


async def test_population_down_too_long_dead_letters_then_completes_on_redrive(
    tmp_path: Path,
) -> None:
    settings = {"transient_max_attempts": 2, "transient_backoff_ms": 1}
    async with open_system(tmp_path, civil_registry_settings=settings) as system:
        registry = system.services["civil_registry"]
        assert registry.retries is not None
        async with client_of(system.services["gateway"]) as client:
            ids, _ = await two_births(system, client)
            system.people.failing = True
            await system.deliver(GATEWAY_EVENTS)
            await asyncio.sleep(0.05)
            await registry.retries.retry_due()
            await system.publish()
            letters = system.broker.events(DEAD_LETTERS)
            await system.deliver(DEAD_LETTERS)
            failed = [await dossier_view(client, dossier_id) for dossier_id in ids]
            system.people.failing = False
            await process(registry, resent(system, GATEWAY_EVENTS))
            await run_chain(system)
            recovered = [await dossier_view(client, dossier_id) for dossier_id in ids]

    assert sorted((e.data["key"], e.data["error_kind"], e.data["attempts"]) for e in letters) == [
        (dossier_id, "transient", 2) for dossier_id in sorted(ids)
    ]
    for view in failed:
        assert view["status"] == "failed"
        assert (
            steps_by_agency(view)["civil_registry"]["reason"]["code"] == "dead_lettered.transient"
        )
    assert [view["status"] for view in recovered] == ["completed", "completed"]


async def test_malformed_and_unknown_messages_are_dead_lettered_and_the_rest_goes_on(
    chain: Chain,
) -> None:
    system, client, mother = chain
    for name in ("An", "Bình"):
        await submit(client, birth_form_for(mother, given_name=name))
    await system.publish()
    first, second = system.broker.take(GATEWAY_EVENTS)
    known: CloudEvent = CloudEvent.from_bytes(first.value)
    unknown = known.model_copy(
        update={"id": "unknown-1", "type": "vn.lienthong.gateway.marriage_dossier_submitted.v1"}
    )
    batch = [
        first,
        record(GATEWAY_EVENTS, b"\x00 not json", b"garbage", 900),
        record_of(unknown, GATEWAY_EVENTS),
        second,
    ]

    outcome = await process(system.services["civil_registry"], batch)

    assert outcome.processed == 2
    assert sorted(d.error_kind for d in outcome.dead_letters) == ["malformed", "unknown_type"]
    assert len(await registrations(system)) == 2
    letters = OutboxMessage.topic == DEAD_LETTERS
    assert await count(system.services["civil_registry"].db, OutboxMessage, letters) == 2


async def test_a_death_is_registered_then_recorded_and_decided_in_parallel(chain: Chain) -> None:
    system, client, _mother = chain
    deceased, household = await pensioner_heading_a_household(system)
    known_to_registry(system, deceased)
    commune = deceased.commune_code
    form = {
        "kind": "death",
        "requester": {
            "full_name": household[0].full_name,
            "personal_id": household[0].personal_id,
            "relationship": "relative",
        },
        "deceased": {
            "full_name": deceased.full_name,
            "date_of_birth": deceased.date_of_birth.isoformat(),
            "sex": deceased.sex,
            "personal_id": deceased.personal_id,
        },
        "date_of_death": "2026-11-15",
        "place_of_death": {"commune_code": commune},
        "death_notice": {"number": "GBT-2026-1", "issuer": "hospital", "issued_on": "2026-11-16"},
    }
    dossier_id = await submit(client, form)

    await system.deliver(GATEWAY_EVENTS)
    outcomes = await system.deliver(CIVIL_REGISTRY_EVENTS)
    await run_chain(system)

    # Population and insurance both consume the civil registry's one batch.
    for agency in ("population", "insurance"):
        assert (outcomes[agency].processed, len(outcomes[agency].published)) == (1, 1)
    after = await citizen(system, deceased.personal_id)
    assert (after.alive, after.date_of_death) == (False, date(2026, 11, 15))
    assert (after.household_id, after.commune_code) == (None, None)
    assert (after.residence_removed_on, after.previous_commune_code) == (
        date(2026, 11, 16),
        commune,
    )
    # The household's oldest living member heads it now.
    async with system.services["population"].db.read_session() as session:
        home = await session.get(Household, deceased.household_id)
    assert home is not None
    new_head = await citizen(system, home.head_personal_id)
    assert new_head.date_of_birth == min(member.date_of_birth for member in household)
    async with system.services["insurance"].db.read_session() as session:
        decision = await session.get(FuneralBenefit, deceased.personal_id)
    assert decision is not None
    # A pensioner: trợ cấp mai táng, 10 × the reference level in force on 15/11/2026 (2,530,000).
    assert (decision.benefit, decision.amount_vnd) == ("funeral_allowance", 25_300_000)
    assert decision.decided_on == date(2026, 11, 16)
    view = await dossier_view(client, dossier_id)
    assert view["status"] == "completed", view
    steps = steps_by_agency(view)
    # Died the day before the dossier was received: on time (the limit is 15 days).
    assert steps["civil_registry"]["result"]["registration_number"] == f"KT-{commune}-2026-000001"
    assert steps["civil_registry"]["result"]["late_registration"] is False
    registered_at = steps["civil_registry"]["finished_at"]
    assert steps["population"]["started_at"] == steps["insurance"]["started_at"] == registered_at
    assert steps["insurance"]["result"]["amount_vnd"] == 25_300_000
