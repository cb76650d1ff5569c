"""Loads the synthetic population (see :mod:`lienthong.synthetic.population`) into the database."""

from __future__ import annotations

import logging
from dataclasses import asdict

from lienthong.runtime.db import Database
from lienthong.synthetic.population import generate_population
from services.population.models import Citizen, Household

log = logging.getLogger(__name__)


async def load_seed(db: Database, *, citizens: int, seed: int) -> int:
    """Replace every household and citizen by a freshly generated population; returns the count."""
    population = generate_population(citizens, seed)
    await db.replace_rows(
        clear=[Citizen, Household],
        fill=[
            (Household, [asdict(h) for h in population.households]),
            (Citizen, [asdict(c) for c in population.citizens]),
        ],
    )
    log.info("seeded %d citizens in %d households", citizens, len(population.households))
    return len(population.citizens)


async def seed_if_empty(db: Database, *, citizens: int, seed: int) -> None:
    """On first start the population database holds a synthetic population."""
    if citizens > 0 and await db.count(Citizen) == 0:
        await load_seed(db, citizens=citizens, seed=seed)
