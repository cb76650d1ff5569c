"""The batch consumer's guarantees, against a real SQLite database (no broker needed here)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest_asyncio
from aiokafka.structs import ConsumerRecord
from pydantic import BaseModel
from sqlalchemy import func
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.envelope import CloudEvent, follow_up, new_event
from lienthong.contracts.topics import DEAD_LETTERS
from lienthong.runtime.consumer import BatchProcessor, Subscription, TransientError
from lienthong.runtime.db import Database
from lienthong.runtime.delays import parse_delay
from lienthong.runtime.outbox import Relay
from lienthong.runtime.tables import RUNTIME_METADATA, OutboxMessage


class ThingsTable(SQLModel, registry=registry()):
    """Base of this service's tables: its own metadata, apart from every other service's."""


TOPIC = "lienthong.test.events"
OUT = "lienthong.test.out"


class Thing(ThingsTable, table=True):
    __tablename__ = "things"
    name: str = Field(primary_key=True)


class MakeThing(BaseModel):
    name: str


class ThingMade(BaseModel):
    name: str


async def make_thing(session: AsyncSession, event: CloudEvent, _lookups: Any) -> list[CloudEvent]:
    payload = MakeThing.model_validate(event.data)
    if payload.name == "explode":
        raise RuntimeError("handler bug")
    session.add(Thing(name=payload.name))
    return [
        follow_up(event, source="test", type_="thing_made", payload=ThingMade(name=payload.name))
    ]


SUBSCRIPTION = Subscription(topics=[TOPIC], handlers={"make_thing": make_thing}, output_topic=OUT)


@pytest_asyncio.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path}/test.db")
    await database.create_all(RUNTIME_METADATA, ThingsTable.metadata)
    yield database
    await database.dispose()


def event(name: str, type_: str = "make_thing") -> CloudEvent:
    return new_event(source="test", type_=type_, payload=MakeThing(name=name), dossier_id=name)


_offsets = iter(range(1_000_000))


def record(value: bytes, key: bytes | None = b"k") -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(
        topic=TOPIC,
        partition=0,
        offset=next(_offsets),
        timestamp=0,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=1,
        serialized_value_size=len(value),
        headers=(),
    )


async def count(db: Database, model: Any, *where: Any) -> int:
    async with db.read_session() as session:
        return (await session.exec(select(func.count()).select_from(model).where(*where))).one()


async def test_batch_applies_events_and_stages_their_consequences(db: Database) -> None:
    processor = BatchProcessor("test", db, SUBSCRIPTION)

    outcome = await processor.process([record(event(f"t{i}").to_bytes()) for i in range(50)])

    assert outcome.processed == 50
    assert await count(db, Thing) == 50
    assert await count(db, OutboxMessage, OutboxMessage.topic == OUT) == 50


async def test_redelivered_event_is_a_no_op(db: Database) -> None:
    processor = BatchProcessor("test", db, SUBSCRIPTION)
    raw = event("once").to_bytes()

    await processor.process([record(raw)])
    second = await processor.process([record(raw), record(raw)])

    assert second.duplicates == 2 and second.processed == 0
    assert await count(db, Thing) == 1
    assert await count(db, OutboxMessage, OutboxMessage.topic == OUT) == 1


async def test_poison_event_is_dead_lettered_without_rolling_back_its_neighbours(
    db: Database,
) -> None:
    processor = BatchProcessor("test", db, SUBSCRIPTION)
    batch = [
        record(event("before").to_bytes()),
        record(event("explode").to_bytes()),
        record(b"\x00 not json", key=b"bad"),
        record(
            new_event(source="t", type_="make_thing", payload=ThingMade(name="x"), dossier_id="d")
            .model_copy(update={"data": {"nom": 1}})
            .to_bytes()
        ),
        record(event("after").to_bytes()),
        record(event("ignored", type_="somebody_elses_event").to_bytes()),
    ]

    outcome = await processor.process(batch)

    assert outcome.processed == 2
    assert outcome.ignored == 1
    assert sorted(letter.error_kind for letter in outcome.dead_letters) == [
        "handler_error",
        "invalid_payload",
        "malformed",
    ]
    async with db.read_session() as session:
        names = set((await session.exec(select(Thing.name))).all())
    assert names == {"before", "after"}
    assert await count(db, OutboxMessage, OutboxMessage.topic == DEAD_LETTERS) == 3
    assert processor.stats.dead_lettered == 3


async def test_transient_failure_is_retried_then_succeeds(db: Database) -> None:
    calls: list[int] = []

    async def flaky(events: list[CloudEvent]) -> None:
        calls.append(len(events))
        if len(calls) < 3:
            raise TransientError("population down")

    subscription = Subscription(
        topics=[TOPIC], handlers={"make_thing": make_thing}, output_topic=OUT, prefetch=flaky
    )
    processor = BatchProcessor("test", db, subscription, max_attempts=5, backoff_s=0.01)

    outcome = await processor.process([record(event(str(uuid.uuid4())).to_bytes())])

    assert len(calls) == 3
    assert outcome.processed == 1
    assert processor.stats.transient_retries == 2


async def test_transient_failure_gives_up_into_dead_letters(db: Database) -> None:
    async def down(_events: list[CloudEvent]) -> None:
        raise TransientError("population down")

    subscription = Subscription(
        topics=[TOPIC], handlers={"make_thing": make_thing}, output_topic=OUT, prefetch=down
    )
    processor = BatchProcessor("test", db, subscription, max_attempts=2, backoff_s=0.01)

    outcome = await processor.process(
        [record(event("a").to_bytes()), record(event("b").to_bytes())]
    )

    assert [letter.error_kind for letter in outcome.dead_letters] == ["transient", "transient"]
    assert await count(db, Thing) == 0


async def test_processing_delay_holds_the_decision_in_the_outbox(db: Database) -> None:
    processor = BatchProcessor("test", db, SUBSCRIPTION, delay=parse_delay("fixed:1h"))
    before = datetime.now(UTC)

    await processor.process([record(event("slow").to_bytes())])

    async with db.read_session() as session:
        row = (await session.exec(select(OutboxMessage).where(OutboxMessage.topic == OUT))).one()
    available = row.available_at.replace(tzinfo=UTC)
    assert before + timedelta(minutes=59) < available < before + timedelta(minutes=61)
    assert CloudEvent.from_bytes(row.value).time == available
    # Not due yet: the relay publishes nothing (and never touches the producer).
    relay = Relay(db, producer=None, batch_size=10, interval_s=0.1)
    assert await relay.publish_pending() == 0
