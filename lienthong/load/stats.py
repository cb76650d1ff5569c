"""Percentiles and per-second bins: the arithmetic of the report, kept apart to be tested alone.

Percentiles are nearest-rank (the value of the ⌈p·n⌉-th smallest sample), like k6's and
HdrHistogram's: every figure reported is a latency some dossier really had, never an
interpolation between two.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Final

__all__ = ["PERCENTILES", "bin_counts", "bin_percentiles", "percentile", "summarize"]

PERCENTILES: Final = (50.0, 90.0, 99.0)


def percentile(ordered: Sequence[float], p: float) -> float | None:
    """The ``p``-th percentile (0–100) of already sorted values; None when there are none."""
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summarize(values: Iterable[float]) -> dict[str, float | int | None]:
    """Count, mean, p50/p90/p99 and max of ``values`` (seconds), rounded to the microsecond."""
    ordered = sorted(values)
    summary: dict[str, float | int | None] = {"count": len(ordered)}
    summary["mean"] = _round(math.fsum(ordered) / len(ordered)) if ordered else None
    for p in PERCENTILES:
        summary[f"p{p:g}"] = _round(percentile(ordered, p))
    summary["max"] = _round(ordered[-1]) if ordered else None
    return summary


def bin_counts(offsets: Iterable[float], bin_s: float, bins: int) -> list[int]:
    """How many of ``offsets`` (seconds from the start) fall in each bin of ``bin_s``."""
    counts = [0] * bins
    for offset in offsets:
        index = int(offset // bin_s)
        if 0 <= index < bins:
            counts[index] += 1
    return counts


def bin_percentiles(
    points: Iterable[tuple[float, float]], bin_s: float, bins: int, p: float
) -> list[float | None]:
    """Per bin of ``(offset, value)`` by offset: the ``p``-th percentile of the values."""
    grouped: list[list[float]] = [[] for _ in range(bins)]
    for offset, value in points:
        index = int(offset // bin_s)
        if 0 <= index < bins:
            grouped[index].append(value)
    return [_round(percentile(sorted(values), p)) for values in grouped]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
