"""Composition root of the civil registry (hộ tịch, UBND cấp xã): what it is made of."""

from __future__ import annotations

from lienthong.contracts.services import CIVIL_REGISTRY
from lienthong.runtime.service import Infrastructure, Parts, Service
from services.civil_registry.api import router
from services.civil_registry.handlers import CivilRegistryHandlers
from services.civil_registry.ledger import ledger
from services.civil_registry.models import CivilRegistryTable
from services.civil_registry.population_client import PopulationClient, PopulationLookup
from services.civil_registry.settings import CivilRegistrySettings


def bootstrap(
    settings: CivilRegistrySettings | None = None,
    parts: Parts | None = None,
    *,
    population: PopulationLookup | None = None,
) -> Service:
    """The civil registry, with any part replaced (a test passes a stub ``population``)."""
    settings = settings or CivilRegistrySettings()
    infra = Infrastructure.from_settings(settings, parts)
    lookup = population or PopulationClient(
        settings.population_url, settings.population_timeout_s, headers=settings.own_headers()
    )

    async def close_client(_service: Service) -> None:
        await lookup.close()

    return Service(
        name=CIVIL_REGISTRY,
        title="lienthong — civil registry (hộ tịch)",
        description=(
            "Birth and death registration: the electronic birth certificate and death extract. "
            "Consumes the gateway's dossiers; checks people with the population database over "
            "HTTP."
        ),
        infra=infra,
        metadata=CivilRegistryTable.metadata,
        ledger=ledger,
        handlers=CivilRegistryHandlers(
            lookup,
            settings.death_registration_days,
            birth_registration_days=settings.birth_registration_days,
            paternity_days_after_death=settings.paternity_days_after_death,
        ),
        routers=[router],
        on_shutdown=close_client,
    )
