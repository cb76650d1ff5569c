"""`lienthong seed`: regenerate the synthetic world deterministically from a seed.

Writes straight into the population and insurance databases (an admin tool, like a
migration), so it refuses to run while `lienthong up` holds the data directory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from pathlib import Path

from lienthong.cli.data_dir import LOCK_FILE_NAME, database_url
from lienthong.cli.errors import AlreadyRunning
from lienthong.cli.run_lock import RunLock
from lienthong.contracts.services import INSURANCE, POPULATION
from lienthong.runtime.db import Database
from lienthong.runtime.tables import RUNTIME_METADATA
from services.insurance import seeding as insurance_seeding
from services.insurance.models import InsuranceTable
from services.population import seeding as population_seeding
from services.population.models import PopulationTable
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


async def _seed(data_dir: Path, citizens: int, seed: int) -> tuple[int, int]:
    population = Database(database_url(POPULATION, data_dir, os.environ))
    insurance = Database(database_url(INSURANCE, data_dir, os.environ))
    try:
        await population.create_all(RUNTIME_METADATA, PopulationTable.metadata)
        await insurance.create_all(RUNTIME_METADATA, InsuranceTable.metadata)
        people = await population_seeding.load_seed(population, citizens=citizens, seed=seed)
        insured = await insurance_seeding.load_seed(insurance, citizens=citizens, seed=seed)
        return people, insured
    finally:
        await population.dispose()
        await insurance.dispose()


def run_seed(args: argparse.Namespace) -> int:
    """Regenerate the population; 0 on success, 1 when `up` is running on the data dir."""
    if args.citizens < 0:
        print("--citizens must be ≥ 0")
        return 2
    lock = RunLock(args.data_dir / LOCK_FILE_NAME)
    try:
        lock.acquire()
    except AlreadyRunning as running:
        print(f"lienthong is running on {args.data_dir} (pid {running.pid}); stop it first")
        return 1
    try:
        started = time.perf_counter()
        people, insured = asyncio.run(_seed(args.data_dir, args.citizens, args.seed))
        elapsed = time.perf_counter() - started
        print(
            f"seeded {people} citizens and {insured} insured people (seed {args.seed}) "
            f"into {args.data_dir} in {elapsed:.2f}s"
        )
        return 0
    finally:
        lock.release()
