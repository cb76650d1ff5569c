"""Which store the end-to-end runs use: SQLite files (the default) or PostgreSQL.

``LIENTHONG_TEST_STORE=postgres`` runs every system the end-to-end and chaos suites start on
PostgreSQL — one database per service, the same code through ``<SERVICE>_DATABASE_URL`` —
so ``.ci/run`` proves both stores with the same tests. A data directory maps to the same
databases every time, so a test that restarts a system on its data directory finds its rows.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any, Final

from lienthong.contracts.services import AGENCIES, SERVICE_NAMES
from tests.postgres import create_database, shared_server

STORE_ENV: Final = "LIENTHONG_TEST_STORE"
SIMULATED: Final = "_mock"


def store() -> str:
    """``sqlite`` or ``postgres``; anything else is a mistake worth stopping on."""
    chosen = os.environ.get(STORE_ENV, "sqlite")
    if chosen not in ("sqlite", "postgres"):
        raise ValueError(f"{STORE_ENV}={chosen!r}: sqlite or postgres")
    return chosen


def _database(data_dir: Path, service: str) -> str:
    digest = hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()[:10]
    return f"t_{digest}_{service}"


def database_env(data_dir: Path, on: str | None = None) -> dict[str, str]:
    """The services' ``<SERVICE>_DATABASE_URL`` for a system in *data_dir* on store *on*
    (default: :func:`store`); none on SQLite, where each service keeps its file in the data
    directory."""
    if (on or store()) == "sqlite":
        return {}
    admin = shared_server()
    names = [*SERVICE_NAMES, *(agency + SIMULATED for agency in AGENCIES)]
    return {
        f"{name.upper()}_DATABASE_URL": create_database(admin, _database(data_dir, name))
        for name in names
    }


def count(data_dir: Path, service: str, sql: str, *params: Any, on: str | None = None) -> int:
    """Run a COUNT query straight on a service's real database on store *on* (default:
    :func:`store`); ``?`` marks a parameter (SQLite's style, turned into PostgreSQL's)."""
    if (on or store()) == "sqlite":
        with sqlite3.connect(data_dir / f"{service}.db") as connection:
            row = connection.execute(sql, params).fetchone()
        return int(row[0])
    import psycopg

    url = shared_server().rsplit("/", 1)[0] + "/" + _database(data_dir, service)
    with psycopg.connect(url) as connection:
        found = connection.execute(sql.replace("?", "%s"), params).fetchone()
    assert found is not None
    return int(found[0])
