"""The SQLite writer runs on the event loop's thread, with the aiosqlite dialect's behaviour."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.exc import IntegrityError

from lienthong.runtime.applying import is_lost_race
from lienthong.runtime.db import Database

METADATA = MetaData()
THINGS = Table(
    "things",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False, unique=True),
)


async def _database(tmp_path: Path) -> Database:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    await db.create_all(METADATA)
    return db


def _thread_of(threads: list[int]) -> int:
    threads.append(threading.get_ident())
    return 1


async def _statement_threads(db: Database, which: str) -> set[int]:
    """The threads on which SQLite ran a statement of the *which* engine."""
    threads: list[int] = []
    engine = {"writer": db.writer, "quick": db.quick_reader, "reader": db.reader}[which]
    async with engine.connect() as connection:
        await connection.run_sync(
            lambda sync: sync.connection.dbapi_connection.create_function(  # type: ignore[union-attr]
                "thread_of", 0, lambda: _thread_of(threads)
            )
        )
        await connection.exec_driver_sql("SELECT thread_of()")
    return set(threads)


async def test_the_writer_and_the_quick_reader_run_on_the_loop_thread_the_reader_does_not(
    tmp_path: Path,
) -> None:
    db = await _database(tmp_path)
    loop_thread = threading.get_ident()
    try:
        assert await _statement_threads(db, "writer") == {loop_thread}
        assert await _statement_threads(db, "quick") == {loop_thread}
        assert loop_thread not in await _statement_threads(db, "reader")
    finally:
        await db.dispose()


async def test_a_rolled_back_savepoint_keeps_the_rest_of_the_transaction(tmp_path: Path) -> None:
    db = await _database(tmp_path)
    try:
        async with db.session() as session:
            connection = await session.connection()
            await connection.execute(insert(THINGS), [{"id": 1, "name": "kept"}])
            with pytest.raises(IntegrityError) as raised:
                async with session.begin_nested():
                    await connection.execute(insert(THINGS), [{"id": 2, "name": "kept"}])
            assert is_lost_race(raised.value)  # the unique violation is recognised as such
            await connection.execute(insert(THINGS), [{"id": 3, "name": "also kept"}])
        async with db.quick_read_session() as session:
            reading = await session.connection()
            rows = (await reading.execute(select(THINGS.c.id, THINGS.c.name))).all()
        assert sorted(rows) == [(1, "kept"), (3, "also kept")]
    finally:
        await db.dispose()


async def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    db = await _database(tmp_path)
    try:
        with pytest.raises(RuntimeError):
            async with db.session() as session:
                connection = await session.connection()
                await connection.execute(insert(THINGS), [{"id": 1, "name": "gone"}])
                raise RuntimeError("the batch failed")
        async with db.read_session() as session:
            reading = await session.connection()
            assert (await reading.execute(select(THINGS.c.id))).all() == []
    finally:
        await db.dispose()


async def test_a_writer_waits_for_another_connections_lock_without_stopping_the_loop(
    tmp_path: Path,
) -> None:
    """Two databases on one file in one process (two instances in a test): the second's BEGIN
    IMMEDIATE waits while the first, on the same loop, still has work to do before it commits."""
    first, second = await _database(tmp_path), await _database(tmp_path)
    holding = asyncio.Event()

    async def hold_then_commit() -> None:
        async with first.session() as session:
            connection = await session.connection()
            await connection.execute(insert(THINGS), [{"id": 1, "name": "first"}])
            holding.set()
            await asyncio.sleep(0.2)  # the loop must run this while the other writer waits

    async def write_after() -> None:
        await holding.wait()
        async with second.session() as session:
            connection = await session.connection()
            await connection.execute(insert(THINGS), [{"id": 2, "name": "second"}])

    try:
        await asyncio.wait_for(asyncio.gather(hold_then_commit(), write_after()), timeout=5)
        async with second.read_session() as session:
            reading = await session.connection()
            rows = (await reading.execute(select(THINGS.c.id).order_by(THINGS.c.id))).all()
        assert [row.id for row in rows] == [1, 2]
    finally:
        await first.dispose()
        await second.dispose()
