"""Every message a service publishes is a CloudEvent in the Kafka binding's structured mode.

The four services run in-process through a birth whose population lookup fails at the civil
registry (dead-lettered), its redrive, and the rest of the chain to ``completed``: each kind of
message — every agency's decisions, a dead letter, a redrive — is checked as the relays handed it
to the producer, with the official CloudEvents SDK (``tests/cloudevents_sdk.py``). Then each
service's outbox is replayed to a fresh embedded broker by a relay with a real producer, as a
service starting on a fresh broker does, and what a plain consumer reads back is checked again:
key, value and headers came through unchanged. Consumers still take messages without the header
(outbox rows published before it existed, other producers).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lienthong.cli.broker import EmbeddedBroker
from lienthong.contracts.catalogue import topics_consumed_by
from lienthong.contracts.dead_letters import DEAD_LETTERED, REDRIVE_HEADER
from lienthong.contracts.envelope import CloudEvent
from lienthong.contracts.kafka_binding import CONTENT_TYPE_HEADER, STRUCTURED_CONTENT_TYPE
from lienthong.contracts.services import SERVICE_NAMES
from lienthong.contracts.topics import ALL_TOPICS, DEAD_LETTERS, TOPIC_OF_SERVICE
from lienthong.runtime.db import Database
from lienthong.runtime.kafka import ensure_topics, make_producer
from lienthong.runtime.outbox import Relay
from tests.cloudevents_sdk import read_by_sdk, read_topics
from tests.fakes import record
from tests.integration.conftest import InProcessSystem, frozen_clock, open_system
from tests.integration.helpers import (
    CHAIN,
    FAIL_AT_ONCE,
    birth_form_for,
    client_of,
    dead_lettered_birth,
    dossier_view,
    known_to_registry,
    process,
    run_chain,
    seeded_mothers,
    submit,
)

Message = tuple[str, bytes, bytes, tuple[tuple[str, bytes], ...]]
"""One Kafka message: topic, key, value, headers."""

STRUCTURED = (CONTENT_TYPE_HEADER, STRUCTURED_CONTENT_TYPE.encode())
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
"""Before any row was published: a replay from here sends a whole outbox again."""
FAR_AHEAD = datetime(2100, 1, 1, tzinfo=UTC)
"""A clock past every row's ``available_at``, so a relay finds every row due."""


@pytest.fixture(scope="module")
def broker() -> Iterator[str]:
    with EmbeddedBroker() as embedded:
        yield embedded.bootstrap_servers


async def every_kind(tmp_path: Path) -> list[Message]:
    """Run a dead-lettered then redriven birth to completion; returns what the relays sent."""
    async with (
        open_system(tmp_path, civil_registry_settings=FAIL_AT_ONCE) as system,
        client_of(system.services["gateway"]) as client,
    ):
        _, dossier_id = await dead_lettered_birth(system, client)
        system.people.failing = False
        (failure,) = (await client.get("/api/v1/failures")).json()["items"]
        redriven = await client.post(f"/api/v1/failures/{failure['id']}/redrive")
        assert redriven.json()["redriven"] is True, redriven.text
        await run_chain(system)
        assert (await dossier_view(client, dossier_id))["status"] == "completed"
        await system.publish()
        producer = system.broker.producer_
        return [
            (topic, key, value, tuple(headers))
            for topic, messages in producer.sent.items()
            for (key, value), headers in zip(messages, producer.headers[topic], strict=True)
        ]


def check_kinds(messages: list[Message]) -> None:
    """Every message is read by the SDK; every kind of message is among them."""
    events = [
        (topic, headers, read_by_sdk(headers, key, value))
        for topic, key, value, headers in messages
    ]
    decisions = {event.source for topic, _, event in events if topic != DEAD_LETTERS}
    assert decisions == set(SERVICE_NAMES), "a decision of every service"
    for topic, _, event in events:
        if topic != DEAD_LETTERS:
            assert topic == TOPIC_OF_SERVICE[event.source]
    dead = [event for topic, _, event in events if topic == DEAD_LETTERS]
    assert [(event.type, event.source) for event in dead] == [(DEAD_LETTERED, "civil_registry")]
    redrives = [event for _, headers, event in events if (REDRIVE_HEADER, b"1") in headers]
    assert len(redrives) == 1
    for _, headers, _ in events:
        assert headers[0] == STRUCTURED  # first, before a redrive's own header
        assert set(headers) <= {STRUCTURED, (REDRIVE_HEADER, b"1")}


async def test_every_kind_of_message_the_relays_send_is_a_structured_cloudevent(
    tmp_path: Path,
) -> None:
    messages = await every_kind(tmp_path)

    check_kinds(messages)
    redrive = next(m for m in messages if (REDRIVE_HEADER, b"1") in m[3])
    assert redrive[3] == (STRUCTURED, (REDRIVE_HEADER, b"1"))
    # The redrive sends the original message's bytes and key again: only the header differs.
    original = [m for m in messages if m[:3] == redrive[:3] and m is not redrive]
    assert [m[3] for m in original] == [(STRUCTURED,)]


async def test_outboxes_replayed_to_a_real_broker_arrive_as_structured_cloudevents(
    broker: str, tmp_path: Path
) -> None:
    sent = await every_kind(tmp_path)
    await ensure_topics(broker, ALL_TOPICS, partitions=3)

    for name in SERVICE_NAMES:
        db = Database(f"sqlite+aiosqlite:///{tmp_path}/{name}.db")
        producer = make_producer(broker, f"binding-test-{name}")
        await producer.start()
        try:
            relay = Relay(
                db, producer, batch_size=500, interval_s=0.05, clock=frozen_clock(FAR_AHEAD)
            )
            assert await relay.replay_since(LONG_AGO) > 0
            while await relay.publish_pending():
                pass
        finally:
            await producer.stop()
            await db.dispose()
    records = await read_topics(broker, ALL_TOPICS)
    received: list[Message] = [
        (r.topic, r.key, r.value, tuple((k, bytes(v)) for k, v in r.headers)) for r in records
    ]

    check_kinds(received)
    assert Counter(received) == Counter(sent)
    # The value is byte for byte our envelope: structured mode changed nothing in it.
    for _, _, value, _ in received:
        assert CloudEvent.from_bytes(value).to_bytes() == value


async def test_consumers_take_messages_without_the_header_all_the_same(
    system: InProcessSystem,
) -> None:
    async with client_of(system.services["gateway"]) as client:
        (mother,) = await seeded_mothers(system)
        known_to_registry(system, mother)
        dossier_id = await submit(client, birth_form_for(mother))
        for _ in range(2):
            for topic in CHAIN:
                await system.publish()
                sent = system.broker.take(topic)
                assert all(list(r.headers) == [STRUCTURED] for r in sent)
                # As an outbox row published before the header existed, or another producer.
                bare = [record(r.topic, r.value, r.key, r.offset) for r in sent]
                for name, service in system.services.items():
                    if bare and topic in topics_consumed_by(name):
                        outcome = await process(service, bare)
                        assert outcome.dead_letters == [], outcome.dead_letters

        assert (await dossier_view(client, dossier_id))["status"] == "completed"
