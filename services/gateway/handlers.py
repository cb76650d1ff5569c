"""Event handlers of the gateway: every agency event and dead letter updates a dossier."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.dead_letters import DEAD_LETTERED, DeadLettered
from lienthong.contracts.envelope import CloudEvent
from lienthong.runtime.consumer import Handler
from services.gateway.models import Dossier, DossierStep
from services.gateway.tracker import (
    OUTCOMES,
    StepOutcome,
    StepStatus,
    may_apply,
    overall_status,
)


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def apply_outcome(
    session: AsyncSession, dossier_id: str, outcome: StepOutcome, event_id: str
) -> None:
    """Move one step and recompute the dossier; unknown dossiers are ignored (not ours)."""
    dossier = await session.get(Dossier, dossier_id)
    if dossier is None:
        return
    steps = list(
        (
            await session.exec(
                select(DossierStep)
                .where(DossierStep.dossier_id == dossier_id)
                .order_by(col(DossierStep.position))
            )
        ).all()
    )
    by_agency = {step.agency: step for step in steps}
    step = by_agency.get(outcome.agency)
    if step is None or not may_apply(StepStatus(step.status), outcome.status):
        return
    step.status = outcome.status
    step.finished_at = outcome.at
    step.result = outcome.result
    step.reason = outcome.reason
    step.last_event_id = event_id
    session.add(step)
    for agency in outcome.starts:
        following = by_agency.get(agency)
        if following is not None and following.started_at is None:
            following.started_at = outcome.at
            session.add(following)
    status = overall_status([StepStatus(s.status) for s in steps])
    dossier.status = status
    if status == "completed":
        dossier.completed_at = max(as_utc(s.finished_at) for s in steps if s.finished_at)
    dossier.updated_at = datetime.now(UTC)
    session.add(dossier)


async def on_agency_event(
    session: AsyncSession, event: CloudEvent, _lookups: Any
) -> list[CloudEvent]:
    """Track an agency's decision."""
    await apply_outcome(session, event.correlationid, OUTCOMES[event.type](event), event.id)
    return []


async def on_dead_letter(
    session: AsyncSession, event: CloudEvent, _lookups: Any
) -> list[CloudEvent]:
    """An agency gave up on a dossier's event: its step is failed, with the error as reason."""
    letter = DeadLettered.model_validate(event.data)
    if letter.consumer == "gateway" or not letter.key:
        return []
    outcome = StepOutcome(
        agency=letter.consumer,
        status=StepStatus.FAILED,
        at=event.time,
        reason={
            "code": f"dead_lettered.{letter.error_kind}",
            "message": letter.error,
            "message_vi": "Lỗi đồng bộ dữ liệu, hồ sơ chờ xử lý lại.",
        },
    )
    await apply_outcome(session, letter.key, outcome, event.id)
    return []


HANDLERS: dict[str, Handler] = {
    **{event_type: on_agency_event for event_type in OUTCOMES},
    DEAD_LETTERED: on_dead_letter,
}
