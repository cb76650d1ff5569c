"""The run's PostgreSQL databases exist before its services start (``up --postgres``).

Only the databases ``up --postgres`` names itself (one per service on that server); a database
a ``<SERVICE>_DATABASE_URL`` names is the user's, and is never created nor dropped here.

A service creates its tables itself (migrations), but not its database: on SQLite the file
appears when opened, on PostgreSQL someone must ``CREATE DATABASE`` first. ``up`` does it, on the
server's maintenance database, for each PostgreSQL database of the run that is missing; with
``--fresh`` it drops them first, as it deletes the SQLite files (nothing of an earlier run is
kept). A server that cannot be reached, or a user that may not create databases, is one clear
error before anything starts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import asyncpg
from sqlalchemy.engine import URL, make_url

from lienthong.cli.errors import SupervisorError
from lienthong.cli.run_sync import run_sync

__all__ = ["prepare_databases"]

_MAINTENANCE_DATABASE = "postgres"
_CONNECT_TIMEOUT_S = 10.0


def prepare_databases(urls: Mapping[str, str], *, fresh: bool, say: Callable[[str], None]) -> None:
    """Create every missing PostgreSQL database among *urls* (service → URL); with *fresh*,
    drop and create each. SQLite URLs are left alone; :class:`SupervisorError` on failure."""
    wanted = {
        service: make_url(url)
        for service, url in urls.items()
        if make_url(url).get_backend_name() == "postgresql"
    }
    if wanted:
        run_sync(lambda: _prepare(wanted, fresh, say))  # whether or not a loop runs here


async def _prepare(wanted: Mapping[str, URL], fresh: bool, say: Callable[[str], None]) -> None:
    for service, url in wanted.items():
        name = url.database or service
        quoted = '"' + name.replace('"', '""') + '"'  # an identifier, never spliced raw
        connection = await _connect(url)
        try:
            if fresh:  # no FORCE: a database another run still uses is an error, not a loss
                await connection.execute(f"DROP DATABASE IF EXISTS {quoted}")
                say(f"--fresh: dropped database {name}")
            exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await connection.execute(f"CREATE DATABASE {quoted}")
                say(f"{service}: created database {name} on {url.host or 'localhost'}")
        except asyncpg.PostgresError as error:
            raise SupervisorError(
                f"{service}: cannot prepare database {name} on {_where(url)} as "
                f"{url.username}: {error} (create it yourself, or give the user CREATEDB)"
            ) from error
        finally:
            await connection.close()


async def _connect(url: URL) -> asyncpg.Connection:
    """A connection to the server's maintenance database, as the service's user."""
    try:
        connection: asyncpg.Connection = await asyncpg.connect(
            host=url.host,
            port=url.port,
            user=url.username,
            password=url.password,
            database=_MAINTENANCE_DATABASE,
            timeout=_CONNECT_TIMEOUT_S,
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        raise SupervisorError(f"cannot reach PostgreSQL at {_where(url)}: {error}") from error
    return connection


def _where(url: URL) -> str:
    """``host:port`` of *url*, for messages (never the password)."""
    return f"{url.host or 'localhost'}:{url.port or 5432}"
