"""Counters on the edges: a batch applied event by event, and a refusal that arrives first.

Dossiers are submitted at NOW (Monday 16/11/2026 09:30 in Vietnam); events are built here and
handed to the gateway's batch processor, as in ``test_tracker_handlers.py``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from lienthong.contracts import reasons
from lienthong.contracts.civil_registry import DeathRegistered
from lienthong.contracts.declarations import BenefitClaim, DeceasedInfo, PlaceOfDeath
from lienthong.contracts.forms import DeathDossier
from lienthong.contracts.population import DeathRecordRejected
from lienthong.runtime.service import Service
from services.gateway import handlers as handlers_module
from services.gateway.tracker import outcome_of as real_outcome_of
from tests.helpers import birth_registered
from tests.integration.conftest import InProcessSystem
from tests.integration.helpers import (
    client_of,
    dossier_view,
    event_of,
    load_example,
    process,
    record_of,
    steps_by_agency,
    submit,
)

VIETNAM = timezone(timedelta(hours=7))
AT_1030 = datetime(2026, 11, 16, 10, 30, tzinfo=VIETNAM)


async def stats_of(client: httpx.AsyncClient, flow: str) -> dict[str, Any]:
    figures: dict[str, Any] = (await client.get("/api/v1/stats")).json()["flows"][flow]
    return figures


async def test_a_batch_applied_event_by_event_counts_each_change_once(
    system: InProcessSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two good events, then one whose tracking fails: the safe path applies the batch one
    event at a time, and the two good ones are counted once each, not once per event after."""
    service: Service = system.services["gateway"]
    async with client_of(service) as client:
        a, b, c = [await submit(client, load_example() | {"reference": r}) for r in "ABC"]

        def outcome_of(payload: BaseModel, at: datetime) -> Any:
            if getattr(payload, "dossier_id", None) == c:
                raise RuntimeError("tracker bug on C")
            return real_outcome_of(payload, at)

        monkeypatch.setattr(handlers_module, "outcome_of", outcome_of)
        outcome = await process(
            service,
            [
                record_of(event_of(birth_registered(d), dossier_id=d, time=AT_1030))
                for d in (a, b, c)
            ],
        )
        birth = await stats_of(client, "birth")

    assert len(outcome.dead_letters) == 1
    # A and B registered (in progress at population), C still submitted
    assert birth["dossiers"] | {"total": 0} == {
        "submitted": 1,
        "in_progress": 2,
        "returned": 0,
        "completed": 0,
        "rejected": 0,
        "failed": 0,
        "total": 0,
    }
    civil, population = birth["agencies"]["civil_registry"], birth["agencies"]["population"]
    assert (civil["sent"], civil["synced"], civil["pending"]) == (3, 2, 1)
    assert (population["sent"], population["pending"], population["waiting"]) == (2, 2, 1)


def deceased_form() -> DeathDossier:
    return DeathDossier.model_validate(load_example("death-insured"))


def death_registered(dossier_id: str) -> DeathRegistered:
    form = deceased_form()
    return DeathRegistered(
        dossier_id=dossier_id,
        registration_number="KT-03283-2026-000001",
        death_extract_number="TLKT-2026-03283000001",
        registered_on=form.date_of_death + timedelta(days=1),
        deceased=DeceasedInfo.model_validate(form.deceased.model_dump()),
        date_of_death=form.date_of_death,
        place_of_death=PlaceOfDeath(commune_code=form.place_of_death.commune_code),
        late_registration=False,
        days_after_death=1,
        benefit_claim=BenefitClaim(requested=True),
    )


async def test_a_step_skipped_on_a_refusal_that_came_first_is_reached_after_all(
    system: InProcessSystem,
) -> None:
    """Death: population's refusal arrives before the registration that reached it (topics
    are not ordered with each other). Insurance, skipped on the refusal, is then reached by the
    registration — its agency works on it — so it is pending, and counted so."""
    service: Service = system.services["gateway"]
    async with client_of(service) as client:
        dossier_id = await submit(client, load_example("death-insured"))
        refusal = DeathRecordRejected(
            dossier_id=dossier_id, reason=reasons.CITIZEN_ALREADY_DECEASED.reason()
        )
        registered = death_registered(dossier_id)
        later = AT_1030 + timedelta(minutes=5)
        await process(service, [record_of(event_of(refusal, dossier_id=dossier_id, time=later))])
        skipped = steps_by_agency(await dossier_view(client, dossier_id))["insurance"]
        await process(
            service, [record_of(event_of(registered, dossier_id=dossier_id, time=AT_1030))]
        )
        view = await dossier_view(client, dossier_id)
        death = await stats_of(client, "death")

    assert skipped["status"] == "skipped"
    assert view["status"] == "rejected"
    assert steps_by_agency(view)["insurance"]["status"] == "pending"
    insurance = death["agencies"]["insurance"]
    assert (insurance["sent"], insurance["pending"], insurance["skipped"]) == (1, 1, 0)
    population = death["agencies"]["population"]
    assert population["rejected_by_reason"] == {"citizen_already_deceased": 1}
