"""Event handlers of the gateway: every agency event and dead letter updates a dossier."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.dead_letters import DEAD_LETTERED, DeadLettered
from lienthong.contracts.envelope import CloudEvent
from lienthong.runtime.consumer import Handler, HandlerContext
from services.gateway.deadlines import DeadlinePolicy
from services.gateway.models import Dossier, DossierStep
from services.gateway.tracker import (
    OUTCOMES,
    DossierStatus,
    StepOutcome,
    StepStatus,
    may_apply,
    overall_status,
)


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Tracker:
    """Applies step outcomes to dossiers, keeping statuses and deadlines consistent."""

    def __init__(self, policy: DeadlinePolicy) -> None:
        self.policy = policy

    async def apply(
        self, session: AsyncSession, dossier_id: str, outcome: StepOutcome, event_id: str
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
        if outcome.verified:
            self._verification_needed(dossier, step)
        session.add(step)
        for agency in outcome.starts:
            following = by_agency.get(agency)
            if following is not None and following.started_at is None:
                following.started_at = outcome.at
                following.due_at = self.policy.step_due(
                    dossier.kind, agency, outcome.at, verified=dossier.verification_required
                )
                session.add(following)
        self._recompute(dossier, steps)
        session.add(dossier)

    def _verification_needed(self, dossier: Dossier, step: DossierStep) -> None:
        """The agency had to verify: the longer limits apply to it and to the whole group."""
        dossier.verification_required = True
        dossier.due_at = self.policy.dossier_due(
            dossier.kind, as_utc(dossier.submitted_at), verified=True
        )
        if step.started_at is not None:
            step.due_at = self.policy.step_due(
                dossier.kind, step.agency, as_utc(step.started_at), verified=True
            )

    @staticmethod
    def _recompute(dossier: Dossier, steps: list[DossierStep]) -> None:
        status = overall_status([StepStatus(s.status) for s in steps])
        dossier.status = status
        finished = [as_utc(s.finished_at) for s in steps if s.finished_at]
        if status == DossierStatus.COMPLETED:
            dossier.completed_at = max(finished)
        if status in (DossierStatus.COMPLETED, DossierStatus.REJECTED):
            dossier.closed_at = max(finished)
        else:
            dossier.closed_at = None
        dossier.updated_at = datetime.now(UTC)

    async def on_agency_event(
        self, session: AsyncSession, event: CloudEvent, _context: HandlerContext
    ) -> list[CloudEvent]:
        """Track an agency's decision."""
        await self.apply(session, event.correlationid, OUTCOMES[event.type](event), event.id)
        return []

    async def on_dead_letter(
        self, session: AsyncSession, event: CloudEvent, _context: HandlerContext
    ) -> list[CloudEvent]:
        """An agency gave up on a dossier's event: its step is failed, with the error."""
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
        await self.apply(session, letter.key, outcome, event.id)
        return []

    def handlers(self) -> dict[str, Handler]:
        """Every agency event type, and the dead letters."""
        return {
            **{event_type: self.on_agency_event for event_type in OUTCOMES},
            DEAD_LETTERED: self.on_dead_letter,
        }
