"""``/api/v1/stats``: the sync counters — sent, synced, rejected, failed, pending, on time."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import col

from lienthong.runtime.app import ReadSessionDep, RuntimeDep
from services.gateway.models import AgencyCounts, Dossier, DossierStep, FlowStats, Stats
from services.gateway.overdue import on_time_sql, overdue_sql
from services.gateway.tracker import FLOW_AGENCIES, DossierStatus, StepStatus

router = APIRouter(prefix="/api/v1", tags=["stats"])


def _count_if(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


@router.get("/stats", response_model=Stats, summary="Sync counters")
async def get_stats(session: ReadSessionDep, runtime: RuntimeDep) -> Stats:
    """Per flow: dossiers by status and timeliness; per agency: sent, synced, rejected, failed,
    pending, on time and overdue (pending steps past their deadline count as overdue)."""
    now = runtime.clock.now()
    connection = await session.connection()  # Core selects of tuples: no ORM objects
    due, closed = col(Dossier.due_at), col(Dossier.closed_at)
    dossier_rows = (
        await connection.execute(
            sa_select(
                col(Dossier.kind),
                col(Dossier.status),
                func.count(),
                _count_if(on_time_sql(due, closed)),
                _count_if(overdue_sql(due, closed, now)),
            ).group_by(col(Dossier.kind), col(Dossier.status))
        )
    ).all()
    step_due, finished = col(DossierStep.due_at), col(DossierStep.finished_at)
    step_rows = (
        await connection.execute(
            sa_select(
                col(Dossier.kind),
                col(DossierStep.agency),
                col(DossierStep.status),
                func.count(),
                _count_if(on_time_sql(step_due, finished)),
                _count_if(overdue_sql(step_due, finished, now)),
            )
            .join(Dossier, col(Dossier.dossier_id) == col(DossierStep.dossier_id))
            .where(col(DossierStep.started_at).is_not(None))
            .group_by(col(Dossier.kind), col(DossierStep.agency), col(DossierStep.status))
        )
    ).all()
    flows: dict[str, FlowStats] = {}
    for kind, agencies in FLOW_AGENCIES.items():
        counts: dict[str, int] = {s.value: 0 for s in DossierStatus}
        on_time = overdue = 0
        for row_kind, row_status, n, n_on_time, n_overdue in dossier_rows:
            if row_kind == kind:
                counts[row_status] = n
                on_time += n_on_time or 0
                overdue += n_overdue or 0
        counts["total"] = sum(counts.values())
        per_agency: dict[str, AgencyCounts] = {}
        for agency in agencies:
            rows = [r for r in step_rows if r[0] == kind and r[1] == agency]
            by_status = {row[2]: row[3] for row in rows}
            sent = sum(by_status.values())
            synced = by_status.get(StepStatus.DONE, 0)
            rejected = by_status.get(StepStatus.REJECTED, 0)
            failed = by_status.get(StepStatus.FAILED, 0)
            per_agency[agency] = AgencyCounts(
                sent=sent,
                synced=synced,
                rejected=rejected,
                failed=failed,
                pending=sent - synced - rejected - failed,
                on_time=sum(row[4] or 0 for row in rows),
                overdue=sum(row[5] or 0 for row in rows),
            )
        flows[kind] = FlowStats(
            dossiers=counts, on_time=on_time, overdue=overdue, agencies=per_agency
        )
    return Stats(generated_at=now, flows=flows)
