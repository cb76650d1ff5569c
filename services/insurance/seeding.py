"""Loads insurance's part of the synthetic world (see :mod:`lienthong.synthetic.insurance`)."""

from __future__ import annotations

import logging
from dataclasses import asdict

from lienthong.runtime.db import Database, TableRows
from lienthong.synthetic.insurance import generate_insurance
from lienthong.synthetic.population import generate_population
from services.insurance.models import FuneralBenefit, HealthCard, InsuredPerson

log = logging.getLogger(__name__)

_CHILD_CARD = {"beneficiary_group": "TE", "benefit_level": 1}


def _rows(citizens: int, seed: int) -> TableRows:
    """The seed's rows, table by table (built only by the instance that fills the database)."""
    world = generate_insurance(generate_population(citizens, seed), seed)
    log.info(
        "seeding %d insured people and %d child cards", len(world.facts), len(world.child_cards)
    )
    return [
        (InsuredPerson, [asdict(facts) for facts in world.facts]),
        (HealthCard, [{**asdict(card), **_CHILD_CARD} for card in world.child_cards]),
    ]


async def load_seed(db: Database, *, citizens: int, seed: int) -> int:
    """Replace insured people, cards and decisions by the seed's; returns how many insured."""
    rows = _rows(citizens, seed)
    await db.replace_rows(clear=[FuneralBenefit, HealthCard, InsuredPerson], fill=rows)
    return len(rows[0][1])


async def seed_if_empty(db: Database, *, citizens: int, seed: int) -> None:
    """On first start insurance knows the synthetic population's pensions and contributions
    (once, whichever of several instances starting together gets there first)."""
    if citizens > 0:
        await db.fill_once(InsuredPerson, lambda: _rows(citizens, seed))
