"""Expected numbers in scenarios: exact, at least, at most, or a range, with optional units.

Testers write what they mean — ``180``, ``">= 180"``, ``"< 5s"``, ``"170..190"`` — and the
verdict says the expected bound and the actual value side by side.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final

__all__ = ["Bound", "parse_bound", "parse_seconds"]

_UNITS: Final = {"": 1.0, "ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_NUMBER: Final = r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?"
_COMPARISON: Final = re.compile(rf"^\s*(==|>=|<=|>|<)?\s*{_NUMBER}\s*$")
_RANGE: Final = re.compile(rf"^\s*{_NUMBER}\s*\.\.\s*{_NUMBER}\s*$")


@dataclass(frozen=True)
class Bound:
    """A condition on one number: ``text`` is how the scenario wrote it."""

    text: str
    low: float | None
    high: float | None
    low_open: bool = False
    high_open: bool = False

    def holds(self, value: float) -> bool:
        """Whether ``value`` satisfies the bound."""
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return not (
            self.high is not None and (value >= self.high if self.high_open else value > self.high)
        )


def _value(number: str, unit: str | None) -> float:
    return float(number) * _UNITS[unit or ""]


def parse_seconds(text: str | float) -> float:
    """``"2.5s"``, ``"10m"``, ``"3d"`` or a bare number of seconds → seconds."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        if not math.isfinite(text) or text < 0:
            raise ValueError(f"{text} is not a duration: a finite number of seconds, 0 or more")
        return float(text)
    match = re.fullmatch(rf"\s*{_NUMBER}\s*", str(text))
    if match is None:
        raise ValueError(f"{text!r} is not a duration: a number and one of ms, s, m, h, d")
    return _value(match.group(1), match.group(2))


def parse_bound(spec: str | float) -> Bound:
    """A bound from a number (exact) or a string; ValueError says what is accepted."""
    if isinstance(spec, bool):
        raise ValueError("a bound is a number or a comparison, not true/false")
    if isinstance(spec, int | float):
        if not math.isfinite(spec):
            raise ValueError(f"{spec} is not a number a count or a time can equal")
        return Bound(str(spec), float(spec), float(spec))
    if match := _RANGE.match(spec):
        low, high = _value(match[1], match[2]), _value(match[3], match[4])
        if low > high:
            raise ValueError(f"{spec!r}: the range's start is above its end")
        return Bound(spec.strip(), low, high)
    if match := _COMPARISON.match(spec):
        op, value = match[1] or "==", _value(match[2], match[3])
        return Bound(
            spec.strip(),
            low=value if op in ("==", ">=", ">") else None,
            high=value if op in ("==", "<=", "<") else None,
            low_open=op == ">",
            high_open=op == "<",
        )
    raise ValueError(
        f"{spec!r} is not a bound: write 180, '>= 180', '< 5s' or '170..190' (units ms, s, m, h, d)"
    )
