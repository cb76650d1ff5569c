"""What a simulated agency answers: every consumed event has an answer, valid and coherent.

Expected values come from the domain rules (domain.md and the laws it cites), worked by hand.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

import pytest
from pydantic import BaseModel

from lienthong.contracts import civil_registry, gateway, insurance, population
from lienthong.contracts.catalogue import consumed_by, spec_for_payload
from lienthong.contracts.examples import example_of
from lienthong.contracts.reasons import Refusal
from lienthong.contracts.services import AGENCIES
from lienthong.domain.personal_id import parse_personal_id
from lienthong.runtime.settings import ServiceSettings
from services.civil_registry.settings import CivilRegistrySettings
from services.insurance.settings import InsuranceSettings
from services.mock import answers
from services.mock.answers import REACTIONS, AnswerContext
from services.population.settings import PopulationSettings

TODAY = date(2026, 11, 16)


class MemoryAllocator:
    """Registers and issued identifiers in memory (the real one keeps them in tables)."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.issued: set[tuple[str, str]] = set()

    async def next_number(self, register: str) -> int:
        self.numbers[register] = self.numbers.get(register, 0) + 1
        return self.numbers[register]

    async def unused(self, kind: str, draws: Iterator[str]) -> str:
        value = next(v for v in draws if (kind, v) not in self.issued)
        self.issued.add((kind, value))
        return value


def context(settings: ServiceSettings, allocator: MemoryAllocator | None = None) -> AnswerContext:
    return AnswerContext(
        today=TODAY,
        rng=random.Random(1),
        settings=settings,
        allocate=allocator or MemoryAllocator(),
    )


SETTINGS: dict[str, ServiceSettings] = {
    "civil_registry": CivilRegistrySettings(),
    "population": PopulationSettings(),
    "insurance": InsuranceSettings(),
}


def test_every_event_an_agency_consumes_has_an_answer_of_that_agency() -> None:
    for agency in AGENCIES:
        consumed = {spec.payload for spec in consumed_by(agency)}
        answered = {payload for (who, payload) in REACTIONS if who == agency}
        assert answered == consumed, agency
    for (agency, _), reaction in REACTIONS.items():
        assert spec_for_payload(reaction.refusal).producer == agency
        assert issubclass(reaction.refusal, Refusal)


@pytest.mark.parametrize(("agency", "consumed"), sorted(REACTIONS, key=str))
async def test_an_answer_is_a_valid_decision_of_the_agency_about_the_same_dossier(
    agency: str, consumed: type[BaseModel]
) -> None:
    event = consumed.model_validate(example_of(consumed) | {"dossier_id": "D-42"})
    settings = SETTINGS[agency]
    answer = await REACTIONS[(agency, consumed)].accept(event, context(settings))
    assert spec_for_payload(type(answer)).producer == agency
    assert type(answer).model_validate(answer.model_dump(mode="json")) == answer
    assert answer.model_dump()["dossier_id"] == "D-42"


async def test_a_newborns_number_agrees_with_the_childs_sex_and_birth_year() -> None:
    birth = civil_registry.BirthRegistered.model_validate(
        example_of(civil_registry.BirthRegistered)
    )
    citizen = await answers.citizen_registered(birth, context(PopulationSettings()))
    # Decree 137/2015 art. 7: 0 + province (2 digits) + century/sex (2000s, male: 2) + year (26)
    assert citizen.personal_id.startswith("001226")
    assert parse_personal_id(citizen.personal_id).birth_year == 2026
    assert (citizen.full_name, citizen.date_of_birth) == ("Trần Minh An", date(2026, 11, 2))


async def test_a_childs_card_is_te1_and_runs_to_the_end_of_the_month_of_72_months() -> None:
    citizen = population.CitizenRegistered.model_validate(example_of(population.CitizenRegistered))
    card = await answers.health_card_issued(citizen, context(InsuranceSettings()))
    assert isinstance(card, insurance.HealthCardIssued)
    # Born 2/11/2026: 72 months on 2/11/2032, after 30/9 → the end of November 2032.
    assert (card.valid_from, card.valid_until) == (TODAY, date(2032, 11, 30))
    assert card.card_code.startswith("TE101") and len(card.card_code) == 15


async def test_a_simulated_insurance_announces_the_card_in_the_configured_version() -> None:
    citizen = population.CitizenRegistered.model_validate(example_of(population.CitizenRegistered))
    settings = InsuranceSettings(card_event_version=2)
    card = await answers.health_card_issued(citizen, context(settings))
    assert isinstance(card, insurance.HealthCardIssuedV2)
    assert card.insured_id == citizen.personal_id
    assert card.card.legacy_code.startswith("TE101") and len(card.card.legacy_code) == 15


async def test_a_death_submitted_after_15_days_is_registered_late() -> None:
    form = gateway.DeathDossierSubmitted.model_validate(
        example_of(gateway.DeathDossierSubmitted)
        | {"date_of_death": "2026-10-29", "received_at": "2026-11-16T09:00:00+07:00"}
    )
    death = await answers.death_registered(form, context(CivilRegistrySettings()))
    # Luật Hộ tịch art. 33: 15 days; 29/10 → 16/11 is 18 days, and day 15 (Friday 13/11) was a
    # working day, so no extension (Bộ luật Dân sự art. 148(5)).
    assert (death.days_after_death, death.late_registration) == (18, True)
    # Died 30/10: day 15 is Saturday 14/11, so the window ends Monday 16/11: on time.
    on_time = form.model_copy(update={"date_of_death": date(2026, 10, 30)})
    death = await answers.death_registered(on_time, context(CivilRegistrySettings()))
    assert (death.days_after_death, death.late_registration) == (17, False)


@pytest.mark.parametrize(
    ("born", "days", "late"),
    [
        # Luật Hộ tịch art. 15: 60 days. 18/9 → 17/11/2026 is 12 + 31 + 17 = 60 days: on time.
        ("2026-09-18", 60, False),
        # 17/9 → 17/11 is 61 days; day 60, Monday 16/11, was a working day: late.
        ("2026-09-17", 61, True),
    ],
)
async def test_a_birth_submitted_after_60_days_is_registered_late(
    born: str, days: int, late: bool
) -> None:
    example = example_of(gateway.BirthDossierSubmitted)
    form = gateway.BirthDossierSubmitted.model_validate(
        example
        | {
            "child": example["child"] | {"date_of_birth": born},
            "received_at": "2026-11-17T09:00:00+07:00",
        }
    )
    birth = await answers.birth_registered(form, context(CivilRegistrySettings()))
    assert (birth.days_after_birth, birth.late_registration) == (days, late)


async def test_the_funeral_allowance_is_ten_times_the_reference_level_of_the_month_of_death() -> (
    None
):
    death = civil_registry.DeathRegistered.model_validate(
        example_of(civil_registry.DeathRegistered) | {"date_of_death": "2025-03-10"}
    )
    claimed = death.model_copy(
        update={
            "benefit_claim": death.benefit_claim.model_copy(
                update={"requested": True, "disaster_death": False}
            )
        }
    )
    decided = await answers.funeral_benefit_decided(claimed, context(InsuranceSettings()))
    # 10 × 2,340,000 VND (reference level from 1/7/2024, Decree 73/2024).
    assert (decided.benefit, decided.amount_vnd) == ("funeral_allowance", 23_400_000)
    unclaimed = claimed.model_copy(
        update={"benefit_claim": claimed.benefit_claim.model_copy(update={"requested": False})}
    )
    nothing = await answers.funeral_benefit_decided(unclaimed, context(InsuranceSettings()))
    assert (nothing.benefit, nothing.amount_vnd) == ("none", 0)
    assert nothing.reason is not None and nothing.reason.code == "benefit_not_claimed"


async def test_registers_number_in_order_and_identifiers_are_never_given_twice() -> None:
    form = gateway.BirthDossierSubmitted.model_validate(example_of(gateway.BirthDossierSubmitted))
    registry, population_db = MemoryAllocator(), MemoryAllocator()
    settings = CivilRegistrySettings()
    births = [await answers.birth_registered(form, context(settings, registry)) for _ in range(3)]
    # Thông tư 04/2020/TT-BTP: one register per commune and year, numbered from 1.
    assert [b.registration_number[-6:] for b in births] == ["000001", "000002", "000003"]
    # The same generator (same seed, same event) draws the same number each time: only the
    # first free one is given, so three children get three numbers.
    ids = [
        (
            await answers.citizen_registered(
                births[0], context(PopulationSettings(), population_db)
            )
        ).personal_id
        for _ in range(3)
    ]
    assert len(set(ids)) == 3
