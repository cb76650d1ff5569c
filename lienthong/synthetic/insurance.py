"""Deterministic insurance facts for the synthetic population (what BHXH knows about people).

So that every funeral outcome occurs in the default seed: pensioners (người hưởng lương hưu),
people with compulsory or voluntary contribution history (some below the minimum), monthly
social-assistance beneficiaries (đối tượng bảo trợ xã hội — e.g. people aged 80+ without a
pension), uninsured adults, and children under 6 holding their TE1 card.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date

from lienthong.domain.bhyt import (
    age_in_months,
    child_card_code,
    child_card_valid_until,
    generate_bhxh_number,
)
from lienthong.synthetic.population import SEED_REFERENCE_DATE, CitizenSeed, SeedPopulation

__all__ = ["ChildCardSeed", "InsuranceFactsSeed", "SeedInsurance", "generate_insurance"]


@dataclass(frozen=True)
class InsuranceFactsSeed:
    """One insured or assisted person; people absent from the list are uninsured."""

    personal_id: str
    bhxh_number: str
    pensioner: bool
    compulsory_months: int
    voluntary_months: int
    contributing: bool
    social_assistance: bool


@dataclass(frozen=True)
class ChildCardSeed:
    """A child's BHYT card (TE1) issued at birth registration."""

    card_code: str
    personal_id: str
    bhxh_number: str
    province_code: str
    initial_clinic_code: str
    valid_from: date
    valid_until: date


@dataclass(frozen=True)
class SeedInsurance:
    """Everything the insurance service loads."""

    facts: list[InsuranceFactsSeed]
    child_cards: list[ChildCardSeed]


def _age(person: CitizenSeed, on: date) -> int:
    return age_in_months(person.date_of_birth, on) // 12


def _facts(
    person: CitizenSeed, age: int, rng: random.Random, bhxh_number: str
) -> InsuranceFactsSeed | None:
    pensioner = age >= 60 and rng.random() < 0.4
    social_assistance = (age >= 80 and not pensioner and rng.random() < 0.85) or (
        18 <= age < 80 and not pensioner and rng.random() < 0.02
    )
    compulsory = voluntary = 0
    contributing = False
    if 18 <= age < 60 and not social_assistance:
        roll = rng.random()
        working_months = (age - 18) * 12 + 1
        if roll < 0.40:
            compulsory = rng.randint(12, max(12, working_months))
            contributing = True
        elif roll < 0.47:
            compulsory = rng.randint(1, 11)  # below the 12-month minimum
            contributing = rng.random() < 0.5
        elif roll < 0.55:
            voluntary = rng.randint(1, min(240, working_months))
            contributing = True
    elif pensioner:
        compulsory = rng.randint(240, 420)
    if not (pensioner or social_assistance or compulsory or voluntary):
        return None
    return InsuranceFactsSeed(
        personal_id=person.personal_id,
        bhxh_number=bhxh_number,
        pensioner=pensioner,
        compulsory_months=compulsory,
        voluntary_months=voluntary,
        contributing=contributing,
        social_assistance=social_assistance,
    )


def generate_insurance(
    population: SeedPopulation, seed: int, reference_date: date = SEED_REFERENCE_DATE
) -> SeedInsurance:
    """Insurance facts and children's cards, deterministic for (population, seed)."""
    rng = random.Random(f"insurance-{seed}")
    used: set[str] = set()

    def bhxh_number(province_code: str) -> str:
        while True:
            candidate = generate_bhxh_number(province_code, rng)
            if candidate not in used:
                used.add(candidate)
                return candidate

    facts: list[InsuranceFactsSeed] = []
    cards: list[ChildCardSeed] = []
    for person in population.citizens:
        age = _age(person, reference_date)
        if age < 6:
            if not person.alive:
                continue
            number = bhxh_number(person.province_code)
            cards.append(
                ChildCardSeed(
                    card_code=child_card_code(person.province_code, number),
                    personal_id=person.personal_id,
                    bhxh_number=number,
                    province_code=person.province_code,
                    initial_clinic_code=f"{person.province_code}{rng.randint(1, 40):03d}",
                    valid_from=person.date_of_birth,
                    valid_until=child_card_valid_until(person.date_of_birth),
                )
            )
            continue
        found = _facts(person, age, rng, "")
        if found is not None:
            number = bhxh_number(person.province_code)
            facts.append(replace(found, bhxh_number=number))
    return SeedInsurance(facts=facts, child_cards=cards)
