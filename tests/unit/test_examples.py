"""The shipped examples name real people of the default seed, so they work on a fresh system."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from lienthong.contracts.form_checks import form_problems
from lienthong.contracts.forms import BirthDossier, DeathDossier
from lienthong.domain.personal_id import Sex
from lienthong.synthetic.insurance import InsuranceFactsSeed, generate_insurance
from lienthong.synthetic.population import CitizenSeed, generate_population
from services.population.settings import PopulationSettings

ROOT = Path(__file__).resolve().parents[2]


def test_birth_example_parents_and_household_head_exist_in_the_default_seed() -> None:
    settings = PopulationSettings()
    people = {
        c.personal_id: c
        for c in generate_population(settings.seed_citizens, settings.seed_random_seed).citizens
    }
    form = BirthDossier.model_validate(
        json.loads((ROOT / "examples" / "birth.json").read_text("utf-8"))
    )
    mother = people[form.mother.personal_id]
    assert (mother.full_name, mother.date_of_birth, mother.sex, mother.alive) == (
        form.mother.full_name,
        form.mother.date_of_birth,
        Sex.FEMALE,
        True,
    )
    assert form.father is not None
    father = people[form.father.personal_id]
    assert (father.full_name, father.date_of_birth, father.sex) == (
        form.father.full_name,
        form.father.date_of_birth,
        Sex.MALE,
    )
    head = people[form.residence.household_head_personal_id]
    assert head.is_household_head and head.alive
    assert head.commune_code == form.residence.commune_code


DEATH_KINDS = ("pensioner", "insured", "assistance", "uninsured")


@cache
def _default_seed() -> tuple[dict[str, CitizenSeed], dict[str, InsuranceFactsSeed]]:
    """The default seed's people and insurance facts, by personal ID number."""
    settings = PopulationSettings()
    population = generate_population(settings.seed_citizens, settings.seed_random_seed)
    facts = generate_insurance(population, settings.seed_random_seed).facts
    return (
        {c.personal_id: c for c in population.citizens},
        {f.personal_id: f for f in facts},
    )


def _death_form(kind: str) -> DeathDossier:
    path = ROOT / "examples" / f"death-{kind}.json"
    return DeathDossier.model_validate(json.loads(path.read_text("utf-8")))


def _is_of_kind(kind: str, facts: InsuranceFactsSeed | None) -> bool:
    """Whether the seeded facts make the funeral case the example is named after."""
    if kind == "uninsured":
        return facts is None
    if facts is None:
        return False
    if kind == "pensioner":
        return facts.pensioner
    if kind == "insured":
        return facts.compulsory_months >= 12 and not facts.pensioner
    if kind == "assistance":
        return (
            facts.social_assistance
            and not facts.pensioner
            and facts.compulsory_months == 0
            and facts.voluntary_months == 0
        )
    raise AssertionError(f"unknown kind {kind}")


SUBMITTED_ON = date(2026, 11, 17)
"""A day the dated examples (death 15/11/2026, notice 16/11/2026) can be submitted."""


@pytest.mark.parametrize("kind", DEATH_KINDS)
def test_death_example_is_a_valid_form(kind: str) -> None:
    form = _death_form(kind)
    assert form.kind == "death"
    assert form_problems(form, SUBMITTED_ON) == []


@pytest.mark.parametrize("kind", DEATH_KINDS)
def test_death_example_names_a_living_person_of_that_insurance_kind(kind: str) -> None:
    people, facts = _default_seed()
    deceased = _death_form(kind).deceased
    person = people.get(deceased.personal_id)
    assert person is not None
    assert (person.full_name, person.date_of_birth, person.sex, person.alive) == (
        deceased.full_name,
        deceased.date_of_birth,
        deceased.sex,
        True,
    )
    assert _is_of_kind(kind, facts.get(deceased.personal_id)), facts.get(deceased.personal_id)


def test_death_examples_name_distinct_people_other_than_the_birth_parents() -> None:
    birth = BirthDossier.model_validate(
        json.loads((ROOT / "examples" / "birth.json").read_text("utf-8"))
    )
    assert birth.father is not None
    parents = {birth.mother.personal_id, birth.father.personal_id}
    deceased = [_death_form(kind).deceased.personal_id for kind in DEATH_KINDS]
    assert len(set(deceased)) == len(DEATH_KINDS)
    assert parents.isdisjoint(deceased)
