"""Writing dossiers: N prepared submissions in one transaction, as if one after the other.

The one place a dossier, its steps and its ``…_dossier_submitted`` event are inserted (the
outbox: state and event commit together). Intake's batch endpoint calls it with a whole batch;
the group committer with the single submissions that arrived together. Ids are derived from the
run's seed and the idempotency key, or, without one, from the form and how many identical forms
came before, so the same submissions give the same ids in every run with the same seed however
they were grouped.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts import gateway as gateway_events
from lienthong.contracts.catalogue import spec_for_payload
from lienthong.contracts.envelope import CloudEvent, derived_id, new_event
from lienthong.contracts.forms import BirthDossier, DeathDossier
from lienthong.contracts.scope import province_of
from lienthong.runtime.db import bulk_insert
from lienthong.runtime.outbox import stage_events
from lienthong.runtime.service import Service
from services.gateway.counting import DOSSIER, Tally, dossier_marks, place_of, step_marks
from services.gateway.deadlines import DeadlinePolicy
from services.gateway.models import Dossier, DossierStep
from services.gateway.tracker import FLOW_AGENCIES, DossierStatus, StepStatus

_LOOKUP_CHUNK = 500
"""Keys or fingerprints per ``IN (…)`` lookup (well under SQLite's parameter limit)."""


class KeyReused(Exception):
    """An idempotency key came back with a different form."""

    def __init__(self, key: str, dossier_id: str) -> None:
        super().__init__(
            f"key {key!r} was already used for a different dossier ({dossier_id}); "
            "use a new key for a new dossier"
        )
        self.key = key
        self.dossier_id = dossier_id


@dataclass(frozen=True)
class Intake:
    """The dossier a submission maps to, and whether this submission created it."""

    dossier_id: str
    status: str
    created: bool


@dataclass(frozen=True)
class Prepared:
    """A form that passed the door checks, with what identifies it: its key and fingerprint."""

    form: BirthDossier | DeathDossier
    key: str | None
    fingerprint: str


Written = Intake | KeyReused
"""What writing one prepared submission came to: its dossier (new or not), or a reused key."""


async def write_dossiers(
    service: Service, policy: DeadlinePolicy, items: Sequence[Prepared]
) -> list[Written]:
    """Write ``items`` in ONE transaction as if submitted one after the other, in order.

    The keys and the counts of identical forms are read inside the write transaction (on
    SQLite it holds the only writer, so nothing comes between the read and the insert), then
    advanced item by item: an item finds a key an earlier item of the same call took, and
    identical keyless forms get consecutive ordinals. Dossiers, steps and events are inserted
    with one executemany each; the relay is woken once.
    """
    now = service.clock.now()
    async with service.db.session() as session:
        ledger = _Ledger(
            await _known_keys(session, items),
            await _form_counts(session, items),
            seed=service.infra.randomness.seed,
        )
        answers = [ledger.place(item) for item in items]
        if ledger.created:
            await _insert(session, service.name, policy, ledger.created, now)
    if ledger.created:
        service.notify_relay()
    return answers


def _dossier_id(seed: int, key: str | None, fingerprint: str, earlier: int) -> str:
    """Derived from the key; without one, from the form and how many identical ones came before."""
    if key is not None:
        return derived_id("dossier", seed, "key", key)
    return derived_id("dossier", seed, "form", fingerprint, earlier)


@dataclass
class _Ledger:
    """What the database knew when the transaction began, advanced by each item placed."""

    keys: dict[str, tuple[str, str, str]]
    """Idempotency key → (dossier id, fingerprint, status)."""
    counts: dict[str, int]
    """Fingerprint of a keyless item → dossiers with that form (keyed ones included)."""
    seed: int
    created: list[tuple[str, Prepared]] = field(default_factory=list)

    def place(self, item: Prepared) -> Written:
        """What ``item`` comes to after every item placed before it."""
        if item.key is not None and item.key in self.keys:
            dossier_id, fingerprint, status = self.keys[item.key]
            if fingerprint != item.fingerprint:
                return KeyReused(item.key, dossier_id)
            return Intake(dossier_id, status, created=False)
        earlier = self.counts.get(item.fingerprint, 0)
        dossier_id = _dossier_id(self.seed, item.key, item.fingerprint, earlier)
        self.counts[item.fingerprint] = earlier + 1
        if item.key is not None:
            self.keys[item.key] = (dossier_id, item.fingerprint, DossierStatus.SUBMITTED)
        self.created.append((dossier_id, item))
        return Intake(dossier_id, DossierStatus.SUBMITTED, created=True)


def _chunks(values: Sequence[str]) -> list[list[str]]:
    unique = sorted(set(values))
    return [unique[start : start + _LOOKUP_CHUNK] for start in range(0, len(unique), _LOOKUP_CHUNK)]


async def _known_keys(
    session: AsyncSession, items: Sequence[Prepared]
) -> dict[str, tuple[str, str, str]]:
    """The dossiers already holding one of the items' idempotency keys."""
    known: dict[str, tuple[str, str, str]] = {}
    for chunk in _chunks([item.key for item in items if item.key is not None]):
        rows = await session.exec(
            select(
                Dossier.idempotency_key, Dossier.dossier_id, Dossier.request_hash, Dossier.status
            ).where(col(Dossier.idempotency_key).in_(chunk))
        )
        for key, dossier_id, fingerprint, status in rows.all():
            if key is not None:
                known[key] = (dossier_id, fingerprint, status)
    return known


async def _form_counts(session: AsyncSession, items: Sequence[Prepared]) -> dict[str, int]:
    """How many dossiers hold the form of each keyless item (its ordinal's starting point)."""
    counts: dict[str, int] = {}
    for chunk in _chunks([item.fingerprint for item in items if item.key is None]):
        counts.update(dict.fromkeys(chunk, 0))
        rows = await session.exec(
            select(Dossier.request_hash, func.count())
            .where(col(Dossier.request_hash).in_(chunk))
            .group_by(col(Dossier.request_hash))
        )
        counts.update({fingerprint: int(n) for fingerprint, n in rows.all()})
    return counts


@functools.cache
def _defaults(model: type[SQLModel]) -> dict[str, Any]:
    """The model's field defaults: the columns a new row leaves at their default."""
    return {
        name: info.default for name, info in model.model_fields.items() if not info.is_required()
    }


def _row(model: type[SQLModel], **values: Any) -> dict[str, Any]:
    """A row of ``model`` as a dict for one executemany, every column given.

    Plain dicts, not model instances: building a thousand ORM objects (attribute
    instrumentation) cost several times the inserts themselves.
    """
    return {**_defaults(model), **values}


async def _insert(
    session: AsyncSession,
    source: str,
    policy: DeadlinePolicy,
    created: list[tuple[str, Prepared]],
    now: datetime,
) -> None:
    """Dossiers, their steps, their events and their counters: one executemany each, in the
    caller's transaction."""
    dossiers: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    events: defaultdict[str, list[CloudEvent]] = defaultdict(list)
    tally = Tally()
    for dossier_id, item in created:
        form = item.form
        province = province_of(form)
        place = place_of(form.kind, province, now)
        tally.move(place, DOSSIER, (), dossier_marks(DossierStatus.SUBMITTED, None, None))
        tally.happened(now, form.kind, "submitted")
        dossiers.append(
            _row(
                Dossier,
                dossier_id=dossier_id,
                kind=form.kind,
                status=DossierStatus.SUBMITTED,
                idempotency_key=item.key,
                request_hash=item.fingerprint,
                form=form.model_dump(mode="json"),
                province_code=province,
                submitted_at=now,
                submitted_on=place.day,
                due_at=policy.dossier_due(form.kind, now),
                updated_at=now,
            )
        )
        first = FLOW_AGENCIES[form.kind][0]
        for position, agency in enumerate(FLOW_AGENCIES[form.kind]):
            started = now if agency == first else None
            steps.append(
                _row(
                    DossierStep,
                    dossier_id=dossier_id,
                    agency=agency,
                    position=position,
                    status=StepStatus.PENDING,
                    started_at=started,
                    due_at=policy.step_due(form.kind, agency, now) if started else None,
                    flow=form.kind,
                    province_code=province,
                    submitted_on=place.day,
                )
            )
            marks = step_marks(StepStatus.PENDING, started, None, None, None)
            tally.move(place, agency, (), marks)
        topic, event = submitted_event(source, form, dossier_id, now)
        events[topic].append(event)
    await bulk_insert(session, Dossier, dossiers)
    await bulk_insert(session, DossierStep, steps)
    for topic, staged in events.items():
        await stage_events(session, topic, staged)
    await tally.write(session)


def submitted_event(
    source: str,
    form: BirthDossier | DeathDossier,
    dossier_id: str,
    now: datetime,
    *,
    received_at: datetime | None = None,
    completions: int = 0,
) -> tuple[str, CloudEvent]:
    """The ``…_dossier_submitted`` event and its topic: the declaration, not the form.

    A dossier completed after a return is sent again: ``received_at`` stays the day it was
    first submitted (the registration windows count to it), and its id is that of the
    ``completions``-th round, a new event the agencies' inboxes do not take for a repeat.
    """
    received = received_at or now
    payload: gateway_events.BirthDossierSubmitted | gateway_events.DeathDossierSubmitted
    if isinstance(form, BirthDossier):
        payload = gateway_events.BirthDossierSubmitted.from_form(dossier_id, received, form)
    else:
        payload = gateway_events.DeathDossierSubmitted.from_form(dossier_id, received, form)
    spec = spec_for_payload(type(payload))
    event = new_event(
        source=source,
        type_=spec.type,
        payload=payload,
        dossier_id=dossier_id,
        time=now,
        index=completions,
    )
    return spec.topic, event
