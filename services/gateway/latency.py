"""Latency per hop (thời gian xử lý từng bước), kept as histograms next to the counters.

A hop is one agency's step, from the event that reached it to the event of its decision, both
in simulated time; ``end_to_end`` runs from submission to the last decision of a completed
dossier. Only steps that synced count (a refusal ends the chain, it is not a hop).

Exact percentiles over a million dossiers would mean sorting a million rows per request, so
each sample lands in a logarithmic bucket — :data:`PER_OCTAVE` buckets per doubling, each
≈ 4.4 % wide — that keeps its count and its largest sample. A percentile is the largest sample
of the bucket holding its rank (nearest rank): never below the exact figure, and at most one
bucket width above it. ``max`` is exact.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from lienthong.contracts.services import CIVIL_REGISTRY, INSURANCE, POPULATION

PER_OCTAVE: Final = 16
"""Buckets per doubling of the latency: 2^(1/16) ≈ 1.044, so a bucket is ≈ 4.4 % wide."""

RESOLUTION: Final = 2 ** (1 / PER_OCTAVE) - 1
"""How far above the exact figure a percentile may be, relatively."""

END_TO_END: Final = "end_to_end"

HOPS: Final[dict[str, dict[str, str]]] = {
    "birth": {CIVIL_REGISTRY: "registered", POPULATION: "citizen", INSURANCE: "card"},
    "death": {
        CIVIL_REGISTRY: "registered",
        POPULATION: "deceased_recorded",
        INSURANCE: "benefit_decided",
    },
}
"""Flow → agency → the name of the hop its step is (birth: submitted → registered → citizen →
card; death: → registered → deceased recorded ∥ benefit decided)."""

PERCENTILES: Final = (50, 95, 99)


def bucket_of(ms: float) -> int:
    """The bucket of a latency in milliseconds: 0 below 1 ms, then 16 per doubling."""
    if ms < 1:
        return 0
    return 1 + math.floor(math.log2(ms) * PER_OCTAVE)


@dataclass(frozen=True)
class Bucket:
    """One histogram bucket as stored: its index, its count, its largest sample (ms)."""

    index: int
    count: int
    max_ms: float


@dataclass(frozen=True)
class Summary:
    """A hop's latency: how many samples, p50/p95/p99 and max, in seconds (None: no sample)."""

    count: int
    p50: float | None
    p95: float | None
    p99: float | None
    max: float | None


def merge(buckets: Iterable[Bucket]) -> list[Bucket]:
    """Buckets of the same index summed (the minutes of a window), in index order."""
    merged: dict[int, Bucket] = {}
    for bucket in buckets:
        seen = merged.get(bucket.index)
        if seen is None:
            merged[bucket.index] = bucket
        else:
            merged[bucket.index] = Bucket(
                bucket.index, seen.count + bucket.count, max(seen.max_ms, bucket.max_ms)
            )
    return [merged[index] for index in sorted(merged)]


def summarise(buckets: Iterable[Bucket]) -> Summary:
    """Nearest-rank percentiles and the exact max of a histogram."""
    ordered = merge(buckets)
    total = sum(bucket.count for bucket in ordered)
    if total == 0:
        return Summary(0, None, None, None, None)
    found: dict[int, float] = {}
    for percentile in PERCENTILES:
        rank = max(1, math.ceil(percentile / 100 * total))
        running = 0
        for bucket in ordered:
            running += bucket.count
            if running >= rank:
                found[percentile] = bucket.max_ms / 1000
                break
    return Summary(
        count=total,
        p50=found[50],
        p95=found[95],
        p99=found[99],
        max=max(bucket.max_ms for bucket in ordered) / 1000,
    )
