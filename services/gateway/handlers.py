"""Event handlers of the gateway: every agency decision and dead letter updates a dossier.

Batch-aware: the dossiers and steps a whole batch is about are read with two queries, the
failures (thư lỗi) it touches with one (``preload``); each event then moves rows already in
memory, and ``finish`` writes only what changed. A dead letter fails its agency's step and is
counted in the failures table; an agency's decision resolves that agency's failures of the
dossier.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.civil_registry import (
    BirthDossierReturned,
    BirthRegistered,
    BirthRejected,
    DeathRegistered,
    DeathRejected,
)
from lienthong.contracts.dead_letters import DeadLettered
from lienthong.contracts.insurance import (
    FuneralBenefitDecided,
    FuneralBenefitRejected,
    HealthCardIssued,
    HealthCardIssuedV2,
    HealthCardRejected,
)
from lienthong.contracts.population import (
    CitizenRegistered,
    CitizenRejected,
    DeathRecorded,
    DeathRecordRejected,
)
from lienthong.contracts.services import AGENCIES, GATEWAY
from lienthong.runtime.handlers import (
    Decisions,
    HandlerContext,
    Message,
    ServiceHandlers,
    handles,
)
from lienthong.runtime.log_lines import log_decision
from services.gateway import returns
from services.gateway.counting import Tally, place_of
from services.gateway.deadlines import DeadlinePolicy
from services.gateway.failures import FailureLedger, failure_id, flow_of, load_failures
from services.gateway.models import Dossier, DossierStep
from services.gateway.retention import Retention
from services.gateway.times import utc
from services.gateway.tracked import TrackedDossiers, load_dossiers
from services.gateway.tracker import (
    DossierStatus,
    StepOutcome,
    StepStatus,
    may_apply,
    outcome_of,
    overall_status,
)

log = logging.getLogger(__name__)


def _dossier_of(message: Message[Any]) -> str | None:
    payload = message.payload
    if isinstance(payload, DeadLettered):
        return payload.key
    return message.dossier_id


@dataclass
class GatewayBatch:
    """What one batch moves: its dossiers with their steps, the failures it touches, and the
    counters all of that moves."""

    dossiers: TrackedDossiers
    failures: FailureLedger
    tally: Tally = field(default_factory=Tally)
    decided: list[dict[str, Any]] = field(default_factory=list)
    """One log line each, written by ``finish`` (a batch that fails before it logs nothing)."""


class Tracker(ServiceHandlers):
    """Applies step outcomes to dossiers, keeping statuses and deadlines consistent."""

    service = GATEWAY

    def __init__(self, policy: DeadlinePolicy) -> None:
        self.policy = policy
        self.retention = Retention()

    async def preload(
        self, session: AsyncSession, messages: list[Message[Any]], lookups: Any
    ) -> GatewayBatch:
        """Every dossier the batch is about, with its steps, then the failures it touches.

        The dossiers first: where rows lock, their lock also guards their failures.
        """
        dossiers = await load_dossiers(session, filter(None, map(_dossier_of, messages)))
        letters = [m.payload for m in messages if isinstance(m.payload, DeadLettered)]
        decided = [m.dossier_id for m in messages if not isinstance(m.payload, DeadLettered)]
        return GatewayBatch(dossiers, await load_failures(session, letters, decided))

    async def finish(self, session: AsyncSession, state: GatewayBatch) -> None:
        """Write what the batch's events changed: one statement each for dossiers, steps, new
        failures, changed failures and each kind of counter — all in the batch's transaction."""
        state.dossiers.count(state.tally)
        newest = state.tally.newest_second()
        await state.dossiers.write(session)
        await state.failures.write(session)
        await state.tally.write(session)
        await self.retention.prune(session, newest)
        for line in state.decided:  # what this batch decided, now that it is written
            log_decision(log, **line)
        state.decided.clear()

    def apply(
        self, tracked: TrackedDossiers, dossier_id: str, outcome: StepOutcome
    ) -> DossierStep | None:
        """Move one step and recompute the dossier; the step moved, or None when nothing moved
        (an unknown dossier is not ours; a final decision is never overwritten)."""
        dossier = tracked.dossiers.get(dossier_id)
        by_agency = tracked.steps.get(dossier_id, {})
        step = by_agency.get(outcome.agency)
        if (
            dossier is None
            or step is None
            or not may_apply(StepStatus(step.status), outcome.status)
            or returns.is_stale_return(step, outcome)
        ):
            return None
        completions = returns.completions_of(step)
        step.status = outcome.status
        step.finished_at = outcome.at
        step.result = outcome.result
        step.reason = outcome.reason
        if outcome.verified:
            self._verification_needed(dossier, step)
        if outcome.status == StepStatus.RETURNED:
            returns.mark_returned(self.policy, dossier, step, completions)
        tracked.changed_steps.add((dossier_id, step.agency))
        for agency in outcome.starts:
            following = by_agency.get(agency)
            if following is not None and following.started_at is None:
                if following.status == StepStatus.SKIPPED:  # skipped on a refusal that came
                    following.status = StepStatus.PENDING  # first: it is reached after all
                following.started_at = outcome.at
                # Each step starts on its own normal limit; only its own verification
                # lengthens it (a paper certificate at the registry does not give the police
                # five days).
                following.due_at = self.policy.step_due(dossier.kind, agency, outcome.at)
                tracked.changed_steps.add((dossier_id, agency))
        self._recompute(dossier, list(by_agency.values()), outcome.at)
        if dossier.status == DossierStatus.REJECTED:
            for agency, unreached in by_agency.items():
                if unreached.started_at is None and unreached.status == StepStatus.PENDING:
                    unreached.status = StepStatus.SKIPPED  # refused before it: never sent
                    tracked.changed_steps.add((dossier_id, agency))
        tracked.changed.add(dossier_id)
        return step

    def _verification_needed(self, dossier: Dossier, step: DossierStep) -> None:
        """The agency had to verify: the longer limits apply to it and to the whole group."""
        dossier.verification_required = True
        dossier.due_at = self.policy.dossier_due(
            dossier.kind, utc(dossier.submitted_at), verified=True
        )
        if step.started_at is not None:
            step.due_at = self.policy.step_due(
                dossier.kind, step.agency, utc(step.started_at), verified=True
            )

    @staticmethod
    def _recompute(dossier: Dossier, steps: list[DossierStep], at: datetime) -> None:
        status = overall_status([StepStatus(s.status) for s in steps])
        dossier.status = status
        finished = [utc(s.finished_at) for s in steps if s.finished_at]
        if status == DossierStatus.COMPLETED:
            dossier.completed_at = max(finished)
        if status in (DossierStatus.COMPLETED, DossierStatus.REJECTED):
            dossier.closed_at = max(finished)
        else:
            dossier.closed_at = None
        dossier.updated_at = at

    @handles(
        BirthRegistered,
        BirthRejected,
        BirthDossierReturned,
        CitizenRegistered,
        CitizenRejected,
        HealthCardIssued,
        HealthCardIssuedV2,  # both versions while producers may emit either (rolling upgrade)
        HealthCardRejected,
        DeathRegistered,
        DeathRejected,
        DeathRecorded,
        DeathRecordRejected,
        FuneralBenefitDecided,
        FuneralBenefitRejected,
    )
    async def on_agency_decision(
        self, session: AsyncSession, message: Message[BaseModel], context: HandlerContext
    ) -> Decisions:
        """Track an agency's decision, at the time the agency decided; it settles the agency's
        failures of the dossier (a redrive worked, or the agency got there anyway)."""
        batch: GatewayBatch = context.batch
        outcome = outcome_of(message.payload, message.event.time)
        step = self.apply(batch.dossiers, message.dossier_id, outcome)
        if step is not None:
            started = utc(step.started_at) if step.started_at else None
            batch.decided.append(
                {
                    "dossier_id": message.dossier_id,
                    "agency": outcome.agency,
                    "event_type": message.event.type,
                    "outcome": outcome.status,
                    "reason_code": (outcome.reason or {}).get("code"),
                    "latency_s": (outcome.at - started).total_seconds() if started else None,
                    "flow": batch.dossiers.dossiers[message.dossier_id].kind,
                }
            )
        batch.failures.resolve(
            message.dossier_id, outcome.agency, message.event.type, message.event.time
        )
        return []

    @handles(DeadLettered)
    async def on_dead_letter(
        self, session: AsyncSession, message: Message[DeadLettered], context: HandlerContext
    ) -> Decisions:
        """A consumer gave up on a message: the failure is counted (whoever the consumer) and,
        for an agency, its step of an open dossier is failed, with the error.

        A closed dossier keeps its outcome: what failed then (a poison message carrying its
        key, a late duplicate) cannot undo a decision, and stays visible in the failures list.
        """
        letter = message.payload
        batch: GatewayBatch = context.batch
        dossier = batch.dossiers.dossiers.get(letter.key) if letter.key else None
        step = batch.dossiers.steps.get(letter.key, {}).get(letter.consumer) if letter.key else None
        flow = flow_of(dossier.kind if dossier else None, letter.event_type)
        known = batch.failures.rows.get(failure_id(letter))
        redrives_before = known.redrive_count if known is not None else 0
        row = batch.failures.record(letter, message.event.time, flow, step)
        self._count_dead_letter(batch.tally, letter, dossier, flow, message.event.time)
        if dossier is not None and letter.consumer in AGENCIES:  # a redrive of another
            place = place_of(dossier.kind, dossier.province_code, dossier.submitted_at)
            redriven = row.redrive_count - redrives_before  # consumer's copy reached this one
            if redriven:
                batch.tally.add(place, letter.consumer, "redriven", redriven)
        if letter.consumer not in AGENCIES or dossier is None or _closed(dossier):
            return []
        outcome = StepOutcome(
            agency=letter.consumer,
            status=StepStatus.FAILED,
            at=message.event.time,
            reason={
                "code": f"dead_lettered.{letter.error_kind}",
                "message": letter.error,
                "message_vi": "Lỗi đồng bộ dữ liệu, hồ sơ chờ xử lý lại.",
            },
        )
        self.apply(batch.dossiers, dossier.dossier_id, outcome)
        return []

    @staticmethod
    def _count_dead_letter(
        tally: Tally, letter: DeadLettered, dossier: Dossier | None, flow: str | None, at: datetime
    ) -> None:
        """An agency's dead letter: its last failure, and about a known dossier, its step's
        running total of dead letters."""
        if flow is not None:
            tally.happened(at, flow, "dead_lettered")
        if letter.consumer not in AGENCIES:
            return
        tally.failed(letter.consumer, at, f"{letter.error_kind}: {letter.error}"[:300])
        if dossier is not None:
            place = place_of(dossier.kind, dossier.province_code, dossier.submitted_at)
            tally.add(place, letter.consumer, "dead_lettered")


def _closed(dossier: Dossier) -> bool:
    return dossier.status in (DossierStatus.COMPLETED, DossierStatus.REJECTED)
