"""SQLite on the event loop's own thread: aiosqlite's API, without its thread.

aiosqlite runs every call (execute, fetchall, commit, even cursor creation) on a worker thread
and wakes the event loop to hand back the result: two thread switches and a self-pipe write per
call, several calls per statement. The step-0 profile of issue 13 (``docs/performance.md``)
puts that hand-off at about a sixth of every service's busy time, more than SQLite's own work.

A service's write transactions are short (a batch of indexed statements, no fsync at commit
in WAL with ``synchronous=NORMAL``), so the writer engine runs them here, inline: the awaitables
below complete without suspending. SQLAlchemy's aiosqlite dialect is used unchanged (its
``async_creator`` hook hands it this connection), so the SQL, the savepoints and the error
classes are those of the aiosqlite path.

What this gives up: while a statement runs, the event loop waits for it. That is why the reader
engine keeps aiosqlite — a long query (statistics over a large table) must not stall intake —
and why this is only for SQLite files that one process writes (several instances of an agency
need PostgreSQL anyway, ``lienthong/cli/instances.py``). Should another connection hold the
write lock all the same (a test's second instance, a tool), a statement waits for it on the
loop (:func:`_when_not_busy`), not in SQLite's busy handler.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from functools import partial
from types import TracebackType
from typing import Any, Final, Literal, cast

from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import URL

__all__ = ["InlineConnection", "inline_creator"]


BUSY_PATIENCE_S: Final = 10.0
"""How long a statement waits for another connection's write lock before failing, as
``busy_timeout`` does on the threaded connections."""

_BUSY_POLL_S: Final = (0.001, 0.002, 0.005, 0.01, 0.02)
"""The waits between tries, then the last one again: SQLite's own busy handler's steps."""


async def _when_not_busy(statement: Callable[[], object]) -> None:
    """Run *statement*; while another connection holds the write lock, wait on the loop.

    These connections have ``busy_timeout=0``: SQLite's own busy handler would sleep on the
    event loop's thread, and the connection holding the lock may be waiting on that loop to
    commit (two instances of a service in one test process): a deadlock until the timeout.
    Waiting here lets the loop run meanwhile.
    """
    waited, tries = 0.0, 0
    while True:
        try:
            statement()
            return
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY:
                raise
            if waited >= BUSY_PATIENCE_S:
                raise
        pause = _BUSY_POLL_S[min(tries, len(_BUSY_POLL_S) - 1)]
        await asyncio.sleep(pause)
        waited, tries = waited + pause, tries + 1


class InlineCursor:
    """An aiosqlite-shaped cursor whose coroutines run the sqlite3 call at once."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        await _when_not_busy(partial(self._cursor.execute, sql, parameters or ()))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        await _when_not_busy(partial(self._cursor.executemany, sql, parameters))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany() if size is None else self._cursor.fetchmany(size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def nextset(self) -> None:
        return None

    async def setinputsizes(self, *_sizes: Any) -> None:
        return None

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _CursorOpener:
    """What ``connection.cursor()`` returns in aiosqlite: awaitable and an async context."""

    __slots__ = ("_connection",)

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    async def __aenter__(self) -> InlineCursor:
        return InlineCursor(self._connection.cursor())

    async def __aexit__(
        self, _type: type[BaseException] | None, _value: object, _tb: TracebackType | None
    ) -> None:
        return None


class _Immediate:
    """Stands in for aiosqlite's request queue: runs a request at once and resolves it.

    SQLAlchemy's adapter sets ``isolation_level`` by queueing a function and its future on
    ``connection._tx``; here the function runs on the spot.
    """

    __slots__ = ()

    @staticmethod
    def put_nowait(request: tuple[Any, Callable[[], Any]]) -> None:
        future, function = request
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class InlineConnection:
    """An aiosqlite-shaped connection over a plain ``sqlite3.Connection``."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = connection
        self._tx = _Immediate()

    @property
    def _connection(self) -> sqlite3.Connection | None:
        """Open or not: SQLAlchemy's adapter checks it before a commit or rollback."""
        return self._conn

    def _open(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("Connection closed")
        return self._conn

    def cursor(self) -> _CursorOpener:
        return _CursorOpener(self._open())

    async def commit(self) -> None:
        self._open().commit()

    async def rollback(self) -> None:
        self._open().rollback()

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stop(self) -> None:
        """Force-close (SQLAlchemy's terminate); nothing runs elsewhere to stop."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._open().create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._open().isolation_level

    @isolation_level.setter
    def isolation_level(self, value: Literal["DEFERRED", "EXCLUSIVE", "IMMEDIATE"] | None) -> None:
        self._open().isolation_level = value


def inline_creator(url: URL) -> Callable[[], Awaitable[InlineConnection]]:
    """An ``async_creator`` for ``create_async_engine``: the connect arguments SQLAlchemy's
    SQLite dialect derives from *url* (path, URI mode, timeout), opened inline."""
    args, kwargs = SQLiteDialect_aiosqlite().create_connect_args(url)
    open_file = cast(Callable[[], sqlite3.Connection], partial(sqlite3.connect, *args, **kwargs))

    async def connect() -> InlineConnection:
        return InlineConnection(open_file())

    return connect
