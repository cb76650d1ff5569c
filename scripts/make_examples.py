"""Regenerate ``examples/*.json`` from the default seed (run after changing the seed generator).

The examples must name people who exist in the default seed, so they are derived from it rather
than written by hand; ``tests/unit/test_examples.py`` checks they still agree.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from lienthong.domain.personal_id import Sex
from services.population.seed import CitizenSeed, generate_population
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


def main() -> None:
    """Write the examples."""
    EXAMPLES.mkdir(exist_ok=True)
    path = EXAMPLES / "birth.json"
    path.write_text(json.dumps(birth_example(), ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
