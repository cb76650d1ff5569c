"""A real PostgreSQL server for the tests: the one ``LIENTHONG_TEST_POSTGRES`` names, or one of
their own, started from the machine's PostgreSQL binaries in a temporary directory.

The storage contract suite and the end-to-end runs on PostgreSQL need a server, not a stand-in.
``.ci/run`` installs Debian's ``postgresql`` package; on a developer's machine any PostgreSQL
13+ whose ``initdb`` and ``pg_ctl`` can be found will do. Each test database is created fresh
(``fresh_database``), so runs never see each other's rows.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REQUIRED_ENV = "LIENTHONG_REQUIRE_POSTGRES"
"""Set by ``.ci/run``: a missing PostgreSQL fails the tests instead of skipping them."""

URL_ENV = "LIENTHONG_TEST_POSTGRES"
"""An admin URL of an existing server (``postgresql://user:pass@host:port/postgres``)."""


def _binaries() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl`` (Debian keeps them off the PATH)."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    return versions[0] if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_owner(argv: list[str], owner: str | None) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the ``postgres`` user then."""
    return ["runuser", "-u", owner, "--", *argv] if owner else argv


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """An admin URL (``postgresql://…/postgres``) of a running server, stopped on exit.

    Its files live in a directory of its own under the system's temporary directory, which the
    ``postgres`` user can reach when the tests run as root (a pytest ``tmp_path`` is private).
    """
    given = os.environ.get(URL_ENV)
    if given:
        yield given
        return
    binaries = _binaries()
    if binaries is None:
        why = "no PostgreSQL binaries (install Debian's postgresql package)"
        if os.environ.get(REQUIRED_ENV):  # CI installed them: their absence is a failure
            pytest.fail(why)
        pytest.skip(why)
    owner = "postgres" if os.geteuid() == 0 else None
    workdir = Path(tempfile.mkdtemp(prefix="lienthong-pg-"))
    data = workdir / "pgdata"
    data.mkdir()
    if owner:
        shutil.chown(workdir, owner)
        shutil.chown(data, owner)
    port = _free_port()
    initdb = [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "lienthong"]
    subprocess.run(_as_owner(initdb, owner), check=True, capture_output=True)
    options = (
        f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
    )
    subprocess.run(
        _as_owner(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-l",
                str(workdir / "log"),
                "start",
            ],
            owner,
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://lienthong@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_owner(
                [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], owner
            ),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(workdir, ignore_errors=True)


def create_database(admin_url: str, name: str) -> str:
    """Create database *name* unless it exists; its SQLAlchemy async URL (asyncpg driver)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists is None:
            connection.execute(f'CREATE DATABASE "{name}"')
    return async_url(admin_url, name)


def async_url(admin_url: str, database: str) -> str:
    """The SQLAlchemy async URL of *database* on the server of *admin_url*."""
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{database}"


def fresh_database(admin_url: str) -> str:
    """A new, empty database; its SQLAlchemy async URL."""
    return create_database(admin_url, f"t_{uuid.uuid4().hex[:12]}")


_server: contextlib.ExitStack | None = None
_admin_url: str | None = None


def shared_server() -> str:
    """The admin URL of one server for the whole test process, started on first use and
    stopped when the process exits."""
    global _server, _admin_url
    if _admin_url is None:
        _server = contextlib.ExitStack()
        _admin_url = _server.enter_context(postgres_server())
        atexit.register(_server.close)
    return _admin_url
