"""The outbox relay publishes committed events to a real broker and marks them published."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

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


async def test_relay_publishes_in_order_and_marks_rows(broker: str, tmp_path: Path) -> None:
    topic = f"relay-test-{uuid.uuid4().hex[:8]}"
    await ensure_topics(broker, [topic], partitions=1)
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/relay.db")
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
