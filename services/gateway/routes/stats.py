"""``/api/v1/stats``: the sync counters — sent, synced, rejected, failed, pending, on time.

Answered from the counters the gateway keeps in the transactions that move dossiers
(``counting.py``), filtered by flow, agency, province and submission dates, and grouped by day
or province; ``lienthong verify`` recounts them from the dossier rows.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from lienthong.contracts.steps import FlowName
from lienthong.domain.admin_units import load_admin_units
from lienthong.runtime.app import ReadSessionDep, RuntimeDep
from lienthong.runtime.http import field_error
from services.gateway.failure_models import AgencyName
from services.gateway.stats_models import GroupBy, Stats, StatsFilters
from services.gateway.stats_query import compute_stats

router = APIRouter(prefix="/api/v1", tags=["stats"])

_DAY = "Vietnam date the dossiers were submitted on (YYYY-MM-DD), inclusive."


@router.get(
    "/stats",
    response_model=Stats,
    summary="Sync counters",
    responses={422: {"description": "Unknown flow, agency or province, or since after until"}},
)
async def get_stats(
    session: ReadSessionDep,
    runtime: RuntimeDep,
    flow: Annotated[
        FlowName | None,
        Query(
            description="Only this flow: birth (khai sinh) or death (khai tử).", examples=["birth"]
        ),
    ] = None,
    agency: Annotated[
        AgencyName | None, Query(description="Only this agency's step.", examples=["population"])
    ] = None,
    province: Annotated[
        str | None,
        Query(
            description="Province code (2 digits) of the office handling the dossier.",
            examples=["01"],
        ),
    ] = None,
    since: Annotated[
        date | None, Query(description=f"From: {_DAY}", examples=["2026-11-01"])
    ] = None,
    until: Annotated[
        date | None, Query(description=f"Until: {_DAY}", examples=["2026-11-30"])
    ] = None,
    group_by: Annotated[
        GroupBy | None,
        Query(description="day | province: the same figures per group.", examples=["province"]),
    ] = None,
) -> Stats:
    """Per flow: dossiers by status and timeliness; per agency: sent, synced, rejected (by
    reason), failed, pending, waiting, skipped, on time, overdue, dead letters and redrives.
    Steps and dossiers still open past their deadline count as overdue at the answer's time."""
    if province is not None and load_admin_units().province(province) is None:
        raise field_error("query", "province", f"no province with code {province!r}")
    if since is not None and until is not None and since > until:
        raise field_error("query", "until", "must not be before since")
    filters = StatsFilters(
        flow=flow, agency=agency, province=province, since=since, until=until, group_by=group_by
    )
    return await compute_stats(session, filters, runtime.clock.now())
