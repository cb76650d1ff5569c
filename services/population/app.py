"""Wiring of the population database service (CSDL quốc gia về dân cư)."""

from __future__ import annotations

from fastapi import FastAPI

from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS, POPULATION_EVENTS
from lienthong.runtime.app import ServiceDefinition, ServiceRuntime, create_service_app
from lienthong.runtime.consumer import Subscription
from services.population.api import router
from services.population.handlers import HANDLERS
from services.population.models import PopulationTable
from services.population.seeding import seed_if_empty
from services.population.settings import PopulationSettings


def _subscription(_runtime: ServiceRuntime) -> Subscription:
    return Subscription(
        topics=[CIVIL_REGISTRY_EVENTS], handlers=HANDLERS, output_topic=POPULATION_EVENTS
    )


def create_app(settings: PopulationSettings | None = None) -> FastAPI:
    """The population service app."""
    settings = settings or PopulationSettings()

    async def on_startup(runtime: ServiceRuntime) -> None:
        await seed_if_empty(
            runtime.db, citizens=settings.seed_citizens, seed=settings.seed_random_seed
        )

    return create_service_app(
        ServiceDefinition(
            name="population",
            title="lienthong — population database (CSDL quốc gia về dân cư)",
            description=(
                "Citizens, personal ID numbers and permanent residence. Consumes the civil "
                "registry's births; publishes citizen registrations."
            ),
            settings=settings,
            metadata=PopulationTable.metadata,
            routers=[router],
            subscription=_subscription,
            on_startup=on_startup,
        )
    )
