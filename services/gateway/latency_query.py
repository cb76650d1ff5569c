"""Latency per hop and throughput over time, read from the rows the tracker keeps.

Both read the rows written with the counters (``latency_*``, ``activity``), keyed by simulated
time, so a window is a range over an index, never a scan of the dossiers. The routes of
``routes/latency.py`` and the gateway's ``/metrics`` answer from here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from services.gateway.counter_models import Activity, LatencyOverall, LatencyRecent
from services.gateway.latency import END_TO_END, HOPS, RESOLUTION, Bucket, summarise
from services.gateway.stats_models import (
    FlowLatency,
    HopLatency,
    LatencyStats,
    LatencySummary,
    Throughput,
    ThroughputPoint,
)

ACTIVITY_METRICS = ("submitted", "completed", "rejected", "dead_lettered")


async def _buckets(connection: Any, query: Any) -> dict[tuple[str, str], list[Bucket]]:
    found: dict[tuple[str, str], list[Bucket]] = {}
    for flow, hop, index, count, max_ms in (await connection.execute(query)).all():
        found.setdefault((flow, hop), []).append(Bucket(index, int(count), float(max_ms)))
    return found


async def compute_latency(
    session: AsyncSession, now: datetime, flow: str | None, window: int
) -> LatencyStats:
    """Every hop of ``flow`` (or both), over the last ``window`` seconds and overall."""
    first_minute = int(now.timestamp() - window) // 60
    connection = await session.connection()
    overall_query = sa_select(
        col(LatencyOverall.flow),
        col(LatencyOverall.hop),
        col(LatencyOverall.bucket),
        col(LatencyOverall.count),
        col(LatencyOverall.max_ms),
    )
    recent = LatencyRecent
    window_query = (
        sa_select(
            col(recent.flow),
            col(recent.hop),
            col(recent.bucket),
            func.sum(recent.count),
            func.max(recent.max_ms),
        )
        .where(col(recent.minute) >= first_minute)
        .group_by(col(recent.flow), col(recent.hop), col(recent.bucket))
    )
    if flow is not None:
        overall_query = overall_query.where(col(LatencyOverall.flow) == flow)
        window_query = window_query.where(col(recent.flow) == flow)
    overall = await _buckets(connection, overall_query)
    windowed = await _buckets(connection, window_query)
    flows: dict[str, FlowLatency] = {}
    for name, hops in HOPS.items():
        if flow not in (None, name):
            continue
        chain = [(hop, agency) for agency, hop in hops.items()] + [(END_TO_END, None)]
        flows[name] = FlowLatency(
            hops=[
                HopLatency(
                    hop=hop,
                    agency=agency,
                    window=LatencySummary(**vars(summarise(windowed.get((name, hop), [])))),
                    overall=LatencySummary(**vars(summarise(overall.get((name, hop), [])))),
                )
                for hop, agency in chain
            ]
        )
    return LatencyStats(
        generated_at=now, window_seconds=window, resolution=round(RESOLUTION, 4), flows=flows
    )


async def compute_throughput(
    session: AsyncSession, now: datetime, flow: str | None, minutes: int, bucket: int
) -> Throughput:
    """What happened per ``bucket`` seconds over the last ``minutes``; empty buckets are 0."""
    end = int(now.timestamp())
    start = (end - minutes * 60) // bucket * bucket
    slot = col(Activity.second) // bucket if bucket > 1 else col(Activity.second)
    query = (
        sa_select(slot, col(Activity.metric), func.sum(Activity.count))
        .where(col(Activity.second) >= start, col(Activity.second) <= end)
        .group_by(slot, col(Activity.metric))
    )
    if flow is not None:
        query = query.where(col(Activity.flow) == flow)
    connection = await session.connection()
    counts: dict[int, dict[str, int]] = {}
    for index, metric, n in (await connection.execute(query)).all():
        counts.setdefault(int(index) * bucket, {})[metric] = int(n)
    series = [
        ThroughputPoint(
            at=datetime.fromtimestamp(at, UTC),
            **{metric: counts.get(at, {}).get(metric, 0) for metric in ACTIVITY_METRICS},
        )
        for at in range(start, end + 1, bucket)
    ]
    return Throughput(generated_at=now, bucket_seconds=bucket, series=series)
