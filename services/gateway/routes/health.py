"""``/api/v1/health/agencies``: every service's health as the portal sees it."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import col

from lienthong.runtime.app import ReadSessionDep, RuntimeDep, health_body
from services.gateway.agency_health import LagWatch, service_health
from services.gateway.counter_models import AgencyActivity
from services.gateway.failure_models import UNRESOLVED, Failure
from services.gateway.routes.faults import peer_client
from services.gateway.stats_models import AgenciesHealth, AgencyHealth
from services.gateway.times import utc_or_none


def health_router(watch: LagWatch) -> APIRouter:
    """The route, reading lag from ``watch`` (the gateway's one sampler)."""
    router = APIRouter(prefix="/api/v1/health", tags=["health"])

    @router.get("/agencies", response_model=AgenciesHealth, summary="Agency health")
    async def agencies_health(session: ReadSessionDep, runtime: RuntimeDep) -> AgenciesHealth:
        """Per service (the gateway's own consumer included): whether it answers, its consumer
        lag per topic, when it last synced a step and when a message to it was last
        dead-lettered (and why), the faults switched on at it, and its failures — open
        (unresolved) and dead letters received in all."""
        urls = runtime.settings.peer_urls()
        peers = {name: url for name, url in urls.items() if name != runtime.name}
        async with peer_client(runtime.settings) as client:
            answers = await asyncio.gather(*(service_health(client, u) for u in peers.values()))
        bodies: dict[str, dict[str, Any] | None] = dict(zip(peers, answers, strict=True))
        bodies[runtime.name] = health_body(runtime)
        connection = await session.connection()
        activity = {
            row[0]: row[1:]
            for row in (
                await connection.execute(
                    sa_select(
                        col(AgencyActivity.agency),
                        col(AgencyActivity.last_success_at),
                        col(AgencyActivity.last_failure_at),
                        col(AgencyActivity.last_failure_reason),
                    )
                )
            ).all()
        }
        letters = {
            agency: (int(unresolved or 0), int(received or 0))
            for agency, unresolved, received in (
                await connection.execute(
                    sa_select(
                        col(Failure.agency),
                        func.sum(case((col(Failure.status).in_(UNRESOLVED), 1), else_=0)),
                        func.sum(Failure.occurrences),
                    ).group_by(col(Failure.agency))
                )
            ).all()
        }
        lag = watch.current()
        agencies: dict[str, AgencyHealth] = {}
        for name in urls:
            body = bodies.get(name)
            success, failure, reason = activity.get(name, (None, None, None))
            unresolved, received = letters.get(name, (0, 0))
            topics = (lag or {}).get(name)
            agencies[name] = AgencyHealth(
                status=str(body.get("status", "unknown")) if body else "unreachable",
                mode=str(body["mode"]) if body and "mode" in body else None,
                lag=topics or {},
                lag_total=sum(topics.values()) if topics is not None else None,
                last_success_at=utc_or_none(success),
                last_failure_at=utc_or_none(failure),
                last_failure_reason=reason,
                faults=list(body.get("faults") or []) if body else [],
                dead_letters={"open": unresolved, "total": received},
            )
        return AgenciesHealth(generated_at=runtime.clock.now(), agencies=agencies)

    return router
