"""Composition root of the population database (CSDL quốc gia về dân cư): what it is made of."""

from __future__ import annotations

from lienthong.contracts.services import POPULATION
from lienthong.runtime.service import Infrastructure, Parts, Service, seeding
from services.population import api, newborns_api
from services.population.handlers import PopulationHandlers
from services.population.ledger import ledger
from services.population.models import PopulationTable
from services.population.seeding import seed_if_empty
from services.population.settings import PopulationSettings


def bootstrap(
    settings: PopulationSettings | None = None,
    parts: Parts | None = None,
) -> Service:
    """The population service, with any part replaced; it seeds its synthetic world at start."""
    settings = settings or PopulationSettings()
    infra = Infrastructure.from_settings(settings, parts)
    return Service(
        name=POPULATION,
        title="lienthong — population database (CSDL quốc gia về dân cư)",
        description=(
            "Citizens, personal ID numbers and permanent residence. Consumes the civil "
            "registry's births and deaths; publishes citizen registrations and deaths recorded."
        ),
        infra=infra,
        metadata=PopulationTable.metadata,
        ledger=ledger,
        handlers=PopulationHandlers(infra.randomness),
        routers=[api.router, newborns_api.router],
        on_startup=seeding(seed_if_empty, settings),
    )
