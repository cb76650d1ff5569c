"""How the gateway shows dossiers and their steps: one place for every route that answers them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lienthong.contracts.reasons import Reason
from services.gateway.delivery import delivery_of
from services.gateway.models import Dossier, DossierStep, DossierSummary, DossierView, StepView
from services.gateway.overdue import is_overdue
from services.gateway.times import utc, utc_or_none
from services.gateway.tracker import FINAL_STEP_STATUSES

__all__ = ["dossier_view", "step_view", "summary_of"]


def _decided_at(step: DossierStep) -> datetime | None:
    """When the agency decided; a failed step is still open (it waits for a redrive)."""
    return utc_or_none(step.finished_at) if step.status in FINAL_STEP_STATUSES else None


def step_view(step: DossierStep, now: datetime) -> StepView:
    """One agency step as testers see it, ``overdue`` judged at ``now`` (simulated)."""
    return StepView(
        agency=step.agency,
        status=step.status,
        started_at=utc_or_none(step.started_at),
        finished_at=utc_or_none(step.finished_at),
        result=step.result,
        reason=Reason.model_validate(step.reason) if step.reason else None,
        due_at=utc_or_none(step.due_at),
        overdue=is_overdue(utc_or_none(step.due_at), _decided_at(step), now),
    )


def summary_of(row: Dossier, now: datetime) -> DossierSummary:
    """A dossier without its steps, ``overdue`` judged at ``now`` (simulated)."""
    return DossierSummary(
        dossier_id=row.dossier_id,
        kind=row.kind,
        status=row.status,
        submitted_at=utc(row.submitted_at),
        completed_at=utc_or_none(row.completed_at),
        due_at=utc_or_none(row.due_at),
        overdue=is_overdue(utc_or_none(row.due_at), utc_or_none(row.closed_at), now),
    )


def dossier_view(row: Dossier, steps: Sequence[DossierStep], now: datetime) -> DossierView:
    """A dossier with its steps (in order) and its delivery, ``overdue`` judged at ``now``."""
    return DossierView(
        **summary_of(row, now).model_dump(),
        steps=[step_view(step, now) for step in steps],
        delivery=delivery_of(row.kind, row.form, steps),
    )
