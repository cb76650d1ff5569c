"""Loads the synthetic population (see :mod:`lienthong.synthetic.population`) into the database."""

from __future__ import annotations

import logging
from dataclasses import asdict

from sqlalchemy import delete, func, insert
from sqlmodel import select

from lienthong.runtime.db import Database
from lienthong.synthetic.population import generate_population
from services.population.models import Citizen, Household

log = logging.getLogger(__name__)

_CHUNK = 2_000


async def count_citizens(db: Database) -> int:
    """How many citizens the database holds."""
    async with db.read_session() as session:
        return (await session.exec(select(func.count()).select_from(Citizen))).one()


async def load_seed(db: Database, *, citizens: int, seed: int) -> int:
    """Replace every household and citizen by a freshly generated population; returns the count.

    Executemany in chunks (SQLAlchemy's insertmanyvalues): 10,000 citizens in about a second.
    """
    population = generate_population(citizens, seed)
    async with db.session() as session:
        await session.exec(delete(Citizen))
        await session.exec(delete(Household))
        households = [asdict(h) for h in population.households]
        rows = [asdict(c) for c in population.citizens]
        for start in range(0, len(households), _CHUNK):
            await session.execute(insert(Household), households[start : start + _CHUNK])
        for start in range(0, len(rows), _CHUNK):
            await session.execute(insert(Citizen), rows[start : start + _CHUNK])
    log.info("seeded %d citizens in %d households", len(rows), len(households))
    return len(rows)


async def seed_if_empty(db: Database, *, citizens: int, seed: int) -> None:
    """On first start the population database holds a synthetic population."""
    if await count_citizens(db) == 0 and citizens > 0:
        await load_seed(db, citizens=citizens, seed=seed)
