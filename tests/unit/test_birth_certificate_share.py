"""The share of electronic hospital birth certificates in generated births.

The reports give one province's figure: Thanh Hóa, first half of 2024, 49 health facilities
linked 16,697 electronic birth certificates for 26,283 birth registrations (domain.md; source
report 004, section 4.4) — 63.5 %. The rest are paper ones the civil registry verifies.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from lienthong.scenarios.model import GenerateSpec
from lienthong.workload.forms import BirthPeople, birth_form, child_details
from lienthong.workload.people import Person

MOTHER = Person(
    personal_id="001194532179",
    full_name="Nguyễn Hồng Hương",
    family_name="Nguyễn",
    date_of_birth="1994-09-02",
    sex="female",
    alive=True,
    province_code="01",
    commune_code="00070",
    household_id="HO0100000001",
    is_household_head=True,
    address="Số 1, thôn Đông",
)


def mediums(share: float, n: int, seed: int = 7) -> list[str]:
    """The certificate medium of ``n`` births generated at ``share``, with one seed."""
    rng = random.Random(seed)
    people = BirthPeople(mother=MOTHER, father=None, head=MOTHER)
    forms = [
        birth_form(
            people,
            child_details(rng, f"t {i}", date(2026, 11, 15)),
            frozenset(),
            rng,
            electronic_share=share,
        )
        for i in range(n)
    ]
    return [form["medical_birth_certificate_medium"] for form in forms]


def test_generated_groups_default_to_the_reports_share() -> None:
    group = GenerateSpec(kind="birth", count=10)
    assert group.electronic_birth_certificates == pytest.approx(16_697 / 26_283)
    assert round(group.electronic_birth_certificates, 3) == 0.635


def test_about_the_share_of_births_carry_an_electronic_certificate() -> None:
    drawn = mediums(16_697 / 26_283, 4_000)
    electronic = drawn.count("electronic") / len(drawn)
    # 4,000 draws at p = 0.635: the standard error is 0.0076, so ±0.03 is about 4 of them.
    assert 0.605 < electronic < 0.665
    assert set(drawn) == {"electronic", "paper"}


@pytest.mark.parametrize(("share", "only"), [(1.0, "electronic"), (0.0, "paper")])
def test_the_extremes_give_one_medium(share: float, only: str) -> None:
    assert set(mediums(share, 200)) == {only}


def test_the_medium_does_not_change_who_is_picked_or_named() -> None:
    """Drawn from the certificate's serial, not from a new draw: the same seed names the same
    children whatever the share, so scenarios recorded before keep their people."""
    rng_a, rng_b = random.Random(3), random.Random(3)
    people = BirthPeople(mother=MOTHER, father=None, head=MOTHER)
    born = date(2026, 11, 15)
    a = [
        birth_form(people, child_details(rng_a, f"t {i}", born), frozenset(), rng_a)
        for i in range(20)
    ]
    b = [
        birth_form(
            people, child_details(rng_b, f"t {i}", born), frozenset(), rng_b, electronic_share=0.0
        )
        for i in range(20)
    ]
    strip = "medical_birth_certificate_medium"
    assert [{k: v for k, v in f.items() if k != strip} for f in a] == [
        {k: v for k, v in f.items() if k != strip} for f in b
    ]


def test_a_share_outside_0_to_1_is_refused() -> None:
    with pytest.raises(ValueError, match="less than or equal to 1"):
        GenerateSpec(kind="birth", count=10, electronic_birth_certificates=1.5)
