"""Pass/fail criteria of a run, as k6's thresholds: each one checked, named, and in the exit code.

What counts as *failed* for ``--max-failed``: dossiers that ended ``failed``, accepted
dossiers that never ended (``lost``), and submissions the portal did not accept (refused or
unanswered). Dossiers an agency *rejected* for a reason of the domain are not failures: the
system did its job.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Limit", "Thresholds", "count_or_percent", "evaluate", "failures"]


@dataclass(frozen=True)
class Limit:
    """A number of dossiers, or a percentage of those sent."""

    value: float
    percent: bool = False

    def __str__(self) -> str:
        return f"{self.value:g}%" if self.percent else f"{self.value:g}"


def count_or_percent(text: str) -> Limit:
    """argparse type: ``N`` (dossiers) or ``N%`` (of those sent), N ≥ 0."""
    percent = text.endswith("%")
    try:
        value = float(text.removesuffix("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number or a percentage") from None
    if not value >= 0 or value == float("inf") or (percent and value > 100):
        raise argparse.ArgumentTypeError(f"must be 0 or more (at most 100%), not {text}")
    return Limit(value, percent)


@dataclass(frozen=True)
class Thresholds:
    """The limits given on the command line (None: not checked)."""

    max_p99_s: float | None = None
    min_rate: float | None = None
    max_failed: Limit | None = None

    @property
    def any(self) -> bool:
        """Whether anything is to be checked."""
        return any(v is not None for v in (self.max_p99_s, self.min_rate, self.max_failed))


def failures(data: Mapping[str, Any]) -> int:
    """Failed + lost + not accepted (refused or unanswered), from a report's counts."""
    counts = data["counts"]
    refused = sum(int(n) for n in counts["refused"].values())
    return int(counts["failed"]) + int(counts["lost"]) + int(counts["errors"]) + refused


def evaluate(data: Mapping[str, Any], limits: Thresholds) -> list[dict[str, Any]]:
    """One entry per threshold given: its name, what was expected, what was measured, ok."""
    checks: list[dict[str, Any]] = []
    if limits.max_p99_s is not None:
        p99 = data["latency_s"]["submit_to_completed"]["p99"]
        checks.append(
            {
                "name": "max_p99",
                "what": "p99 submit → completed (s)",
                "expected": f"≤ {limits.max_p99_s:g}",
                "actual": p99,
                "ok": p99 is not None and p99 <= limits.max_p99_s,
            }
        )
    if limits.min_rate is not None:
        rate = data["rates"]["completed_per_s"]
        checks.append(
            {
                "name": "min_rate",
                "what": "completed dossiers/s",
                "expected": f"≥ {limits.min_rate:g}",
                "actual": rate,
                "ok": rate is not None and rate >= limits.min_rate,
            }
        )
    if limits.max_failed is not None:
        bad = failures(data)
        sent = int(data["counts"]["sent"])
        limit = limits.max_failed
        actual: float = round(100 * bad / sent, 3) if limit.percent and sent else bad
        checks.append(
            {
                "name": "max_failed",
                "what": "failed + lost + not accepted" + (" (% of sent)" if limit.percent else ""),
                "expected": f"≤ {limit}",
                "actual": actual,
                "ok": actual <= limit.value,
            }
        )
    return checks
