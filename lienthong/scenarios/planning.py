"""From a scenario to timed submissions: who is picked, which form, at which offset.

Named dossiers are built first (they are few, and expectations refer to them); generated groups
are built lazily, in time order, so a scenario of 700,000 dossiers never holds them all. Which
dossiers of a group carry which defect, and the province of each under ``census``, are drawn
from the scenario's seed: the same file picks the same shares on every system.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from lienthong.domain.calendar import vietnam_date
from lienthong.scenarios.bounds import parse_seconds
from lienthong.scenarios.model import BirthSpec, DeathSpec, GenerateSpec, Scenario
from lienthong.workload.census import PROVINCE_POPULATION, apportion
from lienthong.workload.forms import (
    BirthDefect,
    BirthPeople,
    DeathDefect,
    birth_form,
    child_details,
    death_form,
)
from lienthong.workload.people import InsuranceProfile, NoOneFits, Person

__all__ = ["People", "Submission", "deep_merge", "plan"]

_FATHER_TRIES = 50
"""Mothers tried for one whose household has a husband, when a defect is about the father."""


class People(Protocol):
    """Who the forms name (:class:`~lienthong.workload.people.PeoplePicker` on a live system)."""

    async def mother(self, province: str | None = None) -> Person: ...
    async def spouse_of(self, mother: Person) -> Person | None: ...
    async def head_of(self, person: Person) -> Person: ...
    async def dead(self, sex: str | None = None) -> Person: ...
    async def to_die(
        self, province: str | None = None, insurance: InsuranceProfile | None = None
    ) -> Person: ...


@dataclass(frozen=True)
class Submission:
    """One form to send at ``offset_s`` (simulated seconds from the start)."""

    offset_s: float
    form: dict[str, Any]
    name: str | None = None
    group: str | None = None
    times: int = 1
    every_s: float = 0.0
    """Simulated seconds between the sends of a resubmitted form."""
    key: str | None = None
    """Idempotency-Key of every send; None sends none (each POST a new dossier)."""


def deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``overrides`` merged in, nested mappings merged key by key."""
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class _Builder:
    """Builds forms against the running system's people, dated on its simulated clock."""

    def __init__(
        self, picker: People, rng: random.Random, start: datetime, tag: str, speed: float, keys: str
    ) -> None:
        self.picker = picker
        self.rng = rng
        self.start = start
        self.speed = speed
        self.tag = tag
        self.keys = keys
        """Prefix of this run's idempotency keys (scenario name and run tag)."""
        self.count = 0
        self.aliases: dict[str, Person] = {}

    def day(self, offset_s: float, before: str | float) -> date:
        """The date in Vietnam ``before`` ahead of the submission at ``offset_s`` (replayed
        ``speed`` times faster, so submitted at ``start + offset_s / speed``)."""
        moment = self.start + timedelta(seconds=offset_s / self.speed - parse_seconds(before))
        return vietnam_date(moment)

    async def birth(
        self,
        offset_s: float,
        province: str | None,
        defects: frozenset[BirthDefect],
        father: bool = True,
        born: str | float = "1d",
        alias: str | None = None,
        electronic_share: float = 1.0,
    ) -> dict[str, Any]:
        self.count += 1
        if alias in self.aliases:
            mother = self.aliases[alias]
        elif BirthDefect.MOTHER_DECEASED in defects:
            mother = await self.picker.dead(sex="female")
        else:
            mother = await self.picker.mother(province)
        spouse = await self.picker.spouse_of(mother) if father else None
        needs_father = bool(defects & {BirthDefect.FATHER_UNKNOWN, BirthDefect.FATHER_MISMATCH})
        for _ in range(_FATHER_TRIES):
            if spouse is not None or not needs_father:
                break
            mother = await self.picker.mother(province)  # a defect about the father needs one
            spouse = await self.picker.spouse_of(mother)
        else:
            raise NoOneFits(f"no mother with a husband at home in province {province}")
        if alias is not None:
            self.aliases[alias] = mother
        people = BirthPeople(mother, spouse, await self.picker.head_of(mother))
        child = child_details(self.rng, f"{self.tag} {self.count}", self.day(offset_s, born))
        return birth_form(people, child, defects, self.rng, electronic_share=electronic_share)

    async def death(
        self,
        offset_s: float,
        province: str | None,
        defects: frozenset[DeathDefect],
        spec: DeathSpec | None = None,
    ) -> dict[str, Any]:
        self.count += 1
        alias = spec.person if spec else None
        if alias in self.aliases:
            deceased = self.aliases[alias]
        elif DeathDefect.ALREADY_DEAD in defects:
            deceased = await self.picker.dead()
        else:
            deceased = await self.picker.to_die(province, spec.insurance if spec else None)
        if alias is not None:
            self.aliases[alias] = deceased
        benefit = spec.benefit if spec else "claimed"
        return death_form(
            deceased,
            self.day(offset_s, spec.died if spec else "2d"),
            defects,
            self.rng,
            claimed=benefit != "not_claimed",
            disaster=benefit == "disaster",
        )


async def _named(builder: _Builder, spec: BirthSpec | DeathSpec, index: int) -> Submission:
    offset = parse_seconds(spec.at)
    if isinstance(spec, BirthSpec):
        form = await builder.birth(
            offset, spec.province, frozenset(spec.defects), spec.father, spec.born, spec.person
        )
    else:
        form = await builder.death(offset, spec.province, frozenset(spec.defects), spec)
    if spec.form:
        form = deep_merge(form, spec.form)
    resubmit = spec.submit
    same_key = resubmit.same_key if resubmit else True
    key = f"{builder.keys}:{spec.name or index}" if same_key else None
    return Submission(
        offset,
        form,
        name=spec.name,
        times=resubmit.times if resubmit else 1,
        every_s=parse_seconds(resubmit.every) if resubmit else 0.0,
        key=key,
    )


def _shares(group: GenerateSpec, rng: random.Random) -> list[str | None]:
    """Exactly round(share × count) dossiers per defect, in a seeded order."""
    marks: list[str | None] = []
    for defect, share in sorted(group.defects.items()):
        marks += [defect] * round(share * group.count)
    marks += [None] * (group.count - len(marks))
    rng.shuffle(marks)
    return marks


def _provinces(group: GenerateSpec, rng: random.Random) -> list[str | None]:
    if group.province != "census":
        return [group.province] * group.count
    spread: list[str | None] = []
    for code, n in apportion(group.count, PROVINCE_POPULATION).items():
        spread += [code] * n
    rng.shuffle(spread)
    return spread


def _schedule(scenario: Scenario) -> Iterator[tuple[float, int, int]]:
    """(offset, group index, position) of every generated dossier, in time order."""

    def times(g: int, group: GenerateSpec) -> Iterator[tuple[float, int, int]]:
        at, over = parse_seconds(group.at), parse_seconds(group.over)
        for i in range(group.count):
            yield at + over * i / group.count, g, i

    return heapq.merge(*(times(g, group) for g, group in enumerate(scenario.generate)))


async def plan(
    scenario: Scenario, picker: People, start: datetime, tag: str, *, speed: float = 1.0
) -> AsyncIterator[Submission]:
    """Every submission of ``scenario`` in time order; ``tag`` keeps this run's children and
    idempotency keys apart from earlier runs on the same system."""
    rng = random.Random(scenario.seed)
    builder = _Builder(picker, rng, start, tag, speed, f"scenario:{scenario.name}:{tag}")
    named = [await _named(builder, spec, i) for i, spec in enumerate(scenario.dossiers)]
    named.sort(key=lambda s: s.offset_s)
    marks = [
        _shares(group, random.Random(f"{scenario.seed}:{g}"))
        for g, group in enumerate(scenario.generate)
    ]
    provinces = [
        _provinces(group, random.Random(f"{scenario.seed}:{g}:p"))
        for g, group in enumerate(scenario.generate)
    ]
    pending = iter(named)
    upcoming = next(pending, None)
    for offset, g, i in _schedule(scenario):
        while upcoming is not None and upcoming.offset_s <= offset:
            yield upcoming
            upcoming = next(pending, None)
        group = scenario.generate[g]
        mark = marks[g][i]
        if group.kind == "birth":
            defects_b = frozenset({BirthDefect(mark)} if mark else set())
            form = await builder.birth(
                offset,
                provinces[g][i],
                defects_b,
                electronic_share=group.electronic_birth_certificates,
            )
        else:
            defects_d = frozenset({DeathDefect(mark)} if mark else set())
            form = await builder.death(offset, provinces[g][i], defects_d)
        key = f"{builder.keys}:{group.label or g}:{i}"
        yield Submission(offset, form, group=group.label, key=key)
    while upcoming is not None:
        yield upcoming
        upcoming = next(pending, None)
