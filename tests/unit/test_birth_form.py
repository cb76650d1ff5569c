"""Form 01 validation: what the portal refuses before any agency sees the dossier."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from lienthong.contracts.dossiers import BirthDossier

ROOT = Path(__file__).resolve().parents[2]


def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "examples" / "birth.json").read_text("utf-8"))
    return data


def test_the_example_is_valid_and_has_no_cross_field_problems() -> None:
    form = BirthDossier.model_validate(example())
    assert form.problems() == []
    assert form.child.full_name.startswith(form.child.family_name)


def test_names_are_stored_in_nfc() -> None:
    import unicodedata

    data = example()
    data["mother"]["full_name"] = unicodedata.normalize("NFD", "Nguyễn Thị Lan")
    form = BirthDossier.model_validate(data)
    assert form.mother.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Lan")


def test_father_id_that_says_female_is_a_problem_of_that_field() -> None:
    data = example()
    pid = data["father"]["personal_id"]
    data["father"]["personal_id"] = pid[:3] + "1" + pid[4:]
    problems = BirthDossier.model_validate(data).problems()
    assert [p.loc for p in problems] == [("father", "personal_id")]


def test_parent_born_after_child_is_a_problem() -> None:
    data = example()
    data["child"]["date_of_birth"] = "1990-01-01"
    locs = {p.loc for p in BirthDossier.model_validate(data).problems()}
    assert ("mother", "date_of_birth") in locs


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("residence", "commune_code"), "0007"),
        (("health_insurance", "initial_clinic_code"), "abc"),
        (("child", "nationality"), "vietnam"),
        (("requester", "relationship"), "neighbour"),
        (("child", "unexpected"), "field"),
    ],
)
def test_malformed_fields_are_rejected(path: tuple[str, str], value: str) -> None:
    data = example()
    data[path[0]][path[1]] = value
    with pytest.raises(ValidationError) as caught:
        BirthDossier.model_validate(data)
    assert caught.value.errors()[0]["loc"][:2] == path
