"""Every free-text field of the forms: stored in NFC, its length counted after NFC.

And a name of only combining marks is refused at its own field. Expected values are written with
explicit code points: "e\u0302\u0303" is "ễ" in NFD (3 code points), "\u1ec5" the same letter
precomposed (1 code point).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from lienthong.contracts.forms import BirthDossier, DeathDossier

ROOT = Path(__file__).resolve().parents[2]
E_NFD = "e\u0302\u0303"  # ễ decomposed
E_NFC = "\u1ec5"  # ễ precomposed


def _example(kind: str) -> dict[str, Any]:
    name = "birth" if kind == "birth" else "death-insured"
    data: dict[str, Any] = json.loads((ROOT / "examples" / f"{name}.json").read_text("utf-8"))
    return data


def _model(kind: str) -> type[BaseModel]:
    return BirthDossier if kind == "birth" else DeathDossier


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    target = data
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value
    return data


def _get(form: BaseModel, path: tuple[str, ...]) -> Any:
    value: Any = form
    for part in path:
        value = getattr(value, part)
    return value


# (form, field path, the limit in letters): every free-text field of both forms.
FREE_TEXT = [
    ("birth", ("reference",), 100),
    ("birth", ("requester", "full_name"), 100),
    ("birth", ("child", "family_name"), 100),
    ("birth", ("child", "middle_name"), 100),
    ("birth", ("child", "given_name"), 100),
    ("birth", ("child", "ethnicity"), 50),
    ("birth", ("child", "birthplace", "facility_name"), 200),
    ("birth", ("mother", "full_name"), 100),
    ("birth", ("father", "full_name"), 100),
    ("birth", ("marriage_certificate_number",), 50),
    ("birth", ("medical_birth_certificate_number",), 50),
    ("birth", ("residence", "address"), 100),
    ("birth", ("delivery", "address"), 300),
    ("death", ("reference",), 100),
    ("death", ("deceased", "full_name"), 100),
    ("death", ("place_of_death", "description"), 200),
    ("death", ("cause",), 200),
    ("death", ("death_notice", "number"), 50),
    ("death", ("late_registration_reason",), 500),
]


@pytest.mark.parametrize(("kind", "path", "limit"), FREE_TEXT)
def test_nfd_text_at_the_limit_is_accepted_and_stored_in_nfc(
    kind: str, path: tuple[str, ...], limit: int
) -> None:
    data = _set(_example(kind), path, E_NFD * limit)  # 3 × limit code points
    form = _model(kind).model_validate(data)
    assert _get(form, path) == E_NFC * limit


@pytest.mark.parametrize(("kind", "path", "limit"), FREE_TEXT)
def test_one_letter_over_the_limit_is_refused_at_that_field(
    kind: str, path: tuple[str, ...], limit: int
) -> None:
    data = _set(_example(kind), path, E_NFC * (limit + 1))
    with pytest.raises(ValidationError) as caught:
        _model(kind).model_validate(data)
    [error] = caught.value.errors()
    assert error["loc"] == path
    assert error["type"] == "string_too_long"


def test_an_nfd_full_name_of_100_letters_is_accepted() -> None:
    nguyen_nfd = "Nguye\u0302\u0303n"  # 8 code points, 6 letters
    name = " ".join([nguyen_nfd] * 14) + " An"  # 14 × 6 + 13 spaces + 3 = 100 letters
    assert len(name) == 128  # over 100 code points: refused before NFC came first
    data = _set(_example("birth"), ("mother", "full_name"), name)
    form = BirthDossier.model_validate(data)
    assert form.mother.full_name == " ".join(["Nguy\u1ec5n"] * 14) + " An"
    assert len(form.mother.full_name) == 100


def test_the_user_s_tone_placement_is_stored_as_written() -> None:
    data = _set(_example("birth"), ("mother", "full_name"), "Nguy\u1ec5n Thu\u1ef3 Linh")
    form = BirthDossier.model_validate(data)
    assert form.mother.full_name == "Nguy\u1ec5n Thu\u1ef3 Linh"  # Thuỳ, not rewritten to Thùy


def test_free_text_keeps_its_line_breaks_names_do_not() -> None:
    data = _example("death")
    data["late_registration_reason"] = " Gia \u0111\u00ecnh\n\u1edf xa "
    data["deceased"]["full_name"] = "Nguy\u1ec5n  Thu\n Uy\u00ean"
    form = DeathDossier.model_validate(data)
    assert form.late_registration_reason == "Gia \u0111\u00ecnh\n\u1edf xa"
    assert form.deceased.full_name == "Nguy\u1ec5n Thu Uy\u00ean"


@pytest.mark.parametrize(
    "value", ["\u0301", " \u0301 ", "\u0301\u0300", "\u0300 \u0301", "An \u0301"]
)
@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("birth", ("mother", "full_name")),
        ("birth", ("child", "given_name")),
        ("birth", ("child", "middle_name")),
        ("death", ("deceased", "full_name")),
    ],
)
def test_a_name_of_combining_marks_only_is_refused_at_its_field(
    kind: str, path: tuple[str, ...], value: str
) -> None:
    data = _set(_example(kind), path, value)
    with pytest.raises(ValidationError) as caught:
        _model(kind).model_validate(data)
    [error] = caught.value.errors()
    assert error["loc"] == path
    assert "combining mark" in error["msg"]


def test_a_blank_name_is_still_too_short() -> None:
    data = _set(_example("birth"), ("child", "given_name"), " \t ")
    with pytest.raises(ValidationError) as caught:
        BirthDossier.model_validate(data)
    assert [e["type"] for e in caught.value.errors()] == ["string_too_short"]


def test_a_name_that_is_not_a_string_is_a_type_error() -> None:
    data = _set(_example("birth"), ("child", "given_name"), 5)
    with pytest.raises(ValidationError) as caught:
        BirthDossier.model_validate(data)
    assert [e["type"] for e in caught.value.errors()] == ["string_type"]
