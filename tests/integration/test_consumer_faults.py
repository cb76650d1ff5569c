"""Faults switched on at an agency, as its consumer lives them (in-process, real SQLite).

Each test sets a fault the way ``/admin/faults`` does (the board stores it in the service's
database) and checks what the reports describe: a province not connected holds its dossiers,
a sync error is retried then dead-lettered, a bad signature or mismatched data is a refusal
with its reason code, latency delays the decision in simulated time.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx

from lienthong.contracts.dead_letters import DeadLettered
from lienthong.contracts.faults import FaultSetting, checked_fault
from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS, DEAD_LETTERS, GATEWAY_EVENTS
from lienthong.runtime.dead_letters import dead_letter_event
from lienthong.runtime.service import Service
from tests.integration.conftest import NOW, InProcessSystem
from tests.integration.helpers import (
    client_of,
    dossier_view,
    process,
    record_of,
    run_chain,
    steps_by_agency,
    two_births,
)

LOOKUP = {"personal_ids": ["001226123456"]}


async def set_fault(service: Service, kind: str, **setting: Any) -> None:
    """What ``PUT /admin/faults/{kind}`` does."""
    fault = checked_fault(service.name, kind, FaultSetting(**setting))
    await service.faults.put(service.db, fault)


async def births_under(
    system: InProcessSystem, client: httpx.AsyncClient, service: str, kind: str, **setting: Any
) -> list[dict[str, Any]]:
    """Two births run to their end with one fault on at ``service``; their dossier views."""
    ids, _ = await two_births(system, client)
    await set_fault(system.services[service], kind, **setting)
    await run_chain(system, rounds=3)
    return [await dossier_view(client, d) for d in ids]


async def test_an_agency_down_in_one_province_holds_its_dossiers_until_cleared(
    system: InProcessSystem,
) -> None:
    registry = system.services["civil_registry"]
    async with client_of(system.services["gateway"]) as client:
        ids, province = await two_births(system, client)
        await set_fault(registry, "down", provinces=[province])
        held = (await system.deliver(GATEWAY_EVENTS))["civil_registry"]
        await run_chain(system)
        waiting = [(await dossier_view(client, d))["status"] for d in ids]
        assert registry.retries is not None
        still = await registry.retries.retry_due()  # the fault is on: nothing released
        await registry.faults.clear(registry.db)
        registry.retries._held_checked_at = 0.0  # the next check is due at once
        released = await registry.retries.retry_due()
        await run_chain(system)
        done = [(await dossier_view(client, d))["status"] for d in ids]

    assert (held.processed, len(held.parked), held.dead_letters) == (0, 2, [])
    assert {p.kind for p in held.parked} == {"held"}
    assert waiting == ["submitted", "submitted"]
    assert (still, released) == (0, 2)
    assert done == ["completed", "completed"]


async def test_a_province_outside_the_fault_is_not_held(system: InProcessSystem) -> None:
    registry = system.services["civil_registry"]
    async with client_of(system.services["gateway"]) as client:
        ids, province = await two_births(system, client)
        elsewhere = "01" if province != "01" else "79"
        await set_fault(registry, "down", provinces=[elsewhere])
        await run_chain(system)
        statuses = [(await dossier_view(client, d))["status"] for d in ids]
    assert statuses == ["completed", "completed"]


async def test_a_sync_error_on_every_attempt_ends_in_a_transient_dead_letter(
    tmp_path: Any,
) -> None:
    from tests.integration.conftest import open_system

    settings = {"transient_max_attempts": 2, "transient_backoff_ms": 1}
    async with open_system(tmp_path, civil_registry_settings=settings) as system:
        registry = system.services["civil_registry"]
        assert registry.retries is not None
        async with client_of(system.services["gateway"]) as client:
            ids, _ = await two_births(system, client)
            await set_fault(registry, "sync_error", rate=1.0)
            first = (await system.deliver(GATEWAY_EVENTS))["civil_registry"]
            await asyncio.sleep(0.05)
            await registry.retries.retry_due()
            await run_chain(system)
            views = [await dossier_view(client, d) for d in ids]

    assert (first.processed, len(first.parked)) == (0, 2)
    for view in views:
        assert view["status"] == "failed"
        step = steps_by_agency(view)["civil_registry"]
        assert step["reason"]["code"] == "dead_lettered.transient"


async def test_signature_invalid_is_a_refusal_with_its_reason_code(
    system: InProcessSystem,
) -> None:
    async with client_of(system.services["gateway"]) as client:
        views = await births_under(system, client, "population", "signature_invalid", flow="birth")

    for view in views:
        assert view["status"] == "rejected"
        steps = steps_by_agency(view)
        assert steps["civil_registry"]["status"] == "done"
        assert steps["population"]["reason"]["code"] == "population_signature_invalid"


async def test_data_mismatch_at_the_civil_registry_uses_its_existing_reason(
    system: InProcessSystem,
) -> None:
    async with client_of(system.services["gateway"]) as client:
        views = await births_under(system, client, "civil_registry", "data_mismatch")

    for view in views:
        assert view["status"] == "rejected"
        reason = steps_by_agency(view)["civil_registry"]["reason"]["code"]
        assert reason == "mother_data_mismatch"


async def test_a_death_flow_fault_leaves_births_alone(system: InProcessSystem) -> None:
    async with client_of(system.services["gateway"]) as client:
        views = await births_under(system, client, "population", "signature_invalid", flow="death")
    assert [view["status"] for view in views] == ["completed", "completed"]


async def test_latency_delays_the_decision_in_simulated_time(system: InProcessSystem) -> None:
    registry = system.services["civil_registry"]
    async with client_of(system.services["gateway"]) as client:
        await two_births(system, client)
        await set_fault(registry, "latency", latency="fixed:2h")
        outcome = (await system.deliver(GATEWAY_EVENTS))["civil_registry"]

    # The frozen clock stands at NOW: every decision is stamped two hours later, by hand.
    assert [event.time for event in outcome.published] == [NOW + timedelta(hours=2)] * 2
    assert system.broker.events(CIVIL_REGISTRY_EVENTS) == []  # not due on the frozen clock


async def test_an_agency_fully_down_answers_503_but_its_admin_api_stays_up(
    system: InProcessSystem,
) -> None:
    population = system.services["population"]
    await set_fault(population, "down")
    async with client_of(population) as client:
        business = await client.post(
            "/api/v1/citizens/lookup", json={"personal_ids": ["001226123456"]}
        )
        health = await client.get("/health")
        cleared = await client.delete("/admin/faults/down")
        after = await client.post(
            "/api/v1/citizens/lookup", json={"personal_ids": ["001226123456"]}
        )

    assert business.status_code == 503
    assert business.headers["retry-after"]
    assert health.status_code == 200
    assert health.json()["connected"] is False
    assert cleared.json()["cleared"] == ["down"]
    assert after.status_code == 200


async def test_a_poison_message_after_a_refusal_leaves_the_closed_dossier_alone(
    system: InProcessSystem,
) -> None:
    """Poison carrying a rejected dossier's key is listed as a failure, not a failed step."""
    async with client_of(system.services["gateway"]) as client:
        (rejected, _) = await births_under(system, client, "civil_registry", "data_mismatch")
        dossier_id = rejected["dossier_id"]
        poison = DeadLettered(
            consumer="population",
            topic=CIVIL_REGISTRY_EVENTS,
            partition=0,
            offset=7,
            key=dossier_id,
            error_kind="malformed",
            error="not JSON",
            value="{nope",
        )
        await process(
            system.services["gateway"], [record_of(dead_letter_event(poison, NOW), DEAD_LETTERS)]
        )
        view = await dossier_view(client, dossier_id)
        listed = (await client.get("/api/v1/failures", params={"dossier_id": dossier_id})).json()

    assert view["status"] == "rejected"
    assert steps_by_agency(view)["population"]["status"] == "skipped"
    assert [item["error_kind"] for item in listed["items"]] == ["malformed"]
