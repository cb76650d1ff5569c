"""Percentiles, bins and thresholds of the load report: nearest rank, and k6-like pass/fail."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from lienthong.load.stats import bin_counts, bin_percentiles, percentile, summarize
from lienthong.load.thresholds import Limit, Thresholds, count_or_percent, evaluate, failures


def test_percentiles_are_nearest_rank_values_of_the_samples() -> None:
    values = [float(n) for n in range(1, 101)]  # 1 … 100
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([3.0], 99) == 3.0
    assert percentile([], 50) is None
    assert percentile([1.0, 2.0], 0) == 1.0


def test_summarize_gives_count_mean_percentiles_and_max() -> None:
    summary = summarize([0.3, 0.1, 0.2, 0.4])
    assert summary == {
        "count": 4,
        "mean": 0.25,
        "p50": 0.2,
        "p90": 0.4,
        "p99": 0.4,
        "max": 0.4,
    }
    assert summarize([]) == {
        "count": 0,
        "mean": None,
        "p50": None,
        "p90": None,
        "p99": None,
        "max": None,
    }


def test_bins_count_and_take_percentiles_per_second() -> None:
    assert bin_counts([0.1, 0.9, 1.0, 2.5, 9.0, -1.0], 1.0, 3) == [2, 1, 1]
    points = [(0.1, 1.0), (0.2, 3.0), (2.1, 5.0)]
    assert bin_percentiles(points, 1.0, 3, 50) == [1.0, None, 5.0]
    assert bin_percentiles(points, 1.0, 3, 99) == [3.0, None, 5.0]


def report(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "counts": {
            "sent": 200,
            "failed": 1,
            "lost": 2,
            "errors": 1,
            "refused": {"overloaded": 4, "invalid": 0},
        },
        "rates": {"completed_per_s": 95.5},
        "latency_s": {"submit_to_completed": {"p99": 1.25}},
    }
    data.update(overrides)
    return data


def test_failures_count_failed_lost_and_not_accepted_but_not_rejected() -> None:
    assert failures(report()) == 8


def test_thresholds_name_what_was_expected_and_what_was_measured() -> None:
    checks = evaluate(
        report(), Thresholds(max_p99_s=1.0, min_rate=90.0, max_failed=Limit(5, percent=True))
    )
    assert [(c["name"], c["ok"]) for c in checks] == [
        ("max_p99", False),
        ("min_rate", True),
        ("max_failed", True),
    ]
    assert checks[0]["expected"] == "≤ 1" and checks[0]["actual"] == 1.25
    assert checks[2]["actual"] == 4.0  # 8 of 200 sent, in percent
    assert evaluate(report(), Thresholds(max_failed=Limit(7)))[0]["ok"] is False
    assert evaluate(report(), Thresholds()) == []


def test_nothing_completed_fails_a_p99_and_a_rate_threshold() -> None:
    data = report(rates={"completed_per_s": None}, latency_s={"submit_to_completed": {"p99": None}})
    checks = evaluate(data, Thresholds(max_p99_s=10.0, min_rate=0.0))
    assert [c["ok"] for c in checks] == [False, False]


def test_max_failed_takes_a_count_or_a_percentage() -> None:
    assert count_or_percent("3") == Limit(3.0)
    assert count_or_percent("0.5%") == Limit(0.5, percent=True)
    assert str(count_or_percent("2%")) == "2%"
    for bad in ("x", "-1", "101%", "nan", "inf"):
        with pytest.raises(argparse.ArgumentTypeError):
            count_or_percent(bad)
