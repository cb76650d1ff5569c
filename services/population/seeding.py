"""Loads the synthetic population (see :mod:`lienthong.synthetic.population`) into the database."""

from __future__ import annotations

import logging
from dataclasses import asdict

from lienthong.runtime.db import Database, TableRows
from lienthong.synthetic.population import generate_population
from services.population.models import Citizen, Household

log = logging.getLogger(__name__)


def _rows(citizens: int, seed: int) -> TableRows:
    """The seed's rows, table by table (built only by the instance that fills the database)."""
    population = generate_population(citizens, seed)
    log.info("seeding %d citizens in %d households", citizens, len(population.households))
    return [
        (Household, [asdict(h) for h in population.households]),
        (Citizen, [asdict(c) for c in population.citizens]),
    ]


async def load_seed(db: Database, *, citizens: int, seed: int) -> int:
    """Replace every household and citizen by a freshly generated population; returns the count."""
    rows = _rows(citizens, seed)
    await db.replace_rows(clear=[Citizen, Household], fill=rows)
    return len(rows[1][1])


async def seed_if_empty(db: Database, *, citizens: int, seed: int) -> None:
    """On first start the population database holds a synthetic population (once, whichever
    of several instances starting together gets there first)."""
    if citizens > 0:
        await db.fill_once(Citizen, lambda: _rows(citizens, seed))
