"""``lienthong up --postgres URL``: every service of the run on one PostgreSQL server.

Without it each service keeps a SQLite file in the data directory. With it each one gets a
database named after it on that server (``population``, ``insurance``…, as
``docker-compose.yml`` creates them), created by ``up`` when missing; ``<SERVICE>_DATABASE_URL``
still moves one service elsewhere. Several instances of an agency need it (or that variable).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from lienthong.cli.data_dir import POSTGRES_URL_ENV

__all__ = ["add_store_arguments", "postgres_summary", "store_environment"]


def _server_url(text: str) -> str:
    """A PostgreSQL URL (any driver, any database: only the server and user are used)."""
    try:
        url = make_url(text)
    except ArgumentError:
        url = None
    if url is None or url.get_backend_name() != "postgresql" or not url.host:
        # The text may hold a password: the message names its problem, never repeats it.
        raise argparse.ArgumentTypeError(
            "not a PostgreSQL server URL: postgresql://USER:PASSWORD@HOST:5432 expected"
        )
    return text


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``--postgres`` on *parser*."""
    parser.add_argument(
        "--postgres",
        type=_server_url,
        default=os.environ.get(POSTGRES_URL_ENV) or None,
        metavar="URL",
        help="keep every service's data on this PostgreSQL server, a database each named after "
        "the service (created when missing; --fresh drops them), instead of SQLite files in "
        f"the data dir, e.g. postgresql://lienthong:secret@127.0.0.1:5432 (env {POSTGRES_URL_ENV})",
    )


def store_environment(args: argparse.Namespace) -> dict[str, str]:
    """What the services read to find the server ``--postgres`` named (nothing without it)."""
    server: str | None = getattr(args, "postgres", None)
    return {POSTGRES_URL_ENV: server} if server else {}


def postgres_summary(urls: Mapping[str, str]) -> str | None:
    """``127.0.0.1:5432 (population, insurance)`` for the services' databases on PostgreSQL,
    for the ready banner (no password); None when every service is on SQLite."""
    servers: dict[str, list[str]] = {}
    for url in map(make_url, urls.values()):
        if url.get_backend_name() == "postgresql":
            where = f"{url.host or 'localhost'}:{url.port or 5432}"
            servers.setdefault(where, []).append(url.database or "")
    if not servers:
        return None
    return "; ".join(f"{where} ({', '.join(names)})" for where, names in servers.items())
