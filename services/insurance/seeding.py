"""Loads insurance's part of the synthetic world (see :mod:`lienthong.synthetic.insurance`)."""

from __future__ import annotations

import logging
from dataclasses import asdict

from lienthong.runtime.db import Database
from lienthong.synthetic.insurance import generate_insurance
from lienthong.synthetic.population import generate_population
from services.insurance.models import FuneralBenefit, HealthCard, InsuredPerson

log = logging.getLogger(__name__)

_CHILD_CARD = {"beneficiary_group": "TE", "benefit_level": 1}


async def load_seed(db: Database, *, citizens: int, seed: int) -> int:
    """Replace insured people, cards and decisions by the seed's; returns how many insured."""
    world = generate_insurance(generate_population(citizens, seed), seed)
    await db.replace_rows(
        clear=[FuneralBenefit, HealthCard, InsuredPerson],
        fill=[
            (InsuredPerson, [asdict(facts) for facts in world.facts]),
            (HealthCard, [{**asdict(card), **_CHILD_CARD} for card in world.child_cards]),
        ],
    )
    log.info(
        "seeded %d insured people and %d child cards", len(world.facts), len(world.child_cards)
    )
    return len(world.facts)


async def seed_if_empty(db: Database, *, citizens: int, seed: int) -> None:
    """On first start insurance knows the synthetic population's pensions and contributions."""
    if citizens > 0 and await db.count(InsuredPerson) == 0:
        await load_seed(db, citizens=citizens, seed=seed)
