"""Wiring of the social insurance service (BHXH Việt Nam)."""

from __future__ import annotations

from fastapi import FastAPI

from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS, INSURANCE_EVENTS, POPULATION_EVENTS
from lienthong.runtime.app import ServiceDefinition, ServiceRuntime, create_service_app
from lienthong.runtime.consumer import Subscription
from services.insurance.api import router
from services.insurance.handlers import make_handlers
from services.insurance.models import InsuranceTable
from services.insurance.seeding import seed_if_empty
from services.insurance.settings import InsuranceSettings


def create_app(settings: InsuranceSettings | None = None) -> FastAPI:
    """The insurance service app."""
    settings = settings or InsuranceSettings()

    def subscription(_runtime: ServiceRuntime) -> Subscription:
        return Subscription(
            topics=[POPULATION_EVENTS, CIVIL_REGISTRY_EVENTS],
            handlers=make_handlers(settings),
            output_topic=INSURANCE_EVENTS,
        )

    async def on_startup(runtime: ServiceRuntime) -> None:
        await seed_if_empty(
            runtime.db, citizens=settings.seed_citizens, seed=settings.seed_random_seed
        )

    return create_service_app(
        ServiceDefinition(
            name="insurance",
            title="lienthong — social insurance (BHXH)",
            description=(
                "Health insurance cards for children under 6 and funeral benefits. Consumes "
                "the population database's registrations and the civil registry's deaths."
            ),
            settings=settings,
            metadata=InsuranceTable.metadata,
            routers=[router],
            subscription=subscription,
            on_startup=on_startup,
        )
    )
