"""What processes cost, read from /proc: memory, CPU, and the load tool's own share."""

from __future__ import annotations

import os
import sys

import pytest

from lienthong.load.procs import ProcWatch, SelfCost, cpu_seconds, memory_kb

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def burn() -> int:
    return sum(n * n for n in range(300_000))


def test_memory_and_cpu_of_a_process() -> None:
    memory = memory_kb(os.getpid())
    assert memory["VmHWM"] >= memory["VmRSS"] > 1000
    assert (cpu_seconds(os.getpid()) or 0) > 0
    assert memory_kb(2**22 + 12345) == {} and cpu_seconds(2**22 + 12345) is None


def test_a_watch_reports_peak_memory_and_cores_per_process() -> None:
    watch = ProcWatch({"me": os.getpid(), "gone": 2**22 + 12345})
    watch.sample()
    burn()
    watch.sample()
    report = watch.report()
    me = report["me"]
    assert me["pid"] == os.getpid()
    assert me["hwm_mb"] >= me["peak_rss_mb"] > 1
    assert me["cpu_s"] is not None and me["cpu_s"] >= 0 and me["cores"] is not None
    assert report["gone"] == {
        "pid": 2**22 + 12345,
        "peak_rss_mb": None,
        "hwm_mb": None,
        "cpu_s": None,
        "cores": None,
    }


def test_the_tools_cost_is_per_form_while_preparing_and_per_dossier_after() -> None:
    cost = SelfCost()
    cost.begin()
    burn()
    cost.end("prepare")
    cost.begin()
    burn()
    cost.end("submit")
    report = cost.report(dossiers=10, forms=20)
    prepare, submit = report["prepare"], report["submit"]
    assert prepare["cpu_ms_per_dossier"] == pytest.approx(prepare["cpu_s"] * 1000 / 20, abs=0.05)
    assert submit["cpu_ms_per_dossier"] == pytest.approx(submit["cpu_s"] * 1000 / 10, abs=0.1)
    assert 0 < submit["cores"] <= 1.5
    assert report["max_rss_mb"] > 1
