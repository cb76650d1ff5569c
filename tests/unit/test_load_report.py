"""The load report from what a run measured: counts, rates, latencies, the gateway's agreement,
and its text and HTML renderings."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

from lienthong.load.engine import LoadRun, Progress
from lienthong.load.forms import Prepared
from lienthong.load.html import line_chart, render_html
from lienthong.load.observe import ClockMap, DossierTimes, hop_latencies, stats_totals
from lienthong.load.plan import LoadPlan, Mode
from lienthong.load.report import build_report
from lienthong.load.text import progress_line, render_text

T0 = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
WALL0 = 1_800_000_000.0
CLOCK = ClockMap(speed=1.0, sim_at=T0, wall_at=WALL0)
AGENCIES = ("civil_registry", "population", "insurance")


def dossier(n: int, status: str = "completed", took: float = 0.5) -> DossierTimes:
    submitted = T0 + timedelta(seconds=n * 0.1)
    steps = tuple(
        (
            agency,
            submitted + timedelta(seconds=i * took / 3),
            submitted + timedelta(seconds=(i + 1) * took / 3),
        )
        for i, agency in enumerate(AGENCIES)
    )
    return DossierTimes(
        dossier_id=f"d{n}",
        kind="birth" if n % 10 else "death",
        status=status,
        submitted_at=submitted,
        completed_at=submitted + timedelta(seconds=took) if status == "completed" else None,
        steps=steps,
    )


def measured_run(gateway_agrees: bool = True) -> LoadRun:
    """100 dossiers at 10/s: 96 completed, 1 rejected, 1 failed, 2 never finished."""
    run = LoadRun(LoadPlan(Mode.RATE, duration_s=10, rate=10), "tag", CLOCK, WALL0)
    run.submit_s, run.drain_s = 10.0, 3.0
    statuses = {96: "rejected", 97: "failed", 98: "in_progress", 99: "submitted"}
    for n in range(100):
        item = Prepared(n, "birth" if n % 10 else "death", f"load-tag-{n}", b"{}")
        run.log.record(item, n * 0.1, 0.02, "accepted", f"d{n}")
        run.log.lag_s.append(0.001)
        run.dossiers[f"d{n}"] = dossier(n, statuses.get(n, "completed"), took=0.5 + n / 1000)
    item = Prepared(100, "birth", "load-tag-100", b"{}")
    run.log.record(item, 10.0, 0.01, "overloaded", None)
    run.sampled = {d: run.dossiers[d] for d in ("d1", "d2", "d10")}
    run.gateway_before = {"submitted": 0, "in_progress": 0, "completed": 50, "rejected": 0,
                          "failed": 0, "total": 50}  # fmt: skip
    run.gateway_after = {"submitted": 1, "in_progress": 1, "completed": 146, "rejected": 1,
                         "failed": 1, "total": 150}  # fmt: skip
    if not gateway_agrees:
        run.gateway_after = {**run.gateway_after, "completed": 147, "total": 151}
    run.published_before = {"gateway": 10, "civil_registry": 10, "population": 5, "insurance": 5}
    run.published_after = {"gateway": 110, "civil_registry": 109, "population": 103,
                           "insurance": 101}  # fmt: skip
    run.lag_series = [(1.0, {"gateway": 3, "civil_registry": 1}), (2.0, {"gateway": 7})]
    run.tool = {"submit": {"cpu_s": 0.1, "wall_s": 10.0, "cores": 0.01,
                           "cpu_ms_per_dossier": 1.0}, "max_rss_mb": 50.0}  # fmt: skip
    return run


def test_counts_rates_and_latencies_come_from_what_the_gateway_shows() -> None:
    data = build_report(measured_run()).data
    counts = data["counts"]
    assert (counts["sent"], counts["submitted"], counts["refused"]) == (101, 100, {"overloaded": 1})
    assert (counts["completed"], counts["rejected"], counts["failed"], counts["lost"]) == (
        96, 1, 1, 2,
    )  # fmt: skip
    assert data["lost_ids"] == ["d98", "d99"]
    assert data["failed_ids"] == ["d97"]
    assert counts["births"] == 91 and counts["deaths"] == 10
    latest = 95 * 0.1 + 0.5 + 95 / 1000  # the last completion, seconds into the run
    assert data["elapsed_s"]["window"] == round(latest, 3)
    assert data["rates"]["completed_per_s"] == round(96 / latest, 2)
    assert data["rates"]["submitted_per_s"] == 10.0
    assert data["events"]["total"] == 393
    latency = data["latency_s"]["submit_to_completed"]
    assert latency["count"] == 96 and latency["p50"] == 0.547 and latency["max"] == 0.595
    assert data["latency_s"]["accept"]["p50"] == 0.02
    hops = data["latency_s"]["hops"]
    assert set(hops) == {"birth", "death"} and set(hops["birth"]) == set(AGENCIES)
    assert hops["death"]["population"]["count"] == 1
    assert data["consumer_lag"]["peak"] == {"gateway": 7, "civil_registry": 1}
    assert (data["consumer_lag"]["peak_total"], data["consumer_lag"]["peak_at_s"]) == (7, 2.0)
    json.dumps(data)  # all of it serialisable


def test_the_gateways_counters_are_checked_against_the_tools() -> None:
    agreeing = build_report(measured_run()).data["gateway"]
    assert agreeing["agrees"] and agreeing["delta"] == {
        "completed": 96, "rejected": 1, "failed": 1, "total": 100, "open": 2,
    }  # fmt: skip
    disagreeing = build_report(measured_run(gateway_agrees=False)).data["gateway"]
    assert not disagreeing["agrees"]
    assert "completed: gateway 97, load tool 96" in disagreeing["differences"]
    assert "total: gateway 101, load tool 100" in disagreeing["differences"]


def test_the_timeline_bins_sends_completions_and_latencies_per_second() -> None:
    timeline = build_report(measured_run()).data["timeline"]
    assert timeline["bin_s"] == 1.0
    assert sum(timeline["sent"]) == 101 and timeline["sent"][0] == 10
    assert sum(timeline["completed"]) == 96
    assert timeline["latency_p50_s"][0] is not None
    assert timeline["lag"][:3] == [None, 4.0, 7.0]
    assert timeline["lag"][5] == 7.0  # carried over the bins without a sample


def test_stats_totals_add_both_flows() -> None:
    stats = {
        "flows": {
            "birth": {"dossiers": {"completed": 3, "failed": 1, "total": 4}},
            "death": {"dossiers": {"completed": 2, "submitted": 1, "total": 3}},
        }
    }
    totals = stats_totals(stats)
    assert totals["completed"] == 5 and totals["total"] == 7 and totals["rejected"] == 0


def test_hops_count_only_completed_dossiers_in_real_seconds() -> None:
    fast = ClockMap(speed=60.0, sim_at=T0, wall_at=WALL0)
    hops = hop_latencies([dossier(1, took=60.0), dossier(2, "rejected")], fast)
    assert hops == {agency: [1 / 3] for agency in AGENCIES}


def test_the_text_report_names_every_section() -> None:
    text = render_text(build_report(measured_run()).data)
    for words in ("submitted   100", "lost 2", "completed dossiers/s", "p99", "agree",
                  "lag         peak 7", "load tool", "lost ids    d98 d99"):  # fmt: skip
        assert words in text


def test_the_html_report_is_self_contained_with_charts() -> None:
    page = render_html(build_report(measured_run()).data)
    assert page.count("<svg") == 3
    assert not re.search(r"https?://", page)
    assert "<script" not in page and "<link" not in page
    for svg in re.findall(r"<svg.*?</svg>", page, re.S):
        ElementTree.fromstring(svg)  # well-formed
    assert "d98" in page  # the lost ids, in the JSON it carries


def test_a_chart_leaves_gaps_where_there_is_no_value() -> None:
    svg = line_chart("t", "s", 1.0, [("a", [1.0, 2.0, None, 3.0, 4.0]), ("b", [None, 5.0])])
    root = ElementTree.fromstring(svg)
    lines = [el for el in root.iter() if el.tag == "polyline"]
    dots = [el for el in root.iter() if el.tag == "circle"]
    assert len(lines) == 2 and len(dots) == 1


def test_the_progress_line_shows_rate_in_flight_counts_and_percentiles() -> None:
    line = progress_line(Progress(12.0, "submitting", 199.6, 2300, 87, 2210, 3, 0, 0.41, 1.2, 12))
    assert "200/s" in line and "in flight 87" in line and "completed 2210" in line
    assert "p50 410 ms" in line and "p99 1.20 s" in line and "lag 12" in line
