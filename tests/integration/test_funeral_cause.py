"""The cause of death on Form 02 reaches insurance: gateway → civil registry → insurance.

Two social-assistance beneficiaries die on 15/11/2026 (standard assistance level 500,000 VND
since 1/7/2024): one in a traffic accident — funeral cost support 50 × 500,000 = 25,000,000
(Decree 20/2021 art. 14) — and one of illness, no cause given — 20 × 500,000 = 10,000,000
(art. 11).
"""

from __future__ import annotations

from sqlmodel import col, select

from services.insurance.models import FuneralBenefit, InsuredPerson
from services.population.models import Citizen
from tests.integration.conftest import InProcessSystem
from tests.integration.helpers import (
    client_of,
    death_form_for,
    known_to_registry,
    run_chain,
    submit,
)


async def _assisted(system: InProcessSystem, how_many: int) -> list[Citizen]:
    """Living social-assistance beneficiaries with no pension or contributions."""
    async with system.services["insurance"].db.read_session() as session:
        assisted = (
            await session.exec(
                select(InsuredPerson.personal_id).where(
                    col(InsuredPerson.social_assistance),
                    col(InsuredPerson.pensioner).is_(False),
                    InsuredPerson.compulsory_months == 0,
                    InsuredPerson.voluntary_months == 0,
                )
            )
        ).all()
    async with system.services["population"].db.read_session() as session:
        people = await session.exec(
            select(Citizen)
            .where(col(Citizen.personal_id).in_(assisted), col(Citizen.alive))
            .order_by(col(Citizen.personal_id))
        )
        found = list(people.all())
    assert len(found) >= how_many + 1, "the seed has too few social-assistance beneficiaries"
    return found[: how_many + 1]


async def test_the_cause_on_the_form_decides_the_support_multiplier(
    system: InProcessSystem,
) -> None:
    accident, illness, requester = await _assisted(system, 2)
    for person in (accident, illness):
        known_to_registry(system, person)
    async with client_of(system.services["gateway"]) as client:
        await submit(
            client, death_form_for(accident, requester, claim={"cause": "traffic_accident"})
        )
        await submit(client, death_form_for(illness, requester, claim={"requested": True}))

    await run_chain(system)

    async with system.services["insurance"].db.read_session() as session:
        by_accident = await session.get(FuneralBenefit, accident.personal_id)
        by_illness = await session.get(FuneralBenefit, illness.personal_id)
    assert by_accident is not None and by_illness is not None
    assert (by_accident.benefit, by_accident.amount_vnd, by_accident.basis) == (
        "funeral_support",
        25_000_000,
        "death by traffic accident (Decree 20/2021 art. 14)",
    )
    assert (by_illness.benefit, by_illness.amount_vnd, by_illness.basis) == (
        "funeral_support",
        10_000_000,
        "social assistance beneficiary",
    )
