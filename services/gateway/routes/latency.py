"""``/api/v1/stats/latency`` and ``/api/v1/stats/throughput``: how fast, and how much, over time.

Both read the rows the tracker writes with the counters (``latency_*``, ``activity``), keyed by
simulated time, so a window is a range over an index, never a scan of the dossiers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col

from lienthong.contracts.scope import FlowName
from lienthong.runtime.app import ReadSessionDep, RuntimeDep
from services.gateway.counter_models import Activity, LatencyOverall, LatencyRecent
from services.gateway.latency import END_TO_END, HOPS, RESOLUTION, Bucket, summarise
from services.gateway.retention import ACTIVITY_SECONDS, LATENCY_MINUTES
from services.gateway.stats_models import (
    FlowLatency,
    HopLatency,
    LatencyStats,
    LatencySummary,
    Throughput,
    ThroughputPoint,
)

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])

ACTIVITY_METRICS = ("submitted", "completed", "rejected", "dead_lettered")


async def _buckets(connection: Any, query: Any) -> dict[tuple[str, str], list[Bucket]]:
    found: dict[tuple[str, str], list[Bucket]] = {}
    for flow, hop, index, count, max_ms in (await connection.execute(query)).all():
        found.setdefault((flow, hop), []).append(Bucket(index, int(count), float(max_ms)))
    return found


@router.get("/latency", response_model=LatencyStats, summary="Latency per hop")
async def latency(
    session: ReadSessionDep,
    runtime: RuntimeDep,
    flow: Annotated[FlowName | None, Query(description="birth | death")] = None,
    window: Annotated[
        int,
        Query(
            ge=60,
            le=LATENCY_MINUTES * 30,
            description="Sliding window in seconds of simulated time (whole minutes are read).",
        ),
    ] = 300,
) -> LatencyStats:
    """p50, p95, p99 and max of every hop (birth: registered → citizen → card; death:
    registered → deceased recorded ∥ benefit decided) and end to end (submitted → completed),
    over the last ``window`` seconds and since the start, from the agencies' event times."""
    now = runtime.clock.now()
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


@router.get("/throughput", response_model=Throughput, summary="Dossiers over time")
async def throughput(
    session: ReadSessionDep,
    runtime: RuntimeDep,
    flow: Annotated[FlowName | None, Query(description="birth | death")] = None,
    minutes: Annotated[
        int, Query(ge=1, le=ACTIVITY_SECONDS // 60, description="How far back (simulated).")
    ] = 10,
    bucket: Annotated[
        int, Query(ge=1, le=3600, description="Seconds per point of the series.")
    ] = 5,
) -> Throughput:
    """Dossiers submitted, completed and rejected, and dead letters, per ``bucket`` seconds of
    simulated time over the last ``minutes``; buckets with nothing are zeros."""
    now = runtime.clock.now()
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
