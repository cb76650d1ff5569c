"""What the portal checks at its door, beyond structure: dates, reference data, cross-field rules.

These checks need today's date (on the simulated clock, in Vietnam) and the reference data of
administrative units, so they run once, when the gateway receives a form, and never again on
the events that carry the declaration onwards: a replayed event must not fail because the date
or the reference data changed since. Each problem names the field it is about, for a
field-level 422.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from lienthong.contracts.declarations import ParentInfo
from lienthong.contracts.forms import BirthDossier, DeathDossier
from lienthong.domain.admin_units import load_admin_units
from lienthong.domain.former_communes import successor_hint
from lienthong.domain.personal_id import Sex, validate_personal_id

__all__ = ["FieldProblem", "form_problems"]


class FieldProblem(NamedTuple):
    """A validation failure: where (path inside the form) and why."""

    loc: tuple[str, ...]
    message: str


Loc = tuple[str, ...]


def form_problems(form: BirthDossier | DeathDossier, today: date) -> list[FieldProblem]:
    """Every door problem of ``form``, given the date ``today`` in Vietnam; [] when acceptable."""
    checks = _birth_problems(form) if isinstance(form, BirthDossier) else _death_problems(form)
    return [
        *_future_dates(form, today),
        *_unknown_places(form),
        *checks,
    ]


def _dates(form: BirthDossier | DeathDossier) -> Iterator[tuple[Loc, date]]:
    if isinstance(form, BirthDossier):
        yield ("child", "date_of_birth"), form.child.date_of_birth
        yield ("mother", "date_of_birth"), form.mother.date_of_birth
        if form.father is not None:
            yield ("father", "date_of_birth"), form.father.date_of_birth
    else:
        yield ("deceased", "date_of_birth"), form.deceased.date_of_birth
        yield ("date_of_death",), form.date_of_death
        yield ("death_notice", "issued_on"), form.death_notice.issued_on


def _future_dates(form: BirthDossier | DeathDossier, today: date) -> Iterator[FieldProblem]:
    for loc, value in _dates(form):
        if value > today:
            yield FieldProblem(
                loc, f"{value.isoformat()} is in the future (today is {today.isoformat()})"
            )


def _communes(form: BirthDossier | DeathDossier) -> Iterator[tuple[Loc, str]]:
    if isinstance(form, BirthDossier):
        yield ("child", "birthplace", "commune_code"), form.child.birthplace.commune_code
        yield ("residence", "commune_code"), form.residence.commune_code
    else:
        yield ("place_of_death", "commune_code"), form.place_of_death.commune_code


def _unknown_places(form: BirthDossier | DeathDossier) -> Iterator[FieldProblem]:
    units = load_admin_units()
    for loc, code in _communes(form):
        if units.commune(code) is None:
            former = successor_hint(code)  # a commune of before 1/7/2025: say what it became
            unknown = f"unknown commune code {code!r} (Decision 19/2025/QĐ-TTg list)"
            yield FieldProblem(loc, former or unknown)
    if isinstance(form, BirthDossier):
        province = form.child.hometown_province_code
        if province is not None and units.province(province) is None:
            yield FieldProblem(
                ("child", "hometown_province_code"),
                f"unknown province code {province!r} (one of the 34 provinces since 2025)",
            )


def _id_agrees(loc: Loc, personal_id: str, sex: Sex, born: date) -> Iterator[FieldProblem]:
    """The ID number's century/sex digit and year must agree with its owner (Thông tư 59)."""
    try:
        validate_personal_id(personal_id, sex=sex, date_of_birth=born)
    except ValueError as error:
        yield FieldProblem(loc, str(error))


def _birth_problems(form: BirthDossier) -> Iterator[FieldProblem]:
    parents: list[tuple[str, ParentInfo, Sex]] = [("mother", form.mother, Sex.FEMALE)]
    if form.father is not None:
        parents.append(("father", form.father, Sex.MALE))
    for role, parent, sex in parents:
        yield from _id_agrees((role, "personal_id"), parent.personal_id, sex, parent.date_of_birth)
        if parent.date_of_birth >= form.child.date_of_birth:
            yield FieldProblem((role, "date_of_birth"), f"the {role} must be born before the child")
    if not form.residence.household_head_consent:
        yield FieldProblem(
            ("residence", "household_head_consent"),
            "the household head must agree to register the child",
        )


def _death_problems(form: DeathDossier) -> Iterator[FieldProblem]:
    deceased = form.deceased
    yield from _id_agrees(
        ("deceased", "personal_id"), deceased.personal_id, deceased.sex, deceased.date_of_birth
    )
    if form.date_of_death < deceased.date_of_birth:
        yield FieldProblem(("date_of_death",), "the date of death is before the date of birth")
    if form.death_notice.issued_on < form.date_of_death:
        yield FieldProblem(("death_notice", "issued_on"), "the death notice predates the death")
