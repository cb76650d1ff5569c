"""The identifiers a simulated agency issues, kept unique as the real agency keeps them.

A register number is the next of its register (a commune's births of one year), a personal ID
number is drawn until one is free. A simulated agency keeps no records, but it must not give
two dossiers the same number: the real agency downstream would refuse the second as a duplicate
(population's ``citizen_already_registered``, insurance's ``card_already_issued``). So it keeps
its registers' last numbers and the identifiers it issued in two tables of its own, written in
the batch's transaction with the answers, like the real agencies' rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Iterator
from typing import Protocol

from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.runtime.randomness import first_free


class MockTable(SQLModel, registry=registry()):
    """Base of a simulated agency's own tables (apart from the agency's read side)."""


class RegisterCounter(MockTable, table=True):
    """The last number given in one register (số thứ tự trong sổ)."""

    __tablename__ = "mock_register_counters"

    register_key: str = Field(primary_key=True)
    last_number: int = 0


class IssuedIdentifier(MockTable, table=True):
    """An identifier the simulated agency issued (a personal ID number, a BHXH number)."""

    __tablename__ = "mock_issued_identifiers"

    kind: str = Field(primary_key=True)
    value: str = Field(primary_key=True)


class Allocator(Protocol):
    """Where an answer gets its register numbers and unique identifiers."""

    async def next_number(self, register: str) -> int:
        """The next number of *register* (1 for the first)."""

    async def unused(self, kind: str, draws: Iterator[str]) -> str:
        """The first of *draws* no one holds yet, now held."""


TakenElsewhere = Callable[[AsyncSession, str, str], Awaitable[bool]]
"""Whether an identifier of a kind is held outside the simulated agency's own tables (the
seeded citizens of the population database)."""


class StoredAllocator:
    """An :class:`Allocator` on the simulated agency's database, in the batch's session."""

    def __init__(self, session: AsyncSession, taken_elsewhere: TakenElsewhere | None) -> None:
        self._session = session
        self._taken_elsewhere = taken_elsewhere

    async def next_number(self, register: str) -> int:
        """Read, add one, write back: the batch's transaction is the only writer of its rows."""
        counter = await self._session.get(RegisterCounter, register)
        counter = counter or RegisterCounter(register_key=register)
        counter.last_number += 1
        self._session.add(counter)
        await self._session.flush()
        return counter.last_number

    async def unused(self, kind: str, draws: Iterator[str]) -> str:
        """The first free draw (the same sequence of draws gives the same one on a rerun)."""

        async def taken(value: str) -> bool:
            if await self._session.get(IssuedIdentifier, (kind, value)) is not None:
                return True
            elsewhere = self._taken_elsewhere
            return elsewhere is not None and await elsewhere(self._session, kind, value)

        first = next(draws)  # first_free checks the first draw against a known set only
        known = {first} if await taken(first) else set()
        value = await first_free(itertools.chain([first], draws), known, taken, what=kind)
        self._session.add(IssuedIdentifier(kind=kind, value=value))
        await self._session.flush()
        return value
