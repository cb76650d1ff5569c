"""The async database layer: one writer and a pool of readers over SQLModel.

SQLite (WAL) by default, PostgreSQL through ``DATABASE_URL``. On SQLite the writer engine has a
single connection and opens ``BEGIN IMMEDIATE`` transactions: writes inside one process queue on
the pool instead of failing with "database is locked", and a transaction never has to upgrade a
read lock (which SQLite refuses without waiting). Savepoints need the driver's own transaction
handling switched off, as SQLAlchemy's pysqlite notes explain.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, and_, case, delete, event, func, insert, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.migrations.schema import SchemaChange, grow_in_place, migrate
from lienthong.runtime.advisory import hold_advisory_lock
from lienthong.runtime.sqlite_inline import inline_creator


def _prepare_sqlite(engine: AsyncEngine, *, begin: str, busy_timeout_ms: int = 10_000) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN (savepoints work)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


async def bulk_insert(session: AsyncSession, table: type[Any], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` in one executemany inside the session's transaction (no ORM objects)."""
    if rows:
        connection = await session.connection()
        await connection.execute(insert(table), rows)


async def upsert(
    session: AsyncSession,
    table: type[Any],
    rows: list[dict[str, Any]],
    *,
    add: Sequence[str] = (),
    latest: dict[str, Sequence[str]] | None = None,
) -> None:
    """Insert ``rows`` or, where the primary key exists, merge them, in one executemany.

    ``add``: columns summed with what is stored (counters). ``latest``: a column kept at its
    largest non-null value, with the columns that go with it (a time and its reason). Counters
    move this way in the transaction of the change they count, and two writers never lose an
    increment (the database does the addition, not the caller).
    """
    if not rows:
        return
    connection = await session.connection()
    target = table.__table__
    build = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = build(target)
    new = statement.excluded
    changes: dict[str, Any] = {name: target.c[name] + new[name] for name in add}
    for name, companions in (latest or {}).items():
        newer = and_(
            new[name].is_not(None), or_(target.c[name].is_(None), new[name] > target.c[name])
        )
        for column in (name, *companions):
            changes[column] = case((newer, new[column]), else_=target.c[column])
    keys = [column.name for column in target.primary_key.columns]
    await connection.execute(
        statement.on_conflict_do_update(index_elements=keys, set_=changes), rows
    )


_MIGRATION_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _migration_lock() -> asyncio.Lock:
    """One upgrade at a time in this process (per event loop).

    Alembic keeps its migration context in a module-level proxy, so two upgrades interleaved on
    one event loop (several databases started at once in one process) would run in each other's
    context. Separate processes are serialised by the database itself (an advisory lock on
    PostgreSQL, the single writer on SQLite).
    """
    loop = asyncio.get_running_loop()
    lock = _MIGRATION_LOCKS.get(loop)
    if lock is None:
        lock = _MIGRATION_LOCKS[loop] = asyncio.Lock()
    return lock


TableRows = list[tuple[type[Any], list[dict[str, Any]]]]
"""Rows to insert, table by table, in order (a parent's before its children's)."""


class Database:
    """A service's own database: ``session()`` for writes, ``read_session()`` for queries."""

    def __init__(self, url: str) -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.writer = create_async_engine(
                url,
                pool_size=1,
                max_overflow=0,
                pool_timeout=60,
                async_creator=inline_creator(parsed),
            )
            self.reader = create_async_engine(url, pool_size=4, max_overflow=4)
            self.quick_reader = create_async_engine(
                url, pool_size=2, max_overflow=2, async_creator=inline_creator(parsed)
            )
            # The inline engines wait for a lock on the loop, not in SQLite (sqlite_inline.py).
            _prepare_sqlite(self.writer, begin="BEGIN IMMEDIATE", busy_timeout_ms=0)
            _prepare_sqlite(self.reader, begin="BEGIN")
            _prepare_sqlite(self.quick_reader, begin="BEGIN", busy_timeout_ms=0)
        else:
            self.writer = create_async_engine(url, pool_size=10, max_overflow=10)
            self.reader = self.quick_reader = self.writer

    async def migrate(self, history: str, *metadatas: MetaData) -> SchemaChange:
        """Bring the schema to the head of *history*'s Alembic migrations, in one transaction.

        *metadatas* are the models that history describes (the runtime's and the service's):
        a database made before migrations existed is grown to them and stamped. Safe with
        several instances starting at once (see :mod:`lienthong.migrations.schema`).
        """
        async with _migration_lock(), self.writer.connect() as connection:
            return await connection.run_sync(migrate, history, metadatas)

    async def create_all(self, *metadatas: MetaData) -> None:
        """Create missing tables, add missing nullable columns and indexes (tables only grow).

        For tables no migration history covers (a simulated agency's own, a test's); a
        service's schema comes from :meth:`migrate`.
        """
        async with self.writer.begin() as connection:
            for metadata in metadatas:
                await connection.run_sync(grow_in_place, metadata)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A write transaction: commits on success, rolls back on error."""
        async with AsyncSession(self.writer, expire_on_commit=False) as session, session.begin():
            yield session

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """A read-only session (never commits)."""
        async with AsyncSession(self.reader, expire_on_commit=False) as session:
            yield session

    @asynccontextmanager
    async def quick_read_session(self) -> AsyncIterator[AsyncSession]:
        """A read-only session for the hot path's short, indexed reads (the inbox check, the
        relay's next rows, the retries due).

        On SQLite they run inline on the event loop (``sqlite_inline.py``), like the writer's
        statements, instead of crossing to a thread and back for every call: a read like
        these takes less time than the crossing. Anything that may scan (statistics, pages,
        reports) stays on :meth:`read_session`, whose thread keeps the loop free meanwhile.
        """
        async with AsyncSession(self.quick_reader, expire_on_commit=False) as session:
            yield session

    async def count(self, model: type[Any]) -> int:
        """How many rows a table holds."""
        async with self.read_session() as session:
            result = await session.exec(select(func.count()).select_from(model))
            return int(result.one())

    async def replace_rows(
        self,
        clear: Sequence[type[Any]],
        fill: Sequence[tuple[type[Any], list[dict[str, Any]]]],
        chunk: int = 2_000,
    ) -> None:
        """Empty ``clear`` then bulk-insert ``fill`` in one transaction (seed data).

        Executemany in chunks (SQLAlchemy's insertmanyvalues): ~10,000 rows a second here.
        """
        async with self.session() as session:
            connection = await session.connection()
            for model in clear:
                await connection.execute(delete(model))
            for model, rows in fill:
                for start in range(0, len(rows), chunk):
                    await connection.execute(insert(model), rows[start : start + chunk])

    async def fill_once(
        self,
        probe: type[Any],
        fill: Callable[[], TableRows],
        chunk: int = 2_000,
    ) -> bool:
        """Insert what *fill* builds if *probe*'s table is empty, in one transaction; whether
        it did.

        Several instances of a service start at once on one PostgreSQL database: they take
        turns on an advisory lock, so only the first fills (the others find rows and skip,
        without even building them). On SQLite the write transaction is the turn.
        """
        async with self.session() as session:
            connection = await session.connection()
            await connection.run_sync(hold_advisory_lock, f"lienthong.fill:{probe.__tablename__}")
            if (await connection.execute(select(func.count()).select_from(probe))).scalar_one():
                return False
            for model, rows in fill():
                for start in range(0, len(rows), chunk):
                    await connection.execute(insert(model), rows[start : start + chunk])
        return True

    async def dispose(self) -> None:
        """Close every connection."""
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()
            await self.quick_reader.dispose()
