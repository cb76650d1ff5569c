"""The schedule of an open-loop run: how many dossiers, when, and how a ramp or a census day
shapes it."""

from __future__ import annotations

import random
from datetime import timedelta
from itertools import pairwise
from statistics import mean

import pytest

from lienthong.load.plan import (
    CENSUS_DAY,
    Arrivals,
    LoadPlan,
    Mode,
    arrival_offsets,
    intensity,
    planned_count,
)
from lienthong.workload.census import office_hours_factor


def offsets(plan: LoadPlan) -> list[float]:
    return list(arrival_offsets(plan, random.Random(7)))


def test_a_constant_rate_sends_rate_times_duration_evenly_spaced() -> None:
    plan = LoadPlan(Mode.RATE, duration_s=20, rate=100)
    sent = offsets(plan)
    assert len(sent) == planned_count(plan) == 2000
    gaps = [b - a for a, b in pairwise(sent)]
    assert min(gaps) == pytest.approx(0.01, abs=1e-6)
    assert max(gaps) == pytest.approx(0.01, abs=1e-6)
    assert sent[0] == pytest.approx(0.005)
    assert sent[-1] < 20


def test_offsets_are_sorted_and_inside_the_run() -> None:
    for arrivals in Arrivals:
        sent = offsets(LoadPlan(Mode.RATE, duration_s=5, rate=37, arrivals=arrivals))
        assert sent == sorted(sent)
        assert all(0 <= t <= 5 for t in sent)


def test_a_ramp_starts_slowly_and_sends_half_as_much_during_it() -> None:
    plan = LoadPlan(Mode.RATE, duration_s=10, rate=100, ramp_s=4)
    sent = offsets(plan)
    during = [t for t in sent if t < 4]
    assert len(during) == pytest.approx(200, abs=1)  # ∫ 100·t/4 over 4 s
    assert len(sent) == planned_count(plan) == 800  # 200 + 100·6
    first, second = [t for t in sent if t < 1], [t for t in sent if 1 <= t < 2]
    assert len(second) == pytest.approx(3 * len(first), abs=2)  # λ grows linearly


def test_poisson_arrivals_keep_the_rate_and_are_seeded() -> None:
    plan = LoadPlan(Mode.RATE, duration_s=50, rate=200, arrivals=Arrivals.POISSON)
    sent = offsets(plan)
    assert len(sent) == pytest.approx(10_000, rel=0.05)
    gaps = [b - a for a, b in pairwise(sent)]
    assert mean(gaps) == pytest.approx(1 / 200, rel=0.05)
    assert max(gaps) > 3 / 200  # not evenly spaced
    assert sent == offsets(plan)  # the same seed draws the same instants


def test_the_census_profile_follows_office_hours_over_a_compressed_day() -> None:
    plan = LoadPlan(Mode.CENSUS, duration_s=24, rate=100)  # one hour per second
    rate = intensity(plan)
    night, morning = rate(3.5), rate(9.5)
    assert morning / night == pytest.approx(
        office_hours_factor(CENSUS_DAY + timedelta(hours=9.5))
        / office_hours_factor(CENSUS_DAY + timedelta(hours=3.5))
    )
    sent = offsets(plan)
    assert len(sent) == pytest.approx(2400, rel=0.02)  # the working day's factors average 1
    by_hour = [sum(1 for t in sent if h <= t < h + 1) for h in range(24)]
    assert max(by_hour) == by_hour[9] or max(by_hour) == by_hour[10]
    assert by_hour[3] < by_hour[9] / 10


def test_the_census_day_is_a_working_day() -> None:
    assert CENSUS_DAY.weekday() == 0
    assert CENSUS_DAY.hour == 0


def test_as_fast_as_possible_has_no_schedule() -> None:
    plan = LoadPlan(Mode.MAX, duration_s=10, concurrency=8)
    assert not plan.open_loop
    assert offsets(plan) == []
    assert planned_count(plan) == 0
