"""``GET /metrics`` of a service built in-process: what it consumed, published and served.

Population alone, on a real SQLite database with the recording broker: a batch is handed to
its processor the way the consumer loop would, the relay runs in the background, and the
expected numbers are counted by hand from the records fed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest_asyncio
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families

from lienthong.contracts.catalogue import spec_for_payload
from lienthong.contracts.civil_registry import BirthRegistered, BirthRejected
from lienthong.contracts.dead_letters import DEAD_LETTERED
from lienthong.contracts.envelope import CloudEvent
from lienthong.contracts.reasons import DUPLICATE_BIRTH
from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS, DEAD_LETTERS, POPULATION_EVENTS
from lienthong.runtime.outbox import stage_events
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.service import Parts, Service
from services.population.bootstrap import bootstrap
from services.population.settings import PopulationSettings
from tests.fakes import RecordingBroker, StubPopulation, record
from tests.helpers import birth_registered
from tests.integration.conftest import NOW, SEED_CITIZENS, InProcessSystem, frozen_clock
from tests.integration.helpers import client_of, event_of, process, record_of

REGISTERED = spec_for_payload(BirthRegistered).type
REJECTED = spec_for_payload(BirthRejected).type

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest_asyncio.fixture
async def population(tmp_path: Path) -> AsyncIterator[tuple[InProcessSystem, httpx.AsyncClient]]:
    """Population, started on its own database, and an HTTP client of its app."""
    broker = RecordingBroker()
    parts = Parts(broker=broker, clock=frozen_clock(), randomness=RandomSource(7))
    settings = PopulationSettings(data_dir=str(tmp_path), seed_citizens=SEED_CITIZENS)
    service = bootstrap(settings, parts)
    await service.start()
    try:
        async with client_of(service) as client:
            yield InProcessSystem({"population": service}, broker, StubPopulation()), client
    finally:
        await service.stop()


async def scrape(client: httpx.AsyncClient) -> tuple[list[Metric], Samples]:
    """The families ``/metrics`` answers, in order, and every sample by name and labels."""
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == CONTENT_TYPE_LATEST
    families = list(text_string_to_metric_families(response.text))
    samples = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in families
        for sample in family.samples
    }
    return families, samples


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


async def eventually(
    client: httpx.AsyncClient, name: str, expected: float, **labels: str
) -> Samples:
    """Scrape until ``name`` shows ``expected`` (the relay counts right after its commit)."""
    for _ in range(200):
        _, samples = await scrape(client)
        if value(samples, name, **labels) == expected:
            return samples
        await asyncio.sleep(0.01)
    raise AssertionError(
        f"{name}{labels} never reached {expected}: {value(samples, name, **labels)}"
    )


def birth(n: int) -> CloudEvent:
    payload = birth_registered(f"d-{n}", f"KS-{n}", f"GKS-{n}")
    return event_of(payload, dossier_id=f"d-{n}", time=NOW)


async def test_a_batch_shows_as_consumed_published_and_relayed(
    population: tuple[InProcessSystem, httpx.AsyncClient],
) -> None:
    system, client = population
    service = system.services["population"]
    refused = BirthRejected(dossier_id="d-3", reason=DUPLICATE_BIRTH.reason())
    batch = [
        record_of(birth(1)),
        record_of(birth(2)),
        record_of(birth(1)),  # redelivered: a duplicate
        record_of(event_of(refused, dossier_id="d-3", time=NOW)),  # the gateway's, not ours
        record(CIVIL_REGISTRY_EVENTS, b"not json", b"d-4", 99),  # a dead letter at once
    ]

    await process(service, batch)
    await system.publish()

    # two decisions (one per new birth) and one dead letter went out
    samples = await eventually(client, "lienthong_relay_latency_seconds_count", 3)
    consumed = "lienthong_events_consumed_total"
    topic = CIVIL_REGISTRY_EVENTS
    assert value(samples, consumed, topic=topic, event_type=REGISTERED, outcome="applied") == 2
    assert value(samples, consumed, topic=topic, event_type=REGISTERED, outcome="duplicate") == 1
    assert value(samples, consumed, topic=topic, event_type=REJECTED, outcome="ignored") == 1
    letters = {"topic": topic, "event_type": "unparsed", "outcome": "dead_lettered"}
    assert value(samples, consumed, **letters) == 1
    assert value(samples, "lienthong_inbox_duplicates_total") == 1
    assert value(samples, "lienthong_dead_letters_total", kind="malformed") == 1
    assert value(samples, "lienthong_consumer_batch_size_count", source="kafka") == 1
    assert value(samples, "lienthong_consumer_batch_size_sum", source="kafka") == 5
    assert value(samples, "lienthong_batch_processing_seconds_count", source="kafka") == 1

    published = "lienthong_events_published_total"
    ours = [
        v
        for (name, labels), v in samples.items()
        if name == published and ("topic", POPULATION_EVENTS) in labels
    ]
    assert sum(ours) == 2
    assert value(samples, published, topic=DEAD_LETTERS, event_type=DEAD_LETTERED) == 1
    assert value(samples, "lienthong_relay_batch_size_sum") == 3
    assert value(samples, "lienthong_outbox_backlog") == 0
    assert value(samples, "lienthong_outbox_due") == 0
    assert value(samples, "lienthong_service_up") == 1
    assert value(samples, "lienthong_service_info", service="population") == 1
    assert value(samples, "process_resident_memory_bytes")


async def test_the_backlog_counts_rows_held_back_until_their_time(
    population: tuple[InProcessSystem, httpx.AsyncClient],
) -> None:
    system, client = population
    service = system.services["population"]
    later = event_of(birth_registered("d-9"), dossier_id="d-9", time=NOW + timedelta(hours=1))
    async with service.db.session() as session:
        await stage_events(session, POPULATION_EVENTS, [later])
    await system.publish()

    _, samples = await scrape(client)

    assert value(samples, "lienthong_outbox_backlog") == 1
    assert value(samples, "lienthong_outbox_due") == 0


async def test_requests_and_faults_show_by_route_template(
    population: tuple[InProcessSystem, httpx.AsyncClient],
) -> None:
    _, client = population
    assert (await client.put("/admin/faults/down", json={})).status_code == 200
    assert (await client.get("/api/v1/citizens/001093000002")).status_code == 503
    await scrape(client)  # /metrics answers while the service is down

    _, samples = await scrape(client)

    requests = "lienthong_http_requests_total"
    template = "/api/v1/citizens/{personal_id}"
    assert value(samples, requests, method="GET", route=template, status="503") == 1
    assert value(samples, requests, method="PUT", route="/admin/faults/{kind}", status="200") == 1
    assert value(samples, requests, method="GET", route="/metrics", status="200") == 1
    assert not any(
        name == requests and ("route", "/api/v1/citizens/001093000002") in labels
        for name, labels in samples
    )
    assert value(samples, "lienthong_faults_active", kind="down") == 1
    assert value(samples, "lienthong_faults_active", kind="sync_error") == 0
    assert value(samples, "lienthong_faults_active", kind="overload") is None  # the gateway's


async def test_a_source_adds_its_families_after_the_runtimes(
    population: tuple[InProcessSystem, httpx.AsyncClient],
) -> None:
    system, client = population
    service = system.services["population"]
    asked: list[Service] = []

    async def source(of: Service) -> Iterable[Metric]:
        asked.append(of)
        synced = CounterMetricFamily("lienthong_test_synced", "Synced.", labels=["agency"])
        synced.add_metric(["insurance"], 3)
        return [GaugeMetricFamily("lienthong_test_dossiers", "Dossiers.", value=7), synced]

    service.metrics_source = source
    families, samples = await scrape(client)

    assert asked == [service]
    assert value(samples, "lienthong_test_dossiers") == 7
    assert value(samples, "lienthong_test_synced_total", agency="insurance") == 3
    names = [family.name for family in families]
    assert names[-2:] == ["lienthong_test_dossiers", "lienthong_test_synced"]
    assert "lienthong_http_requests" in names and "process_resident_memory_bytes" in names


async def test_a_failing_or_clashing_source_loses_only_its_own_families(
    population: tuple[InProcessSystem, httpx.AsyncClient],
) -> None:
    system, client = population
    service = system.services["population"]

    async def failing(of: Service) -> Iterable[Metric]:
        raise RuntimeError("the database is gone")

    async def clashing(of: Service) -> Iterable[Metric]:
        return [GaugeMetricFamily("lienthong_service_up", "Not mine to say.", value=0)]

    service.metrics_source = failing
    _, samples = await scrape(client)
    assert value(samples, "lienthong_scrape_errors_total", part="source") == 1
    assert value(samples, "lienthong_service_up") == 1

    service.metrics_source = clashing
    _, samples = await scrape(client)
    assert value(samples, "lienthong_scrape_errors_total", part="source") == 2
    assert value(samples, "lienthong_service_up") == 1
