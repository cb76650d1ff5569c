"""A load run summarised: the JSON report (``--report json``) that the text and HTML render.

The report keeps the tool's own counts next to the gateway's (``/api/v1/stats`` before and
after) and says whether they agree: a load tool whose numbers cannot be checked against the
system's is not worth its charts. Latencies are real seconds, from the gateway's times.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from lienthong.load.observe import FINAL, hop_latencies
from lienthong.load.plan import planned_count
from lienthong.load.stats import bin_counts, bin_percentiles, summarize
from lienthong.load.submit import ACCEPTED

if TYPE_CHECKING:
    from lienthong.load.engine import LoadRun

__all__ = ["SCHEMA", "LoadReport", "build_report"]

SCHEMA: Final = "lienthong.load/1"
MAX_BINS: Final = 240
IDS_SHOWN: Final = 1000
LATE_SEND_S: Final = 0.01
"""A median send later than this after its instant: the tool, not the system, set the pace."""
BUSY_CORES: Final = 0.9
"""The tool using this much of its core while sending could not have gone faster."""


@dataclass(frozen=True)
class LoadReport:
    """The JSON-ready report of one run, with the few figures commands read from it."""

    data: dict[str, Any]

    @property
    def completed_per_s(self) -> float:
        """Completed dossiers per real second over the run's window."""
        return float(self.data["rates"]["completed_per_s"] or 0.0)

    @property
    def p99_s(self) -> float | None:
        """p99 of submit → completed, real seconds."""
        value = self.data["latency_s"]["submit_to_completed"]["p99"]
        return None if value is None else float(value)


def _rate(count: float, seconds: float) -> float | None:
    return round(count / seconds, 2) if seconds > 0 else None


def _events(before: Mapping[str, int | None], after: Mapping[str, int | None]) -> dict[str, Any]:
    """Events published per service during the run; None where a count was lost (restart)."""
    per: dict[str, int | None] = {}
    for name, then in before.items():
        now = after.get(name)
        per[name] = now - then if then is not None and now is not None and now >= then else None
    known = [n for n in per.values() if n is not None]
    return {"published": per, "total": sum(known) if len(known) == len(per) else None}


def _gateway(run: LoadRun, ours: Mapping[str, int]) -> dict[str, Any]:
    """The gateway's counters before and after, their delta, and whether it matches ours."""
    delta = {k: run.gateway_after.get(k, 0) - run.gateway_before.get(k, 0) for k in ours}
    delta["open"] = delta.pop("submitted", 0) + delta.pop("in_progress", 0)
    expected = {**ours}
    expected["open"] = expected.pop("submitted", 0) + expected.pop("in_progress", 0)
    differences = [
        f"{key}: gateway {delta.get(key, 0)}, load tool {value}"
        for key, value in expected.items()
        if delta.get(key, 0) != value
    ]
    return {
        "before": run.gateway_before,
        "after": run.gateway_after,
        "delta": delta,
        "agrees": not differences,
        "differences": differences,
    }


def _timeline(run: LoadRun, completions: list[float], points: list[tuple[float, float]]) -> Any:
    end = max([run.submit_s, *completions, *(at for at, _ in run.lag_series)], default=0.0)
    bin_s = max(1.0, math.ceil(end / MAX_BINS)) if end > 0 else 1.0
    bins = max(1, math.ceil(end / bin_s + 1e-9))
    lag_points = [(at, float(sum(lags.values()))) for at, lags in run.lag_series]
    return {
        "bin_s": bin_s,
        "sent": bin_counts(run.log.sent_at, bin_s, bins),
        "completed": bin_counts(completions, bin_s, bins),
        "latency_p50_s": bin_percentiles(points, bin_s, bins, 50),
        "latency_p99_s": bin_percentiles(points, bin_s, bins, 99),
        "lag": _carried(bin_percentiles(lag_points, bin_s, bins, 100)),
    }


def _carried(values: list[float | None]) -> list[float | None]:
    """Bins without a sample (lag is read once per poll) show the last sample before them."""
    out: list[float | None] = []
    for value in values:
        out.append(value if value is not None or not out else out[-1])
    return out


def build_report(run: LoadRun) -> LoadReport:
    """Summarise a run (see the module docstring for what is compared with what)."""
    log, plan, clock = run.log, run.plan, run.clock
    outcomes = log.outcome_counts()
    accepted = log.accepted_ids()
    statuses = Counter(run.dossiers[d].status if d in run.dossiers else "missing" for d in accepted)
    lost = [d for d in accepted if d not in run.dossiers or run.dossiers[d].status not in FINAL]
    failed = [d for d in accepted if d in run.dossiers and run.dossiers[d].status == "failed"]
    completions: list[float] = []
    points: list[tuple[float, float]] = []  # (submitted, seconds into the run; latency)
    flows: list[str] = []
    for d in run.dossiers.values():
        if d.completed_at is not None:
            completions.append(clock.wall(d.completed_at) - run.wall_started)
            submitted = clock.wall(d.submitted_at) - run.wall_started
            points.append((submitted, clock.real_s(d.submitted_at, d.completed_at)))
            flows.append(d.kind)
    window = max([run.submit_s, *completions], default=0.0)
    ours = {status: statuses.get(status, 0) for status in ("completed", "rejected", "failed")}
    ours["submitted"] = statuses.get("submitted", 0) + statuses.get("missing", 0)
    ours["in_progress"] = statuses.get("in_progress", 0)
    ours["total"] = len(set(accepted))
    events = _events(run.published_before, run.published_after)
    hops = {
        kind: {
            agency: summarize(values)
            for agency, values in hop_latencies(
                [d for d in run.sampled.values() if d.kind == kind], clock
            ).items()
        }
        for kind in ("birth", "death")
    }
    by_flow = {
        kind: summarize(p[1] for p, flow in zip(points, flows, strict=True) if flow == kind)
        for kind in ("birth", "death")
    }
    lag_series = run.lag_series
    peaks: dict[str, int] = {}
    for _, lags in lag_series:
        for group, lag in lags.items():
            peaks[group] = max(peaks.get(group, 0), lag)
    peak_total, peak_at = max(
        ((sum(lags.values()), at) for at, lags in lag_series), default=(None, None)
    )
    schedule_lag = summarize(log.lag_s)
    late = schedule_lag["p50"]
    busy = run.tool.get("submit", {}).get("cores") or 0.0
    lagging = (late is not None and late > LATE_SEND_S) or busy > BUSY_CORES
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "run_tag": run.run_tag,
        "plan": {
            "mode": plan.mode.value,
            "rate": plan.rate if plan.open_loop else None,
            "duration_s": plan.duration_s,
            "ramp_s": plan.ramp_s,
            "arrivals": plan.arrivals.value if plan.open_loop else None,
            "concurrency": None if plan.open_loop else plan.concurrency,
            "batch": plan.batch or None,
            "seed": plan.seed,
            "birth_share": round(plan.birth_share, 4),
            "clock_speed": clock.speed,
        },
        "elapsed_s": {
            "submitting": round(run.submit_s, 3),
            "draining": round(run.drain_s, 3),
            "window": round(window, 3),
        },
        "counts": {
            "planned": planned_count(plan) if plan.open_loop else None,
            "sent": len(log.outcomes),
            "dropped": log.dropped,
            "submitted": sum(outcomes[o] for o in ACCEPTED),
            "refused": {o: n for o, n in outcomes.items() if o not in ACCEPTED and o != "error"},
            "errors": outcomes.get("error", 0),
            "births": log.kinds.count("birth"),
            "deaths": log.kinds.count("death"),
            "completed": ours["completed"],
            "rejected": ours["rejected"],
            "failed": ours["failed"],
            "lost": len(lost),
            "requests": log.requests,
        },
        "lost_ids": lost[:IDS_SHOWN],
        "failed_ids": failed[:IDS_SHOWN],
        "rates": {
            "submitted_per_s": _rate(sum(outcomes[o] for o in ACCEPTED), run.submit_s),
            "completed_per_s": _rate(ours["completed"], window),
            "events_per_s": _rate(events["total"], window) if events["total"] is not None else None,
        },
        "events": events,
        "latency_s": {
            "accept": summarize(
                t for t, o in zip(log.accept_s, log.outcomes, strict=True) if o in ACCEPTED
            ),
            "submit_to_completed": summarize(latency for _, latency in points),
            "submit_to_completed_by_flow": by_flow,
            "hops": hops,
            "hops_sample": len(run.sampled),
        },
        "gateway": _gateway(run, ours),
        "consumer_lag": {
            "available": bool(lag_series),
            "error": run.lag_error,
            "peak": peaks,
            "peak_total": peak_total,
            "peak_at_s": None if peak_at is None else round(peak_at, 1),
        },
        "services": run.processes,
        "load_tool": {
            **run.tool,
            "schedule_lag_s": schedule_lag,
            "starved": run.starved,
            "dropped": log.dropped,
            "deaths_short": run.deaths_short,
            "may_have_limited_the_rate": bool(lagging or run.starved),
        },
        "errors": log.errors,
        "notes": run.notes,
        "timeline": _timeline(run, completions, points),
    }
    return LoadReport(data)
