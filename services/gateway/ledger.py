"""The gateway's part of ``/admin/ledger``: every dossier with its steps, and the counters.

``lienthong verify`` recomputes the counters ``/api/v1/stats`` reports from these rows; both are
read here in one transaction, so a dossier moving meanwhile cannot make them disagree. Two
queries whatever the number of dossiers (the forms are not read).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.runtime.admin_ledger import iso, rows_of
from lienthong.runtime.service import Service
from services.gateway.failure_models import Failure
from services.gateway.models import Dossier, DossierStep
from services.gateway.stats_models import StatsFilters
from services.gateway.stats_query import compute_stats
from services.gateway.tracker import FINAL_STEP_STATUSES

DOSSIER_COLUMNS = (
    col(Dossier.dossier_id),
    col(Dossier.kind),
    col(Dossier.status),
    col(Dossier.submitted_at),
    col(Dossier.updated_at),
    col(Dossier.completed_at),
    col(Dossier.closed_at),
    col(Dossier.due_at),
    col(Dossier.province_code),
)
STEP_COLUMNS = (
    col(DossierStep.dossier_id),
    col(DossierStep.agency),
    col(DossierStep.status),
    col(DossierStep.started_at),
    col(DossierStep.finished_at),
    col(DossierStep.due_at),
    col(DossierStep.reason),
)


async def ledger(service: Service, session: AsyncSession, dossier_id: str | None) -> dict[str, Any]:
    """``dossiers`` (with ``steps`` and the agencies each is ``waiting`` for) and ``counters``
    (what ``/api/v1/stats`` answers now; null when restricted to one dossier)."""
    dossier_query = sa_select(*DOSSIER_COLUMNS).order_by(col(Dossier.submitted_at))
    step_query = sa_select(*STEP_COLUMNS).order_by(col(DossierStep.position))
    if dossier_id is not None:
        dossier_query = dossier_query.where(col(Dossier.dossier_id) == dossier_id)
        step_query = step_query.where(col(DossierStep.dossier_id) == dossier_id)
    steps: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in await rows_of(session, step_query):
        reason: dict[str, Any] = row[6] or {}
        steps[row[0]].append(
            {
                "agency": row[1],
                "status": row[2],
                "started_at": iso(row[3]),
                "finished_at": iso(row[4]),
                "due_at": iso(row[5]),
                "reason_code": reason.get("code"),
                "reason": reason.get("message"),
            }
        )
    dossiers = [
        {
            "dossier_id": row[0],
            "flow": row[1],
            "status": row[2],
            "submitted_at": iso(row[3]),
            "updated_at": iso(row[4]),
            "completed_at": iso(row[5]),
            "closed_at": iso(row[6]),
            "due_at": iso(row[7]),
            "province_code": row[8] or "",
            "steps": steps.get(row[0], []),
            "waiting": [
                step["agency"]
                for step in steps.get(row[0], [])
                if step["started_at"] is not None and step["status"] not in FINAL_STEP_STATUSES
            ],
        }
        for row in await rows_of(session, dossier_query)
    ]
    counters = None
    if dossier_id is None:
        counters = await _counters(session, service)
    return {"dossiers": dossiers, "counters": counters}


async def _counters(session: AsyncSession, service: Service) -> dict[str, Any]:
    """``/api/v1/stats`` as it answers now — overall, by province and by day — and what the
    running totals count (each failure's dead letters and redrives), all in this transaction."""
    now = service.clock.now()
    answers: dict[str, Any] = {}
    for name, group_by in (("overall", None), ("province", "province"), ("day", "day")):
        stats = await compute_stats(session, StatsFilters(group_by=group_by), now)
        answers[name] = stats.model_dump(mode="json")
    failures = await rows_of(
        session,
        sa_select(
            col(Failure.dossier_id),
            col(Failure.agency),
            col(Failure.occurrences),
            col(Failure.redrive_count),
        ),
    )
    return {
        **answers["overall"],
        "by_province": answers["province"]["groups"],
        "by_day": answers["day"]["groups"],
        "failures": [
            {"dossier_id": row[0], "agency": row[1], "dead_letters": row[2], "redrives": row[3]}
            for row in failures
        ],
    }
