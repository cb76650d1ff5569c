"""Composition root of the gateway (Cổng Dịch vụ công + dịch vụ công liên thông)."""

from __future__ import annotations

import functools

from lienthong.contracts.services import GATEWAY
from lienthong.runtime.service import Infrastructure, Parts, Service
from services.gateway.agency_health import LagWatch
from services.gateway.dashboard import routes as dashboard
from services.gateway.deadlines import DeadlinePolicy
from services.gateway.handlers import Tracker
from services.gateway.ledger import ledger
from services.gateway.metrics import gateway_metrics
from services.gateway.models import GatewayTable
from services.gateway.recount import recount_if_missing
from services.gateway.returned_sweep import sweep_returned
from services.gateway.routes import (
    agencies,
    asyncapi,
    completion,
    dossiers,
    failures,
    faults,
    health,
    latency,
    lookup,
    reasons,
    stats,
    submissions,
)
from services.gateway.settings import GatewaySettings


def bootstrap(
    settings: GatewaySettings | None = None,
    parts: Parts | None = None,
) -> Service:
    """The gateway, with any part replaced; its tracker holds the deadline policy."""
    settings = settings or GatewaySettings()
    infra = Infrastructure.from_settings(settings, parts)
    lag = LagWatch(settings.kafka_bootstrap_servers)

    async def disconnect(service: Service) -> None:
        await lag.close()

    tracker = Tracker(DeadlinePolicy.from_settings(settings))
    sweep = functools.partial(
        sweep_returned, tracker=tracker, interval_s=settings.returned_sweep_interval_ms / 1000
    )
    return Service(
        name=GATEWAY,
        title="lienthong — gateway (Cổng Dịch vụ công, liên thông)",
        description=(
            "Takes dossiers (Form 01 birth, Form 02 death), tracks every agency hop from their "
            "events with its legal deadline, and counts what synced and what is late. Agencies "
            "react to each other's events; the gateway only tracks."
        ),
        infra=infra,
        metadata=GatewayTable.metadata,
        ledger=ledger,
        on_startup=recount_if_missing,
        on_shutdown=disconnect,
        metrics_source=gateway_metrics,
        handlers=tracker,
        loops=[("returned_sweep", sweep)],
        routers=[
            lookup.router,
            submissions.router,
            dossiers.router,
            completion.router,
            reasons.router,
            stats.router,
            latency.router,
            health.health_router(lag),
            agencies.router,
            faults.router,
            failures.router,
            dashboard.router,
            asyncapi.router,
        ],
    )
