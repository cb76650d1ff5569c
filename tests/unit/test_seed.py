"""Deterministic synthetic population (dân cư mẫu) for the population service."""

import time
import unicodedata
from collections import Counter, defaultdict
from datetime import date
from functools import cache

import pytest

from lienthong.domain.admin_units import load_admin_units
from lienthong.domain.personal_id import Sex, parse_personal_id, validate_personal_id
from lienthong.synthetic.population import (
    SEED_REFERENCE_DATE,
    CitizenSeed,
    SeedPopulation,
    generate_population,
)

FAMILY_NAMES = {
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lương", "Mai", "Trịnh", "Đào", "Lâm", "Cao",
    "Tạ", "Hà",
}  # fmt: skip


@cache
def population() -> SeedPopulation:
    return generate_population(10_000, seed=2026)


def age_on(person: CitizenSeed, on: date) -> int:
    dob = person.date_of_birth
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def test_reference_date_is_fixed() -> None:
    assert date(2026, 1, 1) == SEED_REFERENCE_DATE


@pytest.mark.parametrize("count", [0, 1, 2, 7, 35, 1000, 10_000])
def test_exact_count(count: int) -> None:
    pop = population() if count == 10_000 else generate_population(count, seed=1)
    assert len(pop.citizens) == count
    assert sum(1 for c in pop.citizens if c.is_household_head) == len(pop.households)


def test_negative_count_is_rejected() -> None:
    with pytest.raises(ValueError):
        generate_population(-1, seed=1)


def test_same_seed_same_people() -> None:
    assert generate_population(2000, seed=42) == generate_population(2000, seed=42)


def test_different_seed_different_people() -> None:
    a = generate_population(500, seed=1)
    b = generate_population(500, seed=2)
    assert {c.personal_id for c in a.citizens} != {c.personal_id for c in b.citizens}
    assert [c.full_name for c in a.citizens] != [c.full_name for c in b.citizens]


def test_personal_ids_unique_and_consistent_with_sex_and_birth() -> None:
    citizens = population().citizens
    assert len({c.personal_id for c in citizens}) == len(citizens)
    for c in citizens:
        assert validate_personal_id(c.personal_id, sex=c.sex, date_of_birth=c.date_of_birth)
        assert parse_personal_id(c.personal_id).province_code == c.birth_province_code
        assert c.birth_province_code == c.province_code


def test_households_sit_in_real_communes_across_all_provinces() -> None:
    units = load_admin_units()
    pop = population()
    for h in pop.households:
        commune = units.commune(h.commune_code)
        assert commune is not None
        assert commune.province_code == h.province_code
        assert h.address.startswith("Số ")
        assert commune.name in h.address
    for c in pop.citizens:
        commune = units.commune(c.commune_code)
        assert commune is not None and commune.province_code == c.province_code
    assert {h.province_code for h in pop.households} == {p.code for p in units.provinces()}
    assert len({h.household_id for h in pop.households}) == len(pop.households)


def test_small_population_still_covers_all_provinces() -> None:
    pop = generate_population(300, seed=5)
    assert len({h.province_code for h in pop.households}) == 34


def test_each_household_has_one_living_head_listed_first() -> None:
    pop = population()
    members: dict[str, list[CitizenSeed]] = defaultdict(list)
    for c in pop.citizens:
        members[c.household_id].append(c)
    assert set(members) == {h.household_id for h in pop.households}
    for h in pop.households:
        heads = [c for c in members[h.household_id] if c.is_household_head]
        assert len(heads) == 1
        head = heads[0]
        assert head.personal_id == h.head_personal_id
        assert head.alive and head.date_of_death is None
        assert members[h.household_id][0] is head
        assert age_on(head, SEED_REFERENCE_DATE) >= 18
        assert all(c.address == h.address for c in members[h.household_id])


def test_a_few_percent_are_deceased_never_heads() -> None:
    citizens = population().citizens
    dead = [c for c in citizens if not c.alive]
    assert 0.01 <= len(dead) / len(citizens) <= 0.08
    for c in dead:
        assert not c.is_household_head
        assert c.date_of_death is not None
        assert c.date_of_birth < c.date_of_death < SEED_REFERENCE_DATE
    assert all(c.date_of_death is None for c in citizens if c.alive)


def test_age_span_and_many_women_of_childbearing_age() -> None:
    citizens = population().citizens
    ages = [age_on(c, SEED_REFERENCE_DATE) for c in citizens]
    assert min(ages) == 0
    assert 90 <= max(ages) <= 95
    assert all(c.date_of_birth < SEED_REFERENCE_DATE for c in citizens)
    mothers_to_be = [
        c
        for c in citizens
        if c.alive and c.sex is Sex.FEMALE and 18 <= age_on(c, SEED_REFERENCE_DATE) <= 45
    ]
    assert len(mothers_to_be) >= 0.15 * len(citizens)
    sexes = Counter(c.sex for c in citizens)
    assert 0.4 <= sexes[Sex.FEMALE] / len(citizens) <= 0.6


def test_names_are_vietnamese_nfc_and_sex_appropriate() -> None:
    for c in population().citizens:
        assert c.full_name == f"{c.family_name} {c.middle_name} {c.given_name}"
        assert unicodedata.is_normalized("NFC", c.full_name)
        assert unicodedata.is_normalized("NFC", c.address)
        assert c.family_name in FAMILY_NAMES
        if c.sex is Sex.MALE:
            assert c.middle_name != "Thị"
        else:
            assert c.middle_name != "Văn"


def test_parents_are_linked_and_plausible() -> None:
    pop = population()
    by_id = {c.personal_id: c for c in pop.citizens}
    children = [c for c in pop.citizens if c.mother_personal_id or c.father_personal_id]
    assert len(children) > 0.2 * len(pop.citizens)
    with_both = 0
    for child in children:
        mother = by_id.get(child.mother_personal_id or "")
        father = by_id.get(child.father_personal_id or "")
        if mother is not None:
            assert mother.sex is Sex.FEMALE
            assert mother.household_id == child.household_id
            assert age_on(mother, child.date_of_birth) >= 18
            if not mother.alive:
                assert mother.date_of_death is not None
                assert mother.date_of_death > child.date_of_birth
        if father is not None:
            assert father.sex is Sex.MALE
            assert father.household_id == child.household_id
            assert age_on(father, child.date_of_birth) >= 18
            if not child.is_household_head:
                assert child.family_name == father.family_name
        if mother is not None and father is not None:
            with_both += 1
    assert with_both > 0.15 * len(pop.citizens)
    assert all(
        (c.mother_personal_id is None or c.mother_personal_id in by_id)
        and (c.father_personal_id is None or c.father_personal_id in by_id)
        for c in pop.citizens
    )


def test_reference_date_moves_ages() -> None:
    later = date(2030, 6, 1)
    citizens = generate_population(200, seed=3, reference_date=later).citizens
    assert all(c.date_of_birth < later for c in citizens)
    assert any(c.date_of_birth.year >= 2029 for c in citizens) or any(
        age_on(c, later) < 5 for c in citizens
    )


def test_generation_is_fast() -> None:
    start = time.perf_counter()
    generate_population(10_000, seed=99)
    assert time.perf_counter() - start < 2.0
