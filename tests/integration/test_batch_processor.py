"""The batch consumer's guarantees, against a real SQLite database (no broker needed here)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest_asyncio
from sqlalchemy import func
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.catalogue import spec_for_payload
from lienthong.contracts.civil_registry import BirthRegistered
from lienthong.contracts.envelope import CloudEvent, new_event
from lienthong.contracts.population import CitizenRejected
from lienthong.contracts.reasons import CITIZEN_ALREADY_REGISTERED
from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS, DEAD_LETTERS, POPULATION_EVENTS
from lienthong.runtime.consumer import BatchOutcome, BatchProcessor
from lienthong.runtime.db import Database
from lienthong.runtime.dead_letters import dead_letter_event
from lienthong.runtime.delays import parse_delay
from lienthong.runtime.handlers import Decisions, HandlerContext, Message, ServiceHandlers, handles
from lienthong.runtime.outbox import Relay
from lienthong.runtime.parked import ParkedEvent
from lienthong.runtime.parking import as_record
from lienthong.runtime.policy import RetryPolicy, TransientError
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.tables import RUNTIME_METADATA, OutboxMessage
from tests.fakes import RecordingProducer, record
from tests.helpers import birth_registered
from tests.integration.conftest import NOW, frozen_clock

ROOT = Path(__file__).resolve().parents[2]


class ThingsTable(SQLModel, registry=registry()):
    """Base of this test's tables: its own metadata."""


class Thing(ThingsTable, table=True):
    __tablename__ = "things"
    name: str = Field(primary_key=True)


class ThingHandlers(ServiceHandlers):
    """A toy population: records each registration number; "explode" is a handler bug."""

    service = "population"

    def __init__(self) -> None:
        self.prefetches = 0
        self.failures_left = 0

    async def prefetch(self, messages: list[Message[Any]]) -> None:
        self.prefetches += 1
        if self.failures_left:
            self.failures_left -= 1
            raise TransientError("dependency down")

    @handles(BirthRegistered)
    async def on_birth(
        self, session: AsyncSession, message: Message[BirthRegistered], context: HandlerContext
    ) -> Decisions:
        number = message.payload.registration_number
        if number == "explode":
            raise RuntimeError("handler bug")
        session.add(Thing(name=number))
        reason = CITIZEN_ALREADY_REGISTERED.reason(number)
        return [CitizenRejected(dossier_id=message.dossier_id, reason=reason)]


@pytest_asyncio.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """An empty database on each store (the storage contract suite: see conftest)."""
    database = Database(database_url)
    await database.create_all(RUNTIME_METADATA, ThingsTable.metadata)
    yield database
    await database.dispose()


def processor(db: Database, handlers: ServiceHandlers | None = None, **kw: Any) -> BatchProcessor:
    return BatchProcessor(
        "population",
        db,
        handlers or ThingHandlers(),
        clock=frozen_clock(),
        randomness=RandomSource(1),
        **kw,
    )


def registered(number: str) -> CloudEvent:
    payload = birth_registered(f"d-{number}", number, f"GKS-{number}")
    spec = spec_for_payload(BirthRegistered)
    return new_event(
        source="civil_registry",
        type_=spec.type,
        payload=payload,
        dossier_id=f"d-{number}",
        time=NOW,
    )


_offsets = iter(range(1_000_000))


def rec(raw: bytes, key: bytes | None = b"k") -> Any:
    return record(CIVIL_REGISTRY_EVENTS, raw, key, next(_offsets))


async def count(db: Database, model: Any, *where: Any) -> int:
    async with db.read_session() as session:
        return (await session.exec(select(func.count()).select_from(model).where(*where))).one()


async def test_batch_applies_events_and_stages_their_consequences(db: Database) -> None:
    outcome = await processor(db).process([rec(registered(f"t{i}").to_bytes()) for i in range(50)])

    assert outcome.processed == 50
    assert await count(db, Thing) == 50
    assert await count(db, OutboxMessage, OutboxMessage.topic == POPULATION_EVENTS) == 50


async def test_redelivered_event_is_a_no_op(db: Database) -> None:
    consumer = processor(db)
    raw = registered("once").to_bytes()

    await consumer.process([rec(raw)])
    second = await consumer.process([rec(raw), rec(raw)])

    assert second.duplicates == 2 and second.processed == 0
    assert await count(db, Thing) == 1
    assert await count(db, OutboxMessage, OutboxMessage.topic == POPULATION_EVENTS) == 1


async def test_the_decided_event_id_is_derived_from_its_cause(db: Database, tmp_path: Path) -> None:
    """The same cause processed anywhere yields the same event; another cause, another id."""

    def here_payloads(outcome: Any) -> list[Any]:
        return [CitizenRejected.model_validate(e.data) for e in outcome.published]

    other = Database(f"sqlite+aiosqlite:///{tmp_path}/other.db")
    await other.create_all(RUNTIME_METADATA, ThingsTable.metadata)
    cause = registered("same")
    try:
        here = await processor(db).process([rec(cause.to_bytes())])
        there = await processor(other).process([rec(cause.to_bytes())])
    finally:
        await other.dispose()
    assert here.published[0].causationid == cause.id
    assert here.published[0].id == there.published[0].id
    other_cause = registered("different")
    cause_of_other = Message(other_cause, birth_registered("d-different", "different", "GKS-x"))
    stamped = processor(db)._stamp.decided(cause_of_other, here_payloads(here), NOW)
    assert stamped[0].id != here.published[0].id


async def test_poison_event_is_dead_lettered_without_rolling_back_its_neighbours(
    db: Database,
) -> None:
    consumer = processor(db)
    invalid = registered("x").model_copy(update={"data": {"nom": 1}})
    unknown = registered("y").model_copy(update={"type": "vn.lienthong.nobody.nothing.v1"})
    not_ours = registered("z").model_copy(update={"type": spec_for_payload(CitizenRejected).type})
    batch = [
        rec(registered("before").to_bytes()),
        rec(registered("explode").to_bytes()),
        rec(b"\x00 not json", key=b"bad"),
        rec(invalid.to_bytes()),
        rec(unknown.to_bytes()),
        rec(registered("after").to_bytes()),
        rec(not_ours.to_bytes()),
    ]

    outcome = await consumer.process(batch)

    assert outcome.processed == 2
    assert outcome.ignored == 1
    assert sorted(letter.error_kind for letter in outcome.dead_letters) == [
        "handler_error",
        "invalid_payload",
        "malformed",
        "unknown_type",
    ]
    async with db.read_session() as session:
        names = set((await session.exec(select(Thing.name))).all())
    assert names == {"before", "after"}
    assert await count(db, OutboxMessage, OutboxMessage.topic == DEAD_LETTERS) == 4
    assert consumer.stats.dead_lettered == 4


def quick_retries(max_attempts: int, in_place: int = 1) -> RetryPolicy:
    """Retries a test can wait for: milliseconds of backoff."""
    return RetryPolicy(
        max_attempts=max_attempts, base=timedelta(milliseconds=1), in_place_attempts=in_place
    )


async def retry_parked(db: Database, consumer: BatchProcessor) -> BatchOutcome:
    """What the retry loop does once its backoff elapsed: hand the parked rows back."""
    async with db.read_session() as session:
        rows = list((await session.exec(select(ParkedEvent))).all())
    return await consumer.process([as_record(row) for row in rows], {r.event_id: r for r in rows})


async def test_a_lookup_failure_is_retried_in_place_then_succeeds(db: Database) -> None:
    handlers = ThingHandlers()
    handlers.failures_left = 2
    consumer = processor(db, handlers, retry=quick_retries(5, in_place=3))

    outcome = await consumer.process([rec(registered("flaky").to_bytes())])

    assert handlers.prefetches == 3
    assert outcome.processed == 1
    assert consumer.stats.transient_retries == 2


async def test_a_failed_message_is_parked_not_lost_and_retried_later(db: Database) -> None:
    handlers = ThingHandlers()
    handlers.failures_left = 1
    consumer = processor(db, handlers, retry=quick_retries(3))

    first = await consumer.process([rec(registered("later").to_bytes())])
    parked = await count(db, ParkedEvent)
    second = await retry_parked(db, consumer)

    assert (first.processed, len(first.parked), first.dead_letters, parked) == (0, 1, [], 1)
    assert second.processed == 1
    assert await count(db, ParkedEvent) == 0
    assert await count(db, Thing) == 1


async def test_a_failing_neighbour_does_not_take_the_batch_down(db: Database) -> None:
    """The batch's lookup fails; alone, only "bad" fails: the others are applied at once."""

    class OneBad(ThingHandlers):
        async def prefetch(self, messages: list[Message[Any]]) -> None:
            self.prefetches += 1
            if any(m.payload.registration_number == "bad" for m in messages):
                raise TransientError("bad lookup")

    consumer = processor(db, OneBad(), retry=quick_retries(3))
    names = ["a", "bad", "c", "d"]
    outcome = await consumer.process([rec(registered(name).to_bytes()) for name in names])

    assert outcome.processed == 3
    assert [p.event_id for p in outcome.parked] == [registered("bad").id]
    assert outcome.dead_letters == []


async def test_transient_failure_gives_up_into_dead_letters(db: Database) -> None:
    handlers = ThingHandlers()
    handlers.failures_left = 99
    consumer = processor(db, handlers, retry=quick_retries(2))

    first = await consumer.process(
        [rec(registered("a").to_bytes()), rec(registered("b").to_bytes())]
    )
    last = await retry_parked(db, consumer)

    assert (len(first.parked), first.dead_letters) == (2, [])
    assert [letter.error_kind for letter in last.dead_letters] == ["transient", "transient"]
    assert [letter.attempts for letter in last.dead_letters] == [2, 2]
    assert await count(db, Thing) == 0
    assert await count(db, ParkedEvent) == 0


async def test_processing_delay_holds_the_decision_in_the_outbox(db: Database) -> None:
    consumer = processor(db, delay=parse_delay("fixed:1h"))

    await consumer.process([rec(registered("slow").to_bytes())])

    async with db.read_session() as session:
        query = select(OutboxMessage).where(OutboxMessage.topic == POPULATION_EVENTS)
        row = (await session.exec(query)).one()
    available = row.available_at.replace(tzinfo=UTC)
    assert abs(available - (NOW + timedelta(hours=1))) < timedelta(seconds=1)
    assert CloudEvent.from_bytes(row.value).time == available
    # Not due yet on the frozen clock: the relay publishes nothing.
    relay = Relay(db, RecordingProducer(), batch_size=10, interval_s=0.1, clock=frozen_clock())
    assert await relay.publish_pending() == 0


async def test_a_repeat_is_not_dead_lettered_while_a_dependency_is_down(db: Database) -> None:
    """An event already applied is recognised before the lookup that would fail."""
    handlers = ThingHandlers()
    consumer = processor(db, handlers, retry=quick_retries(2))
    raw = registered("applied").to_bytes()
    await consumer.process([rec(raw)])
    handlers.failures_left = 99

    again = await consumer.process([rec(raw)])

    assert (again.duplicates, again.dead_letters) == (1, [])
    assert handlers.prefetches == 1  # nothing new to look up


async def test_a_failure_is_one_dead_letter_wherever_the_message_sat(db: Database) -> None:
    """Offsets restart on a fresh broker and a replay moves messages: the id names the failure."""
    explode = registered("explode").to_bytes()
    first = await processor(db).process([rec(explode)])
    moved = await processor(db).process([rec(explode)])  # same event, another offset
    another = registered("explode").model_copy(update={"id": "another-event"})
    other = await processor(db).process([rec(another.to_bytes())])

    ids = [dead_letter_event(outcome.dead_letters[0], NOW).id for outcome in (first, moved, other)]
    assert first.dead_letters[0].offset != moved.dead_letters[0].offset
    assert ids[0] == ids[1]
    assert ids[2] != ids[0]
