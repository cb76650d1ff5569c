"""What lives in a data directory: one SQLite database per service, and the run lock.

``up`` (the services' ``DATABASE_URL``, ``--fresh``) and ``seed`` (which writes the population
and insurance databases directly) must agree on these names, so they are spelled once, here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

__all__ = ["DATABASE_SUFFIXES", "LOCK_FILE_NAME", "database_url", "wipe_databases"]

LOCK_FILE_NAME: Final = "up.lock"
"""The run lock of ``up`` (see :mod:`lienthong.cli.run_lock`), beside the databases it guards."""

DATABASE_SUFFIXES: Final = (".db", ".db-wal", ".db-shm")
"""A SQLite database and its write-ahead-log companions: what ``--fresh`` deletes."""


def database_url(service: str, data_dir: Path, env: Mapping[str, str]) -> str:
    """The service's database: ``<SERVICE>_DATABASE_URL`` from *env*, else its SQLite file.

    The override lets one service live on another database (e.g. PostgreSQL) while the others
    keep their files in *data_dir*; an empty override counts as unset.
    """
    override = env.get(f"{service.upper()}_DATABASE_URL")
    return override or f"sqlite+aiosqlite:///{data_dir.resolve() / service}.db"


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
