"""The civil registry's registration windows through its handlers, on real databases.

The frozen clock is Monday 16/11/2026, 09:30 in Vietnam. Expected values are worked by hand from
the Law on Civil Status 2014 (births 60 days, art. 15; deaths 15 days, art. 33, both counted to
the day the dossier is submitted) and the Civil Code 2015 (art. 147(2): from the day after the
event; art. 148(5): a last day off moves to the next working day).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import httpx
import pytest
import pytest_asyncio
from sqlmodel import select

from lienthong.contracts.forms import DeathDossier
from lienthong.contracts.gateway import DeathDossierSubmitted
from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS
from lienthong.domain.calendar import VIETNAM_TZ
from services.civil_registry.models import BirthRegistration, DeathRegistration
from services.population.models import Citizen
from tests.integration.conftest import NOW, InProcessSystem
from tests.integration.helpers import (
    birth_form_for,
    client_of,
    death_form_for,
    dossier_view,
    event_of,
    known_to_registry,
    pensioner_heading_a_household,
    process,
    record_of,
    run_chain,
    seeded_mothers,
    steps_by_agency,
    submit,
)

Chain = tuple[InProcessSystem, httpx.AsyncClient, Citizen]


@pytest_asyncio.fixture
async def chain(system: InProcessSystem) -> AsyncIterator[Chain]:
    """The system, a client of its gateway, and a seeded mother the civil registry knows."""
    (mother,) = await seeded_mothers(system)
    known_to_registry(system, mother)
    async with client_of(system.services["gateway"]) as client:
        yield system, client, mother


@pytest.mark.parametrize(
    ("born", "days", "late"),
    [
        # Born 17/9: 13 (rest of September) + 31 + 16 = 60 days to 16/11, the last day: on time.
        (date(2026, 9, 17), 60, False),
        # Born 15/9: day 60 is Saturday 14/11, so the window ends Monday 16/11: on time.
        (date(2026, 9, 15), 62, False),
        # Born 14/9: day 60 is Friday 13/11, a working day: late, and registered all the same.
        (date(2026, 9, 14), 63, True),
    ],
)
async def test_a_birth_submitted_after_60_days_is_registered_and_flagged_late(
    chain: Chain, born: date, days: int, late: bool
) -> None:
    system, client, mother = chain
    dossier_id = await submit(client, birth_form_for(mother, born=born))

    await run_chain(system)

    view = await dossier_view(client, dossier_id)
    assert view["status"] == "completed", view
    assert steps_by_agency(view)["civil_registry"]["result"]["late_registration"] is late
    async with system.services["civil_registry"].db.read_session() as session:
        (row,) = (await session.exec(select(BirthRegistration))).all()
    assert row.late_registration is late
    (event,) = system.broker.events(CIVIL_REGISTRY_EVENTS)
    assert (event.data["late_registration"], event.data["days_after_birth"]) == (late, days)


@pytest.mark.parametrize(
    ("died", "received_at", "days", "late"),
    [
        # Died Friday 30/10/2026: day 15 is Saturday 14/11, so the window ends Monday 16/11.
        (date(2026, 10, 30), datetime(2026, 11, 13, 16, 45, tzinfo=VIETNAM_TZ), 14, False),
        (date(2026, 10, 30), NOW, 17, False),
        # Died Thursday 29/10/2026: day 15 is Friday 13/11, a working day. Submitted that day
        # (after 15:00 changes nothing: the citizen has the whole last day), it is on time,
        # although the registry processes it on 16/11, 18 days after the death.
        (date(2026, 10, 29), datetime(2026, 11, 13, 16, 45, tzinfo=VIETNAM_TZ), 15, False),
        # 13/11 17:30 UTC is already Saturday 14/11 in Vietnam: one day late.
        (date(2026, 10, 29), datetime(2026, 11, 13, 17, 30, tzinfo=UTC), 16, True),
        (date(2026, 10, 29), NOW, 18, True),
    ],
)
async def test_a_death_is_judged_on_the_day_submitted_not_the_day_processed(
    system: InProcessSystem, died: date, received_at: datetime, days: int, late: bool
) -> None:
    deceased, household = await pensioner_heading_a_household(system)
    known_to_registry(system, deceased)
    form = DeathDossier.model_validate(death_form_for(deceased, household[0], died=died))
    payload = DeathDossierSubmitted.from_form("d-window", received_at, form)

    await process(
        system.services["civil_registry"],
        [record_of(event_of(payload, dossier_id="d-window", time=received_at))],
    )

    async with system.services["civil_registry"].db.read_session() as session:
        row = await session.get(DeathRegistration, f"KT-{deceased.commune_code}-2026-000001")
    assert row is not None and row.registered_on == date(2026, 11, 16)
    assert row.late_registration is late
    await system.publish()
    (event,) = system.broker.events(CIVIL_REGISTRY_EVENTS)
    assert (event.data["late_registration"], event.data["days_after_death"]) == (late, days)
