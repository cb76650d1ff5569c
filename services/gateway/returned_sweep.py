"""The sweep that rejects returned dossiers nobody completed in time (quá hạn bổ sung).

Nothing else would ever close them: the agency that returned a dossier waits for the requester,
and no event arrives when the requester does nothing. The gateway looks every
``returned_sweep_interval_ms`` (real time) for returned steps whose complete-by time has passed
on the simulated clock, and rejects each at that time with ``not_completed_in_time``, through
the tracker, so the dossier, its steps and the counters move as for any agency decision.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Final

from sqlmodel import col, select

from lienthong.runtime.log_lines import log_decision
from lienthong.runtime.service import Service
from services.gateway import returns
from services.gateway.counting import Tally
from services.gateway.handlers import Tracker
from services.gateway.models import DossierStep
from services.gateway.times import utc
from services.gateway.tracked import load_dossiers
from services.gateway.tracker import StepStatus

log = logging.getLogger(__name__)

SWEEP_BATCH: Final = 500
"""Dossiers rejected per transaction; a longer backlog takes several in a row."""


async def reject_expired(service: Service, tracker: Tracker) -> int:
    """Reject the returned dossiers whose time to be completed ran out; how many it rejected."""
    now = service.clock.now()
    # Looked for on the reader first: on SQLite a write session is BEGIN IMMEDIATE, and taking
    # the writer every second for nothing would queue the intake and the tracker behind it.
    async with service.db.quick_read_session() as reading:
        due = await reading.exec(
            select(DossierStep.dossier_id, DossierStep.agency)
            .where(col(DossierStep.status) == StepStatus.RETURNED, col(DossierStep.due_at) < now)
            .order_by(col(DossierStep.due_at), col(DossierStep.dossier_id))
            .limit(SWEEP_BATCH)
        )
        expired = due.all()
    if not expired:
        return 0
    async with service.db.session() as session:
        tracked = await load_dossiers(session, [dossier_id for dossier_id, _ in expired])
        tally = Tally()
        decided: list[dict[str, Any]] = []
        for dossier_id, agency in expired:
            step = tracked.steps.get(dossier_id, {}).get(agency)
            # Read again under the dossier's lock: completed meanwhile, it stays open.
            if step is None or step.status != StepStatus.RETURNED or step.due_at is None:
                continue
            if utc(step.due_at) >= now:
                continue
            outcome = returns.expired(step)
            if tracker.apply(tracked, dossier_id, outcome) is None:
                continue
            returns.expiry_due(tracked.dossiers[dossier_id], step)
            decided.append(
                {
                    "dossier_id": dossier_id,
                    "agency": agency,
                    "event_type": "returned_not_completed",
                    "outcome": StepStatus.REJECTED,
                    "reason_code": (outcome.reason or {}).get("code"),
                    "flow": tracked.dossiers[dossier_id].kind,
                }
            )
        tracked.count(tally)
        await tracked.write(session)
        await tally.write(session)
    for line in decided:  # written: now say so
        log_decision(log, **line)
    return len(decided)


async def sweep_returned(service: Service, *, tracker: Tracker, interval_s: float) -> None:
    """Forever: every interval, reject what ran out (a backlog in batches, one after another)."""
    while True:
        await asyncio.sleep(interval_s)
        backlog = True
        while backlog:  # a full batch: more may wait behind it
            backlog = await reject_expired(service, tracker) == SWEEP_BATCH
