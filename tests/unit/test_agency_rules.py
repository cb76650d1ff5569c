"""The agencies' pure decisions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from lienthong.contracts.civil_registry import BirthRegistered
from lienthong.contracts.forms import BirthDossier
from lienthong.contracts.gateway import BirthDossierSubmitted
from lienthong.domain.personal_id import Sex
from services.civil_registry.rules import duplicate_key, refuse_birth, registration_number
from services.insurance.rules import refuse_child_card
from services.population.models import Citizen
from services.population.rules import refuse_newborn

EXAMPLE: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "examples" / "birth.json").read_text("utf-8")
)


@dataclass
class Person:
    full_name: str
    date_of_birth: date
    sex: Sex
    alive: bool = True
    date_of_death: date | None = None


def _form(**changes: Any) -> BirthDossierSubmitted:
    data = json.loads(json.dumps(EXAMPLE))
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = data
        for part in parents:
            target = target[part]
        target[last] = value
    received = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)
    return BirthDossierSubmitted.from_form("d1", received, BirthDossier.model_validate(data))


def _people(form: BirthDossierSubmitted, **mother: Any) -> dict[str, Any]:
    assert form.father is not None
    return {
        form.mother.personal_id: Person(
            form.mother.full_name, form.mother.date_of_birth, Sex.FEMALE, **mother
        ),
        form.father.personal_id: Person(form.father.full_name, form.father.date_of_birth, Sex.MALE),
    }


def test_birth_with_known_parents_is_registered() -> None:
    form = _form()
    assert refuse_birth(form, _people(form), already_registered=False) is None


def test_birth_refusals_carry_their_code() -> None:
    form = _form()
    people = _people(form)
    assert refuse_birth(form, {}, False).code == "mother_not_found"  # type: ignore[union-attr]
    del people[form.father.personal_id]  # type: ignore[union-attr]
    assert refuse_birth(form, people, False).code == "father_not_found"  # type: ignore[union-attr]
    assert refuse_birth(form, _people(form), True).code == "duplicate_birth_registration"  # type: ignore[union-attr]
    other = _form(mother__full_name="Nguyễn Thị Khác")
    assert refuse_birth(other, _people(form), False).code == "mother_data_mismatch"  # type: ignore[union-attr]


def test_mother_deceased_before_the_birth_is_refused() -> None:
    form = _form()
    people = _people(form, alive=False, date_of_death=date(2020, 1, 1))
    refusal = refuse_birth(form, people, False)
    assert refusal is not None and refusal.code == "parent_deceased_before_birth"


def test_duplicate_key_ignores_unicode_form_and_case() -> None:
    import unicodedata

    nfd = _form(child__given_name=unicodedata.normalize("NFD", "ÁNH"))
    nfc = _form(child__given_name="Ánh")
    assert duplicate_key(nfd) == duplicate_key(nfc)


def test_registration_number_format() -> None:
    assert registration_number("00070", 2026, 17) == "KS-00070-2026-000017"


def _registration(**residence: Any) -> BirthRegistered:
    form = _form()
    return BirthRegistered(
        dossier_id="d",
        registration_number="KS-1",
        birth_certificate_number="G-1",
        registered_on=date(2026, 11, 3),
        registration_province_code="01",
        child=form.child,
        mother=form.mother,
        father=form.father,
        residence=form.residence.model_copy(update=residence),
        health_insurance=form.health_insurance,
    )


def _head(commune: str, alive: bool = True) -> Citizen:
    return Citizen(
        personal_id="001095000001",
        family_name="Lê",
        given_name="Dũng",
        full_name="Lê Dũng",
        sex=Sex.MALE,
        date_of_birth=date(1995, 1, 1),
        birth_province_code="01",
        alive=alive,
        commune_code=commune,
        household_id="HO1",
    )


def test_population_accepts_a_newborn_into_the_heads_household() -> None:
    registration = _registration()
    head = _head(registration.residence.commune_code)
    assert refuse_newborn(registration, head, already_registered=False) is None


def test_population_refusals() -> None:
    registration = _registration()
    commune = registration.residence.commune_code
    assert refuse_newborn(registration, None, False).code == "household_head_not_found"  # type: ignore[union-attr]
    assert refuse_newborn(registration, _head(commune, alive=False), False).code == (  # type: ignore[union-attr]
        "household_head_not_found"
    )
    assert refuse_newborn(registration, _head("00004"), False).code == (  # type: ignore[union-attr]
        "household_head_not_in_commune"
    )
    assert refuse_newborn(registration, _head(commune), True).code == (  # type: ignore[union-attr]
        "citizen_already_registered"
    )


def test_child_card_only_while_the_card_would_be_valid_and_only_once() -> None:
    # Turns 72 months on 10/5/2026, before 30/9: the card runs to 30/9/2026 (more cases in
    # test_child_card_issuance.py).
    born = date(2020, 5, 10)
    assert refuse_child_card(born, date(2026, 5, 9), False) is None
    assert refuse_child_card(born, date(2026, 5, 10), False) is None
    assert refuse_child_card(born, date(2026, 9, 30), False) is None
    assert refuse_child_card(born, date(2026, 10, 1), False).code == "not_under_six"  # type: ignore[union-attr]
    assert refuse_child_card(born, date(2021, 1, 1), True).code == "card_already_issued"  # type: ignore[union-attr]
