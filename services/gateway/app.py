"""Wiring of the gateway (Cổng Dịch vụ công quốc gia + dịch vụ công liên thông)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from lienthong.contracts.topics import (
    CIVIL_REGISTRY_EVENTS,
    DEAD_LETTERS,
    GATEWAY_EVENTS,
    INSURANCE_EVENTS,
    POPULATION_EVENTS,
)
from lienthong.runtime.app import ServiceDefinition, ServiceRuntime, create_service_app
from lienthong.runtime.consumer import Subscription
from services.gateway.api import form_validation_error, router
from services.gateway.deadlines import DeadlinePolicy
from services.gateway.handlers import Tracker
from services.gateway.models import GatewayTable
from services.gateway.settings import GatewaySettings


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """The gateway app."""
    settings = settings or GatewaySettings()
    policy = DeadlinePolicy.from_settings(settings)

    def subscription(_runtime: ServiceRuntime) -> Subscription:
        return Subscription(
            topics=[CIVIL_REGISTRY_EVENTS, POPULATION_EVENTS, INSURANCE_EVENTS, DEAD_LETTERS],
            handlers=Tracker(policy).handlers(),
            output_topic=GATEWAY_EVENTS,
        )

    app = create_service_app(
        ServiceDefinition(
            name="gateway",
            title="lienthong — gateway (Cổng Dịch vụ công, liên thông)",
            description=(
                "Takes dossiers (Form 01 birth, Form 02 death), tracks every agency hop from "
                "their events with its legal deadline, and counts what synced and what is late. "
                "Agencies react to each other's events; the gateway only tracks."
            ),
            settings=settings,
            metadata=GatewayTable.metadata,
            routers=[router],
            subscription=subscription,
        )
    )
    app.state.deadlines = policy
    app.add_exception_handler(RequestValidationError, form_validation_error)
    return app
