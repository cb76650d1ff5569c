"""The gateway's counters, latency and throughput, moved by real batches on real SQLite.

Three births are submitted at NOW (Monday 16/11/2026 09:30 in Vietnam, Hà Nội, province 01):
A completes, B is refused by the civil registry, C's population step is dead-lettered, redriven,
then synced, and C waits at insurance. Every expected figure is counted by hand from that story.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete, update

from lienthong.contracts import reasons
from lienthong.contracts.civil_registry import BirthRejected
from lienthong.contracts.dead_letters import DeadLettered
from lienthong.contracts.forms import BirthDossier
from lienthong.contracts.insurance import HealthCardIssued
from lienthong.contracts.steps import STEP_STATES
from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS
from lienthong.runtime.service import Service
from services.gateway.counter_models import (
    Activity,
    LatencyOverall,
    LatencyRecent,
    SyncCounter,
    SyncDay,
    SyncTotal,
)
from services.gateway.models import Dossier, DossierStep
from services.gateway.recount import recount_if_missing
from services.gateway.stats_models import StatsFilters
from services.gateway.stats_query import compute_stats
from tests.helpers import CHILD_ID, birth_registered, citizen_registered
from tests.integration.conftest import InProcessSystem
from tests.integration.helpers import client_of, event_of, load_example, process, record_of, submit

VIETNAM = timezone(timedelta(hours=7))
AT_1030 = datetime(2026, 11, 16, 10, 30, tzinfo=VIETNAM)
MIN_15, MIN_30 = timedelta(minutes=15), timedelta(minutes=30)
FORM = BirthDossier.model_validate(load_example())


@pytest_asyncio.fixture
async def story(system: InProcessSystem) -> AsyncIterator[tuple[Service, httpx.AsyncClient]]:
    """The three births of the module docstring, told to the gateway."""
    service = system.services["gateway"]
    async with client_of(service) as client:
        a, b, c = [await submit(client, load_example() | {"reference": r}) for r in "ABC"]
        refusal = BirthRejected(
            dossier_id=b, reason=reasons.MOTHER_NOT_FOUND.reason(FORM.mother.personal_id)
        )
        letter = DeadLettered(
            consumer="population",
            topic=CIVIL_REGISTRY_EVENTS,
            partition=0,
            offset=3,
            key=c,
            event_id="e-c",
            event_type="vn.lienthong.civil_registry.birth_registered.v1",
            error_kind="transient",
            error="population database unavailable",
            value="{}",
        )
        await process(
            service,
            [
                record_of(event_of(birth_registered(a), dossier_id=a, time=AT_1030)),
                record_of(event_of(refusal, dossier_id=b, time=AT_1030)),
                record_of(event_of(birth_registered(c), dossier_id=c, time=AT_1030)),
            ],
        )
        await process(
            service,
            [
                record_of(
                    event_of(
                        citizen_registered(a), dossier_id=a, time=AT_1030 + timedelta(minutes=30)
                    )
                ),
                record_of(event_of(card(a), dossier_id=a, time=AT_1030 + timedelta(hours=1))),
                record_of(
                    event_of(letter, source="population", dossier_id=c, time=AT_1030 + MIN_15)
                ),
            ],
        )
        (failure,) = (await client.get("/api/v1/failures")).json()["items"]
        redriven = await client.post(f"/api/v1/failures/{failure['id']}/redrive")
        assert redriven.json()["redriven"] is True
        later = AT_1030 + timedelta(hours=1, minutes=30)
        await process(
            service, [record_of(event_of(citizen_registered(c), dossier_id=c, time=later))]
        )
        yield service, client


def card(dossier_id: str) -> HealthCardIssued:
    return HealthCardIssued(
        dossier_id=dossier_id,
        personal_id=CHILD_ID,
        card_code="TE1010112345678",
        valid_from=date(2026, 11, 16),
        valid_until=date(2032, 11, 30),
        initial_clinic_code="01001",
    )


def counts(**given: Any) -> dict[str, Any]:
    """An agency's counters: zero but for ``given``."""
    zero = dict.fromkeys((*STEP_STATES, "on_time", "overdue", "dead_lettered", "redriven"), 0)
    return zero | {"rejected_by_reason": {}} | given


BIRTH = {
    "dossiers": {
        "submitted": 0,
        "in_progress": 1,  # C, at insurance
        "returned": 0,
        "completed": 1,  # A
        "rejected": 1,  # B
        "failed": 0,
        "total": 3,
    },
    "on_time": 2,  # closed within the group deadline: A at 11:30, B (refused) at 10:30
    "overdue": 0,
    "agencies": {
        # all three decided at 10:30 on the day they were submitted (1 working day allowed)
        "civil_registry": counts(
            sent=3, synced=2, rejected=1, rejected_by_reason={"mother_not_found": 1}, on_time=3
        ),
        # A and C synced (C after a dead letter and a redrive); B never reached it
        "population": counts(sent=2, synced=2, skipped=1, on_time=2, dead_lettered=1, redriven=1),
        # A's card issued; C waits; B never reached it
        "insurance": counts(sent=2, synced=1, pending=1, skipped=1, on_time=1),
    },
}


async def test_the_counters_say_what_happened(story: tuple[Service, httpx.AsyncClient]) -> None:
    _, client = story

    stats = (await client.get("/api/v1/stats")).json()
    hanoi = (await client.get("/api/v1/stats", params={"province": "01"})).json()
    elsewhere = (await client.get("/api/v1/stats", params={"province": "79"})).json()
    by_day = (await client.get("/api/v1/stats", params={"group_by": "day"})).json()
    by_province = (await client.get("/api/v1/stats", params={"group_by": "province"})).json()
    population = (await client.get("/api/v1/stats", params={"agency": "population"})).json()
    that_day = {"since": "2026-11-16", "until": "2026-11-16"}
    on_the_day = (await client.get("/api/v1/stats", params=that_day)).json()
    in_hanoi_that_day = await client.get("/api/v1/stats", params=that_day | {"province": "01"})
    next_day = (await client.get("/api/v1/stats", params={"since": "2026-11-17"})).json()

    assert stats["flows"]["birth"] == BIRTH
    assert stats["flows"]["death"]["dossiers"]["total"] == 0
    assert hanoi["flows"]["birth"] == BIRTH
    assert elsewhere["flows"]["birth"]["dossiers"]["total"] == 0
    assert [group["key"] for group in by_day["groups"]] == ["2026-11-16"]
    assert by_day["groups"][0]["flows"]["birth"] == BIRTH
    assert len(by_province["groups"]) == 34
    (hanoi_row,) = [group for group in by_province["groups"] if group["key"] == "01"]
    assert hanoi_row["name"] == "Thành phố Hà Nội"
    assert hanoi_row["flows"]["birth"] == BIRTH
    assert list(population["flows"]["birth"]["agencies"]) == ["population"]
    assert on_the_day["flows"]["birth"] == BIRTH
    assert in_hanoi_that_day.json()["flows"]["birth"] == BIRTH
    assert next_day["flows"]["birth"]["dossiers"]["total"] == 0


async def test_latency_per_hop_from_the_event_times(
    story: tuple[Service, httpx.AsyncClient],
) -> None:
    _, client = story

    birth = (await client.get("/api/v1/stats/latency", params={"flow": "birth"})).json()

    hops = {hop["hop"]: hop["overall"] for hop in birth["flows"]["birth"]["hops"]}
    assert list(hops) == ["registered", "citizen", "card", "end_to_end"]
    # A and C registered 1 h after submission (09:30 → 10:30)
    assert hops["registered"]["count"] == 2 and hops["registered"]["max"] == 3600
    # A's citizen 30 min after registration; C's 1 h 30 min after (the dead letter between)
    assert hops["citizen"]["count"] == 2 and hops["citizen"]["max"] == 5400
    assert 1800 <= hops["citizen"]["p50"] <= 1800 * (1 + birth["resolution"])
    # A's card 30 min after its citizen; A end to end 09:30 → 11:30
    assert hops["card"]["count"] == 1 and hops["card"]["max"] == 1800
    assert hops["end_to_end"]["count"] == 1 and hops["end_to_end"]["max"] == 7200


async def test_the_stats_refuse_what_they_cannot_answer(
    story: tuple[Service, httpx.AsyncClient],
) -> None:
    _, client = story

    unknown = await client.get("/api/v1/stats", params={"province": "99"})
    backwards = await client.get(
        "/api/v1/stats", params={"since": "2026-11-17", "until": "2026-11-16"}
    )
    bad_group = await client.get("/api/v1/stats", params={"group_by": "week"})

    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["query", "province"]
    assert backwards.status_code == 422
    assert backwards.json()["detail"][0]["loc"] == ["query", "until"]
    assert bad_group.status_code == 422
    assert bad_group.json()["detail"][0]["loc"] == ["query", "group_by"]


async def test_metrics_say_what_the_stats_say(story: tuple[Service, httpx.AsyncClient]) -> None:
    _, client = story

    text = (await client.get("/metrics")).text
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }

    def value(name: str, **labels: str) -> float:
        return samples[(name, tuple(sorted(labels.items())))]

    assert value("lienthong_dossiers", flow="birth", status="completed") == 1
    assert value("lienthong_dossiers", flow="birth", status="rejected") == 1
    assert value("lienthong_steps", flow="birth", agency="civil_registry", state="sent") == 3
    assert value("lienthong_steps", flow="birth", agency="population", state="skipped") == 1
    assert value("lienthong_steps", flow="birth", agency="insurance", state="pending") == 1
    refusals = {"flow": "birth", "agency": "civil_registry", "reason": "mother_not_found"}
    assert value("lienthong_step_refusals", **refusals) == 1
    assert value("lienthong_step_dead_letters_total", flow="birth", agency="population") == 1
    assert value("lienthong_step_redrives_total", flow="birth", agency="population") == 1
    citizen_max = {"flow": "birth", "hop": "citizen", "window": "overall", "quantile": "1"}
    assert value("lienthong_hop_latency_seconds", **citizen_max) == 5400


async def test_what_stays_open_past_its_deadline_is_overdue(
    story: tuple[Service, httpx.AsyncClient],
) -> None:
    service, _ = story
    weeks_later = AT_1030 + timedelta(days=14)  # past every deadline of the story

    async with service.db.read_session() as session:
        overall = await compute_stats(session, StatsFilters(), weeks_later)
        by_day = await compute_stats(session, StatsFilters(group_by="day"), weeks_later)
        elsewhere = await compute_stats(session, StatsFilters(province="79"), weeks_later)

    birth = overall.flows["birth"]
    # C is still open, and so is its insurance step (reached at 12:00 Monday); A and B closed
    # in time and stay on time.
    assert (birth.on_time, birth.overdue) == (2, 1)
    assert birth.agencies["insurance"].overdue == 1
    assert birth.agencies["insurance"].on_time == 1
    assert birth.agencies["population"].overdue == 0
    (day,) = by_day.groups or []
    assert day.key == "2026-11-16" and day.flows["birth"].overdue == 1
    assert elsewhere.flows["birth"].overdue == 0


async def test_a_data_dir_from_before_the_counters_is_counted_at_start(
    story: tuple[Service, httpx.AsyncClient],
) -> None:
    service, client = story
    kept = (await client.get("/api/v1/stats", params={"group_by": "province"})).json()
    latency = (await client.get("/api/v1/stats/latency")).json()
    async with service.db.session() as session:  # what an older version left behind
        for table in (SyncCounter, SyncDay, SyncTotal, LatencyOverall, LatencyRecent, Activity):
            await session.exec(delete(table))
        await session.exec(update(Dossier).values(province_code=None, submitted_on=None))
        await session.exec(update(DossierStep).values(flow=None, province_code=None))

    emptied = (await client.get("/api/v1/stats")).json()
    await recount_if_missing(service)
    await recount_if_missing(service)  # counted once: the second finds counters and leaves

    assert emptied["flows"]["birth"]["dossiers"]["total"] == 0
    recounted = (await client.get("/api/v1/stats", params={"group_by": "province"})).json()
    assert (
        recounted["flows"]
        == kept["flows"]
        == {"birth": BIRTH, "death": recounted["flows"]["death"]}
    )
    assert recounted["groups"] == kept["groups"]
    assert (await client.get("/api/v1/stats/latency")).json()["flows"] == latency["flows"]
