"""The null pipeline on a real Tansu, relays in their own processes; and how ``bench`` finds it.

The pipeline must deliver every message it sent exactly once, or its rate would be the rate of
something other than the hops; and it must leave the broker as it found it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from lienthong.bench import NULL_HOPS, run_null_pipeline
from lienthong.cli.broker import EmbeddedBroker
from lienthong.contracts.topics import GATEWAY_EVENTS
from lienthong.runtime.kafka import ensure_topics
from tests.integration.conftest import frozen_clock
from tests.integration.helpers import standalone_gateway


@pytest.fixture(scope="module")
def bootstrap_servers() -> Iterator[str]:
    """One embedded broker for the module (a pipeline run cleans its own topics up)."""
    with EmbeddedBroker() as broker:
        yield broker.bootstrap_servers


async def _topics(bootstrap_servers: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        return list(await admin.list_topics())
    finally:
        await admin.close()


async def test_every_message_sent_arrives_once_through_three_relay_processes(
    bootstrap_servers: str,
) -> None:
    result = await run_null_pipeline(
        bootstrap_servers, duration_s=3, warmup_s=1, run_id="itest1", max_in_flight=2_000
    )
    assert result.sent > 0
    assert (result.delivered, result.duplicates, result.lost, result.send_errors) == (
        result.sent,
        0,
        0,
        0,
    )
    assert result.measured > 0
    assert result.messages_per_s > 0
    assert result.latency_p50_ms is not None and result.latency_p99_ms is not None
    assert 0 < result.latency_p50_ms <= result.latency_p99_ms
    assert (result.hops, result.hop_names) == (3, list(NULL_HOPS))
    assert result.partitions == 3  # no contract topic on this broker: the services' default
    assert result.message_bytes > 1000
    assert json.loads(json.dumps(result.to_dict()))["sent"] == result.sent
    assert not [topic for topic in await _topics(bootstrap_servers) if "itest1" in topic]


async def test_the_pipeline_takes_the_partition_count_of_the_contract_topics(
    bootstrap_servers: str,
) -> None:
    await ensure_topics(bootstrap_servers, [GATEWAY_EVENTS], partitions=2)
    result = await run_null_pipeline(
        bootstrap_servers, duration_s=1, warmup_s=0, hops=["civil_registry"], run_id="itest2"
    )
    assert (result.partitions, result.hops) == (2, 1)
    assert (result.delivered, result.duplicates) == (result.sent, 0)


async def test_the_gateway_names_its_broker_for_a_target_given_by_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka.example:9092")
    async with standalone_gateway(tmp_path, frozen_clock()) as (_, client):
        response = await client.get("/api/v1/agencies")
    assert response.status_code == 200
    body = response.json()
    assert body["bootstrap_servers"] == "kafka.example:9092"
    assert set(body["urls"]) == {"gateway", "civil_registry", "population", "insurance"}
