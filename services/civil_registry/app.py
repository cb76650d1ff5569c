"""Wiring of the civil registry service (hộ tịch, UBND cấp xã)."""

from __future__ import annotations

from fastapi import FastAPI

from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS, GATEWAY_EVENTS
from lienthong.runtime.app import ServiceDefinition, ServiceRuntime, create_service_app
from lienthong.runtime.consumer import Subscription
from services.civil_registry.api import router
from services.civil_registry.handlers import make_handlers, make_prefetch
from services.civil_registry.models import CivilRegistryTable
from services.civil_registry.population_client import PopulationClient
from services.civil_registry.settings import CivilRegistrySettings


def create_app(settings: CivilRegistrySettings | None = None) -> FastAPI:
    """The civil registry app."""
    settings = settings or CivilRegistrySettings()
    client = PopulationClient(settings.population_url, settings.population_timeout_s)

    def subscription(_runtime: ServiceRuntime) -> Subscription:
        return Subscription(
            topics=[GATEWAY_EVENTS],
            handlers=make_handlers(settings),
            output_topic=CIVIL_REGISTRY_EVENTS,
            prefetch=make_prefetch(client),
        )

    async def on_shutdown(_runtime: ServiceRuntime) -> None:
        await client.close()

    return create_service_app(
        ServiceDefinition(
            name="civil_registry",
            title="lienthong — civil registry (hộ tịch)",
            description=(
                "Birth and death registration: the electronic birth certificate and death "
                "extract. Consumes the gateway's dossiers; checks people with the population "
                "database over HTTP."
            ),
            settings=settings,
            metadata=CivilRegistryTable.metadata,
            routers=[router],
            subscription=subscription,
            on_shutdown=on_shutdown,
        )
    )
