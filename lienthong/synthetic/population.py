"""Deterministic synthetic population for the population database (CSDL quốc gia về dân cư).

The simulator needs people who already exist before any dossier arrives: mothers and fathers
whose personal ID numbers (số định danh cá nhân) appear on birth forms (Form 01), household heads
(chủ hộ) who consent to a newborn's permanent residence (thường trú), and people who can die and
be the subject of a death form (Form 02). This module only *generates* them — storage belongs to
the population service.

Everything comes from one ``random.Random(seed)`` and ages are measured from a fixed reference
date, so the same ``--seed`` gives the same people on any day and any machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from lienthong.domain.admin_units import Commune, Province, load_admin_units
from lienthong.domain.bhyt import add_months
from lienthong.domain.personal_id import Sex, generate_personal_id
from lienthong.synthetic.names import (
    FAMILY_NAME_CUM_WEIGHTS,
    FAMILY_NAME_VALUES,
    GIVEN_NAMES,
    MIDDLE_NAMES,
    STREETS,
    VILLAGES,
)
from lienthong.synthetic.placement import commune_sampler

__all__ = [
    "SEED_REFERENCE_DATE",
    "CitizenSeed",
    "HouseholdSeed",
    "SeedPopulation",
    "generate_population",
]

SEED_REFERENCE_DATE = date(2026, 1, 1)
"""Ages are relative to this fixed date so a seed yields the same population every day."""

MAX_AGE = 95


@dataclass(frozen=True, slots=True)
class HouseholdSeed:
    """A household (hộ gia đình) registered for permanent residence in one commune."""

    household_id: str
    head_personal_id: str
    commune_code: str
    province_code: str
    address: str


@dataclass(frozen=True, slots=True)
class CitizenSeed:
    """One person as the population database holds them, with household and parents."""

    personal_id: str
    family_name: str
    middle_name: str
    given_name: str
    full_name: str
    sex: Sex
    date_of_birth: date
    birth_province_code: str
    alive: bool
    date_of_death: date | None
    household_id: str
    commune_code: str
    province_code: str
    address: str
    is_household_head: bool
    mother_personal_id: str | None
    father_personal_id: str | None


@dataclass(frozen=True, slots=True)
class SeedPopulation:
    """The generated households and citizens (heads are listed first within a household)."""

    households: list[HouseholdSeed] = field(default_factory=list)
    citizens: list[CitizenSeed] = field(default_factory=list)


@dataclass(slots=True)
class _Member:
    """A household member being planned; parents are indices into the member list."""

    sex: Sex
    age: int
    family_name: str
    deceased: bool = False
    mother: int | None = None
    father: int | None = None


class _Generator:
    """Holds the random stream and the set of issued numbers while households are built."""

    def __init__(self, rng: random.Random, reference_date: date) -> None:
        self.rng = rng
        self.reference_date = reference_date
        self.issued: set[str] = set()

    # --- names, dates and numbers -------------------------------------------------------

    def family_name(self) -> str:
        return self.rng.choices(FAMILY_NAME_VALUES, cum_weights=FAMILY_NAME_CUM_WEIGHTS)[0]

    def middle_and_given(self, sex: Sex) -> tuple[str, str]:
        middle = self.rng.choice(MIDDLE_NAMES[sex])
        given = self.rng.choice(GIVEN_NAMES[sex])
        while given == middle:
            given = self.rng.choice(GIVEN_NAMES[sex])
        return middle, given

    def date_of_birth(self, age: int) -> date:
        """A birth date that makes the person exactly ``age`` full years old on the reference."""
        ref = self.reference_date
        latest = min(add_months(ref, -12 * age), ref - timedelta(days=1))
        earliest = add_months(ref, -12 * (age + 1)) + timedelta(days=1)
        return date.fromordinal(self.rng.randint(earliest.toordinal(), latest.toordinal()))

    def personal_id(self, province_code: str, sex: Sex, date_of_birth: date) -> str:
        while True:
            number = generate_personal_id(province_code, sex, date_of_birth, self.rng)
            if number not in self.issued:
                self.issued.add(number)
                return number

    def address(self, commune: Commune, province: Province) -> str:
        number = self.rng.randint(1, 250)
        if commune.name.startswith("Phường"):
            place = f"đường {self.rng.choice(STREETS)}"
        else:
            place = f"thôn {self.rng.choice(VILLAGES)}"
        return f"Số {number}, {place}, {commune.name}, {province.name}"

    # --- household composition ----------------------------------------------------------

    def plan_household(self) -> list[_Member]:
        """Decide who lives in a household; the head is always member 0 and always alive."""
        rng = self.rng
        kind = rng.random()
        if kind < 0.10:  # one person living alone
            sex = Sex.MALE if rng.random() < 0.5 else Sex.FEMALE
            return [_Member(sex=sex, age=rng.randint(18, 90), family_name=self.family_name())]
        if kind < 0.18:  # mother raising children alone
            mother = _Member(Sex.FEMALE, rng.randint(22, 48), self.family_name())
            members = [mother]
            self.add_children(members, mother_index=0, father_index=None)
            return members
        return self.plan_couple()

    def plan_couple(self) -> list[_Member]:
        rng = self.rng
        husband_age = int(rng.triangular(20, 80, 32))
        wife_age = max(18, husband_age - rng.randint(-3, 7))
        husband = _Member(Sex.MALE, husband_age, self.family_name())
        wife = _Member(Sex.FEMALE, wife_age, self.family_name())
        husband_heads = rng.random() < 0.8
        members = [husband, wife] if husband_heads else [wife, husband]
        head, spouse = members
        if spouse.age >= 60 and rng.random() < 0.25:
            spouse.deceased = True  # a widowed head, the late spouse not yet deregistered
        self.add_children(
            members, mother_index=members.index(wife), father_index=members.index(husband)
        )
        if head.age <= 65 and rng.random() < 0.22:
            self.add_elderly_parent(members, head_index=0)
        return members

    def add_children(
        self, members: list[_Member], *, mother_index: int, father_index: int | None
    ) -> None:
        """Add 0–3 children born when the mother was 19–42 (father ≥ 20), none older than 30."""
        rng = self.rng
        mother_age = members[mother_index].age
        low, high = max(19, mother_age - 30), min(42, mother_age)
        if father_index is not None:  # the father must also have been at least 20
            low = max(low, mother_age - members[father_index].age + 20)
        if low > high:
            return
        count = rng.choices((0, 1, 2, 3), weights=(18, 32, 36, 14))[0]
        if father_index is None:
            count = max(1, count)
            family = members[mother_index].family_name
        else:
            family = members[father_index].family_name
        for _ in range(count):
            sex = Sex.MALE if rng.random() < 0.51 else Sex.FEMALE
            age = mother_age - rng.randint(low, high)
            child = _Member(sex, age, family, mother=mother_index, father=father_index)
            child.deceased = rng.random() < 0.005
            members.append(child)

    def add_elderly_parent(self, members: list[_Member], head_index: int) -> None:
        """Add the head's elderly mother or father (who may have died)."""
        rng = self.rng
        head = members[head_index]
        age = min(MAX_AGE, head.age + rng.randint(20, 38))
        index = len(members)
        if rng.random() < 0.6:
            parent = _Member(Sex.FEMALE, age, self.family_name())
            head.mother = index
        else:
            # A Vietnamese child takes the father's family name (họ).
            parent = _Member(Sex.MALE, age, head.family_name)
            head.father = index
        parent.deceased = rng.random() < (0.55 if age >= 80 else 0.3)
        members.append(parent)

    def date_of_death(self, dob: date, not_before: date) -> date | None:
        """A past death date after ``not_before``; ``None`` if there is no room for one."""
        ref = self.reference_date
        earliest = max(dob + timedelta(days=1), not_before, ref - timedelta(days=15 * 365))
        latest = ref - timedelta(days=1)
        if earliest > latest:
            return None
        return date.fromordinal(self.rng.randint(earliest.toordinal(), latest.toordinal()))


def _kept(index: int | None, size: int) -> int | None:
    """Drop a parent link whose member was cut off the truncated last household."""
    return index if index is not None and index < size else None


def generate_population(
    citizens: int, seed: int, reference_date: date = SEED_REFERENCE_DATE
) -> SeedPopulation:
    """Generate exactly ``citizens`` people in households across all 34 provinces.

    Households sit in real communes (the first 34 cover every province once, the rest are
    spread over provinces by their population: :mod:`lienthong.synthetic.placement`). A
    household has a living head, usually a spouse, 0–3 children carrying the father's family
    name and linked to both parents, and sometimes an elderly parent of the head. A few percent
    of people have died (never a head). Personal ID numbers use the household's province as the
    province of birth registration and are unique. The last household is truncated to hit the
    exact count, dropping links to members that were cut.
    """
    if citizens < 0:
        raise ValueError("citizens must not be negative")
    rng = random.Random(seed)
    gen = _Generator(rng, reference_date)
    units = load_admin_units()
    provinces = {p.code: p for p in units.provinces()}
    commune_of = commune_sampler(rng, units)

    households: list[HouseholdSeed] = []
    people: list[CitizenSeed] = []
    remaining = citizens
    while remaining > 0:
        serial = len(households)
        commune = commune_of(serial)
        province = provinces[commune.province_code]
        members = gen.plan_household()[:remaining]
        remaining -= len(members)
        household_id = f"HO{commune.province_code}{serial + 1:08d}"
        address = gen.address(commune, province)

        dobs = [gen.date_of_birth(m.age) for m in members]
        ids = [
            gen.personal_id(province.code, m.sex, dob) for m, dob in zip(members, dobs, strict=True)
        ]
        deaths: list[date | None] = []
        for index, member in enumerate(members):
            if not member.deceased or index == 0:
                deaths.append(None)
                continue
            # A parent cannot die before their youngest child in the household was born.
            children_dobs = [
                dobs[i] for i, m in enumerate(members) if index in (m.mother, m.father)
            ]
            deaths.append(gen.date_of_death(dobs[index], max(children_dobs, default=date.min)))

        for index, member in enumerate(members):
            middle, given = gen.middle_and_given(member.sex)
            mother = _kept(member.mother, len(members))
            father = _kept(member.father, len(members))
            death = deaths[index]
            people.append(
                CitizenSeed(
                    personal_id=ids[index],
                    family_name=member.family_name,
                    middle_name=middle,
                    given_name=given,
                    full_name=f"{member.family_name} {middle} {given}",
                    sex=member.sex,
                    date_of_birth=dobs[index],
                    birth_province_code=province.code,
                    alive=death is None,
                    date_of_death=death,
                    household_id=household_id,
                    commune_code=commune.code,
                    province_code=province.code,
                    address=address,
                    is_household_head=index == 0,
                    mother_personal_id=ids[mother] if mother is not None else None,
                    father_personal_id=ids[father] if father is not None else None,
                )
            )
        households.append(
            HouseholdSeed(
                household_id=household_id,
                head_personal_id=ids[0],
                commune_code=commune.code,
                province_code=province.code,
                address=address,
            )
        )
    return SeedPopulation(households=households, citizens=people)
