"""Issue 10, versioned events, in-process: insurance emits ``health_card_issued`` v1 or v2 as
configured (``CARD_EVENT_VERSION``), and the gateway completes the birth on either with the
same step result, so its REST API does not change with the version.

Expected values come from the design and the chain's fixed inputs (a child born 10/11/2026,
registered on Monday 16/11/2026): the card is valid from that day until 30/11/2032.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from lienthong.contracts.insurance import (
    ChildHealthCard,
    HealthCardIssued,
    HealthCardIssuedV2,
)
from lienthong.contracts.topics import INSURANCE_EVENTS
from lienthong.runtime.tables import OutboxMessage
from tests.helpers import CHILD_ID, birth_registered, citizen_registered
from tests.integration.conftest import NOW, InProcessSystem, open_system
from tests.integration.helpers import (
    birth_form_for,
    client_of,
    count,
    dossier_view,
    event_of,
    known_to_registry,
    process,
    record_of,
    run_chain,
    seeded_mothers,
    steps_by_agency,
    submit,
)

V1 = "vn.lienthong.insurance.health_card_issued.v1"
V2 = "vn.lienthong.insurance.health_card_issued.v2"
STEP_KEYS = {"card_code", "valid_from", "valid_until", "initial_clinic_code"}
"""What the gateway's insurance step shows for a card, whichever version announced it."""


@pytest_asyncio.fixture(params=[1, 2], ids=["v1", "v2"])
async def configured(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[int, InProcessSystem]]:
    """The four services, insurance configured through its environment to emit v1 or v2."""
    version: int = request.param
    monkeypatch.setenv("CARD_EVENT_VERSION", str(version))
    async with open_system(tmp_path) as system:
        yield version, system


async def test_insurance_announces_the_card_in_the_configured_version(
    configured: tuple[int, InProcessSystem],
) -> None:
    version, system = configured
    (mother,) = await seeded_mothers(system)
    known_to_registry(system, mother)
    province = mother.province_code
    assert province is not None
    async with client_of(system.services["gateway"]) as client:
        dossier_id = await submit(client, birth_form_for(mother, born=date(2026, 11, 10)))
        await run_chain(system)
        view = await dossier_view(client, dossier_id)

    assert view["status"] == "completed", view
    steps = steps_by_agency(view)
    child = steps["population"]["result"]["personal_id"]
    (sent,) = system.broker.events(INSURANCE_EVENTS)
    assert sent.type == (V1, V2)[version - 1]
    # The Kafka key stays the dossier id in both versions: the gateway orders hops by it.
    ((key, _),) = system.broker.producer_.sent[INSURANCE_EVENTS]
    assert (key, sent.subject, sent.correlationid) == (dossier_id.encode(), dossier_id, dossier_id)
    if version == 2:
        card = HealthCardIssuedV2.model_validate(sent.data)
        assert card.insured_id == child
        code = card.card.legacy_code
        assert (card.card.beneficiary_group, card.card.benefit_level) == ("TE", 1)
        assert card.card.province_code == province
        assert "personal_id" not in (sent.data or {}) and "card_code" not in (sent.data or {})
    else:
        v1 = HealthCardIssued.model_validate(sent.data)
        assert v1.personal_id == child
        code = v1.card_code
    assert len(code) == 15 and code.startswith(f"TE1{province}") and code[3:].isdigit()
    assert steps["insurance"]["result"] == {
        "card_code": code,
        "valid_from": "2026-11-16",
        "valid_until": "2032-11-30",
        "initial_clinic_code": f"{province}001",
    }
    outbox = system.services["insurance"].db
    assert await count(outbox, OutboxMessage, OutboxMessage.event_type == V1) == int(version == 1)
    assert await count(outbox, OutboxMessage, OutboxMessage.event_type == V2) == int(version == 2)


async def test_the_gateway_completes_dossiers_on_either_version_in_one_batch(
    tmp_path: Path,
) -> None:
    """A mixed fleet as the gateway sees it: one insurance process still on v1, one on v2."""
    async with open_system(tmp_path) as system:
        service = system.services["gateway"]
        async with client_of(service) as client:
            form = birth_form_for((await seeded_mothers(system))[0])
            old, new = await submit(client, form), await submit(client, form)
            at = NOW + timedelta(hours=1)
            batch = []
            for dossier_id in (old, new):
                birth = event_of(birth_registered(dossier_id), dossier_id=dossier_id, time=at)
                person = event_of(
                    citizen_registered(dossier_id), dossier_id=dossier_id, time=at, cause=birth
                )
                batch += [birth, person]
            v1 = HealthCardIssued(
                dossier_id=old,
                personal_id=CHILD_ID,
                card_code="TE1010112345678",
                valid_from=date(2026, 11, 16),
                valid_until=date(2032, 11, 30),
                initial_clinic_code="01001",
            )
            v2 = HealthCardIssuedV2(
                dossier_id=new,
                insured_id=CHILD_ID,
                card=ChildHealthCard(
                    legacy_code="TE1010187654321",
                    beneficiary_group="TE",
                    benefit_level=1,
                    province_code="01",
                    valid_from=date(2026, 11, 16),
                    valid_until=date(2032, 11, 30),
                    initial_clinic_code="01002",
                ),
            )
            batch += [
                event_of(v1, dossier_id=old, time=at + timedelta(minutes=5)),
                event_of(v2, dossier_id=new, time=at + timedelta(minutes=5)),
            ]
            assert [event.type for event in batch[-2:]] == [V1, V2]

            outcome = await process(service, [record_of(event) for event in batch])
            views = {
                dossier_id: await dossier_view(client, dossier_id) for dossier_id in (old, new)
            }

    assert (outcome.processed, outcome.dead_letters) == (6, [])
    assert {view["status"] for view in views.values()} == {"completed"}
    results = {d: steps_by_agency(view)["insurance"]["result"] for d, view in views.items()}
    assert results == {
        old: {
            "card_code": "TE1010112345678",
            "valid_from": "2026-11-16",
            "valid_until": "2032-11-30",
            "initial_clinic_code": "01001",
        },
        new: {
            "card_code": "TE1010187654321",
            "valid_from": "2026-11-16",
            "valid_until": "2032-11-30",
            "initial_clinic_code": "01002",
        },
    }
    assert all(set(result) == STEP_KEYS for result in results.values())
