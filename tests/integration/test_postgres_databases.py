"""``up`` creates the run's PostgreSQL databases, and ``--fresh`` empties them, on a real server."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from lienthong.cli.data_dir import on_server
from lienthong.cli.errors import SupervisorError
from lienthong.cli.postgres_databases import prepare_databases
from tests.postgres import shared_server


def _rows(admin: str, database: str) -> int | None:
    """Rows of table ``kept`` in *database*; None when the table is not there."""
    url = admin.rsplit("/", 1)[0] + "/" + database
    with psycopg.connect(url, autocommit=True) as connection:
        found = connection.execute("SELECT to_regclass('kept')").fetchone()
        if found is None or found[0] is None:
            return None
        counted = connection.execute("SELECT COUNT(*) FROM kept").fetchone()
        return int(counted[0]) if counted else None


def test_missing_databases_are_created_and_fresh_ones_emptied() -> None:
    admin = shared_server()
    name = f"t_prep_{uuid.uuid4().hex[:8]}"
    said: list[str] = []
    urls = {"population": on_server(admin, name), "gateway": "sqlite+aiosqlite:////tmp/g.db"}

    prepare_databases(urls, fresh=False, say=said.append)
    with psycopg.connect(admin.rsplit("/", 1)[0] + "/" + name, autocommit=True) as connection:
        connection.execute("CREATE TABLE kept (n int)")
        connection.execute("INSERT INTO kept VALUES (1)")
    prepare_databases(urls, fresh=False, say=said.append)  # there already: kept as it is
    assert _rows(admin, name) == 1
    prepare_databases(urls, fresh=True, say=said.append)

    assert _rows(admin, name) is None
    created = f"population: created database {name} on 127.0.0.1"
    assert said == [created, f"--fresh: dropped database {name}", created]


def test_an_unreachable_server_is_one_clear_error() -> None:
    urls = {"population": "postgresql+asyncpg://nobody:x@127.0.0.1:1/population"}
    with pytest.raises(SupervisorError, match=r"cannot reach PostgreSQL at 127\.0\.0\.1:1"):
        prepare_databases(urls, fresh=False, say=print)
