"""The gateway's own figures on ``/metrics``: its sync counters and hop latency, at scrape time.

They are read from the same counters ``/api/v1/stats`` answers from, in one read transaction,
so Prometheus, the API, the dashboard and ``lienthong verify`` never disagree. States (how many
steps are synced now) are gauges; running totals (dead letters, redrives) are counters.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from lienthong.contracts.steps import STEP_STATES
from lienthong.runtime.service import Service
from services.gateway.latency_query import compute_latency
from services.gateway.stats_models import StatsFilters
from services.gateway.stats_query import compute_stats

LATENCY_WINDOW_S = 300


async def gateway_metrics(service: Service) -> Iterable[Metric]:
    """Dossiers by status, steps by state, refusals by reason, timeliness, letters, redrives
    and hop latency quantiles (overall and over the last five simulated minutes)."""
    now = service.clock.now()
    async with service.db.read_session() as session:
        stats = await compute_stats(session, StatsFilters(), now)
        latency = await compute_latency(session, now, None, LATENCY_WINDOW_S)
    dossiers = GaugeMetricFamily(
        "lienthong_dossiers", "Dossiers by flow and overall status.", labels=["flow", "status"]
    )
    timeliness = GaugeMetricFamily(
        "lienthong_dossiers_timeliness",
        "Dossiers closed on time, and closed late or open past their deadline.",
        labels=["flow", "timeliness"],
    )
    steps = GaugeMetricFamily(
        "lienthong_steps",
        "Agency steps by state: sent = synced + rejected + failed + pending + returned.",
        labels=["flow", "agency", "state"],
    )
    step_timeliness = GaugeMetricFamily(
        "lienthong_steps_timeliness",
        "Agency steps decided on time, and decided late or open past their deadline.",
        labels=["flow", "agency", "timeliness"],
    )
    refusals = GaugeMetricFamily(
        "lienthong_step_refusals",
        "Refused steps by reason code.",
        labels=["flow", "agency", "reason"],
    )
    letters = CounterMetricFamily(
        "lienthong_step_dead_letters",
        "Dead letters received about agency steps.",
        labels=["flow", "agency"],
    )
    redrives = CounterMetricFamily(
        "lienthong_step_redrives", "Redrives sent for agency steps.", labels=["flow", "agency"]
    )
    for flow, figures in stats.flows.items():
        for status, n in figures.dossiers.items():
            if status != "total":
                dossiers.add_metric([flow, status], n)
        timeliness.add_metric([flow, "on_time"], figures.on_time)
        timeliness.add_metric([flow, "overdue"], figures.overdue)
        for agency, counts in figures.agencies.items():
            for state in STEP_STATES:
                steps.add_metric([flow, agency, state], getattr(counts, state))
            step_timeliness.add_metric([flow, agency, "on_time"], counts.on_time)
            step_timeliness.add_metric([flow, agency, "overdue"], counts.overdue)
            for reason, n in counts.rejected_by_reason.items():
                refusals.add_metric([flow, agency, reason], n)
            letters.add_metric([flow, agency], counts.dead_lettered)
            redrives.add_metric([flow, agency], counts.redriven)
    quantiles = GaugeMetricFamily(
        "lienthong_hop_latency_seconds",
        "Latency of each hop in simulated seconds (quantile 1 is the max); window is 'overall' "
        f"or the last {LATENCY_WINDOW_S} s.",
        labels=["flow", "hop", "window", "quantile"],
    )
    samples = GaugeMetricFamily(
        "lienthong_hop_latency_samples",
        "Samples behind each hop's quantiles.",
        labels=["flow", "hop", "window"],
    )
    for flow, hops in latency.flows.items():
        for hop in hops.hops:
            for window, summary in (("overall", hop.overall), ("recent", hop.window)):
                samples.add_metric([flow, hop.hop, window], summary.count)
                for quantile, value in (
                    ("0.5", summary.p50),
                    ("0.95", summary.p95),
                    ("0.99", summary.p99),
                    ("1", summary.max),
                ):
                    if value is not None:
                        quantiles.add_metric([flow, hop.hop, window, quantile], value)
    return [
        dossiers,
        timeliness,
        steps,
        step_timeliness,
        refusals,
        letters,
        redrives,
        quantiles,
        samples,
    ]
