"""Loads insurance's part of the synthetic world (see :mod:`lienthong.synthetic.insurance`)."""

from __future__ import annotations

import logging
from dataclasses import asdict

from sqlalchemy import delete, func, insert
from sqlmodel import select

from lienthong.runtime.db import Database
from lienthong.synthetic.insurance import generate_insurance
from lienthong.synthetic.population import generate_population
from services.insurance.models import FuneralBenefit, HealthCard, InsuredPerson

log = logging.getLogger(__name__)

_CHUNK = 2_000


async def load_seed(db: Database, *, citizens: int, seed: int) -> int:
    """Replace insured people, cards and decisions by the seed's; returns how many insured."""
    world = generate_insurance(generate_population(citizens, seed), seed)
    facts = [asdict(f) for f in world.facts]
    child_card = {"beneficiary_group": "TE", "benefit_level": 1}
    cards = [{**asdict(card), **child_card} for card in world.child_cards]
    async with db.session() as session:
        for model in (FuneralBenefit, HealthCard, InsuredPerson):
            await session.exec(delete(model))
        for start in range(0, len(facts), _CHUNK):
            await session.execute(insert(InsuredPerson), facts[start : start + _CHUNK])
        for start in range(0, len(cards), _CHUNK):
            await session.execute(insert(HealthCard), cards[start : start + _CHUNK])
    log.info("seeded %d insured people and %d child cards", len(facts), len(cards))
    return len(facts)


async def seed_if_empty(db: Database, *, citizens: int, seed: int) -> None:
    """On first start insurance knows the synthetic population's pensions and contributions."""
    async with db.read_session() as session:
        known = (await session.exec(select(func.count()).select_from(InsuredPerson))).one()
    if known == 0 and citizens > 0:
        await load_seed(db, citizens=citizens, seed=seed)
