"""`lienthong seed`: regenerate the synthetic population deterministically from a seed.

Writes straight into the population service's database (an admin tool, like a migration), so
it refuses to run while `lienthong up` holds the data directory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from pathlib import Path

from lienthong.cli.supervisor import AlreadyRunning, RunLock
from lienthong.runtime.db import Database
from lienthong.runtime.tables import RUNTIME_METADATA
from services.population.models import PopulationTable
from services.population.seeding import load_seed
from services.population.settings import PopulationSettings


def add_seed_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `lienthong seed`."""
    defaults = PopulationSettings()
    parser.add_argument(
        "--citizens",
        type=int,
        default=defaults.seed_citizens,
        help=f"how many citizens to generate (default {defaults.seed_citizens})",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=defaults.seed_random_seed,
        help="random seed; the same seed gives the same people "
        f"(default {defaults.seed_random_seed})",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("LIENTHONG_DATA_DIR", ".lienthong")),
        help="data directory of `lienthong up` (default ./.lienthong)",
    )


async def _seed(database_url: str, citizens: int, seed: int) -> int:
    db = Database(database_url)
    try:
        await db.create_all(RUNTIME_METADATA, PopulationTable.metadata)
        return await load_seed(db, citizens=citizens, seed=seed)
    finally:
        await db.dispose()


def run_seed(args: argparse.Namespace) -> int:
    """Regenerate the population; 0 on success, 1 when `up` is running on the data dir."""
    if args.citizens < 0:
        print("--citizens must be ≥ 0")
        return 2
    lock = RunLock(args.data_dir / "up.lock")
    try:
        lock.acquire()
    except AlreadyRunning as running:
        print(f"lienthong is running on {args.data_dir} (pid {running.pid}); stop it first")
        return 1
    try:
        url = os.environ.get(
            "POPULATION_DATABASE_URL",
            f"sqlite+aiosqlite:///{args.data_dir.resolve()}/population.db",
        )
        started = time.perf_counter()
        count = asyncio.run(_seed(url, args.citizens, args.seed))
        elapsed = time.perf_counter() - started
        print(f"seeded {count} citizens (seed {args.seed}) into {url} in {elapsed:.2f}s")
        return 0
    finally:
        lock.release()
