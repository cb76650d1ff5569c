"""Mock mode: each agency runs alone for real, the others simulated from their contracts.

``lienthong up --only AGENCY`` must let a team code against one agency: the chain completes
around it, the real agency writes its own records, and the simulated ones answer as the rules
say. ``--external`` leaves an agency's topics to the user's own implementation — here a few
lines of aiokafka standing in for a team's insurance service.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from lienthong.cli.fleet import Fleet
from lienthong.contracts.envelope import CloudEvent, new_event
from lienthong.contracts.insurance import CARD_ISSUED, HealthCardIssued
from lienthong.contracts.kafka_binding import structured_headers
from lienthong.contracts.services import INSURANCE, POPULATION, service_info
from services.mock.rules import parse_rule
from tests import stores
from tests.cloudevents_sdk import read_by_sdk, read_topics
from tests.e2e.chaos import cli, verified
from tests.e2e.helpers import (
    RunningSystem,
    load_example,
    running_system,
    steps_by_agency,
    submit,
    wait_for_dossier,
    wait_until,
)
from tests.published_schemas import schema_errors

pytestmark = pytest.mark.e2e

OWN_RECORDS = {
    "civil_registry": (
        ("civil_registry", "SELECT COUNT(*) FROM birth_registrations"),
        ("civil_registry", "SELECT COUNT(*) FROM death_registrations"),
    ),
    "population": (
        ("population", "SELECT COUNT(*) FROM citizens WHERE birth_registration_number IS NOT NULL"),
        ("population", "SELECT COUNT(*) FROM citizens WHERE death_registration_number IS NOT NULL"),
    ),
    "insurance": (
        ("insurance", "SELECT COUNT(*) FROM health_cards WHERE dossier_id IS NOT NULL"),
        ("insurance", "SELECT COUNT(*) FROM funeral_benefits"),
    ),
}
"""For each agency, its own record of the birth and of the death (what only it writes)."""


async def _run_both(system: RunningSystem) -> tuple[dict[str, Any], dict[str, Any]]:
    async with httpx.AsyncClient(base_url=system.urls["gateway"], timeout=10) as gateway:
        birth = await submit(gateway, load_example("birth"))
        death = await submit(gateway, load_example("death-pensioner"))
        return (
            await wait_for_dossier(gateway, birth, timeout_s=30),
            await wait_for_dossier(gateway, death, timeout_s=30),
        )


@pytest.mark.parametrize("agency", sorted(OWN_RECORDS))
async def test_each_agency_alone_completes_the_chain_around_it(tmp_path: Path, agency: str) -> None:
    with running_system(tmp_path, Fleet.of([agency])) as system:
        birth, death = await _run_both(system)
        async with httpx.AsyncClient(base_url=system.urls["gateway"], timeout=10) as client:
            health = (await client.get("/api/v1/health/agencies")).json()["agencies"]
        modes = {name: entry["mode"] for name, entry in health.items()}
        own = [system.count(service, sql) for service, sql in OWN_RECORDS[agency]]
        verified(system)  # `lienthong verify` reconciles a run in mock mode too
        others = sorted({"civil_registry", "population", "insurance"} - {agency})
        # A simulated agency's inbox and outbox are in a database of its own.
        decided = [system.count(f"{other}_mock", "SELECT COUNT(*) FROM outbox") for other in others]
        simulated = await read_topics(
            system.bootstrap_servers, [service_info(other).topic for other in others]
        )

    assert (birth["status"], death["status"]) == ("completed", "completed")
    assert own == [1, 1]  # the real agency wrote its own birth and death records
    # What the simulated agencies sent: a decision on each dossier, each on its contract.
    assert sorted(r.topic for r in simulated) == sorted(
        service_info(other).topic for other in others for _ in ("birth", "death")
    )
    assert {f"{r.topic}@{r.offset}": schema_errors(r.value) for r in simulated} == {
        f"{r.topic}@{r.offset}": [] for r in simulated
    }
    assert all(read_by_sdk(list(r.headers), r.key, r.value) for r in simulated)
    assert {name: modes[name] for name in (*others, agency)} == {agency: "real"} | dict.fromkeys(
        others, "simulated"
    )
    assert decided == [2, 2]  # its decision on the birth and on the death
    if stores.store() == "sqlite":  # and no database under the agency's name
        assert not any((tmp_path / f"{other}.db").exists() for other in others)


async def test_rules_refuse_and_silence_the_simulated_agencies(tmp_path: Path) -> None:
    rules = [
        parse_rule("insurance.citizen_registered=refuse:not_under_six"),
        parse_rule("population.death_registered=silent"),
    ]
    with running_system(tmp_path, Fleet.of(["civil_registry"], rules=rules)) as system:
        async with httpx.AsyncClient(base_url=system.urls["gateway"], timeout=10) as gateway:
            birth = await wait_for_dossier(
                gateway, await submit(gateway, load_example("birth")), timeout_s=30
            )
            death_id = await submit(gateway, load_example("death-pensioner"))

            async def insurance_decided() -> bool:
                body = (await gateway.get(f"/api/v1/dossiers/{death_id}")).json()
                return bool(steps_by_agency(body)[INSURANCE]["status"] == "done")

            await wait_until(insurance_decided, timeout_s=30, what="the funeral benefit")
            await asyncio.sleep(1)  # a silent agency stays silent
            death = (await gateway.get(f"/api/v1/dossiers/{death_id}")).json()
        report = verified(system)  # the configured silence is a reason, not a discrepancy

    card = steps_by_agency(birth)[INSURANCE]
    assert (birth["status"], card["status"], card["reason"]["code"]) == (
        "rejected",
        "rejected",
        "not_under_six",
    )
    assert death["status"] == "in_progress"
    assert steps_by_agency(death)[POPULATION]["status"] == "pending"
    silenced = (
        "silenced by the mock rule population.death_registered=silent "
        "(population consumed it, answered nothing)"
    )
    assert report["silenced"] == [
        {"dossier_id": death_id, "agency": POPULATION, "reason": silenced}
    ]
    assert [(p["dossier_id"], p["reasons"], p["stuck"]) for p in report["pending"]] == [
        (death_id, [silenced], False)
    ]


async def _answer_as_insurance(bootstrap: str, stop: asyncio.Event) -> None:
    """A team's own insurance service: reads registrations, issues a card for each child."""
    consumer = AIOKafkaConsumer(
        service_info(POPULATION).topic,
        bootstrap_servers=bootstrap,
        group_id="team-insurance",
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await consumer.start()
    await producer.start()
    try:
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=200)
            for record in (r for records in batch.values() for r in records):
                event = CloudEvent.from_bytes(record.value or b"")
                if not event.type.startswith("vn.lienthong.population.citizen_registered."):
                    continue
                card = HealthCardIssued(
                    dossier_id=event.correlationid,
                    personal_id=event.data["personal_id"],
                    card_code="TE1010123456789",
                    valid_from=event.data["date_of_birth"],
                    valid_until="2032-11-30",
                    initial_clinic_code="01001",
                )
                answer = new_event(
                    source=INSURANCE,
                    type_=CARD_ISSUED,
                    payload=card,
                    dossier_id=event.correlationid,
                    time=event.time,
                    cause=event,
                )
                await producer.send_and_wait(
                    service_info(INSURANCE).topic,
                    value=answer.to_bytes(),
                    key=event.correlationid.encode(),
                    headers=structured_headers(),
                )
    finally:
        await consumer.stop()
        await producer.stop()


async def test_an_external_agency_is_the_users_own_implementation(tmp_path: Path) -> None:
    with running_system(tmp_path, Fleet.of(None, external=[INSURANCE])) as system:
        stop = asyncio.Event()
        team = asyncio.create_task(_answer_as_insurance(system.bootstrap_servers, stop))
        try:
            async with httpx.AsyncClient(base_url=system.urls["gateway"], timeout=10) as gateway:
                dossier = await wait_for_dossier(
                    gateway, await submit(gateway, load_example("birth")), timeout_s=30
                )
                death_id = await submit(gateway, load_example("death-pensioner"))

                async def population_decided() -> bool:
                    body = (await gateway.get(f"/api/v1/dossiers/{death_id}")).json()
                    return bool(steps_by_agency(body)[POPULATION]["status"] == "done")

                # The team's insurance decides no funeral benefit: the death waits there.
                await wait_until(population_decided, timeout_s=30, what="the death record")
        finally:
            stop.set()
            await team
        report = verified(system)  # what lienthong runs reconciles; insurance is the team's
        # What needs a process of the run is refused for an agency the run does not start.
        refused = {c: cli(system, c, INSURANCE, check=False) for c in ("kill", "restart")}
        listed = cli(system, "faults", "list", check=False)
        shown = cli(system, "status", check=False)

    assert dossier["status"] == "completed"
    assert steps_by_agency(dossier)[INSURANCE]["result"]["card_code"] == "TE1010123456789"
    if stores.store() == "sqlite":  # nothing of ours ran for insurance
        assert not (tmp_path / "insurance.db").exists()
    assert "insurance is external: not reconciled" in report["notes"]
    assert [(p["dossier_id"], p["reasons"]) for p in report["pending"]] == [
        (death_id, ["insurance is external: not reconciled"])
    ]
    for command, done in refused.items():
        assert (command, done.returncode) == (command, 2)
        assert "insurance is external: lienthong does not run it" in done.stderr
    assert (listed.returncode, listed.stdout.splitlines()[-1]) == (
        0,
        "insurance: not listed, external",
    )
    assert shown.returncode == 0
    assert re.search(r"^\s+insurance\s+external\s", shown.stdout, re.MULTILINE), shown.stdout
