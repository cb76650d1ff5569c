"""Regenerate ``examples/*.json`` from the default seed (run after changing the seed generator).

The examples must name people who exist in the default seed, so they are derived from it rather
than written by hand; ``tests/unit/test_examples.py`` checks they still agree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from lienthong.domain.personal_id import Sex
from lienthong.synthetic.insurance import InsuranceFactsSeed, generate_insurance
from lienthong.synthetic.population import CitizenSeed, SeedPopulation, generate_population
from services.population.settings import PopulationSettings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _parent(person: CitizenSeed) -> dict[str, str]:
    return {
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "personal_id": person.personal_id,
    }


def birth_example() -> dict[str, object]:
    """A birth to a married couple of the seed: father heads the household, mother lives there."""
    settings = PopulationSettings()
    population = generate_population(settings.seed_citizens, settings.seed_random_seed)
    by_id = {c.personal_id: c for c in population.citizens}
    for head in population.citizens:
        if not (head.is_household_head and head.alive and head.sex == Sex.MALE):
            continue
        if not 25 <= (date(2026, 1, 1) - head.date_of_birth).days // 365 <= 40:
            continue
        wives = [
            c
            for c in population.citizens
            if c.household_id == head.household_id
            and c.sex == Sex.FEMALE
            and c.alive
            and 22 <= (date(2026, 1, 1) - c.date_of_birth).days // 365 <= 38
            and c.mother_personal_id is None
        ]
        if wives and head.province_code == "01":
            mother = wives[0]
            break
    else:
        raise SystemExit("no suitable couple in the default seed")
    assert by_id[head.personal_id] is head
    return {
        "kind": "birth",
        "requester": {
            "full_name": mother.full_name,
            "personal_id": mother.personal_id,
            "relationship": "mother",
            "phone": "0912345678",
        },
        "child": {
            "family_name": head.family_name,
            "middle_name": "Minh",
            "given_name": "An",
            "date_of_birth": "2026-11-02",
            "sex": "male",
            "birthplace": {
                "commune_code": head.commune_code,
                "facility_name": "Bệnh viện Phụ sản Hà Nội",
            },
            "ethnicity": "Kinh",
            "nationality": "VN",
            "hometown_province_code": head.province_code,
        },
        "mother": _parent(mother),
        "father": _parent(head),
        "marriage_certificate_number": "45/2019/KH",
        "medical_birth_certificate_number": "GCS-01-2026-004512",
        "residence": {
            "commune_code": head.commune_code,
            "address": head.address,
            "household_head_personal_id": head.personal_id,
            "household_head_consent": True,
        },
        "health_insurance": {"initial_clinic_code": "01001"},
        "delivery": {"method": "vneid"},
    }


DEATH_KINDS: dict[str, Callable[[InsuranceFactsSeed | None], bool]] = {
    "pensioner": lambda f: f is not None and f.pensioner and not f.social_assistance,
    "insured": lambda f: (
        f is not None and not f.pensioner and not f.social_assistance and f.compulsory_months >= 12
    ),
    "assistance": lambda f: (
        f is not None
        and f.social_assistance
        and not f.pensioner
        and f.compulsory_months == 0
        and f.voluntary_months == 0
    ),
    "uninsured": lambda f: f is None,
}


def _seed_world() -> tuple[SeedPopulation, dict[str, InsuranceFactsSeed]]:
    settings = PopulationSettings()
    population = generate_population(settings.seed_citizens, settings.seed_random_seed)
    facts = generate_insurance(population, settings.seed_random_seed).facts
    return population, {f.personal_id: f for f in facts}


def death_example(kind: str, taken: set[str]) -> dict[str, object]:
    """A death of a living adult of the default seed whose insurance facts are of ``kind``."""
    population, facts = _seed_world()
    match = DEATH_KINDS[kind]
    for person in population.citizens:
        age = (date(2026, 1, 1) - person.date_of_birth).days // 365
        if (
            person.alive
            and age >= 30
            and person.personal_id not in taken
            and not person.is_household_head
            and match(facts.get(person.personal_id))
        ):
            break
    else:
        raise SystemExit(f"no {kind} citizen in the default seed")
    taken.add(person.personal_id)
    requester_relationship = "child" if age >= 50 else "spouse"
    return {
        "kind": "death",
        "requester": {
            "full_name": "Nguyễn Văn Hòa",
            "personal_id": "001090012345",
            "relationship": requester_relationship,
            "phone": "0987654321",
        },
        "deceased": {
            "full_name": person.full_name,
            "date_of_birth": person.date_of_birth.isoformat(),
            "sex": person.sex.value,
            "personal_id": person.personal_id,
        },
        "date_of_death": "2026-11-15",
        "place_of_death": {
            "commune_code": person.commune_code,
            "description": "Tại nhà riêng",
        },
        "cause": "Bệnh",
        "death_notice": {
            "number": f"GBT-{person.province_code}-2026-{len(taken):06d}",
            "issuer": "commune",
            "issued_on": "2026-11-16",
        },
        "benefit_claim": {"requested": True, "disaster_death": False},
        "delivery": {"method": "vneid"},
    }


def _write(name: str, content: dict[str, object]) -> None:
    path = EXAMPLES / f"{name}.json"
    path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"wrote {path}")


def main() -> None:
    """Write the examples."""
    EXAMPLES.mkdir(exist_ok=True)
    birth = birth_example()
    _write("birth", birth)
    taken = {
        birth["mother"]["personal_id"],  # type: ignore[index]
        birth["father"]["personal_id"],  # type: ignore[index]
    }
    for kind in DEATH_KINDS:
        _write(f"death-{kind}", death_example(kind, taken))


if __name__ == "__main__":
    main()
