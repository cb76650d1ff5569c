"""Form 01 and Form 02 built from picked people, with the defects that make agencies refuse.

A defect is what a real dossier gets wrong — an unknown mother, a misspelt name, a household
head in another commune — named after the refusal it leads to, so a scenario says "10% with an
unknown mother" and the form is built accordingly; no defect gives a form every agency accepts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from lienthong.domain.personal_id import Sex, generate_personal_id
from lienthong.synthetic.names import GIVEN_NAMES, MIDDLE_NAMES
from lienthong.workload.people import Person

__all__ = [
    "BirthDefect",
    "BirthPeople",
    "DeathDefect",
    "birth_form",
    "death_form",
    "misspelt",
    "stranger",
]


class BirthDefect(StrEnum):
    """What a birth form can get wrong, and the refusal each leads to."""

    MOTHER_UNKNOWN = "mother_unknown"  # civil_registry: mother_not_found
    MOTHER_MISMATCH = "mother_mismatch"  # civil_registry: mother_data_mismatch
    MOTHER_DECEASED = "mother_deceased"  # civil_registry: parent_deceased_before_birth
    FATHER_UNKNOWN = "father_unknown"  # civil_registry: father_not_found
    FATHER_MISMATCH = "father_mismatch"  # civil_registry: father_data_mismatch
    HEAD_UNKNOWN = "household_head_unknown"  # population: household_head_not_found
    HEAD_ELSEWHERE = "household_head_elsewhere"  # population: household_head_not_in_commune


class DeathDefect(StrEnum):
    """What a death form can get wrong, and the refusal each leads to."""

    DECEASED_UNKNOWN = "deceased_unknown"  # civil_registry: deceased_not_found
    DECEASED_MISMATCH = "deceased_mismatch"  # civil_registry: deceased_data_mismatch
    ALREADY_DEAD = "already_dead"  # civil_registry: already_deceased


@dataclass(frozen=True)
class BirthPeople:
    """Who a birth form names: the mother, the father (if any), the household head."""

    mother: Person
    father: Person | None
    head: Person


@dataclass(frozen=True)
class ChildDetails:
    """The newborn: name parts, sex and date of birth."""

    given_name: str
    middle_name: str
    sex: str
    born: date


def child_details(rng: random.Random, tag: str, born: date) -> ChildDetails:
    """A child's name drawn from the synthetic names, made unique by ``tag`` (run and number).

    The civil registry refuses a second birth of the same mother, name and date of birth, so
    the tag keeps every child of a run (and of every earlier run) distinct.
    """
    sex = rng.choice((Sex.MALE, Sex.FEMALE))
    return ChildDetails(
        given_name=f"{rng.choice(GIVEN_NAMES[sex])} {tag}",
        middle_name=rng.choice(MIDDLE_NAMES[sex]),
        sex=sex.value,
        born=born,
    )


def stranger(rng: random.Random, sex: str, born: str, province: str = "01") -> str:
    """A well-formed personal ID number that agrees with sex and birth year, of nobody known.

    Six random digits: about one chance in a million per person of that province, sex and year
    to hit a real number — small enough for a sandbox of tens of thousands of people.
    """
    return generate_personal_id(province, Sex(sex), date.fromisoformat(born), rng)


def misspelt(full_name: str) -> str:
    """The same person's name as a clerk might mistype it: a different given name."""
    parts = full_name.split()
    parts[-1] = "Khác" if parts[-1] != "Khác" else "Lạ"
    return " ".join(parts)


def _parent(person: Person) -> dict[str, str]:
    return {
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth,
        "personal_id": person.personal_id,
    }


def _defective_parent(
    person: Person, unknown: bool, mismatch: bool, rng: random.Random
) -> dict[str, str]:
    parent = _parent(person)
    if unknown:
        parent["personal_id"] = stranger(rng, person.sex, person.date_of_birth)
    if mismatch:
        parent["full_name"] = misspelt(person.full_name)
    return parent


def birth_form(
    people: BirthPeople,
    child: ChildDetails,
    defects: frozenset[BirthDefect],
    rng: random.Random,
    *,
    elsewhere: str = "00004",
    electronic_share: float = 1.0,
) -> dict[str, Any]:
    """Form 01 naming ``people``; ``elsewhere`` is a commune the head does not live in; about
    ``electronic_share`` of the forms carry an electronic birth certificate, the rest paper."""
    mother, father, head = people.mother, people.father, people.head
    commune = mother.commune_code or "00070"
    family = father.family_name if father else mother.family_name
    head_id = head.personal_id
    if BirthDefect.HEAD_UNKNOWN in defects:
        head_id = stranger(rng, head.sex, head.date_of_birth)
    residence_commune = commune
    if BirthDefect.HEAD_ELSEWHERE in defects:
        residence_commune = elsewhere if elsewhere != commune else "00008"
    mother_entry = _defective_parent(
        mother,
        BirthDefect.MOTHER_UNKNOWN in defects,
        BirthDefect.MOTHER_MISMATCH in defects,
        rng,
    )
    certificate = rng.randrange(10**6)
    form: dict[str, Any] = {
        "kind": "birth",
        "requester": {
            "full_name": mother_entry["full_name"],
            "personal_id": mother_entry["personal_id"],
            "relationship": "mother",
            "phone": "0912345678",
        },
        "child": {
            "family_name": family,
            "middle_name": child.middle_name,
            "given_name": child.given_name,
            "date_of_birth": child.born.isoformat(),
            "sex": child.sex,
            "birthplace": {"commune_code": commune, "facility_name": "Trạm Y tế xã"},
            "ethnicity": "Kinh",
            "nationality": "VN",
            "hometown_province_code": (mother.province_code or "01"),
        },
        "mother": mother_entry,
        "medical_birth_certificate_number": f"GCS-{child.born.year}-{certificate:06d}",
        # The certificate's serial decides its medium: no extra draw, so the people and names
        # of every later form stay what a seed gave before the medium existed.
        "medical_birth_certificate_medium": (
            "electronic" if certificate < electronic_share * 10**6 else "paper"
        ),
        "residence": {
            "commune_code": residence_commune,
            "address": mother.address or "Số 1, thôn Đông",
            "household_head_personal_id": head_id,
            "household_head_consent": True,
        },
        "health_insurance": {"initial_clinic_code": f"{mother.province_code or '01'}001"},
        "delivery": {"method": "vneid"},
    }
    if father is not None:
        form["father"] = _defective_parent(
            father,
            BirthDefect.FATHER_UNKNOWN in defects,
            BirthDefect.FATHER_MISMATCH in defects,
            rng,
        )
        form["marriage_certificate_number"] = f"{rng.randrange(1, 999)}/{child.born.year - 3}/KH"
    return form


def death_form(
    deceased: Person,
    died: date,
    defects: frozenset[DeathDefect],
    rng: random.Random,
    *,
    claimed: bool = True,
    disaster: bool = False,
) -> dict[str, Any]:
    """Form 02 declaring ``deceased`` dead on ``died``, the death notice issued that day."""
    entry = {
        "full_name": deceased.full_name,
        "date_of_birth": deceased.date_of_birth,
        "sex": deceased.sex,
        "personal_id": deceased.personal_id,
    }
    if DeathDefect.DECEASED_UNKNOWN in defects:
        entry["personal_id"] = stranger(rng, deceased.sex, deceased.date_of_birth)
    if DeathDefect.DECEASED_MISMATCH in defects:
        entry["full_name"] = misspelt(deceased.full_name)
    return {
        "kind": "death",
        "requester": {
            "full_name": "Nguyễn Văn Hòa",
            "personal_id": stranger(rng, "male", "1980-01-01"),
            "relationship": "relative",
            "phone": "0987654321",
        },
        "deceased": entry,
        "date_of_death": died.isoformat(),
        "place_of_death": {
            "commune_code": deceased.commune_code or "00070",
            "description": "Tại nhà riêng",
        },
        "cause": "Bệnh",
        "death_notice": {
            "number": f"GBT-{died.year}-{rng.randrange(10**6):06d}",
            "issuer": "commune",
            "issued_on": died.isoformat(),
        },
        "benefit_claim": {"requested": claimed, "disaster_death": disaster},
        "delivery": {"method": "vneid"},
    }
