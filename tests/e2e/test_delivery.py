"""At-least-once on the wire, exactly-once in effect: redelivery and poison messages."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from lienthong.contracts import civil_registry, population
from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS, DEAD_LETTERS, POPULATION_EVENTS
from tests.e2e.helpers import (
    RunningSystem,
    birth_form,
    counts,
    submit,
    wait_for_dossier,
    wait_until,
)

pytestmark = pytest.mark.e2e


async def read_topic(bootstrap: str, topic: str) -> list[Any]:
    """Every message currently on a topic, read from assigned partitions (no group to join)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.topics()  # loads the cluster metadata
        partitions = [
            TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or set()
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[Any] = []
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            for batch in (await consumer.getmany(timeout_ms=1000)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


async def produce(bootstrap: str, topic: str, value: bytes, key: bytes | None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()


async def consumer_stats(system: RunningSystem, service: str) -> dict[str, int]:
    async with httpx.AsyncClient(base_url=system.urls[service]) as client:
        stats: dict[str, int] = (await client.get("/health")).json()["consumer"]
    return stats


def event_of(records: list[Any], dossier_id: str, event_type: str) -> Any:
    for record in records:
        data = json.loads(record.value)
        if data["subject"] == dossier_id and data["type"] == event_type:
            return record
    raise AssertionError(f"no {event_type} for {dossier_id}")


async def test_redelivered_events_create_no_second_citizen_or_card(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    dossier_id = await submit(gateway, birth_form())
    done = await wait_for_dossier(gateway, dossier_id)
    assert done["status"] == "completed"
    registered = event_of(
        await read_topic(system.bootstrap_servers, CIVIL_REGISTRY_EVENTS),
        dossier_id,
        civil_registry.BIRTH_REGISTERED,
    )
    citizen = event_of(
        await read_topic(system.bootstrap_servers, POPULATION_EVENTS),
        dossier_id,
        population.CITIZEN_REGISTERED,
    )
    before = counts(system)
    population_before = await consumer_stats(system, "population")
    insurance_before = await consumer_stats(system, "insurance")

    await produce(system.bootstrap_servers, CIVIL_REGISTRY_EVENTS, registered.value, registered.key)
    await produce(system.bootstrap_servers, POPULATION_EVENTS, citizen.value, citizen.key)

    async def both_skipped() -> bool:
        pop = await consumer_stats(system, "population")
        ins = await consumer_stats(system, "insurance")
        return (
            pop["duplicates"] > population_before["duplicates"]
            and ins["duplicates"] > insurance_before["duplicates"]
        )

    await wait_until(both_skipped, what="population and insurance to see the duplicates")
    assert counts(system) == before
    again = (await gateway.get(f"/api/v1/dossiers/{dossier_id}")).json()
    assert again == done


async def test_poison_messages_are_dead_lettered_and_the_consumer_keeps_going(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    stats_before = await consumer_stats(system, "population")
    wrong_payload = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "civil_registry",
        "type": civil_registry.BIRTH_REGISTERED,
        "subject": "poison-dossier",
        "time": "2026-01-01T00:00:00Z",
        "datacontenttype": "application/json",
        "correlationid": "poison-dossier",
        "data": {"dossier_id": "poison-dossier", "child": "not a child"},
    }
    await produce(system.bootstrap_servers, CIVIL_REGISTRY_EVENTS, b"\xff not json", b"garbage")
    await produce(
        system.bootstrap_servers,
        CIVIL_REGISTRY_EVENTS,
        json.dumps(wrong_payload).encode(),
        b"poison-dossier",
    )

    async def both_dead_lettered() -> bool:
        stats = await consumer_stats(system, "population")
        return stats["dead_lettered"] >= stats_before["dead_lettered"] + 2

    await wait_until(both_dead_lettered, what="two dead letters from population")
    # The counter moves when a letter is staged; its relay publishes it a moment later.
    expected = {("garbage", "malformed"), ("poison-dossier", "invalid_payload")}
    kinds: set[tuple[str, str]] = set()

    async def both_on_the_topic() -> bool:
        nonlocal kinds
        records = await read_topic(system.bootstrap_servers, DEAD_LETTERS)
        letters = [json.loads(record.value)["data"] for record in records]
        kinds = {(letter["key"], letter["error_kind"]) for letter in letters}
        return expected <= kinds

    await wait_until(both_on_the_topic, what="both dead letters on the dead-letter topic")
    assert ("garbage", "malformed") in kinds
    assert ("poison-dossier", "invalid_payload") in kinds
    # The consumer is still alive: a new dossier goes all the way through.
    dossier = await wait_for_dossier(gateway, await submit(gateway, birth_form()))
    assert dossier["status"] == "completed"
