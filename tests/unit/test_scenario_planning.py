"""Planning a scenario: who is picked, which defects, which provinces, in what order."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from lienthong.scenarios.loading import load_scenario_text
from lienthong.scenarios.planning import Submission, deep_merge, plan
from lienthong.workload.people import InsuranceProfile, Person

START = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # 09:00 on Monday 16/11/2026 in Vietnam


def _person(pid: str, sex: str, born: str, province: str | None = "38") -> Person:
    return Person(
        personal_id=pid,
        full_name=f"Lê Thị {pid[-3:]}" if sex == "female" else f"Lê Văn {pid[-3:]}",
        family_name="Lê",
        date_of_birth=born,
        sex=sex,
        alive=True,
        province_code=province,
        commune_code="15661",
        household_id="HO1",
        is_household_head=sex == "male",
        address="Số 1",
    )


class FakePeople:
    """Records what was asked; always answers the same few people."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, Any]] = []
        self.deaths = 0

    async def mother(self, province: str | None = None) -> Person:
        self.asked.append(("mother", province))
        return _person("038190000001", "female", "1990-05-01", province)

    async def spouse_of(self, mother: Person) -> Person | None:
        return _person("038088000002", "male", "1988-01-01")

    async def head_of(self, person: Person) -> Person:
        return _person("038088000002", "male", "1988-01-01")

    async def dead(self, sex: str | None = None) -> Person:
        self.asked.append(("dead", sex))
        return _person("038150000009", sex or "male", "1950-01-01")

    async def to_die(
        self, province: str | None = None, insurance: InsuranceProfile | None = None
    ) -> Person:
        self.asked.append(("to_die", (province, insurance)))
        self.deaths += 1
        return _person(f"038160{self.deaths:06d}", "male", "1960-01-01", province)


def _plan(text: str, people: FakePeople | None = None) -> list[Submission]:
    scenario = load_scenario_text(text)

    async def collect() -> list[Submission]:
        return [s async for s in plan(scenario, people or FakePeople(), START, "7")]

    return asyncio.run(collect())


GROUP = """
name: shares
seed: 3
generate:
  - kind: birth
    count: 200
    label: th
    province: "38"
    over: 100s
    defects: {mother_unknown: 0.1, household_head_elsewhere: 0.05}
"""


def test_defect_shares_are_exact_counts() -> None:
    submissions = _plan(GROUP)
    assert len(submissions) == 200
    unknown = [s for s in submissions if s.form["mother"]["personal_id"] != "038190000001"]
    moved = [s for s in submissions if s.form["residence"]["commune_code"] != "15661"]
    assert len(unknown) == 20  # 10% of 200
    assert len(moved) == 10  # 5% of 200


def test_the_same_seed_puts_the_defects_on_the_same_dossiers() -> None:
    def marked(subs: list[Submission]) -> list[int]:
        return [i for i, s in enumerate(subs) if s.form["mother"]["personal_id"] != "038190000001"]

    assert marked(_plan(GROUP)) == marked(_plan(GROUP))
    assert marked(_plan(GROUP)) != marked(_plan(GROUP.replace("seed: 3", "seed: 4")))


def test_a_group_is_spread_evenly_and_in_time_order() -> None:
    offsets = [s.offset_s for s in _plan(GROUP)]
    assert offsets == sorted(offsets)
    assert offsets[0] == 0 and offsets[100] == 50.0 and offsets[-1] == 99.5


def test_named_dossiers_are_interleaved_by_time_with_groups() -> None:
    text = """
name: mix
dossiers:
  - {name: late, kind: birth, at: 9s}
  - {name: early, kind: death, at: 0s, insurance: pensioner}
generate:
  - {kind: birth, count: 4, over: 8s, label: g}
"""
    people = FakePeople()
    order = [(s.name or s.group, s.offset_s) for s in _plan(text, people)]
    assert order == [("early", 0), ("g", 0), ("g", 2), ("g", 4), ("g", 6), ("late", 9)]
    assert ("to_die", (None, InsuranceProfile.PENSIONER)) in people.asked


def test_census_groups_follow_population() -> None:
    text = "name: c\ngenerate:\n  - {kind: death, count: 1000, province: census}\n"
    people = FakePeople()
    _plan(text, people)
    provinces = Counter(p for kind, (p, _) in people.asked if kind == "to_die")
    assert sum(provinces.values()) == 1000
    assert provinces["79"] > provinces["01"] > provinces["12"]  # HCMC > Hà Nội > Lai Châu


def test_dates_come_from_the_simulated_clock_in_vietnam() -> None:
    text = """
name: d
dossiers:
  - {name: b, kind: birth, born: 3d, at: 1d}
  - {name: x, kind: death, died: 0s}
"""
    by_name = {s.name: s.form for s in _plan(text)}
    # 09:00 on 16/11 in Vietnam, plus one day, minus three: born 14/11.
    assert by_name["b"]["child"]["date_of_birth"] == "2026-11-14"
    assert by_name["x"]["date_of_death"] == "2026-11-16"


def test_resubmissions_and_keys() -> None:
    text = """
name: r
dossiers:
  - {name: same, kind: birth, submit: {times: 3}}
  - {name: fresh, kind: birth, submit: {times: 2, same_key: false}}
"""
    by_name = {s.name: s for s in _plan(text)}
    assert by_name["same"].times == 3 and by_name["same"].key == "scenario:r:7:same"
    assert by_name["fresh"].times == 2 and by_name["fresh"].key is None


def test_form_overrides_are_merged_deeply() -> None:
    text = "name: o\ndossiers:\n  - {kind: death, form: {death_notice: {issuer: hospital}}}\n"
    form = _plan(text)[0].form
    assert form["death_notice"]["issuer"] == "hospital"
    assert form["death_notice"]["number"].startswith("GBT-")  # the rest of it kept


def test_deep_merge_replaces_lists_and_scalars() -> None:
    merged = deep_merge({"a": {"b": 1, "c": [1]}, "d": 2}, {"a": {"c": [2]}, "d": 3})
    assert merged == {"a": {"b": 1, "c": [2]}, "d": 3}
