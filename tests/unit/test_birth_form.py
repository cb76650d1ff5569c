"""Form 01 validation: what the portal refuses before any agency sees the dossier."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from lienthong.contracts.form_checks import form_problems
from lienthong.contracts.forms import BirthDossier, DeathDossier
from lienthong.contracts.gateway import BirthDossierSubmitted, DeathDossierSubmitted

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 17)
"""A day after the example's birth (2/11/2026), in Vietnam."""


def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "examples" / "birth.json").read_text("utf-8"))
    return data


def test_the_example_is_valid_and_has_no_cross_field_problems() -> None:
    form = BirthDossier.model_validate(example())
    assert form_problems(form, TODAY) == []
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
    problems = form_problems(BirthDossier.model_validate(data), TODAY)
    assert [p.loc for p in problems] == [("father", "personal_id")]


def test_parent_born_after_child_is_a_problem() -> None:
    data = example()
    data["child"]["date_of_birth"] = "1990-01-01"
    locs = {p.loc for p in form_problems(BirthDossier.model_validate(data), TODAY)}
    assert ("mother", "date_of_birth") in locs


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("residence", "commune_code"), "0007"),
        (("child", "date_of_birth"), "2026-13-01"),
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


def test_a_birth_dated_today_in_vietnam_is_accepted_and_tomorrow_is_not() -> None:
    """ "Not in the future" is judged against the simulated today in Vietnam, nothing else."""
    data = example()
    data["child"]["date_of_birth"] = "2027-01-11"
    form = BirthDossier.model_validate(data)
    assert form_problems(form, date(2027, 1, 11)) == []
    assert form_problems(form, date(2027, 1, 12)) == []
    problems = form_problems(form, date(2027, 1, 10))
    assert [p.loc for p in problems] == [("child", "date_of_birth")]
    assert "in the future" in problems[0].message


def test_unknown_communes_are_door_problems_of_their_field() -> None:
    """Reference data is consulted at the door only: the model itself accepts any 5 digits."""
    data = example()
    data["residence"]["commune_code"] = "99999"
    data["child"]["hometown_province_code"] = "99"
    locs = [p.loc for p in form_problems(BirthDossier.model_validate(data), TODAY)]
    assert ("residence", "commune_code") in locs
    assert ("child", "hometown_province_code") in locs


@pytest.mark.parametrize(
    ("event", "form"),
    [(BirthDossierSubmitted, BirthDossier), (DeathDossierSubmitted, DeathDossier)],
)
def test_every_field_the_submitted_event_carries_comes_from_the_form(
    event: type[BaseModel], form: type[BaseModel]
) -> None:
    """A renamed form field must fail here, not vanish from the event agencies receive."""
    carried = set(event.model_fields) - {"dossier_id", "received_at"}
    assert carried <= set(form.model_fields)


def test_the_submitted_event_carries_the_optional_father() -> None:
    form = BirthDossier.model_validate(example())
    assert form.father is not None
    received = datetime(2026, 11, 17, 2, 0, tzinfo=UTC)
    event = BirthDossierSubmitted.from_form("d1", received, form)
    assert event.father == form.father
    assert event.medical_birth_certificate_number == form.medical_birth_certificate_number
    assert "requester" not in event.model_dump()  # the event is not the form


def test_a_birth_certificate_is_electronic_unless_said_paper_and_the_event_says_which() -> None:
    received = datetime(2026, 11, 17, 2, 0, tzinfo=UTC)
    linked = BirthDossier.model_validate(example())
    paper = BirthDossier.model_validate({**example(), "medical_birth_certificate_medium": "paper"})
    assert linked.medical_birth_certificate_medium == "electronic"
    event = BirthDossierSubmitted.from_form("d1", received, paper)
    assert event.medical_birth_certificate_medium == "paper"


@pytest.mark.parametrize(
    ("delivery", "valid"),
    [
        ({"method": "post"}, False),
        ({"method": "post", "address": "   "}, False),
        ({"method": "post", "address": "Số 1, thôn Đông, xã Đông Anh, Hà Nội"}, True),
        ({"method": "in_person"}, True),  # collected at the office: no address
        ({"method": "email"}, True),
    ],
)
def test_results_by_post_need_an_address(delivery: dict[str, str], valid: bool) -> None:
    form = {**example(), "delivery": delivery}
    if valid:
        BirthDossier.model_validate(form)
        return
    with pytest.raises(ValidationError) as raised:
        BirthDossier.model_validate(form)
    (error,) = raised.value.errors()
    assert error["loc"] == ("delivery",)
    assert "address is required when method is post" in error["msg"]
