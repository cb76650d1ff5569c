"""A write that loses a race to another instance is decided again, on PostgreSQL.

The toy agency below is raced at the worst moment: a rival commits the same key after the
batch's safe path has read (see ``lienthong.runtime.applying``). SQLite has one writer, so no
other instance can commit inside a transaction there: the test is PostgreSQL's alone.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel, col, select

from lienthong.contracts.catalogue import spec_for_payload
from lienthong.contracts.civil_registry import BirthRegistered
from lienthong.contracts.envelope import new_event
from lienthong.contracts.population import CitizenRejected
from lienthong.contracts.reasons import CITIZEN_ALREADY_REGISTERED
from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS
from lienthong.runtime.consumer import BatchProcessor
from lienthong.runtime.db import Database
from lienthong.runtime.handlers import Decisions, HandlerContext, Message, ServiceHandlers, handles
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.tables import RUNTIME_METADATA
from tests.fakes import record
from tests.helpers import birth_registered
from tests.integration.conftest import NOW, frozen_clock


class ClaimsTable(SQLModel, registry=registry()):
    """Base of the toy agency's tables: its own metadata."""


class Claim(ClaimsTable, table=True):
    """A name taken once (a toy register with a unique key)."""

    __tablename__ = "claims"
    name: str = Field(primary_key=True)


class RivalledHandlers(ServiceHandlers):
    """A toy agency registering each birth's number once; "explode" is a handler bug.

    The first time it decides about "contested", a rival instance commits that number between
    this batch's read and its write: the race a second instance wins in real life.
    """

    service = "population"

    def __init__(self, rival: Database) -> None:
        self._rival: Database | None = rival

    async def preload(self, session: Any, messages: list[Message[Any]], lookups: Any) -> Any:
        names = [message.payload.registration_number for message in messages]
        return set((await session.exec(select(Claim.name).where(col(Claim.name).in_(names)))).all())

    @handles(BirthRegistered)
    async def on_birth(
        self, session: Any, message: Message[BirthRegistered], context: HandlerContext
    ) -> Decisions:
        number, taken = message.payload.registration_number, context.batch
        if number == "explode":
            raise RuntimeError("handler bug")
        if number in taken:
            reason = CITIZEN_ALREADY_REGISTERED.reason(number)
            return [CitizenRejected(dossier_id=message.dossier_id, reason=reason)]
        if number == "contested" and self._rival is not None:
            rival, self._rival = self._rival, None
            async with rival.session() as other:
                other.add(Claim(name=number))
        session.add(Claim(name=number))
        taken.add(number)
        return []


async def test_a_write_that_loses_a_race_is_decided_again_not_dead_lettered(
    database_url: str,
) -> None:
    """The rival commits after this batch's safe path read: the event is decided afresh."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer: no other instance commits inside a transaction")
    database, rival = Database(database_url), Database(database_url)
    await database.create_all(RUNTIME_METADATA, ClaimsTable.metadata)
    processor = BatchProcessor(
        "population",
        database,
        RivalledHandlers(rival),
        clock=frozen_clock(),
        randomness=RandomSource(7),
    )
    batch = []
    for offset, number in enumerate(
        ["explode", "contested"]
    ):  # the bug sends the batch down the safe path
        payload = birth_registered(f"d-{number}", number, f"GKS-{number}")
        event = new_event(
            source="civil_registry",
            type_=spec_for_payload(BirthRegistered).type,
            payload=payload,
            dossier_id=payload.dossier_id,
            time=NOW,
        )
        batch.append(record(CIVIL_REGISTRY_EVENTS, event.to_bytes(), b"k", offset))
    try:
        outcome = await processor.process(batch)
    finally:
        await database.dispose()
        await rival.dispose()

    assert [letter.offset for letter in outcome.dead_letters] == [batch[0].offset]
    assert [event.data["reason"]["code"] for event in outcome.published] == [
        CITIZEN_ALREADY_REGISTERED.code
    ]
