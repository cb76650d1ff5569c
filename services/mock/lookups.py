"""The population database's lookup, simulated: what the civil registry asks while registering.

The real civil registry checks every parent and every deceased against the population database
(``POST /api/v1/citizens/lookup``). When population is simulated, the same endpoint answers from
the run's synthetic population — the people ``SEED_CITIZENS`` and ``SEED_RANDOM_SEED`` generate,
the same the real population service would hold at its first start — so the shipped examples
and the load generator's dossiers name people who exist. It records nothing it decides.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import cache

from fastapi import APIRouter

from lienthong.synthetic.population import generate_population
from services.population.models import CitizenLookup, CitizenLookupResult, CitizenPublic


@cache
def synthetic_citizens(citizens: int, seed: int) -> dict[str, CitizenPublic]:
    """Every citizen of the synthetic population, by personal ID number (generated once)."""
    population = generate_population(citizens, seed)
    return {
        person.personal_id: CitizenPublic.model_validate(asdict(person))
        for person in population.citizens
    }


def lookup_router(citizens: int, seed: int) -> APIRouter:
    """The population database's ``POST /api/v1/citizens/lookup``, on the synthetic people."""
    router = APIRouter(prefix="/api/v1", tags=["citizens"])

    @router.post(
        "/citizens/lookup",
        summary="Look up many citizens (simulated population database)",
        response_model=CitizenLookupResult,
    )
    async def lookup_citizens(body: CitizenLookup) -> CitizenLookupResult:
        """Which of the asked numbers the synthetic population holds, with their data."""
        people = synthetic_citizens(citizens, seed)
        asked = list(dict.fromkeys(body.personal_ids))
        return CitizenLookupResult(
            found=[people[pid] for pid in asked if pid in people],
            missing=[pid for pid in asked if pid not in people],
        )

    return router
