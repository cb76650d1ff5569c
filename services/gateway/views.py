"""How the gateway shows dossiers and their steps: one place for every route that answers them."""

from __future__ import annotations

from datetime import datetime

from lienthong.contracts.reasons import Reason
from services.gateway.handlers import as_utc
from services.gateway.models import Dossier, DossierStep, DossierSummary, StepView
from services.gateway.overdue import is_overdue

__all__ = ["step_view", "summary_of"]


def _utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


def step_view(step: DossierStep, now: datetime) -> StepView:
    """One agency step as testers see it, ``overdue`` judged at ``now`` (simulated)."""
    return StepView(
        agency=step.agency,
        status=step.status,
        started_at=_utc(step.started_at),
        finished_at=_utc(step.finished_at),
        result=step.result,
        reason=Reason.model_validate(step.reason) if step.reason else None,
        due_at=_utc(step.due_at),
        overdue=is_overdue(_utc(step.due_at), _utc(step.finished_at), now),
    )


def summary_of(row: Dossier, now: datetime) -> DossierSummary:
    """A dossier without its steps, ``overdue`` judged at ``now`` (simulated)."""
    return DossierSummary(
        dossier_id=row.dossier_id,
        kind=row.kind,
        status=row.status,
        submitted_at=as_utc(row.submitted_at),
        completed_at=_utc(row.completed_at),
        due_at=_utc(row.due_at),
        overdue=is_overdue(_utc(row.due_at), _utc(row.closed_at), now),
    )
