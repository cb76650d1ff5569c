"""The outbox relay publishes committed events to a real broker and marks them published."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import col, select

from lienthong.cli.broker import EmbeddedBroker
from lienthong.contracts.envelope import CloudEvent, new_event
from lienthong.runtime.clock import SimClock
from lienthong.runtime.db import Database
from lienthong.runtime.kafka import ensure_topics, make_consumer, make_producer
from lienthong.runtime.outbox import Relay, stage_events
from lienthong.runtime.tables import RUNTIME_METADATA, OutboxMessage

T = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)


class Note(BaseModel):
    n: int


@pytest.fixture(scope="module")
def broker() -> Iterator[str]:
    with EmbeddedBroker() as embedded:
        yield embedded.bootstrap_servers


async def test_relay_publishes_in_order_and_marks_rows(broker: str, database_url: str) -> None:
    topic = f"relay-test-{uuid.uuid4().hex[:8]}"
    await ensure_topics(broker, [topic], partitions=1)
    db = Database(database_url)
    await db.create_all(RUNTIME_METADATA)
    events = [
        new_event(
            source="t", type_="note", payload=Note(n=i), dossier_id="same-dossier", time=T, index=i
        )
        for i in range(1200)
    ]
    async with db.session() as session:
        await stage_events(session, topic, events)
    producer = make_producer(broker, "relay-test")
    await producer.start()
    try:
        relay = Relay(db, producer, batch_size=500, interval_s=0.05, clock=SimClock())
        published = [await relay.publish_pending() for _ in range(4)]
    finally:
        await producer.stop()

    assert published == [500, 500, 200, 0]
    async with db.read_session() as session:
        unpublished = (
            await session.exec(
                select(func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.published_at).is_(None))
            )
        ).one()
    assert unpublished == 0
    consumer = make_consumer(
        broker,
        f"reader-{uuid.uuid4()}",
        [topic],
        session_timeout_ms=6000,
        heartbeat_interval_ms=2000,
    )
    await consumer.start()
    received: list[CloudEvent] = []
    try:
        while len(received) < 1200:
            batch = await consumer.getmany(timeout_ms=3000)
            assert batch, f"only {len(received)} of 1200 arrived"
            for records in batch.values():
                received.extend(CloudEvent.from_bytes(r.value) for r in records)
    finally:
        await consumer.stop()
        await db.dispose()
    assert [e.data["n"] for e in received] == list(range(1200))
    assert {e.id for e in received} == {e.id for e in events}


class CountingProducer:
    """A producer that records what it is asked to send (the relays' contention is the point
    here, not the broker)."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def send(self, topic: str, **message: Any) -> asyncio.Future[None]:
        await asyncio.sleep(0.001)  # a broker round trip: the other relay gets its turn
        self.sent.append(message["value"])
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


async def test_relays_of_several_instances_publish_every_row_once(database_url: str) -> None:
    """Two instances' relays on one outbox, while rows keep coming — some committed after rows
    with higher ids: every row is published, none twice.

    PostgreSQL only: several instances of a service share a database there. A SQLite file has
    one instance (its relay reads, sends, then marks, holding no lock while the broker answers).
    """
    if database_url.startswith("sqlite"):
        pytest.skip("one instance per SQLite database")
    db = Database(database_url)
    await db.create_all(RUNTIME_METADATA)
    producers = [CountingProducer(), CountingProducer()]
    relays = [
        Relay(db, producer, batch_size=50, interval_s=0.01, clock=SimClock())  # type: ignore[arg-type]
        for producer in producers
    ]
    events = [
        new_event(source="t", type_="note", payload=Note(n=i), dossier_id=f"d{i}", time=T)
        for i in range(600)
    ]

    async def stage(part: list[CloudEvent], hold_s: float) -> None:
        async with db.session() as session:  # the id is taken now, the commit comes later
            await stage_events(session, "notes", part)
            await asyncio.sleep(hold_s)

    async def relay_until_done(relay: Relay) -> None:
        while sum(len(p.sent) for p in producers) < len(events):
            await relay.publish_pending()
            await asyncio.sleep(0.001)

    try:
        async with asyncio.timeout(60):
            await asyncio.gather(
                stage(events[:200], 0.3),  # low ids, committed last
                stage(events[200:400], 0.0),
                stage(events[400:], 0.1),
                *(relay_until_done(relay) for relay in relays),
            )
    finally:
        await db.dispose()
    sent = [CloudEvent.from_bytes(value).id for p in producers for value in p.sent]
    assert sorted(sent) == sorted(event.id for event in events)  # each once, none skipped
