"""The retry loop hands back exactly the parked messages that are due, however many wait."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from typing import Any

import pytest_asyncio
from aiokafka import ConsumerRecord

from lienthong.contracts.faults import Fault, FaultKind
from lienthong.runtime.db import Database, bulk_insert
from lienthong.runtime.parked import HELD, RETRY, ParkedEvent
from lienthong.runtime.parking import RetryLoop
from lienthong.runtime.tables import RUNTIME_METADATA, utcnow


@pytest_asyncio.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """An empty database on each store (the storage contract suite: see conftest)."""
    database = Database(database_url)
    await database.create_all(RUNTIME_METADATA)
    yield database
    await database.dispose()


def parked(event_id: str, kind: str, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "consumer": "population",
        "event_id": event_id,
        "event_type": "vn.lienthong.civil_registry.birth_registered.v1",
        "topic": "t",
        "partition": 0,
        "offset": 0,
        "key": event_id,
        "value": b"{}",
        "kind": kind,
        "reason": "test",
        "attempts": 0,
        "next_attempt_at": utcnow() - timedelta(seconds=1),
        "parked_at": utcnow(),
        "flow": "birth",
        "province": None,  # every row names every column: one executemany statement for all
    }
    return {**row, **fields}


class Recorder:
    def __init__(self) -> None:
        self.handed_back: list[str] = []

    async def __call__(
        self, records: list[ConsumerRecord], rows: Mapping[str, ParkedEvent]
    ) -> None:
        self.handed_back += list(rows)


def down_in(*provinces: str, flow: str | None = None) -> Fault:
    return Fault(service="population", kind=FaultKind.DOWN, provinces=list(provinces), flow=flow)


async def test_released_held_messages_are_found_behind_thousands_still_held(db: Database) -> None:
    still = [parked(f"hn-{n}", HELD, province="01") for n in range(6_000)]
    freed = [parked(f"hcm-{n}", HELD, province="79") for n in range(3)]
    async with db.session() as session:
        await bulk_insert(session, ParkedEvent, still + freed)
    recorder = Recorder()
    loop = RetryLoop(db, "population", recorder, down=lambda: down_in("01"), paused=lambda: False)

    handed = await loop.retry_due()

    assert handed == 3
    assert sorted(recorder.handed_back) == ["hcm-0", "hcm-1", "hcm-2"]


async def test_a_flow_scoped_fault_holds_only_its_flow(db: Database) -> None:
    rows = [
        parked("birth", HELD, province="01"),
        parked("death", HELD, province="01", flow="death"),
    ]
    async with db.session() as session:
        await bulk_insert(session, ParkedEvent, rows)
    recorder = Recorder()
    loop = RetryLoop(
        db, "population", recorder, down=lambda: down_in(flow="death"), paused=lambda: False
    )

    await loop.retry_due()

    assert recorder.handed_back == ["birth"]


async def test_retries_wait_for_their_backoff_and_held_ones_for_the_fault(db: Database) -> None:
    later = utcnow() + timedelta(hours=1)
    rows = [
        parked("due", RETRY),
        parked("not-yet", RETRY, next_attempt_at=later),
        parked("held", HELD, province="01"),
    ]
    async with db.session() as session:
        await bulk_insert(session, ParkedEvent, rows)
    recorder = Recorder()
    fault: list[Fault | None] = [down_in("01")]
    loop = RetryLoop(db, "population", recorder, down=lambda: fault[0], paused=lambda: False)

    await loop.retry_due()
    fault[0] = None  # cleared
    loop._held_checked_at = 0.0
    await loop.retry_due()

    assert recorder.handed_back == ["due", "due", "held"]
