"""The shipped examples name real people of the default seed, so they work on a fresh system."""

from __future__ import annotations

import json
from pathlib import Path

from lienthong.contracts.dossiers import BirthDossier
from lienthong.domain.personal_id import Sex
from lienthong.synthetic.population import generate_population
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
