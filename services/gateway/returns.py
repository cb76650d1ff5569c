"""Returned for completion (trả hồ sơ để bổ sung): the rules of a dossier's returned state.

An agency returns a dossier that lacks documents; the requester completes it through the portal
within ``completion_days`` working days (7, domain.md birth step 5), or it is rejected with
``not_completed_in_time``. Which rule the deadlines follow, and why:

- While returned the dossier has **no group deadline** (``due_at`` null): the time is the
  requester's, not the agencies', so it is neither overdue nor counted against anyone. The
  returning agency's step carries the *complete-by* time as its due.
- On completion the group limit is **counted afresh** from the moment the complete dossier is
  received, as every time limit of the one-stop shop is counted from receipt of a complete,
  valid dossier (hồ sơ đầy đủ, hợp lệ; Decree 61/2018/NĐ-CP). Resuming the days left instead
  would let an agency be late for days the requester held the dossier.
- A dossier not completed in time is rejected **at the moment its time ran out**, whenever the
  sweep finds it, so the outcome does not depend on how often the sweep runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from lienthong.contracts.reasons import NOT_COMPLETED_IN_TIME
from services.gateway.deadlines import DeadlinePolicy
from services.gateway.models import Dossier, DossierStep
from services.gateway.times import utc
from services.gateway.tracker import StepOutcome, StepStatus

COMPLETIONS: Final = "completions"
"""The key of a step's result counting how often the requester completed the dossier."""


def completions_of(step: DossierStep) -> int:
    """How many times the dossier was completed after this step returned it."""
    return int((step.result or {}).get(COMPLETIONS, 0))


def is_stale_return(step: DossierStep, outcome: StepOutcome) -> bool:
    """A return decided before the step (re)started: it answered a round completed since."""
    started = step.started_at
    return (
        outcome.status == StepStatus.RETURNED and started is not None and outcome.at < utc(started)
    )


def mark_returned(
    policy: DeadlinePolicy, dossier: Dossier, step: DossierStep, completions: int
) -> None:
    """The step waits for the requester until its complete-by time; the group's clock stops."""
    assert step.finished_at is not None  # the return's time, just applied
    due = policy.complete_by(utc(step.finished_at))
    step.due_at = due
    step.result = {
        **(step.result or {}),
        "complete_by": due.isoformat(),
        COMPLETIONS: completions,
    }
    dossier.due_at = None


def expired(step: DossierStep) -> StepOutcome:
    """The rejection of a returned step whose complete-by time ran out, at that time."""
    assert step.due_at is not None
    reason: dict[str, Any] = NOT_COMPLETED_IN_TIME.reason().model_dump(mode="json")
    return StepOutcome(step.agency, StepStatus.REJECTED, utc(step.due_at), reason=reason)


def restart_after_completion(
    policy: DeadlinePolicy, dossier: Dossier, step: DossierStep, at: datetime
) -> int:
    """The completed dossier goes back to the step that returned it, and every clock restarts
    from ``at``: the step's own limit and the group's. Returns which completion this is."""
    step.status = StepStatus.PENDING
    step.started_at = at
    step.finished_at = None
    step.reason = None
    completions = completions_of(step) + 1
    step.result = {COMPLETIONS: completions}
    step.due_at = policy.step_due(dossier.kind, step.agency, at)
    dossier.due_at = policy.dossier_due(dossier.kind, at)
    return completions


def expiry_due(dossier: Dossier, step: DossierStep) -> None:
    """A dossier rejected for not being completed closes on its complete-by time: that is the
    limit that applied to it at the end, so it is not counted late against the agencies."""
    dossier.due_at = step.due_at
