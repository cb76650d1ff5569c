"""What lives in a data directory: one SQLite database per service, and the run lock; or where
the services' PostgreSQL databases are instead.

``up`` (the services' ``DATABASE_URL``, ``--fresh``) and ``seed`` (which writes the population
and insurance databases directly) must agree on these names, so they are spelled once, here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from sqlalchemy.engine import make_url

__all__ = [
    "DATABASE_SUFFIXES",
    "LOCK_FILE_NAME",
    "POSTGRES_URL_ENV",
    "database_url",
    "on_server",
    "provisioned_by_up",
    "wipe_databases",
]

LOCK_FILE_NAME: Final = "up.lock"
"""The run lock of ``up`` (see :mod:`lienthong.cli.run_lock`), beside the databases it guards."""

DATABASE_SUFFIXES: Final = (".db", ".db-wal", ".db-shm")
"""A SQLite database and its write-ahead-log companions: what ``--fresh`` deletes."""


POSTGRES_URL_ENV: Final = "LIENTHONG_POSTGRES_URL"
"""A PostgreSQL server for every service of a run (``up --postgres``): one database each."""


def database_url(service: str, data_dir: Path, env: Mapping[str, str]) -> str:
    """The service's database: ``<SERVICE>_DATABASE_URL`` from *env*, else the database named
    after it on the server of ``LIENTHONG_POSTGRES_URL``, else its SQLite file.

    The per-service override lets one service live on another database while the others keep
    theirs; an empty value counts as unset. The server URL's own database name is ignored:
    ``postgresql+asyncpg://user:password@host:5432`` gives ``…/population`` and so on (the names
    ``docker-compose.yml`` creates too).
    """
    override = env.get(f"{service.upper()}_DATABASE_URL")
    if override:
        return override
    server = env.get(POSTGRES_URL_ENV)
    if server:
        return on_server(server, service)
    return f"sqlite+aiosqlite:///{data_dir.resolve() / service}.db"


def provisioned_by_up(database: str, env: Mapping[str, str]) -> bool:
    """Whether ``up`` creates (and ``--fresh`` drops) *database* itself: it lives on the
    ``--postgres`` server and no ``<SERVICE>_DATABASE_URL`` names another one."""
    return bool(env.get(POSTGRES_URL_ENV)) and not env.get(f"{database.upper()}_DATABASE_URL")


def on_server(server: str, database: str) -> str:
    """The asyncpg URL of *database* on the PostgreSQL server of *server* (any driver given)."""
    url = make_url(server).set(drivername="postgresql+asyncpg", database=database)
    return url.render_as_string(hide_password=False)


def wipe_databases(data_dir: Path) -> list[Path]:
    """Delete the services' SQLite files (with WAL/SHM companions) under *data_dir*.

    Only database files go: anything else a user keeps there (logs, exports) survives a
    ``--fresh`` start. Returns what was deleted so the CLI can say so.
    """
    removed: list[Path] = []
    if not data_dir.is_dir():
        return removed
    for path in sorted(data_dir.iterdir()):
        if path.is_file() and path.name.endswith(DATABASE_SUFFIXES):
            path.unlink()
            removed.append(path)
    return removed
