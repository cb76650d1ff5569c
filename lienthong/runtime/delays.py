"""Per-agency processing delays in simulated time (thời gian xử lý của cơ quan).

A delay is written as a small spec so it fits an environment variable:

- ``none`` — decide at once (the default);
- ``fixed:4h`` — always four simulated hours;
- ``uniform:1h..2d`` — uniformly between one hour and two days;
- ``exponential:6h`` — exponential with a six-hour mean;
- ``lognormal:8h,0.6`` — log-normal with an eight-hour median and σ = 0.6.

Units: ``s``, ``m``, ``h``, ``d`` (simulated days).
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_DELAY = timedelta(days=365)
"""The longest delay a spec may name, and the cap on any drawn delay: a year of simulated time
is past every deadline of the domain, and a date must stay within the calendar."""
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")


def parse_duration(text: str) -> timedelta:
    """``"4h"`` → four hours; raises ValueError naming the bad text."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"bad duration {text!r}: use a number and one of s, m, h, d (e.g. 4h)")
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds > MAX_DELAY.total_seconds():
        raise ValueError(f"bad duration {text!r}: at most {MAX_DELAY.days} days")
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class DelayDistribution:
    """A parsed delay spec; :meth:`sample` draws one delay."""

    kind: str
    a: float = 0.0
    b: float = 0.0
    spec: str = "none"

    def sample(self, rng: random.Random) -> timedelta:
        """One processing delay."""
        if self.kind == "none":
            seconds = 0.0
        elif self.kind == "fixed":
            seconds = self.a
        elif self.kind == "uniform":
            seconds = rng.uniform(self.a, self.b)
        elif self.kind == "exponential":
            seconds = rng.expovariate(1 / self.a) if self.a > 0 else 0.0
        else:
            # exp() of a huge normal draw overflows a float: that draw is "longer than a year"
            exponent = rng.normalvariate(math.log(self.a), self.b)  # as lognormvariate draws
            seconds = math.exp(min(exponent, math.log(MAX_DELAY.total_seconds())))
        return timedelta(seconds=min(seconds, MAX_DELAY.total_seconds()))


def parse_delay(spec: str) -> DelayDistribution:
    """Parse a delay spec (see the module docstring); raises ValueError when malformed."""
    text = spec.strip().lower()
    if text in {"", "none", "0"}:
        return DelayDistribution("none", spec="none")
    kind, _, args = text.partition(":")
    try:
        if kind == "fixed":
            return DelayDistribution("fixed", parse_duration(args).total_seconds(), spec=text)
        if kind == "uniform":
            low, _, high = args.partition("..")
            a, b = parse_duration(low).total_seconds(), parse_duration(high).total_seconds()
            if b < a:
                raise ValueError("uniform upper bound is below the lower bound")
            return DelayDistribution("uniform", a, b, spec=text)
        if kind == "exponential":
            return DelayDistribution("exponential", parse_duration(args).total_seconds(), spec=text)
        if kind == "lognormal":
            median, _, sigma = args.partition(",")
            seconds = parse_duration(median).total_seconds()
            if seconds <= 0 or float(sigma) < 0:
                raise ValueError("lognormal needs a positive median and σ ≥ 0")
            return DelayDistribution("lognormal", seconds, float(sigma), spec=text)
    except ValueError as error:
        raise ValueError(f"bad delay {spec!r}: {error}") from error
    raise ValueError(
        f"bad delay {spec!r}: use none, fixed:D, uniform:D..D, exponential:D or lognormal:D,σ"
    )
