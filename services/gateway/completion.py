"""Completing a returned dossier (bổ sung hồ sơ): the requester's answer to a return.

The requester sends the fields asked for (and any others to correct); they replace the stored
form's top-level fields, the whole form is checked again as at the door, and the dossier goes
back to the agency that returned it as a new ``…_dossier_submitted`` event, written with the
dossier in one transaction (outbox). Its clocks restart (see :mod:`services.gateway.returns`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import update
from sqlmodel import col

from lienthong.contracts.form_checks import FieldProblem, form_problems
from lienthong.contracts.forms import BirthDossier, DeathDossier
from lienthong.runtime.outbox import stage_events
from lienthong.runtime.service import Service
from services.gateway import returns
from services.gateway.counting import Tally
from services.gateway.deadlines import DeadlinePolicy
from services.gateway.dossier_writes import submitted_event
from services.gateway.intake import FormRejected
from services.gateway.models import Dossier
from services.gateway.times import utc
from services.gateway.tracked import load_dossiers
from services.gateway.tracker import StepStatus, overall_status

FORMS: dict[str, type[BirthDossier] | type[DeathDossier]] = {
    "birth": BirthDossier,
    "death": DeathDossier,
}


class DossierNotFound(Exception):
    """No dossier has that id."""


class NotReturned(Exception):
    """The dossier is not waiting for the requester (never returned, already completed, or
    its time to be completed ran out): nothing to complete."""


@dataclass(frozen=True)
class Completed:
    """The dossier after completion: its id and overall status."""

    dossier_id: str
    status: str


def _checked(
    kind: str, stored: dict[str, Any], changes: dict[str, Any], service: Service
) -> BirthDossier | DeathDossier:
    """The stored form with ``changes`` over it, validated as a new submission would be."""
    if not changes:
        raise FormRejected([FieldProblem((), "give the fields to add or correct (not empty)")])
    if "kind" in changes and changes["kind"] != kind:
        raise FormRejected([FieldProblem(("kind",), f"a {kind} dossier stays a {kind} dossier")])
    try:
        form = FORMS[kind].model_validate({**stored, **changes})
    except ValidationError as invalid:
        problems = [
            FieldProblem(tuple(str(part) for part in error["loc"]), error["msg"])
            for error in invalid.errors(include_url=False)
        ]
        raise FormRejected(problems) from invalid
    problems = form_problems(form, service.clock.today())
    if problems:
        raise FormRejected(problems)
    return form


async def complete(
    service: Service, policy: DeadlinePolicy, dossier_id: str, changes: dict[str, Any]
) -> Completed:
    """Complete a returned dossier with ``changes``; raises :class:`DossierNotFound`,
    :class:`NotReturned` (the dossier's state says why) or :class:`FormRejected`."""
    now = service.clock.now()
    async with service.db.session() as session:
        tracked = await load_dossiers(session, [dossier_id])
        dossier = tracked.dossiers.get(dossier_id)
        if dossier is None:
            raise DossierNotFound(dossier_id)
        steps = tracked.steps.get(dossier_id, {})
        step = next((s for s in steps.values() if s.status == StepStatus.RETURNED), None)
        if step is None:
            raise NotReturned(f"dossier {dossier_id} is {dossier.status}, not returned")
        if step.due_at is not None and utc(step.due_at) < now:
            raise NotReturned(
                f"dossier {dossier_id} had to be completed by {utc(step.due_at).isoformat()}; "
                "it is being rejected (not_completed_in_time)"
            )
        form = _checked(dossier.kind, dossier.form, changes, service)
        completions = returns.restart_after_completion(policy, dossier, step, now)
        dossier.status = overall_status([StepStatus(s.status) for s in steps.values()])
        dossier.updated_at = now
        tracked.changed.add(dossier_id)
        tracked.changed_steps.add((dossier_id, step.agency))
        tally = Tally()
        tracked.count(tally)
        await tracked.write(session)
        stored = form.model_dump(mode="json")
        connection = await session.connection()
        await connection.execute(
            update(Dossier).where(col(Dossier.dossier_id) == dossier_id).values(form=stored)
        )
        await tally.write(session)
        topic, event = submitted_event(
            service.name,
            form,
            dossier_id,
            now,
            received_at=utc(dossier.submitted_at),
            completions=completions,
        )
        await stage_events(session, topic, [event])
    service.notify_relay()
    return Completed(dossier_id, dossier.status)
