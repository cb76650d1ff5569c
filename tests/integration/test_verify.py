"""``lienthong verify`` on the in-process system: a finished run reconciles, tampering does not.

The ledgers are read through each service's real ``GET /admin/ledger`` route (in-process ASGI)
and reconciled by the same code the command runs; the tampering goes straight to a database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

import pytest_asyncio
from sqlalchemy import delete
from sqlmodel import col

from lienthong.cli.commands.verify import READ_ORDER
from lienthong.contracts.faults import Fault, FaultKind
from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS, GATEWAY_EVENTS
from lienthong.domain.personal_id import Sex
from lienthong.verify.ledgers import Snapshot, parse_ledger
from lienthong.verify.report import Report, reconcile
from services.insurance.models import HealthCard
from services.population.models import Citizen
from tests.integration.conftest import InProcessSystem
from tests.integration.helpers import (
    birth_form_for,
    client_of,
    death_form_for,
    dossier_view,
    known_to_registry,
    pensioner_heading_a_household,
    process,
    run_chain,
    seeded_mothers,
    steps_by_agency,
    submit,
)


@dataclass
class Run:
    """A finished run: two births, one duplicate birth (rejected), one death."""

    system: InProcessSystem
    births: list[str]
    duplicate: str
    death: str
    children: list[str]
    """The personal ID numbers the two children got."""


@pytest_asyncio.fixture
async def run(system: InProcessSystem) -> AsyncIterator[Run]:
    """The system after the run, every event delivered."""
    mothers = await seeded_mothers(system, 2)
    deceased, household = await pensioner_heading_a_household(system)
    for person in (*mothers, deceased):
        known_to_registry(system, person)
    async with client_of(system.services["gateway"]) as client:
        births = [await submit(client, birth_form_for(mother)) for mother in mothers]
        duplicate = await submit(client, birth_form_for(mothers[0]))
        death = await submit(client, death_form_for(deceased, household[0]))
        await run_chain(system)
        views = [await dossier_view(client, dossier_id) for dossier_id in births]
    children = [steps_by_agency(view)["population"]["result"]["personal_id"] for view in views]
    yield Run(system, births, duplicate, death, children)


async def snapshot_of(system: InProcessSystem, dossier_id: str | None = None) -> Snapshot:
    """Every service's ledger, read through its route in the command's order."""
    params = {"dossier_id": dossier_id} if dossier_id else {}
    ledgers = {}
    for name in READ_ORDER:
        async with client_of(system.services[name]) as client:
            response = await client.get("/admin/ledger", params=params)
        assert response.status_code == 200, response.text
        ledgers[name] = parse_ledger(response.json())
    return Snapshot(ledgers)


async def verified(system: InProcessSystem) -> Report:
    return reconcile(await snapshot_of(system))


def found(report: Report) -> list[tuple[str, str | None, str]]:
    return [(d.rule, d.dossier_id, d.detail) for d in report.discrepancies]


async def test_a_finished_run_reconciles(run: Run) -> None:
    report = await verified(run.system)

    assert found(report) == []
    assert report.dossiers == {"birth": {"completed": 2, "rejected": 1}, "death": {"completed": 1}}
    checked = {rule.rule: rule.checked for rule in report.rules}
    assert checked == {
        "final_or_pending": 4,  # every dossier
        # 3 facts × 2 completed births + 3 facts × 1 completed death, and the agency steps
        # decided: 3 + 3 for the births, 1 refusal of the duplicate birth, 3 for the death
        "one_effect_each": 19,
        "cause_before_effect": 9,  # the same 9 rows, each with its cause
        "effect_after_cause": 0,  # no open dossier holds a fact
        # per flow: 6 statuses + total, on time, overdue, 3 agencies × (12 figures + refusals by
        # reason) = 48; both flows overall (96), in each of the 34 provinces (3,264) and on the
        # one day of the run (96)
        "counters": 96 + 34 * 96 + 96,
        "reached_civil_registry": 4,
    }


async def test_a_second_card_for_one_child_is_a_duplicate(run: Run) -> None:
    first_child = run.children[0]
    insurance = run.system.services["insurance"]
    async with insurance.db.session() as session:
        session.add(
            HealthCard(
                card_code=f"TE1{first_child[1:3]}9999999999",
                personal_id=first_child,
                bhxh_number="9999999999",
                province_code=first_child[1:3],
                initial_clinic_code="01001",
                valid_from=date(2026, 11, 16),
                valid_until=date(2032, 11, 30),
            )
        )

    report = await verified(run.system)

    assert found(report) == [
        (
            "one_effect_each",
            run.births[0],
            "completed birth with 2 health_card rows at insurance (expected 1)",
        )
    ]


async def test_a_deleted_citizen_leaves_a_birth_short_and_a_card_without_cause(run: Run) -> None:
    population = run.system.services["population"]
    async with population.db.session() as session:
        await session.exec(delete(Citizen).where(col(Citizen.personal_id) == run.children[1]))

    report = await verified(run.system)

    assert found(report) == [
        (
            "one_effect_each",
            run.births[1],
            "completed birth with 0 citizen rows at population (expected 1)",
        ),
        (
            "cause_before_effect",
            run.births[1],
            "health_card at insurance without citizen at population",
        ),
    ]
    assert not report.clean


async def test_a_citizen_no_decision_names_belongs_to_no_dossier(run: Run) -> None:
    population = run.system.services["population"]
    async with population.db.session() as session:
        session.add(
            Citizen(
                personal_id="001226000001",
                family_name="Nguyễn",
                given_name="Lạc",
                full_name="Nguyễn Lạc",
                sex=Sex.MALE,
                date_of_birth=date(2026, 11, 1),
                birth_province_code="01",
                birth_registration_number="KS-00000-2026-999999",
                source="birth_registration",
            )
        )

    report = await verified(run.system)

    assert found(report) == [
        (
            "cause_before_effect",
            None,
            "citizen KS-00000-2026-999999 (1 rows) at population belongs to no dossier: "
            "no citizen_registered names it",
        )
    ]


async def test_a_dossier_stuck_without_reason_is_found_and_a_fault_explains_it(
    run: Run,
) -> None:
    system = run.system
    (mother, _) = await seeded_mothers(system, 2)
    async with client_of(system.services["gateway"]) as client:
        waiting = await submit(client, birth_form_for(mother, given_name="Bình"))
    await system.deliver(GATEWAY_EVENTS)  # the civil registry registers it
    await system.publish()
    # Only the gateway hears of it: the population database never gets the registration.
    await process(system.services["gateway"], system.broker.take(CIVIL_REGISTRY_EVENTS))

    report = await verified(system)

    assert found(report) == [
        (
            "final_or_pending",
            waiting,
            "in_progress, stuck: at population: no reason (no decision at population, nothing "
            "parked or staged, no fault on)",
        )
    ]

    population = system.services["population"]
    await population.faults.put(
        population.db, Fault(service="population", kind=FaultKind.DOWN, flow="birth")
    )
    report = await verified(system)

    assert found(report) == []
    (pending,) = report.pending
    assert (pending.dossier_id, pending.reasons) == (
        waiting,
        ["fault down at population (birth only)"],
    )


async def test_one_dossier_can_be_verified_alone(run: Run) -> None:
    snapshot = await snapshot_of(run.system, run.death)

    assert list(snapshot.gateway.dossiers) == [run.death]
    assert snapshot.gateway.counters is None
    for name in ("civil_registry", "population", "insurance"):
        ledger = snapshot.ledgers[name]
        assert set(ledger.decisions) == {run.death}, name
        assert all(set(rows) <= {run.death} for rows in ledger.facts.values()), name
    report = reconcile(snapshot)
    assert found(report) == []
    counters = next(rule for rule in report.rules if rule.rule == "counters")
    assert (counters.checked, counters.note) == (
        0,
        "skipped: the ledgers were read for one dossier",
    )
