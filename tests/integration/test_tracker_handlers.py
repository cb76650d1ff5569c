"""The gateway's tracker against real SQLite: agency decisions and dead letters move dossiers.

Dossiers are created through the in-process POST at NOW (Monday 16/11/2026 09:30 in Vietnam);
agency events are built here and handed to the gateway's batch processor.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import pytest_asyncio
from pydantic import BaseModel

from lienthong.contracts import reasons
from lienthong.contracts.civil_registry import BirthRegistered, BirthRejected
from lienthong.contracts.dead_letters import DeadLettered
from lienthong.contracts.envelope import CloudEvent
from lienthong.contracts.forms import BirthDossier
from lienthong.contracts.gateway import BIRTH_DOSSIER_SUBMITTED
from lienthong.contracts.insurance import HealthCardIssued
from lienthong.contracts.population import CitizenRegistered
from lienthong.contracts.topics import GATEWAY_EVENTS
from lienthong.runtime.service import Service
from lienthong.runtime.tables import InboxRecord, OutboxMessage
from services.gateway import handlers as handlers_module
from services.gateway.models import Dossier
from services.gateway.tracker import outcome_of as tracker_outcome_of
from tests.helpers import CHILD_ID, birth_registered, citizen_registered
from tests.integration.conftest import InProcessSystem
from tests.integration.helpers import (
    client_of,
    count,
    dossier_view,
    event_of,
    instant,
    load_example,
    process,
    record_of,
    steps_by_agency,
    submit,
)

VIETNAM = timezone(timedelta(hours=7))
MONDAY_1030 = datetime(2026, 11, 16, 10, 30, tzinfo=VIETNAM)
TUESDAY_1000 = datetime(2026, 11, 17, 10, 0, tzinfo=VIETNAM)


def end_of_day(day: date) -> datetime:
    """23:59:59 in Vietnam on ``day``: when a limit ending that working day expires, in UTC."""
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=VIETNAM).astimezone(UTC)


@pytest_asyncio.fixture
async def gateway(system: InProcessSystem) -> AsyncIterator[tuple[Service, httpx.AsyncClient]]:
    """The system's gateway and an in-process client of it."""
    service = system.services["gateway"]
    async with client_of(service) as client:
        yield service, client


FORM = BirthDossier.model_validate(load_example())


def registered(dossier_id: str) -> BirthRegistered:
    return birth_registered(dossier_id)


def citizen(dossier_id: str, *, verification: bool = False) -> CitizenRegistered:
    return citizen_registered(dossier_id, verification=verification)


def dead_letter(dossier_id: str | None, consumer: str = "civil_registry") -> DeadLettered:
    return DeadLettered(
        consumer=consumer,
        topic=GATEWAY_EVENTS,
        partition=0,
        offset=0,
        key=dossier_id,
        event_id="e-1",
        event_type=BIRTH_DOSSIER_SUBMITTED,
        error_kind="handler_error",
        error="RuntimeError('boom')",
        value="{}",
    )


def letter_event(letter: DeadLettered, at: datetime, cause: CloudEvent | None = None) -> CloudEvent:
    return event_of(
        letter, source=letter.consumer, dossier_id=letter.key or "unknown", time=at, cause=cause
    )


async def test_a_dead_letter_fails_the_step_until_the_agency_decides(
    gateway: tuple[Service, httpx.AsyncClient],
) -> None:
    service, client = gateway
    dossier_id = await submit(client, load_example())

    await process(service, [record_of(letter_event(dead_letter(dossier_id), MONDAY_1030))])
    failed = await dossier_view(client, dossier_id)
    decided_at = MONDAY_1030 + timedelta(minutes=30)
    decision = event_of(registered(dossier_id), dossier_id=dossier_id, time=decided_at)
    await process(service, [record_of(decision)])
    recovered = await dossier_view(client, dossier_id)
    late_letter = letter_event(dead_letter(dossier_id), decided_at, cause=decision)
    await process(service, [record_of(late_letter)])
    after_late_letter = await dossier_view(client, dossier_id)

    assert failed["status"] == "failed"
    step = steps_by_agency(failed)["civil_registry"]
    assert step["status"] == "failed"
    assert step["reason"]["code"] == "dead_lettered.handler_error"
    assert "boom" in step["reason"]["message"]
    assert steps_by_agency(failed)["population"]["status"] == "pending"
    # The agency decided after all: its decision replaces the failure.
    assert recovered["status"] == "in_progress"
    civil, population = (
        steps_by_agency(recovered)["civil_registry"],
        steps_by_agency(recovered)["population"],
    )
    assert civil["status"] == "done" and civil["reason"] is None
    assert instant(civil["finished_at"]) == decided_at
    assert instant(population["started_at"]) == decided_at
    # Population: 2 working days from Monday 11:00 (before 15:00, so Monday is day 1) → Tuesday.
    assert instant(population["due_at"]) == end_of_day(date(2026, 11, 17))
    # A decision is final: a later dead letter from the same agency does not undo it.
    assert after_late_letter == recovered


async def test_verification_extends_the_group_deadline_from_3_to_5_working_days(
    gateway: tuple[Service, httpx.AsyncClient],
) -> None:
    service, client = gateway
    verified = await submit(client, load_example(), **{"Idempotency-Key": "verified"})
    plain = await submit(client, load_example(), **{"Idempotency-Key": "plain"})
    submitted = await dossier_view(client, verified)
    batch = []
    for dossier_id, verification in ((verified, True), (plain, False)):
        decision = event_of(registered(dossier_id), dossier_id=dossier_id, time=MONDAY_1030)
        residence = event_of(
            citizen(dossier_id, verification=verification),
            dossier_id=dossier_id,
            time=TUESDAY_1000,
            cause=decision,
        )
        batch += [record_of(decision), record_of(residence)]

    await process(service, batch)
    extended, normal = await dossier_view(client, verified), await dossier_view(client, plain)

    # Received Monday 16/11/2026 at 09:30, a working day before the 15:00 cut-off: Monday is
    # working day 1. Three working days: Mon 16, Tue 17, Wed 18 → Wednesday 23:59:59. With
    # verification, five: Mon 16 … Fri 20 → Friday 23:59:59 (no public holiday that week).
    assert instant(submitted["due_at"]) == end_of_day(date(2026, 11, 18))
    assert instant(extended["due_at"]) == end_of_day(date(2026, 11, 20))
    assert instant(normal["due_at"]) == end_of_day(date(2026, 11, 18))
    # Population started Monday 10:30: 5 working days (verified) → Fri 20, else 2 → Tue 17.
    assert instant(steps_by_agency(extended)["population"]["due_at"]) == end_of_day(
        date(2026, 11, 20)
    )
    assert instant(steps_by_agency(normal)["population"]["due_at"]) == end_of_day(
        date(2026, 11, 17)
    )
    # Insurance started Tuesday 10:00: 2 working days either way → Wednesday 18.
    for view in (extended, normal):
        insurance = steps_by_agency(view)["insurance"]
        assert instant(insurance["started_at"]) == TUESDAY_1000
        assert instant(insurance["due_at"]) == end_of_day(date(2026, 11, 18))
    assert steps_by_agency(extended)["population"]["result"]["verification_required"] is True


async def test_a_redelivered_decision_is_a_no_op(
    gateway: tuple[Service, httpx.AsyncClient],
) -> None:
    service, client = gateway
    dossier_id = await submit(client, load_example())
    decision = event_of(registered(dossier_id), dossier_id=dossier_id, time=MONDAY_1030)

    first = await process(service, [record_of(decision), record_of(decision)])
    view = await dossier_view(client, dossier_id)
    outbox = await count(service.db, OutboxMessage)
    again = await process(service, [record_of(decision)])

    assert (first.processed, first.duplicates) == (1, 1)
    assert (again.processed, again.duplicates) == (0, 1)
    assert again.published == [] and again.dead_letters == []
    assert await count(service.db, OutboxMessage) == outbox
    assert await count(service.db, InboxRecord, InboxRecord.event_id == decision.id) == 1
    assert await dossier_view(client, dossier_id) == view


async def test_a_refusal_rejects_the_dossier_with_its_reason(
    gateway: tuple[Service, httpx.AsyncClient],
) -> None:
    service, client = gateway
    dossier_id = await submit(client, load_example())
    refusal = BirthRejected(
        dossier_id=dossier_id, reason=reasons.MOTHER_NOT_FOUND.reason(FORM.mother.personal_id)
    )
    refused = event_of(refusal, dossier_id=dossier_id, time=MONDAY_1030)
    contradicting = event_of(
        registered(dossier_id), dossier_id=dossier_id, time=TUESDAY_1000, cause=refused
    )

    await process(service, [record_of(refused)])
    view = await dossier_view(client, dossier_id)
    await process(service, [record_of(contradicting)])

    assert view["status"] == "rejected"
    assert view["completed_at"] is None
    assert view["overdue"] is False  # closed Monday, due Wednesday
    civil = steps_by_agency(view)["civil_registry"]
    assert civil["status"] == "rejected"
    assert civil["reason"]["code"] == "mother_not_found"
    assert FORM.mother.personal_id in civil["reason"]["message"]
    assert civil["reason"]["message_vi"]
    for agency in ("population", "insurance"):
        # refused before them: never sent
        assert steps_by_agency(view)[agency]["status"] == "skipped"
        assert steps_by_agency(view)[agency]["started_at"] is None
    # A refusal is final, whatever arrives after it.
    assert await dossier_view(client, dossier_id) == view


async def test_events_of_unknown_dossiers_are_ignored(
    gateway: tuple[Service, httpx.AsyncClient],
) -> None:
    service, client = gateway
    dossier_id = await submit(client, load_example())
    before = await dossier_view(client, dossier_id)
    batch = [
        record_of(event_of(registered("no-such"), dossier_id="no-such", time=MONDAY_1030)),
        record_of(letter_event(dead_letter("no-such"), MONDAY_1030)),
        record_of(letter_event(dead_letter(None), MONDAY_1030)),
        # Not an agency: the gateway's own dead letters say nothing about a step.
        record_of(letter_event(dead_letter(dossier_id, consumer="gateway"), MONDAY_1030)),
    ]

    outcome = await process(service, batch)

    assert outcome.processed == 4
    assert outcome.dead_letters == []
    assert await count(service.db, Dossier) == 1
    assert await dossier_view(client, dossier_id) == before


async def test_step_results_come_from_the_typed_payloads(
    gateway: tuple[Service, httpx.AsyncClient],
) -> None:
    service, client = gateway
    dossier_id = await submit(client, load_example())
    # The number the civil registry obtained at registration is on the certificate (step 1).
    numbered = registered(dossier_id).model_copy(update={"personal_id": CHILD_ID})
    birth = event_of(numbered, dossier_id=dossier_id, time=MONDAY_1030)
    person = event_of(citizen(dossier_id), dossier_id=dossier_id, time=TUESDAY_1000, cause=birth)
    card = HealthCardIssued(
        dossier_id=dossier_id,
        personal_id=CHILD_ID,
        card_code="TE1010112345678",
        valid_from=date(2026, 11, 17),
        valid_until=date(2032, 11, 30),
        initial_clinic_code="01001",
    )
    card_at = TUESDAY_1000 + timedelta(hours=1)
    issued = event_of(card, dossier_id=dossier_id, time=card_at, cause=person)

    await process(service, [record_of(birth), record_of(person), record_of(issued)])
    view = await dossier_view(client, dossier_id)

    steps = steps_by_agency(view)
    assert steps["civil_registry"]["result"] == {
        "registration_number": "KS-00685-2026-000001",
        "birth_certificate_number": "GKS-2026-00685000001",
        "registered_on": "2026-11-16",
        "personal_id": CHILD_ID,
        "late_registration": False,
        "medical_birth_certificate_medium": "electronic",
        "verification_required": False,
    }
    assert steps["population"]["result"] == {
        "personal_id": CHILD_ID,
        "household_id": "HO0100000001",
        "commune_code": "00685",
        "verification_required": False,
    }
    assert steps["insurance"]["result"] == {
        "card_code": "TE1010112345678",
        "valid_from": "2026-11-17",
        "valid_until": "2032-11-30",
        "initial_clinic_code": "01001",
    }
    assert view["status"] == "completed"
    assert instant(view["completed_at"]) == card_at


async def test_a_failing_event_between_two_of_the_same_dossier_takes_only_itself(
    gateway: tuple[Service, httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safe path: the batch is applied again one event at a time, the bad one dead-lettered,
    and the events around it — for the very same dossier — still move its steps."""
    service, client = gateway
    dossier_id = await submit(client, load_example())
    real_outcome_of = tracker_outcome_of

    def outcome_of(payload: BaseModel, at: datetime) -> Any:
        if isinstance(payload, HealthCardIssued):
            raise RuntimeError("tracker bug on cards")
        return real_outcome_of(payload, at)

    monkeypatch.setattr(handlers_module, "outcome_of", outcome_of)
    card = HealthCardIssued(
        dossier_id=dossier_id,
        personal_id=CHILD_ID,
        card_code="TE1010000000001",
        valid_from=date(2026, 11, 16),
        valid_until=date(2032, 11, 30),
        initial_clinic_code="01001",
    )
    batch = [
        event_of(registered(dossier_id), dossier_id=dossier_id, time=MONDAY_1030),
        event_of(card, dossier_id=dossier_id, time=MONDAY_1030 + timedelta(minutes=2)),
        event_of(
            citizen(dossier_id), dossier_id=dossier_id, time=MONDAY_1030 + timedelta(minutes=1)
        ),
    ]

    outcome = await process(service, [record_of(event) for event in batch])

    assert outcome.processed == 2
    assert [letter.error_kind for letter in outcome.dead_letters] == ["handler_error"]
    steps = steps_by_agency(await dossier_view(client, dossier_id))
    assert {agency: step["status"] for agency, step in steps.items()} == {
        "civil_registry": "done",
        "population": "done",
        "insurance": "pending",
    }
    assert steps["population"]["result"]["personal_id"] == CHILD_ID
