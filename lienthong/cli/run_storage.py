"""The databases of one run: which one each service uses, and getting them ready before start.

Split from the supervisor so its start sequence reads as steps: the storage step wipes the
SQLite files on ``--fresh``, lets the fleet claim the data dir, and creates (or recreates) the
PostgreSQL databases ``up`` provisions itself, never a database the user named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from lienthong.cli.children import ServiceSpec
from lienthong.cli.data_dir import database_url, provisioned_by_up, wipe_databases
from lienthong.cli.fleet import Fleet
from lienthong.cli.postgres_databases import prepare_databases


def service_database_urls(
    specs: Iterable[ServiceSpec],
    fleet: Fleet,
    data_dir: Path,
    env: Mapping[str, str],
    *,
    provisioned_only: bool = False,
) -> dict[str, str]:
    """Each started service's database URL (its instances share it); *provisioned_only*: only
    those ``up`` creates itself on the ``--postgres`` server (an override is the user's own
    database, never created nor dropped here)."""
    urls: dict[str, str] = {}
    for spec in specs:
        database = fleet.database(spec.service)
        if not provisioned_only or provisioned_by_up(database, env):
            urls[spec.service] = database_url(database, data_dir, env)
    return urls


def prepare_run_storage(
    data_dir: Path,
    fleet: Fleet,
    provisioned: Mapping[str, str],
    *,
    fresh: bool,
    say: Callable[[str], None],
) -> None:
    """Wipe on *fresh* (the lock is already held, so a running sandbox is never wiped), let the
    fleet claim the data dir, then create the *provisioned* databases."""
    if fresh:
        for path in wipe_databases(data_dir):
            say(f"--fresh: deleted {path.name}")
    fleet.claim(data_dir)
    prepare_databases(provisioned, fresh=fresh, say=say)
