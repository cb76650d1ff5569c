"""Latency percentiles from log buckets, against the exact nearest-rank figures of the samples."""

from __future__ import annotations

import math
import random

import pytest

from services.gateway.latency import RESOLUTION, Bucket, bucket_of, merge, summarise


def exact(samples: list[float], percentile: int) -> float:
    """Nearest rank: the smallest sample with at least ``percentile`` % of them at or below."""
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(percentile / 100 * len(ordered))) - 1]


def histogram(samples: list[float]) -> list[Bucket]:
    buckets: dict[int, Bucket] = {}
    for ms in samples:
        index = bucket_of(ms)
        seen = buckets.get(index, Bucket(index, 0, 0.0))
        buckets[index] = Bucket(index, seen.count + 1, max(seen.max_ms, ms))
    return list(buckets.values())


def test_buckets_double_every_sixteen() -> None:
    assert bucket_of(0.2) == 0  # under a millisecond
    assert bucket_of(1.0) == 1
    assert bucket_of(2.0) == 17  # one doubling later
    assert bucket_of(1024.0) == 161  # ten doublings
    assert pytest.approx(0.0443, abs=1e-4) == RESOLUTION


@pytest.mark.parametrize("seed", range(5))
def test_percentiles_are_never_below_the_exact_ones_and_within_one_bucket(seed: int) -> None:
    rng = random.Random(seed)
    samples = [rng.lognormvariate(6, 1.2) for _ in range(rng.randint(1, 3000))]

    summary = summarise(histogram(samples))

    assert summary.count == len(samples)
    assert summary.max == pytest.approx(max(samples) / 1000)
    for percentile, found in ((50, summary.p50), (95, summary.p95), (99, summary.p99)):
        truth = exact(samples, percentile) / 1000
        assert found is not None
        assert truth <= found <= truth * (1 + RESOLUTION) + 1e-12


def test_a_window_merges_the_same_bucket_of_several_minutes() -> None:
    minute_one = [Bucket(10, 2, 5.0), Bucket(12, 1, 7.0)]
    minute_two = [Bucket(10, 3, 5.5)]

    assert merge(minute_one + minute_two) == [Bucket(10, 5, 5.5), Bucket(12, 1, 7.0)]


def test_no_sample_no_figure() -> None:
    summary = summarise([])

    assert (summary.count, summary.p50, summary.max) == (0, None, None)
