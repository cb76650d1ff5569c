"""Wiring of the gateway (Cổng Dịch vụ công quốc gia + dịch vụ công liên thông)."""

from __future__ import annotations

from fastapi import FastAPI

from lienthong.contracts.topics import (
    CIVIL_REGISTRY_EVENTS,
    DEAD_LETTERS,
    GATEWAY_EVENTS,
    INSURANCE_EVENTS,
    POPULATION_EVENTS,
)
from lienthong.runtime.app import ServiceDefinition, ServiceRuntime, create_service_app
from lienthong.runtime.consumer import Subscription
from services.gateway.api import router
from services.gateway.handlers import HANDLERS
from services.gateway.models import GatewayTable
from services.gateway.settings import GatewaySettings


def _subscription(_runtime: ServiceRuntime) -> Subscription:
    return Subscription(
        topics=[CIVIL_REGISTRY_EVENTS, POPULATION_EVENTS, INSURANCE_EVENTS, DEAD_LETTERS],
        handlers=HANDLERS,
        output_topic=GATEWAY_EVENTS,
    )


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """The gateway app."""
    settings = settings or GatewaySettings()
    return create_service_app(
        ServiceDefinition(
            name="gateway",
            title="lienthong — gateway (Cổng Dịch vụ công, liên thông)",
            description=(
                "Takes dossiers (Form 01 birth), tracks every agency hop from their events, and "
                "counts what synced. Agencies react to each other's events; the gateway only "
                "tracks."
            ),
            settings=settings,
            metadata=GatewayTable.metadata,
            routers=[router],
            subscription=_subscription,
        )
    )
