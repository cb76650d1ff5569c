"""The relay applies a service's message faults: duplicate, delay, reorder, poison."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from pydantic import ValidationError
from sqlmodel import col, func, select

from lienthong.contracts.catalogue import CATALOGUE, spec_for_type
from lienthong.contracts.civil_registry import BIRTH_REGISTERED
from lienthong.contracts.envelope import CloudEvent, new_event
from lienthong.contracts.faults import POISON_KINDS, FaultSetting, checked_fault
from lienthong.contracts.kafka_binding import CONTENT_TYPE_HEADER, STRUCTURED_CONTENT_TYPE
from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS, DEAD_LETTERS
from lienthong.runtime.db import Database
from lienthong.runtime.faults import FaultBoard
from lienthong.runtime.message_faults import DELAYED_HEADER, poison_message, row_scope
from lienthong.runtime.outbox import Relay, stage_events
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.tables import RUNTIME_METADATA, OutboxMessage
from tests.fakes import RecordingProducer
from tests.helpers import ManualClock, birth_registered

NOW = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)
SERVICE = "civil_registry"
STRUCTURED = (CONTENT_TYPE_HEADER, STRUCTURED_CONTENT_TYPE.encode())
"""The header of a CloudEvents structured-mode message: every message the relay sends has it."""


class Setup:
    """A database with an outbox, a fault board and a relay over a recording producer."""

    def __init__(self, db: Database, seed: int = 7, batch_size: int = 100) -> None:
        self.db = db
        self.clock = ManualClock(NOW)
        self.board = FaultBoard(SERVICE, RandomSource(seed), self.clock)
        self.producer = RecordingProducer()
        self.relay = Relay(
            db,
            self.producer,
            batch_size=batch_size,
            interval_s=0.01,
            clock=self.clock,
            faults=self.board,
        )

    async def fault(self, kind: str, **setting: Any) -> None:
        fault = checked_fault(SERVICE, kind, FaultSetting.model_validate(setting))
        await self.board.put(self.db, fault)

    async def stage(self, *events: CloudEvent, topic: str = CIVIL_REGISTRY_EVENTS) -> None:
        async with self.db.session() as session:
            await stage_events(session, topic, events)

    def sent(self, topic: str = CIVIL_REGISTRY_EVENTS) -> list[bytes]:
        return [value for _, value in self.producer.sent[topic]]

    async def unpublished(self) -> int:
        async with self.db.read_session() as session:
            query = select(func.count()).select_from(OutboxMessage)
            return int(
                (await session.exec(query.where(col(OutboxMessage.published_at).is_(None)))).one()
            )


def registered(n: int, dossier: str | None = None, province: str = "01") -> CloudEvent:
    """A birth_registered event; ``dossier`` shared makes several events of one key."""
    dossier_id = dossier or f"dossier-{n:03d}"
    payload = birth_registered(dossier_id).model_copy(
        update={"registration_province_code": province}
    )
    return new_event(
        source=SERVICE,
        type_=BIRTH_REGISTERED,
        payload=payload,
        dossier_id=dossier_id,
        time=NOW,
        index=n,
    )


def ids(values: list[bytes]) -> list[str]:
    return [CloudEvent.from_bytes(value).id for value in values]


@pytest_asyncio.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path}/outbox.db")
    await database.create_all(RUNTIME_METADATA)
    yield database
    await database.dispose()


async def test_without_faults_rows_go_once_in_order(db: Database) -> None:
    setup = Setup(db)
    events = [registered(n) for n in range(12)]
    await setup.stage(*events)

    assert await setup.relay.publish_pending() == 12

    assert ids(setup.sent()) == [event.id for event in events]
    assert await setup.unpublished() == 0


async def test_duplicate_sends_a_hit_row_twice(db: Database) -> None:
    setup = Setup(db)
    await setup.fault("duplicate")
    events = [registered(n) for n in range(3)]
    await setup.stage(*events)

    assert await setup.relay.publish_pending() == 3

    assert ids(setup.sent()) == [e.id for e in events for _ in range(2)]
    assert setup.producer.headers[CIVIL_REGISTRY_EVENTS] == [[STRUCTURED]] * 6
    assert await setup.unpublished() == 0


async def test_a_duplicate_rate_hits_the_same_rows_in_every_run(tmp_path: Path) -> None:
    async def duplicated(name: str) -> list[str]:
        database = Database(f"sqlite+aiosqlite:///{tmp_path}/{name}.db")
        await database.create_all(RUNTIME_METADATA)
        setup = Setup(database)
        await setup.fault("duplicate", rate=0.5)
        await setup.stage(*[registered(n) for n in range(20)])
        await setup.relay.publish_pending()
        await database.dispose()
        return ids(setup.sent())

    first, again = await duplicated("first"), await duplicated("again")

    assert first == again
    assert 20 < len(first) < 40


@pytest.mark.parametrize("kind", POISON_KINDS)
async def test_poison_sends_a_bad_message_before_each_real_one(db: Database, kind: str) -> None:
    setup = Setup(db)
    await setup.fault("poison", poison=kind)
    events = [registered(0, "dossier-a"), registered(1, "dossier-a"), registered(2, "dossier-b")]
    await setup.stage(*events)

    assert await setup.relay.publish_pending() == 3

    sent = setup.producer.sent[CIVIL_REGISTRY_EVENTS]
    assert len(sent) == 6
    for n, event in enumerate(events):
        (bad_key, bad), (key, real) = sent[2 * n], sent[2 * n + 1]
        assert CloudEvent.from_bytes(real) == event  # the real one still goes, after
        assert bad_key == key == event.subject.encode()
        assert_poison(kind, bad, event)
    assert len({value for _, value in sent}) == 6  # every poison is its own message
    # A poison is declared like every message (structured mode): only its bytes are bad.
    assert setup.producer.headers[CIVIL_REGISTRY_EVENTS] == [[STRUCTURED]] * 6


def assert_poison(kind: str, value: bytes, event: CloudEvent) -> None:
    """``value`` is the bad message ``kind`` describes."""
    if kind == "not_json":
        with pytest.raises(ValueError):
            json.loads(value)
    elif kind == "not_cloudevent":
        assert isinstance(json.loads(value), dict)
        with pytest.raises(ValidationError):
            CloudEvent.from_bytes(value)
    else:
        parsed = CloudEvent.from_bytes(value)
        assert (parsed.type, parsed.subject) == (event.type, event.subject)
        assert parsed.id != event.id
        spec = spec_for_type(parsed.type)
        assert spec is not None
        with pytest.raises(ValidationError):
            spec.payload.model_validate(parsed.data)


async def test_poison_bytes_derive_from_the_event_id(db: Database) -> None:
    """The consumer's dead letter ids depend on these bytes: the same in every run."""
    setup = Setup(db)
    await setup.stage(registered(0))
    async with db.read_session() as session:
        row = (await session.exec(select(OutboxMessage))).one()
    for kind in POISON_KINDS:
        assert poison_message(row, kind, SERVICE) == poison_message(row, kind, SERVICE)


async def test_poison_without_a_kind_draws_each_kind(db: Database) -> None:
    setup = Setup(db)
    await setup.fault("poison")
    await setup.stage(*[registered(n) for n in range(15)])

    await setup.relay.publish_pending()

    bad = setup.sent()[0::2]
    kinds = {poison_kind(value) for value in bad}
    assert kinds == set(POISON_KINDS)


def poison_kind(value: bytes) -> str:
    try:
        data = json.loads(value)
    except ValueError:
        return "not_json"
    return "schema_invalid" if "specversion" in data else "not_cloudevent"


@pytest.mark.parametrize(
    "spec", [spec for spec in CATALOGUE if spec.topic != DEAD_LETTERS], ids=lambda s: s.type
)
def test_a_schema_invalid_poison_fails_every_payload_model(spec: Any) -> None:
    row = OutboxMessage(
        id=1,
        topic=spec.topic,
        key="dossier-x",
        event_id="e-1",
        event_type=spec.type,
        value=b"{}",
        available_at=NOW,
    )
    event = CloudEvent.from_bytes(poison_message(row, "schema_invalid", spec.producer).value)

    assert event.type == spec.type
    with pytest.raises(ValidationError):
        spec.payload.model_validate(event.data)


async def test_dead_letters_are_never_poisoned_nor_duplicated(db: Database) -> None:
    setup = Setup(db)
    await setup.fault("poison")
    await setup.fault("duplicate")
    letter = registered(0)
    await setup.stage(letter, topic=DEAD_LETTERS)

    await setup.relay.publish_pending()

    assert ids(setup.sent(DEAD_LETTERS)) == [letter.id]


async def test_reorder_shuffles_only_within_windows_and_the_same_seed_agrees(
    tmp_path: Path,
) -> None:
    events = [registered(n, "one-dossier") for n in range(9)]

    async def order(name: str, seed: int) -> list[str]:
        database = Database(f"sqlite+aiosqlite:///{tmp_path}/{name}.db")
        await database.create_all(RUNTIME_METADATA)
        setup = Setup(database, seed=seed)
        await setup.fault("reorder", window=3)
        await setup.stage(*events)
        assert await setup.relay.publish_pending() == 9
        await database.dispose()
        return ids(setup.sent())

    first, again, other = await order("a", 7), await order("b", 7), await order("c", 8)

    original = [event.id for event in events]
    assert first == again
    assert first != original
    assert other != first
    for start in (0, 3, 6):
        assert set(first[start : start + 3]) == set(original[start : start + 3])


async def test_reorder_leaves_rows_out_of_scope_in_place(db: Database) -> None:
    setup = Setup(db)
    await setup.fault("reorder", window=2, provinces=["79"])
    events = [registered(n, province="79" if n % 2 else "01") for n in range(8)]
    await setup.stage(*events)

    await setup.relay.publish_pending()

    sent = ids(setup.sent())
    assert sent[0::2] == [event.id for event in events[0::2]]  # province 01: untouched
    assert sorted(sent[1::2]) == sorted(event.id for event in events[1::2])


async def test_delay_holds_a_row_until_the_clock_passes_and_never_blocks_the_rest(
    db: Database,
) -> None:
    setup = Setup(db, batch_size=2)
    await setup.fault("delay", latency="fixed:1h", provinces=["79"])
    held = registered(0, province="79")
    others = [registered(n) for n in range(1, 5)]
    await setup.stage(held, *others)

    assert await setup.relay.publish_pending() == 1  # the held row did not count, nor block
    assert await setup.relay.publish_pending() == 2
    assert await setup.relay.publish_pending() == 1
    assert await setup.relay.publish_pending() == 0
    assert ids(setup.sent()) == [event.id for event in others]

    setup.clock.advance(timedelta(minutes=59))
    assert await setup.relay.publish_pending() == 0
    setup.clock.advance(timedelta(minutes=2))
    assert await setup.relay.publish_pending() == 1  # held once, never again

    assert ids(setup.sent())[-1] == held.id
    assert setup.producer.headers[CIVIL_REGISTRY_EVENTS][-1] == [
        STRUCTURED,
        (DELAYED_HEADER, b"3600"),
    ]
    assert await setup.unpublished() == 0


async def test_a_restarted_relay_does_not_hold_a_row_twice(db: Database) -> None:
    setup = Setup(db)
    await setup.fault("delay", latency="fixed:10m")
    event = registered(0)
    await setup.stage(event)
    assert await setup.relay.publish_pending() == 0

    setup.clock.advance(timedelta(minutes=11))
    restarted = Relay(
        db, setup.producer, batch_size=10, interval_s=0.01, clock=setup.clock, faults=setup.board
    )

    assert await restarted.publish_pending() == 1


def test_the_scope_of_a_row_names_its_flow_and_province() -> None:
    event = registered(0, province="79")
    row = OutboxMessage(
        topic=CIVIL_REGISTRY_EVENTS,
        key=event.subject,
        event_id=event.id,
        event_type=event.type,
        value=event.to_bytes(),
        available_at=NOW,
    )

    assert row_scope(row, with_province=True).flow == "birth"
    assert row_scope(row, with_province=True).province == "79"
    assert row_scope(row, with_province=False).province is None
