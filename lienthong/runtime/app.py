"""The FastAPI app around a :class:`~lienthong.runtime.service.Service`: routes, health, lifespan.

The app only translates: its lifespan starts and stops the service its composition root built,
and routes reach that service through :data:`RuntimeDep`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.runtime.auth_http import RequireCredentials, document_credentials
from lienthong.runtime.body_limit import BodyLimit
from lienthong.runtime.down_guard import DownGuard
from lienthong.runtime.metrics_http import HttpMetrics
from lienthong.runtime.metrics_scrape import scrape
from lienthong.runtime.service import Service


def get_runtime(request: Request) -> Service:
    """FastAPI dependency: the running service."""
    service: Service = request.app.state.runtime
    return service


RuntimeDep = Annotated[Service, Depends(get_runtime)]


async def get_read_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: a read-only session."""
    async with runtime.db.read_session() as session:
        yield session


ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session)]


def health_body(service: Service) -> dict[str, Any]:
    """What ``/health`` shows: readiness, consumer and relay counters, restarts, the clock."""
    status = "ok" if service.ready else "starting"
    if service.unhealthy is not None:
        status = "unhealthy"
    body: dict[str, Any] = {"service": service.name, "status": status}
    body["mode"] = "simulated" if service.simulated else "real"
    if service.unhealthy is not None:
        body["unhealthy"] = service.unhealthy
    body["connected"] = not service.faults.fully_down()
    body["faults"] = [fault.model_dump(mode="json") for fault in service.faults.faults()]
    if service.processor is not None:
        body["consumer"] = service.processor.stats.as_dict()
    if service.relay is not None:
        body["relay"] = {"published": service.relay.published}
    if service.loop_restarts:
        body["loop_restarts"] = service.loop_restarts
        body["last_loop_error"] = service.last_loop_error
    body["clock"] = {
        "now": service.clock.now().isoformat(),
        "speed": service.clock.speed,
        "processing_delay": service.settings.processing_delay,
        "run_seed": service.settings.run_seed,
    }
    return body


def create_service_app(service: Service) -> FastAPI:
    """Build the FastAPI app; nothing connects until the lifespan starts the service."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.runtime = service
        try:
            await service.start()
            yield
        finally:
            await service.stop()

    app = FastAPI(
        title=service.title, description=service.description, version="0.1.0", lifespan=lifespan
    )

    @app.get("/health", tags=["health"], summary="Readiness and consumer counters")
    async def health() -> JSONResponse:
        healthy = service.ready and service.unhealthy is None
        return JSONResponse(health_body(service), status_code=200 if healthy else 503)

    @app.get(
        "/metrics",
        tags=["health"],
        summary="Prometheus metrics",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
    )
    async def metrics() -> Response:
        """Requests, consumed and published events, relay latency, outbox backlog, faults and
        process resources of this service, in the Prometheus text exposition format."""
        return Response(await scrape(service), media_type=CONTENT_TYPE_LATEST)

    # Innermost, right before the routes read the body: a read past the limit fails there, as
    # an HTTPException FastAPI turns into the 413 (nothing in between wraps it).
    app.add_middleware(BodyLimit, max_bytes=service.settings.max_body_bytes)

    app.add_middleware(DownGuard, service=service.name, is_down=service.faults.fully_down)

    # Each added one wraps those before it: credentials are checked before the 503 above (a
    # caller without a key learns nothing, not even of an outage), and the metrics, added last,
    # time and count every answer, the 401s, 403s and 413s included.
    if service.settings.auth_on:
        credentials = service.settings.credentials()
        app.add_middleware(RequireCredentials, service=service.name, credentials=credentials)
        document_credentials(app, service.name)
    app.add_middleware(HttpMetrics, metrics=service.metrics)

    from lienthong.runtime import admin_faults, admin_ledger  # import RuntimeDep from here

    app.include_router(admin_faults.router)
    app.include_router(admin_ledger.router)
    for router in service.routers:
        app.include_router(router)
    return app
