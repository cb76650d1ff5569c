"""``/api/v1/stats/latency`` and ``/api/v1/stats/throughput``: how fast, and how much, over time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lienthong.contracts.steps import FlowName
from lienthong.runtime.app import ReadSessionDep, RuntimeDep
from lienthong.runtime.http import field_error
from services.gateway.latency_query import compute_latency, compute_throughput
from services.gateway.retention import ACTIVITY_SECONDS, LATENCY_MINUTES
from services.gateway.stats_models import LatencyStats, Throughput

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])

MAX_POINTS = 2_000
"""Points of one throughput series (a chart has no use for more)."""


@router.get("/latency", response_model=LatencyStats, summary="Latency per hop")
async def latency(
    session: ReadSessionDep,
    runtime: RuntimeDep,
    flow: Annotated[
        FlowName | None,
        Query(description="Only this flow: birth or death (default: both).", examples=["birth"]),
    ] = None,
    window: Annotated[
        int,
        Query(
            ge=60,
            le=LATENCY_MINUTES * 30,
            description="Sliding window in seconds of simulated time (whole minutes are read).",
            examples=[300],
        ),
    ] = 300,
) -> LatencyStats:
    """p50, p95, p99 and max of every hop (birth: registered → citizen → card; death:
    registered → deceased recorded ∥ benefit decided) and end to end (submitted → completed),
    over the last ``window`` seconds and since the start, from the agencies' event times."""
    return await compute_latency(session, runtime.clock.now(), flow, window)


@router.get("/throughput", response_model=Throughput, summary="Dossiers over time")
async def throughput(
    session: ReadSessionDep,
    runtime: RuntimeDep,
    flow: Annotated[
        FlowName | None,
        Query(description="Only this flow: birth or death (default: both).", examples=["birth"]),
    ] = None,
    minutes: Annotated[
        int,
        Query(
            ge=1,
            le=ACTIVITY_SECONDS // 60,
            description="How far back, in minutes of simulated time.",
            examples=[10],
        ),
    ] = 10,
    bucket: Annotated[
        int,
        Query(
            ge=1,
            le=3600,
            description=f"Seconds per point of the series (at most {MAX_POINTS} points).",
            examples=[5],
        ),
    ] = 5,
) -> Throughput:
    """Dossiers submitted, completed and rejected, and dead letters, per ``bucket`` seconds of
    simulated time over the last ``minutes``; buckets with nothing are zeros."""
    if minutes * 60 // bucket > MAX_POINTS:
        raise field_error(
            "query",
            "bucket",
            f"at most {MAX_POINTS} points: use a bucket of "
            f"{-(-minutes * 60 // MAX_POINTS)} s or more for {minutes} minutes",
        )
    return await compute_throughput(session, runtime.clock.now(), flow, minutes, bucket)
