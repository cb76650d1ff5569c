"""The civil registry compares names whatever the tone-mark placement: duplicate births, parents
and the deceased checked against the population database.

Names are written with explicit code points: "Thu\u1ef3" is "Thuỳ" (mark on "y"), "Th\u00f9y"
is "Thùy" (mark on "u"), "Ho\u00e0"/"H\u00f2a" are "Hoà"/"Hòa".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from lienthong.contracts.forms import BirthDossier, DeathDossier
from lienthong.contracts.gateway import BirthDossierSubmitted, DeathDossierSubmitted
from lienthong.domain.personal_id import Sex
from services.civil_registry.rules import duplicate_key, refuse_birth, refuse_death

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RECEIVED = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Known:
    """What the population database says of a person."""

    full_name: str
    date_of_birth: date
    sex: Sex
    alive: bool = True
    date_of_death: date | None = None


def _example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text("utf-8"))
    return data


def _birth(child: dict[str, str] | None = None, mother_name: str | None = None) -> Any:
    data = _example("birth")
    data["child"].update(child or {})
    if mother_name is not None:
        data["mother"]["full_name"] = mother_name
    form = BirthDossier.model_validate(data)
    return BirthDossierSubmitted.from_form("d1", RECEIVED, form)


def test_a_birth_declared_with_either_placement_has_one_duplicate_key() -> None:
    new = _birth({"family_name": "Nguy\u1ec5n", "middle_name": "Thu\u1ef3", "given_name": "Linh"})
    old = _birth({"family_name": "Nguy\u1ec5n", "middle_name": "Th\u00f9y", "given_name": "Linh"})
    assert new.child.full_name != old.child.full_name  # stored as each was written
    assert duplicate_key(new) == duplicate_key(old)
    mother = new.mother.personal_id  # the example's mother, whoever the seed made her
    assert duplicate_key(new) == f"{mother}|nguy\u1ec5n th\u00f9y linh|2026-11-02"


def test_the_duplicate_key_of_an_nfd_capitalised_name() -> None:
    nfd = _birth({"family_name": "NGUYE\u0302\u0303N", "middle_name": "THUY\u0300"})
    mother = nfd.mother.personal_id
    assert duplicate_key(nfd) == f"{mother}|nguy\u1ec5n th\u00f9y an|2026-11-02"


def test_different_tones_make_different_births() -> None:
    hoa = _birth({"given_name": "Hoa"})
    hoa_grave = _birth({"given_name": "H\u00f2a"})
    assert duplicate_key(hoa) != duplicate_key(hoa_grave)


def _people(form: BirthDossierSubmitted, mother_name: str) -> dict[str, Any]:
    father = form.father
    assert father is not None
    return {
        form.mother.personal_id: Known(mother_name, form.mother.date_of_birth, Sex.FEMALE),
        father.personal_id: Known(father.full_name, father.date_of_birth, Sex.MALE),
    }


def test_a_mother_declared_in_the_other_placement_matches_the_database() -> None:
    form = _birth(mother_name="Nguy\u1ec5n Th\u1ecb Ho\u00e0")  # Hoà on the form
    assert refuse_birth(form, _people(form, "Nguy\u1ec5n Th\u1ecb H\u00f2a"), False) is None


def test_a_mother_with_another_tone_is_still_a_mismatch() -> None:
    form = _birth(mother_name="Nguy\u1ec5n Th\u1ecb Hoa")
    refusal = refuse_birth(form, _people(form, "Nguy\u1ec5n Th\u1ecb H\u00f2a"), False)
    assert refusal is not None and refusal.code == "mother_data_mismatch"


def test_the_deceased_declared_in_the_other_placement_matches_the_database() -> None:
    data = _example("death-insured")  # Nguyễn Thu Uyên, female, born 28/12/1975
    data["deceased"]["full_name"] = "Nguy\u1ec5n Thu\u1ef3 Uy\u00ean"  # Thuỳ on the form
    form = DeathDossierSubmitted.from_form("d2", RECEIVED, DeathDossier.model_validate(data))
    known = Known("NGUY\u1ec4N TH\u00d9Y UY\u00caN", date(1975, 12, 28), Sex.FEMALE)
    assert refuse_death(form, known, False, date(2026, 11, 16)) is None
