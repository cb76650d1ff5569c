"""``lienthong load`` and ``lienthong bench`` against the running system: the load tool's counts
agree with the gateway's, and the benchmark prints both rates and their ratio."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from lienthong.cli.main import main
from tests.e2e.helpers import RunningSystem

pytestmark = pytest.mark.e2e

OPEN = ("submitted", "in_progress")


def totals(system: RunningSystem) -> dict[str, int]:
    """Dossiers by status over both flows, as ``/api/v1/stats`` counts them."""
    stats = httpx.get(f"{system.urls['gateway']}/api/v1/stats", timeout=10).json()
    out: dict[str, int] = {}
    for flow in stats["flows"].values():
        for status, count in flow["dossiers"].items():
            out[status] = out.get(status, 0) + count
    return out


def settled(system: RunningSystem, timeout_s: float = 15.0) -> dict[str, int]:
    """The counters once no dossier of an earlier test is still moving (stuck ones stay)."""
    deadline = time.monotonic() + timeout_s
    previous = totals(system)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        current = totals(system)
        if current == previous and not any(current.get(s) for s in OPEN):
            return current
        previous = current
    return previous


def test_load_reports_what_the_gateway_counts(
    system: RunningSystem, capsys: pytest.CaptureFixture[str]
) -> None:
    before = settled(system)
    argv = ["load", "--rate", "20", "--duration", "5", "--report", "json"]
    code = main([*argv, "--url", system.urls["gateway"], "--drain", "30"])
    after = totals(system)
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert code == 0
    counts = report["counts"]
    assert counts["planned"] == counts["sent"] == 100
    assert counts["submitted"] == 100 and counts["lost"] == 0
    assert counts["completed"] + counts["rejected"] + counts["failed"] == 100
    assert counts["completed"] == 100  # every form the factory builds is one all agencies accept
    delta = {status: after.get(status, 0) - before.get(status, 0) for status in after}
    assert delta["total"] == counts["submitted"]
    assert delta["completed"] == counts["completed"]
    assert delta["rejected"] == counts["rejected"] and delta["failed"] == counts["failed"]
    assert report["gateway"]["agrees"], report["gateway"]["differences"]
    latency = report["latency_s"]["submit_to_completed"]
    assert latency["count"] == counts["completed"] and 0 < latency["p50"] <= latency["p99"]
    assert report["rates"]["completed_per_s"] > 10
    assert report["latency_s"]["hops"]["birth"]["civil_registry"]["count"] > 0
    assert report["load_tool"]["submit"]["cpu_ms_per_dossier"] > 0


def test_bench_prints_both_rates_and_their_ratio(
    system: RunningSystem, capsys: pytest.CaptureFixture[str]
) -> None:
    settled(system)
    argv = ["bench", "--duration", "3", "--concurrency", "16", "--prefill", "300", "--drain", "30"]
    assert main([*argv, "--data-dir", str(system.data_dir)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("null pipeline") and "messages/s" in lines[0]
    assert lines[1].startswith("full system") and "completed dossiers/s" in lines[1]
    assert lines[2].startswith("ratio") and "÷" in lines[2]
    assert "lag         peak" in out  # found through its data dir: the broker is known
    assert "gateway         peak RSS" in out
