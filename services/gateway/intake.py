"""Intake (tiếp nhận hồ sơ): a form checked at the door becomes a dossier and its first event.

The route only translates HTTP; this function decides. The form is checked against the
simulated clock's today (in Vietnam) and the reference data; the dossier, its steps and the
``…_dossier_submitted`` event commit in one transaction (outbox). The dossier id is derived from
the run's seed and the idempotency key (or, without one, the form and how many identical forms
came before), so the same submissions give the same ids in every run with the same seed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts import gateway as gateway_events
from lienthong.contracts.catalogue import spec_for_payload
from lienthong.contracts.envelope import CloudEvent, derived_id, new_event
from lienthong.contracts.form_checks import FieldProblem, form_problems
from lienthong.contracts.forms import BirthDossier, DeathDossier
from lienthong.runtime.outbox import stage_events
from lienthong.runtime.service import Service
from services.gateway.deadlines import DeadlinePolicy
from services.gateway.models import Dossier, DossierStep
from services.gateway.tracker import FLOW_AGENCIES, DossierStatus, StepStatus

_RACE_RETRIES = 5


class FormRejected(Exception):
    """The form failed the door checks; ``problems`` says where and why."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the form")
        self.problems = problems


class KeyReused(Exception):
    """An idempotency key came back with a different form."""

    def __init__(self, key: str, dossier_id: str) -> None:
        super().__init__(
            f"key {key!r} was already used for a different dossier ({dossier_id}); "
            "use a new key for a new dossier"
        )


@dataclass(frozen=True)
class Intake:
    """The dossier a submission maps to, and whether this submission created it."""

    dossier_id: str
    status: str
    created: bool


def request_hash(form: BirthDossier | DeathDossier) -> str:
    """A fingerprint of the form's content (what makes a resubmission "the same form")."""
    canonical = json.dumps(form.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key(form: BirthDossier | DeathDossier, header: str | None) -> str | None:
    """The ``Idempotency-Key`` header, else the client's ``reference``, else none."""
    return header or (f"reference:{form.reference}" if form.reference else None)


async def _existing(service: Service, key: str, fingerprint: str) -> Intake | None:
    async with service.db.read_session() as session:
        found = (await session.exec(select(Dossier).where(Dossier.idempotency_key == key))).first()
    if found is None:
        return None
    if found.request_hash != fingerprint:
        raise KeyReused(key, found.dossier_id)
    return Intake(found.dossier_id, found.status, created=False)


async def _new_dossier_id(
    session: AsyncSession, seed: int, key: str | None, fingerprint: str
) -> str:
    """Derived from the key; without one, from the form and how many identical ones came before.

    Counted inside the write transaction: on SQLite that holds the only writer, so identical
    forms submitted at once are numbered one after the other, never the same.
    """
    if key is not None:
        return derived_id("dossier", seed, "key", key)
    earlier = (
        await session.exec(
            select(func.count()).select_from(Dossier).where(Dossier.request_hash == fingerprint)
        )
    ).one()
    return derived_id("dossier", seed, "form", fingerprint, earlier)


async def submit(
    service: Service,
    policy: DeadlinePolicy,
    form: BirthDossier | DeathDossier,
    key_header: str | None,
) -> Intake:
    """Take a dossier in: door checks, idempotency, then dossier + steps + event in one commit."""
    problems = form_problems(form, service.clock.today())
    if problems:
        raise FormRejected(problems)
    key = idempotency_key(form, key_header)
    fingerprint = request_hash(form)
    for _ in range(_RACE_RETRIES):
        if key is not None:
            existing = await _existing(service, key, fingerprint)
            if existing is not None:
                return existing
        try:
            dossier_id = await _record(service, policy, form, key, fingerprint)
        except IntegrityError:
            continue  # a concurrent submission took the key or the id: look again
        service.notify_relay()
        return Intake(dossier_id, DossierStatus.SUBMITTED, created=True)
    raise RuntimeError(f"dossier intake kept racing after {_RACE_RETRIES} attempts")


async def _record(
    service: Service,
    policy: DeadlinePolicy,
    form: BirthDossier | DeathDossier,
    key: str | None,
    fingerprint: str,
) -> str:
    """Dossier, steps and event in one transaction; returns the new dossier's id."""
    now = service.clock.now()
    async with service.db.session() as session:
        dossier_id = await _new_dossier_id(session, service.infra.randomness.seed, key, fingerprint)
        session.add(
            Dossier(
                dossier_id=dossier_id,
                kind=form.kind,
                status=DossierStatus.SUBMITTED,
                idempotency_key=key,
                request_hash=fingerprint,
                form=form.model_dump(mode="json"),
                submitted_at=now,
                due_at=policy.dossier_due(form.kind, now),
                updated_at=now,
            )
        )
        for position, agency in enumerate(FLOW_AGENCIES[form.kind]):
            first = position == 0
            session.add(
                DossierStep(
                    dossier_id=dossier_id,
                    agency=agency,
                    position=position,
                    status=StepStatus.PENDING,
                    started_at=now if first else None,
                    due_at=policy.step_due(form.kind, agency, now) if first else None,
                )
            )
        await session.flush()
        topic, event = _submitted_event(service.name, form, dossier_id, now)
        await stage_events(session, topic, [event])
    return dossier_id


def _submitted_event(
    source: str, form: BirthDossier | DeathDossier, dossier_id: str, now: datetime
) -> tuple[str, CloudEvent]:
    """The ``…_dossier_submitted`` event and its topic: the declaration, not the form."""
    payload: gateway_events.BirthDossierSubmitted | gateway_events.DeathDossierSubmitted
    if isinstance(form, BirthDossier):
        payload = gateway_events.BirthDossierSubmitted.from_form(dossier_id, now, form)
    else:
        payload = gateway_events.DeathDossierSubmitted.from_form(dossier_id, now, form)
    spec = spec_for_payload(type(payload))
    event = new_event(
        source=source, type_=spec.type, payload=payload, dossier_id=dossier_id, time=now
    )
    return spec.topic, event
