"""What a load run sends and when: the plan, and the instants of an open-loop schedule.

Open loop means submissions are scheduled by the clock, not by answers: a slow gateway does
not slow the arrivals down, as it does not slow down the citizens at the portal. The schedule
is the instantaneous rate ``λ(t)`` integrated over time: the k-th dossier leaves when
``Λ(t) = ∫λ`` reaches k − ½ (``uniform``: evenly spaced, as k6's constant arrival rate), or at
the points of a Poisson process of intensity ``λ`` (``poisson``: what independent citizens
produce). "As fast as possible" (``max``) has no schedule: a fixed number of requests in
flight, each followed by the next (a closed loop), which finds the system's capacity.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from lienthong.domain.calendar import VIETNAM_TZ
from lienthong.workload.census import BIRTH_SHARE, office_hours_factor

__all__ = [
    "CENSUS_DAY",
    "Arrivals",
    "LoadPlan",
    "Mode",
    "arrival_offsets",
    "intensity",
    "planned_count",
]

CENSUS_DAY: Final = datetime(2026, 1, 5, tzinfo=VIETNAM_TZ)
"""The working day (a Monday, 00:00 Vietnam time) a census-shaped run plays through."""

_GRID_STEPS: Final = 20_000
"""Steps of the numerical integral of λ over a run (at most 1 ms each)."""


class Mode(StrEnum):
    """How submissions are paced."""

    RATE = "rate"
    """Open loop at ``rate`` dossiers/s (after a linear ramp from 0)."""
    CENSUS = "census"
    """Open loop, ``rate`` is the mean; intensity follows office hours over a compressed day."""
    MAX = "max"
    """Closed loop: ``concurrency`` requests in flight, as fast as the system answers."""


class Arrivals(StrEnum):
    """How open-loop instants are spread."""

    UNIFORM = "uniform"
    POISSON = "poisson"


@dataclass(frozen=True)
class LoadPlan:
    """Everything that decides what is sent, and how it is watched."""

    mode: Mode
    duration_s: float
    rate: float = 0.0
    """Dossiers/s: the target (``rate``) or the mean over the day (``census``)."""
    ramp_s: float = 0.0
    """Seconds of linear ramp from 0 to the rate, counted inside ``duration_s``."""
    concurrency: int = 32
    """``max``: requests in flight (the closed loop's width)."""
    batch: int = 0
    """0: one ``POST /api/v1/dossiers`` per dossier; N: ``/dossiers/batch`` with N forms."""
    arrivals: Arrivals = Arrivals.UNIFORM
    seed: int = 2024
    birth_share: float = BIRTH_SHARE
    census_span_s: float = 86_400.0
    """``census``: seconds of portal time the run plays through (a day by default)."""
    max_in_flight: int = 1000
    """Open loop: requests outstanding at most; arrivals beyond it are dropped and counted."""
    drain_s: float = 60.0
    """After the last submission: how long to wait for dossiers to finish before the rest
    count as lost."""
    poll_s: float = 1.0
    """How often the gateway's counters, the consumer lag and the processes are read."""
    sample_per_s: float = 10.0
    """Dossiers per second followed one by one (for per-hop latencies and the live p50/p99)."""
    run_tag: str = ""
    """Makes this run's forms and idempotency keys unlike any other run's."""
    prefill: int | None = None
    """Bodies built before the clock starts; None: all an open-loop run sends, or
    ``duration_s`` × 300 for ``max`` (more are built in the background as needed)."""

    @property
    def open_loop(self) -> bool:
        """Whether submissions follow a schedule (``rate``, ``census``)."""
        return self.mode is not Mode.MAX


def intensity(plan: LoadPlan) -> Callable[[float], float]:
    """``λ(t)``: the target dossiers/s at ``t`` seconds into the run (0 for ``max``)."""
    if plan.mode is Mode.MAX:
        return lambda t: 0.0

    def ramp(t: float) -> float:
        return min(1.0, t / plan.ramp_s) if plan.ramp_s > 0 else 1.0

    if plan.mode is Mode.RATE:
        return lambda t: plan.rate * ramp(t)
    scale = plan.census_span_s / plan.duration_s

    def census(t: float) -> float:
        moment = CENSUS_DAY + timedelta(seconds=t * scale)
        return plan.rate * ramp(t) * office_hours_factor(moment)

    return census


def _grid(plan: LoadPlan) -> Iterator[tuple[float, float, float]]:
    """``(t0, t1, ∫λ over [t0, t1])`` for consecutive steps covering the run (trapezoids)."""
    rate = intensity(plan)
    step = max(plan.duration_s / _GRID_STEPS, 0.001)
    t0, rate0 = 0.0, rate(0.0)
    while t0 < plan.duration_s:
        t1 = min(t0 + step, plan.duration_s)
        rate1 = rate(t1)
        yield t0, t1, (rate0 + rate1) / 2 * (t1 - t0)
        t0, rate0 = t1, rate1


def arrival_offsets(plan: LoadPlan, rng: random.Random | None = None) -> Iterator[float]:
    """Seconds from the start at which each dossier is due, in order (open loop only).

    ``poisson`` draws from ``rng`` (seeded by the caller); ``uniform`` draws nothing.
    """
    if plan.mode is Mode.MAX:
        return
    draw = rng or random.Random(plan.seed)
    poisson = plan.arrivals is Arrivals.POISSON

    def following(target: float) -> float:
        return target + (draw.expovariate(1.0) if poisson else 1.0)

    target = draw.expovariate(1.0) if poisson else 0.5
    done = 0.0
    for t0, t1, area in _grid(plan):
        while area > 0 and target <= done + area:
            yield t0 + (target - done) / area * (t1 - t0)
            target = following(target)
        done += area


def planned_count(plan: LoadPlan) -> int:
    """Dossiers an open-loop plan sends (``uniform``; ``poisson`` sends about as many)."""
    if plan.mode is Mode.MAX:
        return 0
    total = math.fsum(area for _, _, area in _grid(plan))
    return max(0, math.floor(total + 0.5 + 1e-9))
