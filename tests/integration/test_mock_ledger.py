"""A simulated agency's ``/admin/ledger``: its decisions as facts, and what it left unanswered.

A ``silent`` rule consumes an event and publishes nothing; the ledger counts those events per
type so that ``lienthong verify`` can take the configured silence as the reason a dossier waits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lienthong.contracts import civil_registry, population
from lienthong.contracts.examples import example_of
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.service import Parts
from services.insurance.settings import InsuranceSettings
from services.mock.bootstrap import bootstrap_mock
from services.mock.rules import parse_rule
from tests.fakes import RecordingBroker
from tests.integration.conftest import NOW, frozen_clock
from tests.integration.helpers import client_of, event_of, process, record_of


async def test_the_ledger_counts_the_events_a_silent_rule_left_unanswered(tmp_path: Path) -> None:
    rules = [parse_rule("insurance.citizen_registered=silent")]
    settings = InsuranceSettings(data_dir=str(tmp_path), seed_citizens=20)
    parts = Parts(broker=RecordingBroker(), clock=frozen_clock(), randomness=RandomSource(7))
    service = bootstrap_mock("insurance", settings, rules, parts)
    citizen = example_of(population.CitizenRegistered)
    death = example_of(civil_registry.DeathRegistered)
    events = [
        event_of(
            population.CitizenRegistered(**{**citizen, "dossier_id": d}), dossier_id=d, time=NOW
        )
        for d in ("B1", "B2")
    ]
    events.append(
        event_of(
            civil_registry.DeathRegistered(**{**death, "dossier_id": "D1"}),
            dossier_id="D1",
            time=NOW,
        )
    )
    await service.start()
    try:
        outcome = await process(service, [record_of(event) for event in events])
        async with client_of(service) as client:
            response = await client.get("/admin/ledger")
            one = await client.get("/admin/ledger", params={"dossier_id": "D1"})
    finally:
        await service.stop()

    assert outcome.processed == 3
    assert response.status_code == 200, response.text
    domain: dict[str, Any] = response.json()["domain"]
    assert domain["unanswered"] == {population.CITIZEN_REGISTERED: 2}  # the cards, not the death
    assert domain["facts"] == {"health_card": {}, "funeral_benefit": {"D1": 1}}
    # The inbox names no dossier: the count is the run's, even for one dossier.
    assert one.json()["domain"]["unanswered"] == {population.CITIZEN_REGISTERED: 2}
